/**
 * An MLP whose parameters, gradients and activations live in one WebAssembly memory and whose
 * layers run as SIMD kernels (src/learn/wasm/kernels.ts): tacit's default network (backend
 * `simd`). The tfjs `Mlp` (src/learn/mlp.ts) is the reference it is tested against
 * (test/learn/dense.test.ts) and the fallback when a tfjs backend is forced.
 *
 * Why: at the sizes multi-agent PPO uses (2×64 layers, minibatches of hundreds) tfjs spends more
 * time dispatching ops and managing tensors than computing; here one minibatch's forward and
 * backward pass is ~20 kernel calls on preallocated memory, with no allocation.
 *
 * Every width is padded to a multiple of 4 and every row count to a multiple of 4. Padding is
 * exact: padded weight rows/columns and biases start at zero, their gradients are zero (padded
 * input columns are zero, padded output columns get zero dL/dy), so Adam leaves them at zero.
 * `params`/`grads` expose the padded arrays (Adam treats them as flat vectors); checkpoints use
 * the unpadded [in, out] layout of `Mlp`, so both networks read each other's checkpoints.
 */
import type { Rng } from '../core/rng.js';
import { packParam, unpackParam, type ParamLayout } from './adam.js';
import type { MlpSpec } from './mlp.js';
import { orthogonal } from './mlp.js';
import { decodeF32, encodeF32, type EncodedF32 } from './serialize.js';
import { EPI, instantiateKernels, type Kernels } from './wasm/kernels.js';

const pad4 = (n: number): number => (n + 3) & ~3;
const PAGE = 65536;

/** Copy `rows` rows of `cols` values between row-major arrays of different strides (no allocation). */
function copyRows(src: Float32Array, srcAt: number, srcStride: number, dst: Float32Array, dstAt: number, dstStride: number, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const s = srcAt + r * srcStride;
    const d = dstAt + r * dstStride;
    for (let j = 0; j < cols; j++) dst[d + j] = src[s + j]!;
  }
}

/** A dense network with forward, backward and inference on Float32Arrays. */
export class DenseMlp {
  readonly spec: MlpSpec;
  /** Unpadded layer sizes [input, hidden..., output]. */
  private readonly sizes: number[];
  private readonly padded: number[];
  private readonly memory: WebAssembly.Memory;
  private readonly k: Kernels;
  private readonly nLayers: number;
  /** Byte offsets: weights and biases, gradients, transposed weights (per layer). */
  private readonly wOff: number[] = [];
  private readonly bOff: number[] = [];
  private readonly gwOff: number[] = [];
  private readonly gbOff: number[] = [];
  private readonly wtOff: number[] = [];
  /** End of the parameter region; row buffers follow. */
  private readonly fixedBytes: number;
  /** Rows the row buffers hold (a multiple of 4). */
  private capacity = 0;
  /** Byte offsets of the activations H_0 (input) … H_L (output), and two delta buffers. */
  private hOff: number[] = [];
  private dOff: number[] = [];
  /** How each of `params` is stored (padded rows and columns). */
  readonly layout: ParamLayout[] = [];
  /** Padded views of [W0, b0, W1, b1, ...] and their gradients; refreshed when memory grows. */
  params: Float32Array[] = [];
  grads: Float32Array[] = [];
  private f32 = new Float32Array(0);
  /** Unpadded output of the last `forward` (first rows × outputSize entries). */
  private out = new Float32Array(0);
  private rows = 0;
  private readonly act: number;

  constructor(spec: MlpSpec, rng: Rng) {
    this.spec = spec;
    this.sizes = [spec.inputSize, ...spec.hidden, spec.outputSize];
    this.padded = this.sizes.map(pad4);
    this.nLayers = this.sizes.length - 1;
    this.act = spec.activation === 'relu' ? EPI.relu : EPI.tanh;
    let at = 0;
    const take = (floats: number): number => {
      const o = at;
      at += floats * 4;
      return o;
    };
    for (let l = 0; l < this.nLayers; l++) {
      this.wOff.push(take(this.padded[l]! * this.padded[l + 1]!));
      this.bOff.push(take(this.padded[l + 1]!));
    }
    for (let l = 0; l < this.nLayers; l++) {
      this.gwOff.push(take(this.padded[l]! * this.padded[l + 1]!));
      this.gbOff.push(take(this.padded[l + 1]!));
    }
    for (let l = 0; l < this.nLayers; l++) this.wtOff.push(take(this.padded[l]! * this.padded[l + 1]!));
    this.fixedBytes = at;
    for (let l = 0; l < this.nLayers; l++) {
      const [i, o, iP, oP] = [this.sizes[l]!, this.sizes[l + 1]!, this.padded[l]!, this.padded[l + 1]!];
      this.layout.push({ rows: i, cols: o, stride: oP, length: iP * oP }, { rows: 1, cols: o, stride: oP, length: oP });
    }
    this.memory = new WebAssembly.Memory({ initial: Math.ceil(at / PAGE) + 1 });
    this.k = instantiateKernels(this.memory);
    this.refreshViews();
    // Same draws in the same order as Mlp: each layer's orthogonal W, then its (zero) bias.
    for (let l = 0; l < this.nLayers; l++) {
      const last = l + 1 === this.nLayers;
      const w = orthogonal(this.sizes[l]!, this.sizes[l + 1]!, last ? spec.outputGain : Math.SQRT2, rng);
      this.setWeight(l, w);
    }
    this.ensureRows(64);
  }

  /** Forward pass for training: keeps activations for `backward`. Returns the unpadded output (first rows × outputSize entries valid). */
  forward(x: Float32Array, rows: number): Float32Array {
    this.ensureRows(rows);
    this.rows = rows;
    this.run(x, 0, rows);
    const outSize = this.spec.outputSize;
    const outP = this.padded[this.nLayers]!;
    const h = this.hOff[this.nLayers]! >> 2;
    copyRows(this.f32, h, outP, this.out, 0, outSize, rows, outSize);
    return this.out;
  }

  /**
   * Backpropagate dL/doutput ([rows × outputSize] for the rows of the last `forward`) into
   * `grads` (overwritten).
   */
  backward(dOut: Float32Array): void {
    const k = this.k;
    const L = this.nLayers;
    const rows = this.rows;
    const rowsP = pad4(rows);
    const outSize = this.spec.outputSize;
    const outP = this.padded[L]!;
    const f = this.f32;
    const d = this.dOff[0]! >> 2;
    f.fill(0, d, d + rowsP * outP);
    for (let r = 0; r < rows; r++) for (let j = 0; j < outSize; j++) f[d + r * outP + j] = dOut[r * outSize + j]!;
    let cur = 0;
    for (let l = L - 1; l >= 0; l--) {
      const inP = this.padded[l]!;
      const oP = this.padded[l + 1]!;
      const dAddr = this.dOff[cur]!;
      const h = this.hOff[l]!;
      // dW = H_lᵀ · Δ ; db = Σ_rows Δ
      k.gemm(h, 1, inP, dAddr, this.gwOff[l]!, inP, oP, rowsP);
      k.colsum(dAddr, this.gbOff[l]!, rowsP, oP);
      if (l === 0) break;
      // Δ_below = (Δ · W_lᵀ) ⊙ act′(H_l)
      k.transpose(this.wOff[l]!, this.wtOff[l]!, inP, oP);
      const next = this.dOff[1 - cur]!;
      k.gemm(dAddr, oP, 1, this.wtOff[l]!, next, rowsP, inP, oP);
      k.epilogue(next, rowsP, inP, 0, this.act === EPI.relu ? EPI.reluGrad : EPI.tanhGrad, h);
      cur = 1 - cur;
    }
  }

  /** Inference on `rows` rows of `x` into `out` ([rows × outputSize]), in chunks of the row capacity. */
  predict(x: Float32Array, rows: number, out: Float32Array): void {
    const outSize = this.spec.outputSize;
    const outP = this.padded[this.nLayers]!;
    const h = this.hOff[this.nLayers]! >> 2;
    for (let start = 0; start < rows; start += this.capacity) {
      const n = Math.min(this.capacity, rows - start);
      this.run(x, start, n);
      copyRows(this.f32, h, outP, out, start * outSize, outSize, n, outSize);
    }
  }

  /** Rows [start, start + n) of x (n ≤ capacity) through the network, activations kept. */
  private run(x: Float32Array, start: number, n: number): void {
    const k = this.k;
    const f = this.f32;
    const inSize = this.spec.inputSize;
    const inP = this.padded[0]!;
    const h0 = this.hOff[0]! >> 2;
    const rowsP = pad4(n);
    copyRows(x, start * inSize, inSize, f, h0, inP, n, inSize);
    f.fill(0, h0 + n * inP, h0 + rowsP * inP); // padding rows: zero, so they stay finite
    const L = this.nLayers;
    for (let l = 0; l < L; l++) {
      const a = this.padded[l]!;
      const b = this.padded[l + 1]!;
      k.gemm(this.hOff[l]!, a, 1, this.wOff[l]!, this.hOff[l + 1]!, rowsP, b, a);
      k.epilogue(this.hOff[l + 1]!, rowsP, b, this.bOff[l]!, l + 1 === L ? EPI.bias : this.act, 0);
    }
  }

  private ensureRows(rows: number): void {
    if (rows <= this.capacity) return;
    const cap = pad4(Math.max(rows, this.capacity * 2));
    let at = this.fixedBytes;
    this.hOff = this.padded.map((w) => {
      const o = at;
      at += cap * w * 4;
      return o;
    });
    const widest = Math.max(...this.padded);
    this.dOff = [0, 1].map(() => {
      const o = at;
      at += cap * widest * 4;
      return o;
    });
    const pages = Math.ceil(at / PAGE);
    const have = this.memory.buffer.byteLength / PAGE;
    if (pages > have) this.memory.grow(pages - have);
    this.capacity = cap;
    this.out = new Float32Array(cap * this.spec.outputSize);
    this.refreshViews();
  }

  private refreshViews(): void {
    const buf = this.memory.buffer;
    this.f32 = new Float32Array(buf);
    this.params = [];
    this.grads = [];
    for (let l = 0; l < this.nLayers; l++) {
      const w = this.padded[l]! * this.padded[l + 1]!;
      const b = this.padded[l + 1]!;
      this.params.push(new Float32Array(buf, this.wOff[l]!, w), new Float32Array(buf, this.bOff[l]!, b));
      this.grads.push(new Float32Array(buf, this.gwOff[l]!, w), new Float32Array(buf, this.gbOff[l]!, b));
    }
  }

  private setWeight(l: number, w: Float32Array): void {
    unpackParam(w, this.layout[2 * l]!, this.params[2 * l]!);
  }

  /** Weights in `Mlp`'s checkpoint layout ([W0, b0, ...], W unpadded [in, out]). */
  toJSON(): EncodedF32[] {
    const out: EncodedF32[] = [];
    for (let k = 0; k < this.params.length; k++) out.push(encodeF32(packParam(this.params[k]!, this.layout[k]!)));
    return out;
  }

  /** Restore weights written by `toJSON` (of either network class). */
  load(data: readonly EncodedF32[]): void {
    if (data.length !== 2 * this.nLayers) throw new RangeError(`checkpoint has ${data.length} weight arrays, the network has ${2 * this.nLayers}`);
    for (let l = 0; l < this.nLayers; l++) {
      const w = decodeF32(data[2 * l]!);
      const b = decodeF32(data[2 * l + 1]!);
      const expect = this.sizes[l]! * this.sizes[l + 1]!;
      if (w.length !== expect)
        throw new RangeError(`checkpoint weight ${2 * l} has ${w.length} values, the network expects ${expect} (shape ${this.sizes[l]},${this.sizes[l + 1]})`);
      if (b.length !== this.sizes[l + 1]!)
        throw new RangeError(`checkpoint weight ${2 * l + 1} has ${b.length} values, the network expects ${this.sizes[l + 1]}`);
      this.setWeight(l, w);
      unpackParam(b, this.layout[2 * l + 1]!, this.params[2 * l + 1]!);
    }
  }

  /** Nothing to release: the memory is garbage-collected with the object. */
  dispose(): void {}
}
