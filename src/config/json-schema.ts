/**
 * The JSON Schema of experiment files, for editor autocompletion and validation as you type
 * (`# yaml-language-server: $schema=./tacit.schema.json`). World, policy, scheme and detector
 * params are spelled out per registered id, so editors complete `env.params` for the chosen world.
 */
import { z } from 'zod';
import { worlds } from '../../envs/index.js';
import { policies } from '../../policies/index.js';
import { detectors } from '../detectors/index.js';
import { rewardSchemes } from '../rewards/index.js';
import { experimentSchema } from './schema.js';

type Json = Record<string, unknown>;

function toJson(schema: z.ZodType): Json {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
  delete json.$schema;
  return json;
}

/** The full JSON Schema document. */
export function experimentJsonSchema(): Json {
  const root = toJson(experimentSchema());
  const props = root.properties as Record<string, Json>;
  props.env = {
    description: 'The world',
    anyOf: worlds.values().map((w) => ({
      type: 'object',
      description: w.summary,
      properties: { id: { const: w.id, description: w.summary }, params: toJson(w.paramsSchema) },
      required: ['id'],
      additionalProperties: false,
    })),
  };
  const agentProps = ((props.agents as Json).items as Json).properties as Record<string, Json>;
  agentProps.policy = {
    description: 'The policy controlling the agent(s)',
    anyOf: policies.values().map((p) => ({
      type: 'object',
      description: p.summary,
      properties: { type: { const: p.id, description: p.summary }, params: toJson(p.paramsSchema) },
      required: ['type'],
      additionalProperties: false,
    })),
  };
  agentProps.reward = {
    description: 'The reward scheme for the agent(s)',
    anyOf: rewardSchemes.values().map((s) => ({
      type: 'object',
      description: s.summary,
      properties: { scheme: { const: s.id, description: s.summary }, params: toJson(s.paramsSchema) },
      required: ['scheme'],
      additionalProperties: false,
    })),
  };
  props.detectors = {
    type: 'object',
    description: 'Detectors to run, by name, with their params',
    properties: Object.fromEntries(detectors.values().map((d) => [d.id, { description: d.summary, ...toJson(d.paramsSchema) }])),
    additionalProperties: false,
  };
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', title: 'tacit experiment', ...root };
}
