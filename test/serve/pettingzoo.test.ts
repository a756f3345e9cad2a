/**
 * PettingZoo's own test suite judges the Python client: parallel_api_test and parallel_seed_test
 * run on every registered world through `tacit serve` (started in this process), with zero
 * PettingZoo warnings. The seeded trajectories the client recorded (one copy, and three copies
 * with same-step autoreset) are replayed here in the TypeScript engine with the same seeds and
 * actions, and must match bit for bit: observations as float32, reward components as float64.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { worlds } from '../../envs/index.js';
import { AutoresetMode, VecEngine } from '../../src/core/engine.js';
import type { World } from '../../src/core/world.js';
import { startServer, type RunningServer } from '../../src/serve/server.js';
import { ensureVenv, runPython } from './python-venv.js';

interface CheckResult {
  status: string;
  error: string | null;
  warnings: string[];
  seconds: number;
}
interface Step {
  actions: Record<string, number | number[]>;
  obs: Record<string, number | number[]>;
  rewards: Record<string, number>;
  components: Record<string, Record<string, number>>;
  terminations: Record<string, boolean>;
  truncations: Record<string, boolean>;
  agents: string[];
}
interface VecStep {
  actions: Record<string, (number | number[])[]>;
  obs: Record<string, (number | number[])[]>;
  rewards: Record<string, number[]>;
  terminations: Record<string, boolean[]>;
  truncations: Record<string, boolean[]>;
  ended: number[];
  final: Record<string, Record<string, number | number[]>>;
}
interface WorldResult {
  api: CheckResult;
  apiPlainSpaces: CheckResult;
  seed: CheckResult;
  trajectory: { seed: number; first: Record<string, number | number[]>; steps: Step[]; outside: unknown[] };
  vector: { seed: number; numEnvs: number; first: Record<string, (number | number[])[]>; steps: VecStep[] };
}

/** Short-episode params (the conformance suite's) so the recorded trajectories cross episode ends. */
const trajectoryParams = Object.fromEntries(worlds.values().map((s) => [s.id, s.conformanceParams ?? {}]));
const makeWorld = (id: string): World => {
  const spec = worlds.get(id);
  return spec.create(spec.paramsSchema.parse(trajectoryParams[id]) as Record<string, unknown>);
};
const flat = (v: number | number[]): number[] => (typeof v === 'number' ? [v] : v);
/** The float32 bits the engine holds, as numbers (exact: each float32 is a double). */
const f32 = (buf: Float32Array, from: number, size: number): number[] => Array.from(buf.subarray(from, from + size));

let server: RunningServer;
let result: { worlds: Record<string, WorldResult> };
let seconds = 0;
let python = '';

beforeAll(async () => {
  python = await ensureVenv();
  server = await startServer({ port: 0 });
  const out = join(mkdtempSync(join(tmpdir(), 'tacit-pz-')), 'result.json');
  const t0 = performance.now();
  const { stdout } = await runPython(python, [
    'clients/python/tests/pettingzoo_check.py',
    '--port',
    String(server.port),
    '--out',
    out,
    '--trajectory-params',
    JSON.stringify(trajectoryParams),
  ]);
  seconds = (performance.now() - t0) / 1000;
  process.stdout.write(`PettingZoo checks through the client (${seconds.toFixed(1)} s):\n${stdout}`);
  result = JSON.parse(readFileSync(out, 'utf8')) as typeof result;
}, 900_000);

afterAll(async () => {
  await server?.close();
});

describe('the Python client under PettingZoo’s test suite', () => {
  it('covers every registered world', () => {
    expect(Object.keys(result.worlds).sort()).toEqual(worlds.ids().sort());
    expect(seconds).toBeGreaterThan(0);
  });

  for (const id of worlds.ids()) {
    describe(id, () => {
      it('passes parallel_api_test and parallel_seed_test without warnings', () => {
        const r = result.worlds[id]!;
        expect(r.api.error ?? '').toBe('');
        expect(r.api.status).toBe('passed');
        expect(r.api.warnings).toEqual([]);
        expect(r.seed.error ?? '').toBe('');
        expect(r.seed.status).toBe('passed');
        expect(r.seed.warnings).toEqual([]);
        expect(r.trajectory.outside).toEqual([]);
      });

      it('passes parallel_api_test with the client’s own spaces (no gymnasium objects)', () => {
        const r = result.worlds[id]!.apiPlainSpaces;
        expect(r.error ?? '').toBe('');
        expect(r.status).toBe('passed');
        expect(r.warnings).toEqual([]);
      });

      it('reproduces the TypeScript engine’s trajectory bit for bit (one copy)', () => {
        const t = result.worlds[id]!.trajectory;
        const world = makeWorld(id);
        const engine = new VecEngine(world, { numEnvs: 1, seed: t.seed, autoreset: AutoresetMode.Disabled });
        engine.reset();
        for (const a of world.agents) expect(flat(t.first[a.id]!)).toEqual(f32(engine.obs[a.index]!, 0, world.observationSpaces[a.index]!.size));
        expect(t.steps.length).toBeGreaterThan(5);
        for (const s of t.steps) {
          for (const a of world.agents) if (a.id in s.actions) engine.actions[a.index]!.set(flat(s.actions[a.id]!));
          engine.step();
          for (const a of world.agents) {
            if (!(a.id in s.obs)) continue;
            expect(flat(s.obs[a.id]!)).toEqual(f32(engine.obs[a.index]!, 0, world.observationSpaces[a.index]!.size));
            expect(Object.values(s.components[a.id]!)).toEqual(Array.from(engine.rewards[a.index]!));
            expect(s.rewards[a.id]).toBe(Array.from(engine.rewards[a.index]!).reduce((x, y) => x + y, 0));
            expect(s.terminations[a.id]).toBe(engine.terminated[a.index]![0] === 1);
            expect(s.truncations[a.id]).toBe(engine.truncated[a.index]![0] === 1);
          }
          expect(s.agents).toEqual(world.agents.filter((a) => engine.isAlive(a.index, 0)).map((a) => a.id));
        }
      });

      it('reproduces the engine’s batched trajectory with same-step autoreset (three copies)', () => {
        const v = result.worlds[id]!.vector;
        const world = makeWorld(id);
        const n = v.numEnvs;
        const engine = new VecEngine(world, { numEnvs: n, seed: v.seed, autoreset: AutoresetMode.SameStep });
        engine.reset();
        const size = (i: number): number => world.observationSpaces[i]!.size;
        for (const a of world.agents)
          for (let b = 0; b < n; b++) expect(flat(v.first[a.id]![b]!)).toEqual(f32(engine.obs[a.index]!, b * size(a.index), size(a.index)));
        let ends = 0;
        for (const s of v.steps) {
          for (const a of world.agents) engine.actions[a.index]!.set(s.actions[a.id]!.flatMap(flat));
          engine.step();
          ends += s.ended.length;
          for (const a of world.agents)
            for (let b = 0; b < n; b++) {
              expect(flat(s.obs[a.id]![b]!)).toEqual(f32(engine.obs[a.index]!, b * size(a.index), size(a.index)));
              expect(s.terminations[a.id]![b]).toBe(engine.terminated[a.index]![b] === 1);
              expect(s.truncations[a.id]![b]).toBe(engine.truncated[a.index]![b] === 1);
            }
          for (const b of s.ended)
            for (const a of world.agents) expect(flat(s.final[a.id]![String(b)]!)).toEqual(f32(engine.finalObs[a.index]!, b * size(a.index), size(a.index)));
        }
        if (world.episodeLength > 0 && world.episodeLength < v.steps.length) expect(ends).toBeGreaterThan(0);
      });
    });
  }
});

describe('the numpy training example', () => {
  it('learns coordination-v1 through the vectorised client (seeded, deterministic)', { timeout: 300_000 }, async () => {
    const args = ['clients/python/examples/train_numpy_policy.py', '--port', String(server.port), '--iterations', '8'];
    const { stdout } = await runPython(python, args);
    const rates = stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { successRate: number }).successRate);
    expect(rates).toHaveLength(8);
    expect(rates[0]).toBeLessThan(0.3); // uniform play: 1/9
    expect(rates[7]).toBeGreaterThan(0.8);
    // Seeded: a second server, started by the client itself (tacit_client.launch), gives the same numbers.
    const launched = ['clients/python/examples/train_numpy_policy.py', '--launch', '--iterations', '8'];
    expect((await runPython(python, launched)).stdout).toBe(stdout);
  });
});
