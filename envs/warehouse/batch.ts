/**
 * warehouse-v1's batched path (`World.stepBatch`): the per-copy kernel run copy after copy into one
 * small scratch StepOut that stays in L1 cache, then copied into the engine's agent-major buffers.
 * The per-copy path writes through two StepOut views per copy instead (22 typed-array objects a
 * copy), and measured a cache cliff past a few hundred copies (bench/supply.ts). The kernel is the
 * same code, so the differential test (test/supply/warehouse.test.ts) checks the plumbing: offsets,
 * flags, event copy indices.
 */
import type { StepOut, World } from '../../src/core/world.js';

/** Build `stepBatch` over a world's own per-copy `step`. */
export function makeBatchStep<S extends object>(world: Pick<World<S>, 'step' | 'observationSpaces' | 'rewardComponents' | 'kpis'>): NonNullable<World<S>['stepBatch']> {
  const nA = world.observationSpaces.length;
  const obsSize = world.observationSpaces.map((s) => s.size);
  const nComp = world.rewardComponents.map((c) => c.length);
  const nK = world.kpis.length;
  const scratch: StepOut = {
    obs: obsSize.map((n) => new Float32Array(n)),
    rewards: nComp.map((n) => new Float64Array(n)),
    kpis: new Float64Array(nK),
    terminated: new Uint8Array(nA),
    truncated: new Uint8Array(nA),
    events: [],
  };
  const act = Array.from({ length: nA }, () => new Float64Array(1));
  return (states, actions, nexts, out, count) => {
    for (let i = 0; i < nA; i++) if (actions[i]!.length !== count) return false; // one action slot per copy only
    for (let b = 0; b < count; b++) {
      for (let i = 0; i < nA; i++) act[i]![0] = actions[i]![b]!;
      world.step(states[b]!, act, nexts[b]!, scratch);
      for (let i = 0; i < nA; i++) {
        const so = scratch.obs[i]!;
        const dob = out.obs[i]!;
        const n = obsSize[i]!;
        for (let k = 0, o = b * n; k < n; k++) dob[o + k] = so[k]!;
        const sr = scratch.rewards[i]!;
        const dr = out.rewards[i]!;
        const c = nComp[i]!;
        for (let k = 0, o = b * c; k < c; k++) dr[o + k] = sr[k]!;
        out.terminated[i]![b] = scratch.terminated[i]!;
        out.truncated[i]![b] = scratch.truncated[i]!;
      }
      for (let k = 0, o = b * nK; k < nK; k++) out.kpis[o + k] = scratch.kpis[k]!;
      const ev = scratch.events;
      if (ev.length > 0) {
        for (let e = 0; e < ev.length; e++) {
          out.events.push(ev[e]!);
          out.eventCopies.push(b);
        }
        ev.length = 0;
      }
    }
    return true;
  };
}
