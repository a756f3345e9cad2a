/**
 * warehouse-v1's observation fast path (one shared live row for every role whose silo changes
 * nothing) against the slot-by-slot reference `writeSiloRole`, on states reached by random play,
 * with every role live (the defaults) and with the conformance silos (delays, cadences, noise).
 */
import { describe, expect, it } from 'vitest';
import { compileModel } from '../../envs/warehouse/model.js';
import { writeObservations, writeSiloRole } from '../../envs/warehouse/observe.js';
import { warehouse } from '../../envs/warehouse/warehouse.js';
import type { WarehouseParams } from '../../envs/warehouse/params.js';
import { VecEngine } from '../../src/core/engine.js';
import { Rng } from '../../src/core/rng.js';
import { sampleInto } from '../../src/core/spaces.js';

function compare(params: WarehouseParams): { live: number; checked: number } {
  const m = compileModel(params);
  const world = warehouse.create(params);
  const engine = new VecEngine(world, { numEnvs: 4, seed: 3 });
  const rng = Rng.from(3, 'actions');
  engine.reset();
  const fast = Array.from({ length: 4 }, () => new Float32Array(3 * 14).fill(NaN));
  const ref = Array.from({ length: 4 }, () => new Float32Array(3 * 14).fill(NaN));
  let checked = 0;
  for (let t = 0; t < 80; t++) {
    world.actionSpaces.forEach((s, i) => {
      for (let b = 0; b < 4; b++) sampleInto(s, rng.state, engine.actions[i]!, b);
    });
    engine.step();
    for (const st of engine.states as unknown as { f: Float64Array; rng: Uint32Array }[]) {
      const a = st.rng.slice();
      const b = st.rng.slice();
      writeObservations(m, st.f, a, fast, 2); // copy index 2: rows 28..41
      for (let r = 0; r < 4; r++) writeSiloRole(m, st.f, b, r, ref[r]!, 28);
      for (let r = 0; r < 4; r++) expect(Array.from(fast[r]!)).toEqual(Array.from(ref[r]!));
      expect(Array.from(a)).toEqual(Array.from(b)); // the same noise draws, in the same order
      checked++;
    }
  }
  return { live: m.liveRole.reduce((x, y) => x + y, 0), checked };
}

describe('warehouse-v1 observations', () => {
  it('writes the shared live row exactly as the slot-by-slot path, every role live', () => {
    expect(compare(warehouse.paramsSchema.parse({}))).toEqual({ live: 4, checked: 320 });
  });

  it('mixes shared rows and silo roles exactly as the slot-by-slot path (delays, cadences, noise)', () => {
    const r = compare(warehouse.paramsSchema.parse(warehouse.conformanceParams));
    expect(r.live).toBe(1); // inventory lists no slot; the other three see through their silos
  });
});
