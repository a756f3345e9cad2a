/**
 * Sizes of the neural learners' big allocations, computed from their params before anything is
 * allocated (PolicySpec.memory, checked by src/config/cost.ts). Estimates err on the large side.
 */

/** Weights and biases of a dense network input → hidden… → output. */
export function mlpParameterCount(input: number, hidden: readonly number[], output: number): number {
  let count = 0;
  let prev = input;
  for (const width of [...hidden, output]) {
    count += prev * width + width;
    prev = width;
  }
  return count;
}

/** Float32 activations (forward and backward) of one batch through the hidden layers. */
export function activationBytes(batchRows: number, hidden: readonly number[]): number {
  return batchRows * hidden.reduce((a, b) => a + b, 0) * 4 * 3;
}
