/**
 * external: an agent played by another process (a Python script, a service wrapper, an LLM-backed
 * agent) that speaks JSON lines on stdin/stdout. Each step tacit sends the observations of all
 * copies and reads one action per copy (protocol in docs/interop.md):
 *
 *   → {"type":"hello","id":0,"protocol":1,"world":…,"agent":…,"index":…,"role":…,"numEnvs":…,"observationSpace":…,"actionSpace":…}
 *   ← {"id":0}
 *   → {"type":"act","id":7,"step":7,"mode":"explore","observations":[[…], …]}
 *   ← {"id":7,"actions":[3, …]}
 *
 * A reply later than `timeoutMs`, a crashed process, or an invalid reply is a no-response: the
 * policy marks every copy in `unreliable.noResponse`, and the fault layer lets `fallback` act and
 * counts it (faults/<agent>/noResponse, circuit breakers, reliability). Every reply, and every
 * failure, is recorded in the policy's saved state (policies.bin and checkpoints of the run
 * folder), so `tacit run --replay-external <runDir>` replays the run without the process.
 * The process is started from the argv list `command`, never through a shell.
 */
import { existsSync, readFileSync } from 'node:fs';
import { deserialize } from 'node:v8';
import { z } from 'zod';
import { TacitError } from '../src/core/errors.js';
import { definePolicy } from '../src/core/policy.js';
import { contains, type Space } from '../src/core/spaces.js';
import { ProcessBridge } from '../src/external/bridge.js';
import { fallbackSchema } from '../src/core/fallback.js';
import { spaceJson } from '../src/core/space-json.js';
import { lazySchema } from '../src/core/lazy-schema.js';

/** Outcome codes of one `act` call, as recorded. */
const OK = 0;
const TIMEOUT = 1;
const GONE = 2;
const INVALID = 3;
const OUTCOMES = ['responses', 'timeouts', 'crashes', 'invalidReplies'] as const;

/** The recorded replies of one external agent (its saved state). */
interface Recording {
  readonly version: 1;
  /** Per act call: OK, TIMEOUT, GONE or INVALID. */
  readonly outcomes: number[];
  /** The actions of every OK call, flattened (numEnvs × action size per call). */
  readonly actions: number[];
}

const paramsSchema = lazySchema(() =>
  z
    .object({
      command: z
        .array(z.string().min(1))
        .min(1)
        .describe('The program and its arguments, as a list (run without a shell), e.g. [python3, clients/python/examples/external_agent.py]'),
      timeoutMs: z.number().positive().default(1000).describe('Longest wait for a reply, in ms; a later reply is a no-response and the fallback acts'),
      startTimeoutMs: z.number().positive().default(10_000).describe('Longest wait for the process to start and answer the hello line, in ms'),
      fallback: fallbackSchema().default('noop'),
      replay: z
        .string()
        .optional()
        .describe('A run folder whose recorded replies this agent replays instead of running the command (set by tacit run --replay-external)'),
    })
    .strict(),
);

/** The recorded replies of agent `index` in a run folder (its policies.bin). */
function readRecording(runDir: string, index: number, agentId: string): Recording {
  const path = `${runDir}/policies.bin`;
  if (!existsSync(path))
    throw new TacitError(`cannot replay ${runDir}: no policies.bin there (is it a finished single-seed run folder with an external agent?)`);
  const states = deserialize(readFileSync(path)) as unknown[];
  const rec = states[index] as Recording | null | undefined;
  if (!rec || rec.version !== 1 || !Array.isArray(rec.outcomes))
    throw new TacitError(`cannot replay ${runDir}: agent '${agentId}' was not an external agent in that run`);
  return rec;
}

/** Parse a reply line into `out` (numEnvs rows); false when it is not a valid reply. */
function parseReply(line: string, space: Space, numEnvs: number, out: Float64Array): boolean {
  let msg: unknown;
  try {
    msg = JSON.parse(line);
  } catch {
    return false;
  }
  const actions = (msg as { actions?: unknown } | null)?.actions;
  if (!Array.isArray(actions) || actions.length !== numEnvs) return false;
  const size = space.size;
  for (let b = 0; b < numEnvs; b++) {
    const a = actions[b] as unknown;
    const vals = typeof a === 'number' ? [a] : a;
    if (!Array.isArray(vals) || vals.length !== size || !vals.every((v) => typeof v === 'number') || !contains(space, vals as number[])) return false;
    for (let k = 0; k < size; k++) out[b * size + k] = (vals as number[])[k]!;
  }
  return true;
}

/** The registered spec. */
export const externalPolicy = definePolicy({
  id: 'external',
  summary: 'An agent played by an external process speaking JSON lines on stdin/stdout (docs/interop.md); timeouts and crashes go to the fault layer',
  learns: false,
  get paramsSchema() {
    return paramsSchema();
  },
  // Each check would need a user's agent program; the bridge has its own protocol tests.
  conformanceSkips: [
    { check: 'act', reason: 'actions come from a user-supplied external process; the bridge and protocol are tested in test/policies/external.test.ts' },
    { check: 'determinism', reason: 'determinism is up to the external process, which tacit does not control' },
    { check: 'save-load', reason: 'stateless on the tacit side: any learned state lives in the external process' },
    { check: 'acted-mask', reason: 'does not learn inside tacit (no observe), so there are no transitions to mask' },
  ],
  // Checked against the world by the config loader (PolicySpec.fallback).
  fallback: (params) => params.fallback,
  create(ctx, params) {
    const { numEnvs, actionSpace: space, agent, world } = ctx;
    const size = space.size;
    const noResponse = new Uint8Array(numEnvs);
    const counts = new Float64Array(OUTCOMES.length);
    let rec: Recording = { version: 1, outcomes: [], actions: [] };
    let replay: Recording | null = null;
    let replayAt = 0;
    let replayActionAt = 0;
    let bridge: ProcessBridge | null = null;
    if (params.replay !== undefined) replay = readRecording(params.replay, agent.index, agent.id);
    else {
      try {
        bridge = new ProcessBridge(params.command, {
          cwd: process.cwd(),
          maxReplyBytes: Math.max(1 << 20, numEnvs * size * 32 + 4096),
          startMs: params.startTimeoutMs,
        });
      } catch (err) {
        throw new TacitError(
          `external agent '${agent.id}': command ${JSON.stringify(params.command)} ${(err as Error).message}; check the program name and path (it runs from ${process.cwd()})`,
        );
      }
      const ready = bridge.request(
        {
          type: 'hello',
          protocol: 1,
          world: world.id,
          agent: agent.id,
          index: agent.index,
          role: agent.role,
          numEnvs,
          observationSpace: spaceJson(ctx.observationSpace),
          actionSpace: spaceJson(space),
        },
        params.startTimeoutMs,
      );
      // The handshake waits for the process to be ready, so its start-up never counts as a timeout.
      if (ready.status !== 'ok') {
        bridge.close(0);
        const why =
          ready.status === 'gone' ? `exited before answering hello (${ready.why})` : `did not answer hello within startTimeoutMs (${params.startTimeoutMs} ms)`;
        throw new TacitError(
          `external agent '${agent.id}': command ${JSON.stringify(params.command)} ${why}; it must reply {"id": <hello's id>} to the hello line`,
        );
      }
    }
    let step = 0;
    const obsSize = ctx.observationSpace.size;
    const record = (outcome: number, actions: Float64Array): void => {
      rec.outcomes.push(outcome);
      counts[outcome]!++;
      if (outcome === OK) for (let k = 0; k < numEnvs * size; k++) rec.actions.push(actions[k]!);
    };
    return {
      unreliable: { noResponse, fallback: params.fallback },
      act(obs, actions, mode) {
        let outcome: number;
        if (replay) {
          if (replayAt >= replay.outcomes.length)
            throw new TacitError(
              `replay of external agent '${agent.id}' ran out of recorded replies after ${replayAt} steps: replay with the recorded run's config`,
            );
          outcome = replay.outcomes[replayAt++]!;
          if (outcome === OK) for (let k = 0; k < numEnvs * size; k++) actions[k] = replay.actions[replayActionAt++]!;
        } else {
          const observations: number[][] = [];
          for (let b = 0; b < numEnvs; b++) observations.push(Array.from(obs.subarray(b * obsSize, (b + 1) * obsSize)));
          const reply = bridge!.request({ type: 'act', step, mode, observations }, params.timeoutMs);
          outcome =
            reply.status === 'ok'
              ? parseReply(reply.line, space, numEnvs, actions)
                ? OK
                : INVALID
              : reply.status === 'timeout'
                ? TIMEOUT
                : reply.status === 'gone'
                  ? GONE
                  : INVALID;
        }
        step++;
        noResponse.fill(outcome === OK ? 0 : 1);
        record(outcome, actions);
      },
      save: () => rec,
      load(data) {
        const d = data as Recording;
        rec = { version: 1, outcomes: [...d.outcomes], actions: [...d.actions] };
        counts.fill(0);
        for (const o of rec.outcomes) counts[o]!++;
        step = rec.outcomes.length;
        if (replay) {
          replayAt = rec.outcomes.length;
          replayActionAt = rec.actions.length;
        }
      },
      stats: () => Object.fromEntries(OUTCOMES.map((name, k) => [name, counts[k]!])),
      dispose() {
        bridge?.close();
        bridge = null;
      },
    };
  },
});
