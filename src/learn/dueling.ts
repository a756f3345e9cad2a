/**
 * The dueling head (Wang et al. 2016): a network's last layer gives a state value V and one
 * advantage A_j per action, and Q_j = V + A_j − mean_k(A_k). Subtracting the mean makes V and A
 * identifiable (V is the mean of the Q-values). The value is fitted from every action's TD error,
 * so it follows the state quickly, and the advantages hold only the differences between actions:
 * the part the greedy choice is made of, which in a plain Q head is a small difference of two
 * large outputs.
 *
 * Layout of a row of the network's output: [V, A_0, …, A_{n−1}] (n + 1 numbers).
 */

/** Q-values ([rows × n]) from the network's output ([rows × (n + 1)]). */
export function duelingQ(raw: Float32Array, rows: number, n: number, q: Float32Array): void {
  const w = n + 1;
  for (let i = 0; i < rows; i++) {
    const o = i * w;
    let mean = 0;
    for (let j = 0; j < n; j++) mean += raw[o + 1 + j]!;
    mean /= n;
    const v = raw[o]!;
    for (let j = 0; j < n; j++) q[i * n + j] = v + raw[o + 1 + j]! - mean;
  }
}

/**
 * dL/d(network output) ([rows × (n + 1)]) from dL/dQ ([rows × n]): ∂Q_j/∂V = 1 and
 * ∂Q_j/∂A_k = [j = k] − 1/n, so dV = Σ_j dQ_j and dA_k = dQ_k − mean_j(dQ_j).
 */
export function duelingBackward(dQ: Float32Array, rows: number, n: number, dRaw: Float32Array): void {
  const w = n + 1;
  for (let i = 0; i < rows; i++) {
    let sum = 0;
    for (let j = 0; j < n; j++) sum += dQ[i * n + j]!;
    const mean = sum / n;
    dRaw[i * w] = sum;
    for (let k = 0; k < n; k++) dRaw[i * w + 1 + k] = dQ[i * n + k]! - mean;
  }
}
