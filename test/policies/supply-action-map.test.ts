/**
 * The supply action map (policies/supply-action-map.ts): a learner's cover-days choice must give
 * exactly the world action the scripted item-order-up-to policy gives for that cover (the
 * differential reference), choices pass their listed values through, and misfits are named.
 */
import { describe, expect, it } from 'vitest';
import { warehouseV2 } from '../../envs/warehouse/v2/warehouse-v2.js';
import { policies } from '../../policies/index.js';
import { actionMapProblem, createActionMap, supplyActionMapSchema } from '../../policies/supply-action-map.js';
import { resolveExperiment } from '../../src/config/resolve.js';
import { VecEngine } from '../../src/core/engine.js';
import type { PolicyContext } from '../../src/core/policy.js';
import { Rng } from '../../src/core/rng.js';
import type { World } from '../../src/core/world.js';

const N = 6;
const world = (): World => warehouseV2.create(warehouseV2.paramsSchema.parse({}));

/** Observations of N copies a few periods into an episode (stock, pipeline and demand all non-trivial, different per copy). */
function observations(w: World): Float32Array[] {
  const engine = new VecEngine(w, { numEnvs: N, seed: 7 });
  engine.reset();
  for (let t = 0; t < 9; t++) {
    // Procurement orders a different multiple per copy, so positions differ across rows.
    for (let b = 0; b < N; b++) engine.actions[0]!.set([b % 4, (b + 1) % 3], b * 2);
    engine.step();
  }
  return engine.obs.map((o) => o.slice());
}

const ctxFor = (w: World, agent: number): PolicyContext => ({
  world: w,
  agent: w.agents[agent]!,
  observationSpace: w.observationSpaces[agent]!,
  actionSpace: w.actionSpaces[agent]!,
  numEnvs: N,
  rng: Rng.from(0, 'map'),
  shared: new Map(),
});

function scripted(w: World, agent: number, params: Record<string, unknown>, obs: Float32Array): Float64Array {
  const spec = policies.get('item-order-up-to');
  const p = spec.paramsSchema.parse(params) as Record<string, unknown>;
  const out = new Float64Array(N * w.actionSpaces[agent]!.size);
  spec.create(ctxFor(w, agent), p).act(obs, out, 'greedy');
  return out;
}

describe('supply action map', () => {
  it('procurement: cover c gives the order-up-to action item-order-up-to gives for coverDays c', () => {
    const w = world();
    const obs = observations(w);
    const grid = [3, 5, 8];
    const map = createActionMap(ctxFor(w, 0), supplyActionMapSchema().parse({ coverDays: grid, choices: { 'supplier/A': [0], 'supplier/B': [0] } }));
    expect(map.space).toMatchObject({ kind: 'multi-discrete', nvec: [3, 1, 3, 1] });
    for (let c = 0; c < grid.length; c++) {
      const learner = new Float64Array(N * 4);
      for (let b = 0; b < N; b++) learner.set([c, 0, c, 0], b * 4);
      const out = new Float64Array(N * 2);
      map.apply(obs[0]!, learner, N, out);
      const ref = scripted(w, 0, { coverDays: grid[c], supplier: 0 }, obs[0]!);
      expect(Array.from(out)).toEqual(Array.from(ref));
      // Not all zero: the comparison covers real orders.
      if (grid[c] === 8) expect(out.some((a) => a > 0)).toBe(true);
    }
  });

  it('mixes choices per copy and per item: item A at cover 3, item B at cover 8 on every row', () => {
    const w = world();
    const obs = observations(w);
    const map = createActionMap(ctxFor(w, 0), supplyActionMapSchema().parse({ coverDays: [3, 8] }));
    const learner = new Float64Array(N * 2);
    for (let b = 0; b < N; b++) learner.set([0, 1], b * 2);
    const out = new Float64Array(N * 2);
    map.apply(obs[0]!, learner, N, out);
    const a3 = scripted(w, 0, { coverDays: 3, supplier: 0 }, obs[0]!);
    const b8 = scripted(w, 0, { coverDays: 8, supplier: 0 }, obs[0]!);
    for (let b = 0; b < N; b++) expect([out[2 * b], out[2 * b + 1]]).toEqual([a3[2 * b], b8[2 * b + 1]]);
  });

  it('inventory: targets at c days of demand, allocation from its choice list', () => {
    const w = world();
    const obs = observations(w);
    const map = createActionMap(ctxFor(w, 1), supplyActionMapSchema().parse({ coverDays: [5], choices: { allocation: [0, 1] } }));
    expect(map.space).toMatchObject({ nvec: [1, 1, 2] });
    const learner = new Float64Array(N * 3);
    for (let b = 0; b < N; b++) learner.set([0, 0, b % 2], b * 3);
    const out = new Float64Array(N * 3);
    map.apply(obs[1]!, learner, N, out);
    const ref = scripted(w, 1, { coverDays: 5 }, obs[1]!);
    for (let b = 0; b < N; b++) expect([out[3 * b], out[3 * b + 1], out[3 * b + 2]]).toEqual([ref[3 * b], ref[3 * b + 1], b % 2]);
  });

  it('names the misfit: no mappable decision, an unknown choice', () => {
    const w = world();
    expect(actionMapProblem(w, 2, supplyActionMapSchema().parse({ coverDays: [5] }))).toMatch(
      /maps no decision of agent logistics \(decisions: shippingMode\)/,
    );
    expect(actionMapProblem(w, 0, supplyActionMapSchema().parse({ choices: { supplier: [0] } }))).toMatch(
      /'supplier', which is not a decision of agent procurement/,
    );
    expect(actionMapProblem(w, 0, supplyActionMapSchema().parse({ coverDays: [5] }))).toBeUndefined();
  });

  it('a PPO config with a misfit actionMap is refused when the experiment resolves, naming the agent', () => {
    const config = {
      name: 'misfit',
      env: { id: 'warehouse-v2', params: {} },
      agents: [
        { id: 'procurement', policy: { type: 'ppo', params: { actionMap: { coverDays: [5] } } } },
        { id: 'inventory', policy: { type: 'item-order-up-to', params: { coverDays: 5 } } },
        { id: 'logistics', policy: { type: 'ppo', params: { actionMap: { coverDays: [5] } } } },
        { id: 'finance', policy: { type: 'fixed-budget' } },
      ],
      run: { steps: 10 },
    };
    expect(() => resolveExperiment(config)).toThrow(/logistics/);
  });
});
