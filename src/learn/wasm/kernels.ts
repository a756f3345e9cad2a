/**
 * Dense-layer kernels in WebAssembly SIMD (f32x4), written with src/learn/wasm/emit.ts. Small
 * networks (2×64 MLPs) are bound by per-op overhead in tfjs, not by arithmetic; these kernels run
 * a whole layer per call on data that stays in one linear memory, with no allocation.
 *
 * Layout: row-major float32 matrices whose column counts are multiples of 4 and row counts
 * multiples of 4 (callers pad; src/learn/dense.ts). Addresses are byte offsets, sizes elements.
 *
 *  - gemm(a, sAm, sAk, b, c, M, N, K): C[M×N] = A·B, A(m,k) read at a + 4(m·sAm + k·sAk) (so the
 *    same kernel computes X·W and Xᵀ·Δ), B row-major [K×N]. Register tile 4 rows × 8 columns
 *    (4 × 4 for a last block of 4 columns): per k, two vector loads of B, four splat loads of A
 *    and eight multiply-adds, accumulating in registers.
 *  - epilogue(c, M, N, bias, mode, h): in place on C: mode 1 = +bias then tanh, 2 = +bias then
 *    relu, 3 = +bias, 4 = ·(1 − h²) (tanh′ from its output h), 5 = ·[h > 0] (relu′).
 *  - colsum(d, out, M, N): out[n] = Σ_m D[m,n] (bias gradients).
 *  - transpose(src, dst, R, C): dst[C×R] = srcᵀ.
 *
 * tanh is the rational approximation Eigen uses for float (a 13/6 odd/even polynomial ratio on
 * inputs clamped to ±9), accurate to a few float32 ulps (test/learn/dense.test.ts checks it
 * against Math.tanh).
 */
import { buildModule, FnBuilder, I32, V128 } from './emit.js';

/** The exported kernels. */
export interface Kernels {
  gemm(a: number, sAm: number, sAk: number, b: number, c: number, M: number, N: number, K: number): void;
  epilogue(c: number, M: number, N: number, bias: number, mode: number, h: number): void;
  colsum(d: number, out: number, M: number, N: number): void;
  transpose(src: number, dst: number, R: number, C: number): void;
}

/** Epilogue modes. */
export const EPI = { tanh: 1, relu: 2, bias: 3, tanhGrad: 4, reluGrad: 5 } as const;

function gemm(): FnBuilder {
  const f = new FnBuilder('gemm', [I32, I32, I32, I32, I32, I32, I32, I32]);
  const [a, sAm, sAk, b, c, M, N, K] = [0, 1, 2, 3, 4, 5, 6, 7];
  const m = f.local(I32);
  const n = f.local(I32);
  const k = f.local(I32);
  const sAm4 = f.local(I32);
  const sAk4 = f.local(I32);
  const N4 = f.local(I32);
  const N8 = f.local(I32);
  const pb = f.local(I32);
  const pc = f.local(I32);
  const pa = [f.local(I32), f.local(I32), f.local(I32), f.local(I32)];
  const acc = Array.from({ length: 8 }, () => f.local(V128));
  const b0 = f.local(V128);
  const b1 = f.local(V128);
  const av = f.local(V128);
  f.get(sAm).i32(4).mul().set(sAm4);
  f.get(sAk).i32(4).mul().set(sAk4);
  f.get(N).i32(4).mul().set(N4);
  f.get(N).i32(-8).and().set(N8);

  const tile = (width: 4 | 8): void => {
    const vecs = width / 4;
    for (let r = 0; r < 4; r++) for (let j = 0; j < vecs; j++) f.f32x4Const(0).set(acc[r * 2 + j]!);
    // pa[r] = a + (m + r)·sAm4 ; pb = b + 4n
    f.get(a).get(m).get(sAm4).mul().add().set(pa[0]!);
    for (let r = 1; r < 4; r++)
      f.get(pa[r - 1]!)
        .get(sAm4)
        .add()
        .set(pa[r]!);
    f.get(b).get(n).i32(4).mul().add().set(pb);
    f.for(k, 0, { local: K }, 1, () => {
      f.get(pb).v128Load().set(b0);
      if (width === 8) f.get(pb).v128Load(16).set(b1);
      for (let r = 0; r < 4; r++) {
        f.get(pa[r]!).load32Splat().set(av);
        f.get(acc[r * 2]!)
          .get(av)
          .get(b0)
          .f32x4Mul()
          .f32x4Add()
          .set(acc[r * 2]!);
        if (width === 8)
          f.get(acc[r * 2 + 1]!)
            .get(av)
            .get(b1)
            .f32x4Mul()
            .f32x4Add()
            .set(acc[r * 2 + 1]!);
        f.inc(pa[r]!, { local: sAk4 });
      }
      f.inc(pb, { local: N4 });
    });
    // pc = c + 4(m·N + n), then one row per N4
    f.get(c).get(m).get(N).mul().get(n).add().i32(4).mul().add().set(pc);
    for (let r = 0; r < 4; r++) {
      for (let j = 0; j < vecs; j++)
        f.get(pc)
          .get(acc[r * 2 + j]!)
          .v128Store(16 * j);
      if (r < 3) f.inc(pc, { local: N4 });
    }
  };

  f.for(m, 0, { local: M }, 4, () => {
    f.for(n, 0, { local: N8 }, 8, () => tile(8));
    f.get(N8)
      .get(N)
      .ltU()
      .if(() => {
        f.get(N8).set(n);
        tile(4);
      });
  });
  return f;
}

// Eigen's float tanh: x·P(x²)/Q(x²) on x clamped to ±9.
const TANH_ALPHA = [
  4.89352455891786e-3, 6.37261928875436e-4, 1.48572235717979e-5, 5.12229709037114e-8, -8.60467152213735e-11, 2.00018790482477e-13, -2.76076847742355e-16,
];
const TANH_BETA = [4.89352518554385e-3, 2.268434632439e-3, 1.18534705686654e-4, 1.19825839466702e-6];

function epilogue(): FnBuilder {
  const f = new FnBuilder('epilogue', [I32, I32, I32, I32, I32, I32]);
  const [c, M, N, bias, mode, h] = [0, 1, 2, 3, 4, 5];
  const p = f.local(I32);
  const end = f.local(I32);
  const col = f.local(I32);
  const rowEnd = f.local(I32);
  const ph = f.local(I32);
  const x = f.local(V128);
  const x2 = f.local(V128);
  const num = f.local(V128);
  f.get(c).set(p);
  f.get(h).set(ph);
  f.get(c).get(M).get(N).mul().i32(4).mul().add().set(end);
  const forEachVector = (body: () => void, useBias: boolean): void => {
    f.block(() => {
      f.get(p).get(end).geU().brIf(0);
      f.loop(() => {
        f.get(p).get(N).i32(4).mul().add().set(rowEnd);
        f.get(bias).set(col);
        f.block(() => {
          f.loop(() => {
            f.get(p).v128Load();
            if (useBias) f.get(col).v128Load().f32x4Add();
            f.set(x);
            body();
            f.inc(p, 16).inc(col, 16).inc(ph, 16);
            f.get(p).get(rowEnd).ltU().brIf(0);
          });
        });
        f.get(p).get(end).ltU().brIf(0);
      });
    });
  };
  const tanh = (): void => {
    f.get(x).f32x4Const(9).f32x4Min().f32x4Const(-9).f32x4Max().set(x);
    f.get(x).get(x).f32x4Mul().set(x2);
    f.f32x4Const(TANH_ALPHA[6]!);
    for (let i = 5; i >= 0; i--) f.get(x2).f32x4Mul().f32x4Const(TANH_ALPHA[i]!).f32x4Add();
    f.get(x).f32x4Mul().set(num);
    f.f32x4Const(TANH_BETA[3]!);
    for (let i = 2; i >= 0; i--) f.get(x2).f32x4Mul().f32x4Const(TANH_BETA[i]!).f32x4Add();
    f.set(x2);
    f.get(p).get(num).get(x2).f32x4Div().v128Store();
  };
  f.get(mode)
    .i32(1)
    .eq()
    .if(() => forEachVector(tanh, true));
  f.get(mode)
    .i32(2)
    .eq()
    .if(() => forEachVector(() => f.get(p).get(x).f32x4Const(0).f32x4Max().v128Store(), true));
  f.get(mode)
    .i32(3)
    .eq()
    .if(() => forEachVector(() => f.get(p).get(x).v128Store(), true));
  f.get(mode)
    .i32(4)
    .eq()
    .if(() =>
      forEachVector(() => {
        f.get(ph).v128Load().set(x2);
        f.get(p).get(x).f32x4Const(1).get(x2).get(x2).f32x4Mul().f32x4Sub().f32x4Mul().v128Store();
      }, false),
    );
  f.get(mode)
    .i32(5)
    .eq()
    .if(() =>
      forEachVector(() => {
        f.get(p).get(x).get(ph).v128Load().f32x4Const(0).f32x4Gt().v128And().v128Store();
      }, false),
    );
  return f;
}

function colsum(): FnBuilder {
  const f = new FnBuilder('colsum', [I32, I32, I32, I32]);
  const [d, out, M, N] = [0, 1, 2, 3];
  const n = f.local(I32);
  const m = f.local(I32);
  const p = f.local(I32);
  const N4 = f.local(I32);
  const s = f.local(V128);
  f.get(N).i32(4).mul().set(N4);
  f.for(n, 0, { local: N4 }, 16, () => {
    f.f32x4Const(0).set(s);
    f.get(d).get(n).add().set(p);
    f.for(m, 0, { local: M }, 1, () => {
      f.get(s).get(p).v128Load().f32x4Add().set(s);
      f.inc(p, { local: N4 });
    });
    f.get(out).get(n).add().get(s).v128Store();
  });
  return f;
}

function transpose(): FnBuilder {
  const f = new FnBuilder('transpose', [I32, I32, I32, I32]);
  const [src, dst, R, C] = [0, 1, 2, 3];
  const r = f.local(I32);
  const col = f.local(I32);
  const ps = f.local(I32);
  f.get(src).set(ps);
  f.for(r, 0, { local: R }, 1, () => {
    f.for(col, 0, { local: C }, 1, () => {
      // dst[col·R + r] = src[r·C + col]
      f.get(dst).get(col).get(R).mul().get(r).add().i32(4).mul().add();
      f.get(ps).f32Load().f32Store();
      f.inc(ps, 4);
    });
  });
  return f;
}

let compiled: WebAssembly.Module | undefined;

/** The compiled module (built and compiled once per process). */
export function kernelModule(): WebAssembly.Module {
  return (compiled ??= new WebAssembly.Module(buildModule([gemm(), epilogue(), colsum(), transpose()])));
}

/** A wasm export that is a function of `arity` arguments (a wasm function's length is its parameter count). */
function isKernel(f: unknown, arity: number): f is (...args: number[]) => void {
  return typeof f === 'function' && f.length === arity;
}

/** Kernels bound to `memory`. */
export function instantiateKernels(memory: WebAssembly.Memory): Kernels {
  const exports = new WebAssembly.Instance(kernelModule(), { env: { memory } }).exports;
  // Checked once per instance: each export is a function taking as many arguments as Kernels says.
  const fn = (name: keyof Kernels, arity: number): ((...args: number[]) => void) => {
    const f = exports[name];
    if (!isKernel(f, arity)) throw new Error(`wasm kernels: export '${name}' is not a function of ${arity} arguments`);
    return f;
  };
  return { gemm: fn('gemm', 8), epilogue: fn('epilogue', 6), colsum: fn('colsum', 4), transpose: fn('transpose', 4) };
}
