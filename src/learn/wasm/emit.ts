/**
 * A minimal WebAssembly binary writer: just enough of the format (types, one imported memory,
 * functions, exports; i32/f32 scalar and f32x4 SIMD instructions, blocks and loops) to write
 * tacit's small dense-layer kernels (src/learn/wasm/kernels.ts) from TypeScript. The module is
 * generated from this source when first used, so there is no compiler, no build step and no binary
 * in the repository. Opcodes: the WebAssembly core specification 2.0, §5.4 (SIMD: prefix 0xFD).
 */

/** Value types. */
export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof F32 | typeof V128;

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (32-bit). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  n |= 0;
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const utf8 = (s: string): number[] => [...uleb(Buffer.byteLength(s)), ...Buffer.from(s)];
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

/** One function's body, written instruction by instruction. Locals are numbered after the params. */
export class FnBuilder {
  readonly code: number[] = [];
  private readonly localTypes: ValType[] = [];

  constructor(
    readonly name: string,
    readonly params: readonly ValType[],
    readonly results: readonly ValType[] = [],
  ) {}

  /** Declare a local; returns its index. */
  local(type: ValType): number {
    this.localTypes.push(type);
    return this.params.length + this.localTypes.length - 1;
  }

  private emit(...bytes: number[]): this {
    for (const b of bytes) this.code.push(b);
    return this;
  }

  get(i: number): this {
    return this.emit(0x20, ...uleb(i));
  }
  set(i: number): this {
    return this.emit(0x21, ...uleb(i));
  }
  tee(i: number): this {
    return this.emit(0x22, ...uleb(i));
  }
  i32(v: number): this {
    return this.emit(0x41, ...sleb(v));
  }
  f32(v: number): this {
    const b = new Uint8Array(new Float32Array([v]).buffer);
    return this.emit(0x43, ...b);
  }
  /** i32 binary ops. */
  add(): this {
    return this.emit(0x6a);
  }
  sub(): this {
    return this.emit(0x6b);
  }
  mul(): this {
    return this.emit(0x6c);
  }
  ltU(): this {
    return this.emit(0x49);
  }
  geU(): this {
    return this.emit(0x4f);
  }
  and(): this {
    return this.emit(0x71);
  }
  eq(): this {
    return this.emit(0x46);
  }
  /** local[i] += delta (i32). */
  inc(i: number, delta: number | { local: number }): this {
    this.get(i);
    if (typeof delta === 'number') this.i32(delta);
    else this.get(delta.local);
    return this.add().set(i);
  }
  f32Load(offset = 0): this {
    return this.emit(0x2a, 2, ...uleb(offset));
  }
  f32Store(offset = 0): this {
    return this.emit(0x38, 2, ...uleb(offset));
  }
  private simd(op: number, ...imm: number[]): this {
    return this.emit(0xfd, ...uleb(op), ...imm);
  }
  v128Load(offset = 0): this {
    return this.simd(0x00, 4, ...uleb(offset));
  }
  v128Store(offset = 0): this {
    return this.simd(0x0b, 4, ...uleb(offset));
  }
  /** Load one f32 and splat it to all four lanes. */
  load32Splat(offset = 0): this {
    return this.simd(0x09, 2, ...uleb(offset));
  }
  f32x4Splat(): this {
    return this.simd(0x13);
  }
  f32x4Add(): this {
    return this.simd(0xe4);
  }
  f32x4Sub(): this {
    return this.simd(0xe5);
  }
  f32x4Mul(): this {
    return this.simd(0xe6);
  }
  f32x4Div(): this {
    return this.simd(0xe7);
  }
  f32x4Min(): this {
    return this.simd(0xe8);
  }
  f32x4Max(): this {
    return this.simd(0xe9);
  }
  f32x4Sqrt(): this {
    return this.simd(0xe3);
  }
  f32x4Gt(): this {
    return this.simd(0x44);
  }
  v128And(): this {
    return this.simd(0x4e);
  }
  /** An f32x4 constant with all lanes `v`. */
  f32x4Const(v: number): this {
    return this.f32(v).f32x4Splat();
  }

  /** `block … end`: `br 0` inside jumps past the end. */
  block(body: () => void): this {
    this.emit(0x02, 0x40);
    body();
    return this.emit(0x0b);
  }
  /** `loop … end`: `br 0` inside jumps back to the start. */
  loop(body: () => void): this {
    this.emit(0x03, 0x40);
    body();
    return this.emit(0x0b);
  }
  /** `if … end` on the i32 on the stack. */
  if(body: () => void): this {
    this.emit(0x04, 0x40);
    body();
    return this.emit(0x0b);
  }
  brIf(depth: number): this {
    return this.emit(0x0d, ...uleb(depth));
  }
  br(depth: number): this {
    return this.emit(0x0c, ...uleb(depth));
  }

  /**
   * `for (i = from; i < end; i += step) body()`, end and step given as locals or constants;
   * runs zero times when from ≥ end.
   */
  for(i: number, from: number | { local: number }, end: { local: number } | number, step: number | { local: number }, body: () => void): this {
    const push = (x: number | { local: number }): this => (typeof x === 'number' ? this.i32(x) : this.get(x.local));
    push(from).set(i);
    return this.block(() => {
      this.get(i);
      push(end);
      this.emit(0x4f); // i32.ge_u
      this.brIf(0);
      this.loop(() => {
        body();
        this.inc(i, step);
        this.get(i);
        push(end);
        this.ltU();
        this.brIf(0);
      });
    });
  }

  /** The encoded function body (locals + code + end). */
  encode(): number[] {
    const groups: number[][] = this.localTypes.map((t) => [1, t]);
    const body = [...vec(groups), ...this.code, 0x0b];
    return [...uleb(body.length), ...body];
  }
}

/** A module of functions that all share one imported memory `env.memory`. */
export function buildModule(fns: readonly FnBuilder[]): Uint8Array<ArrayBuffer> {
  const types = fns.map((f) => [0x60, ...vec(f.params.map((p) => [p])), ...vec(f.results.map((r) => [r]))]);
  const bytes = [
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vec(types)),
    ...section(2, vec([[...utf8('env'), ...utf8('memory'), 0x02, 0x00, 0x01]])),
    ...section(3, vec(fns.map((_, k) => uleb(k)))),
    ...section(7, vec(fns.map((f, k) => [...utf8(f.name), 0x00, ...uleb(k)]))),
    ...section(10, vec(fns.map((f) => f.encode()))),
  ];
  return new Uint8Array(bytes);
}
