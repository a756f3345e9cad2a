/**
 * Checkpoint helpers for the fault layer: each part lists its state as typed arrays (plus a few
 * scalars), and a checkpoint is a copy of each in that order. Restoring writes the copies back
 * into the same arrays, so references held elsewhere (views, shared random streams) stay valid.
 */

/** Any typed array the layer keeps state in. */
export type StateArray = Float64Array | Float32Array | Int32Array | Uint32Array | Uint16Array | Uint8Array;

/** Copies of `arrays`, in order. */
export function saveArrays(arrays: readonly StateArray[]): StateArray[] {
  return arrays.map((a) => a.slice());
}

/** Write `saved` back into `arrays` (same order and sizes as when saved). */
export function loadArrays(arrays: readonly StateArray[], saved: readonly StateArray[]): void {
  if (saved.length !== arrays.length)
    throw new Error(`fault layer checkpoint has ${saved.length} arrays, expected ${arrays.length}: was it taken with another config?`);
  arrays.forEach((a, k) => a.set(saved[k]!));
}
