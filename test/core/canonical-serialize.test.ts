/** Equal policy states and checkpoints serialise to equal bytes, however their numbers were computed. */
import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { serializeCanonical } from '../../src/core/binary.js';

describe('serializeCanonical', () => {
  it('gives equal bytes for equal values that V8 stores differently', () => {
    const viaDouble = [0.5, 0, 3];
    viaDouble[0] = 0; // the array keeps its double representation: 0 is written as a double
    const fresh = [0, 0, 3];
    expect(serialize(viaDouble).equals(serialize(fresh))).toBe(false); // the problem, as V8 has it
    expect(serializeCanonical(viaDouble).equals(serializeCanonical(fresh))).toBe(true);
    const nested = { q: [viaDouble, [1.5, -0, 2 ** 40]], m: new Map([['a', viaDouble]]), t: new Float64Array([0, 1.25]) };
    const nestedFresh = { q: [fresh, [1.5, -0, 2 ** 40]], m: new Map([['a', fresh]]), t: new Float64Array([0, 1.25]) };
    expect(serializeCanonical(nested).equals(serializeCanonical(nestedFresh))).toBe(true);
  });

  it('gives equal bytes for an object whatever other objects of its hidden class held before', () => {
    // Keys used nowhere else, so this test's objects are the only ones of their hidden class.
    const build = (v: number): Record<string, number> => {
      const o: Record<string, number> = {};
      o['canonicalProbeA'] = 1;
      o['canonicalProbeB'] = v;
      return o;
    };
    const before = serializeCanonical(build(0));
    build(0.5); // from now on V8 stores canonicalProbeB of this hidden class as a double
    expect(serialize(build(0)).equals(before)).toBe(false); // the problem, as V8 has it
    expect(serializeCanonical(build(0)).equals(before)).toBe(true);
  });

  it('round-trips values exactly (including -0, large integers, NaN and typed arrays)', () => {
    const value = { a: [0, -0, 1.5, 2 ** 40, -(2 ** 31), NaN, Infinity], b: { c: null, d: 'x', e: true }, t: new Float32Array([0.1, 2]), h: [1, , 3] };
    const back = deserialize(serializeCanonical(value)) as typeof value;
    expect(back.a).toEqual(value.a);
    expect(Object.is(back.a[1], -0)).toBe(true);
    expect(back.b).toEqual(value.b);
    expect(Array.from(back.t)).toEqual(Array.from(value.t));
    expect(1 in back.h).toBe(false);
  });
});
