/**
 * Compact, exact JSON encoding of float arrays for checkpoints: little-endian bytes in base64
 * (a float32 round-trips bit for bit; decimal text would not be shorter and risks rounding).
 */

/** A float32 array as JSON. */
export interface EncodedF32 {
  readonly f32: string;
  readonly length: number;
}

/** A float64 array as JSON. */
export interface EncodedF64 {
  readonly f64: string;
  readonly length: number;
}

/** Encode a Float32Array. */
export function encodeF32(a: Float32Array): EncodedF32 {
  return { f32: Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64'), length: a.length };
}

/** Decode `encodeF32` output into a new Float32Array. */
export function decodeF32(e: EncodedF32): Float32Array {
  const buf = Buffer.from(e.f32, 'base64');
  if (buf.byteLength !== e.length * 4) throw new RangeError(`checkpoint array: expected ${e.length} float32 values, got ${buf.byteLength} bytes`);
  const out = new Float32Array(e.length);
  new Uint8Array(out.buffer).set(buf);
  return out;
}

/** Encode a Float64Array (or any typed array, stored as float64). */
export function encodeF64(a: ArrayLike<number>): EncodedF64 {
  const f = a instanceof Float64Array ? a : Float64Array.from(a);
  return { f64: Buffer.from(f.buffer, f.byteOffset, f.byteLength).toString('base64'), length: f.length };
}

/** Decode `encodeF64` output into a new Float64Array. */
export function decodeF64(e: EncodedF64): Float64Array {
  const buf = Buffer.from(e.f64, 'base64');
  if (buf.byteLength !== e.length * 8) throw new RangeError(`checkpoint array: expected ${e.length} float64 values, got ${buf.byteLength} bytes`);
  const out = new Float64Array(e.length);
  new Uint8Array(out.buffer).set(buf);
  return out;
}
