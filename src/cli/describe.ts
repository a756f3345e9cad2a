/**
 * Text for `tacit envs` and `tacit policies`: each registered id with its one-line summary and its
 * params (type, default, description) read from the zod schema's JSON Schema form.
 */
import { z } from 'zod';
import { describeSpace } from '../core/spaces.js';
import type { WorldSpec } from '../core/world.js';
import type { PolicySpec } from '../core/policy.js';

interface JsonSchemaProp {
  type?: string | string[];
  default?: unknown;
  description?: string;
  enum?: unknown[];
  anyOf?: JsonSchemaProp[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
}

function typeOf(p: JsonSchemaProp): string {
  if (p.enum) return p.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (p.anyOf) return p.anyOf.map(typeOf).join(' | ');
  const t = Array.isArray(p.type) ? p.type.join(' | ') : (p.type ?? 'any');
  const range: string[] = [];
  if (p.exclusiveMinimum !== undefined) range.push(`> ${p.exclusiveMinimum}`);
  if (p.minimum !== undefined) range.push(`>= ${p.minimum}`);
  if (p.maximum !== undefined && p.maximum < Number.MAX_SAFE_INTEGER) range.push(`<= ${p.maximum}`);
  return range.length ? `${t} (${range.join(', ')})` : t;
}

/** Lines describing the params of a zod object schema. */
export function describeParams(schema: z.ZodType, indent = '    '): string[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, JsonSchemaProp> };
  const props = Object.entries(json.properties ?? {});
  if (props.length === 0) return [`${indent}(no params)`];
  return props.map(
    ([name, p]) =>
      `${indent}${name}: ${typeOf(p)}${p.default !== undefined ? ` = ${JSON.stringify(p.default)}` : ''}${p.description ? `  — ${p.description}` : ''}`,
  );
}

/** `tacit envs` text for one world. */
export function describeWorld(spec: WorldSpec): string {
  const lines = [`${spec.id}  ${spec.summary}`, '  params:', ...describeParams(spec.paramsSchema)];
  try {
    const world = spec.create(spec.paramsSchema.parse({}) as Record<string, unknown>);
    lines.push('  agents (with default params):');
    for (const a of world.agents)
      lines.push(
        `    ${a.id} (role ${a.role}): action ${describeSpace(world.actionSpaces[a.index]!)}; obs ${describeSpace(world.observationSpaces[a.index]!)}; reward components ${world.rewardComponents[a.index]!.join(', ')}`,
      );
    lines.push(`  KPIs: ${world.kpis.map((k) => `${k.name} (${k.better} is better)`).join(', ')}`);
    if (world.features.length) lines.push(`  features: ${world.features.join(', ')}`);
  } catch {
    // A world whose defaults need more params simply lists no agents here.
  }
  return lines.join('\n');
}

/** `tacit policies` text for one policy. */
export function describePolicy(spec: PolicySpec): string {
  return [`${spec.id}  ${spec.summary}${spec.learns ? ' (learns)' : ''}`, '  params:', ...describeParams(spec.paramsSchema)].join('\n');
}
