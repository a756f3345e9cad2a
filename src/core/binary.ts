/**
 * The binary files of a run folder (policies.bin, checkpoint.bin): v8-serialised so that equal
 * values give equal bytes. Its own module in core because the runner writes them and others
 * (evaluation, crossplay, a learned fault adversary) read them.
 */
import { readFileSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';

/**
 * The same value with every plain number in the representation V8 would give it fresh: small
 * integers as Smis, the rest as doubles. V8's serializer writes numbers as it stores them, so equal
 * values could serialise to different bytes depending on how they were computed (an array that
 * once held a fraction keeps doubles; optimised code may box an integer). Arrays and plain objects
 * are rebuilt; typed arrays and other objects are kept as they are.
 *
 * Plain objects are rebuilt without a prototype, which V8 keeps in dictionary mode: their values
 * are stored as given. An object built with ordinary fast properties shares its hidden class with
 * every object that got the same keys in the same order, and once any of them held a double in a
 * field (the market fast path's `periodsUnchanged`, read from a Float64Array), V8 stores that field
 * as a double in all of them, so a 0 written later came out as a double: a seed's policies.bin
 * then depended on what its worker thread had run before (test/workers/determinism.test.ts). The
 * serialised bytes of a prototype-less object are those of a plain one.
 */
export function canonicalNumbers(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) && value >= -(2 ** 30) && value < 2 ** 30 && !Object.is(value, -0) ? value | 0 : value;
  if (Array.isArray(value)) return value.map(canonicalNumbers);
  if (value !== null && typeof value === 'object') {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto === Object.prototype || proto === null) {
      const out = Object.create(null) as Record<string, unknown>;
      for (const [k, v] of Object.entries(value)) out[k] = canonicalNumbers(v);
      return out;
    }
    if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, canonicalNumbers(v)]));
  }
  return value;
}

/** v8-serialise a value so that equal values give equal bytes (see canonicalNumbers). */
export function serializeCanonical(value: unknown): Buffer {
  return serialize(canonicalNumbers(value));
}

/** Read a v8-serialised file from a run folder (policies.bin, checkpoints). */
export function readBinary<T>(path: string): T {
  return deserialize(readFileSync(path)) as T;
}
