/**
 * A minimal WebAssembly binary writer: just enough of the format (types, one imported memory,
 * imported and own functions, exports; i32/i64/f32/f64 scalar and f32x4 SIMD instructions, blocks,
 * loops and branches) to write tacit's small kernels from TypeScript: the dense layers
 * (src/learn/wasm/kernels.ts) and the beer game's batched step (envs/beer-game/wasm-sweep.ts). The
 * module is generated from this source when first used, so there is no compiler, no build step and
 * no binary in the repository. Opcodes: the WebAssembly core specification 2.0, §5.4 (SIMD: prefix
 * 0xFD; saturating truncation and bulk memory: prefix 0xFC).
 */

/** Value types. */
export const I32 = 0x7f;
export const F32 = 0x7d;
export const I64 = 0x7e;
export const F64 = 0x7c;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof I64 | typeof F32 | typeof F64 | typeof V128;

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
  ne(): this {
    return this.emit(0x47);
  }
  divU(): this {
    return this.emit(0x6e);
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
  f64x2Splat(): this {
    return this.simd(0x14);
  }
  f64x2ExtractLane(lane: number): this {
    return this.simd(0x21, lane);
  }
  f64x2Floor(): this {
    return this.simd(0x75);
  }
  /** f64x2.pmin(a, b), lane-wise `b < a ? b : a` (x86 minpd: no NaN or signed-zero special cases). */
  f64x2Pmin(): this {
    return this.simd(0xf6);
  }
  /** f64x2.pmax(a, b), lane-wise `a < b ? b : a` (x86 maxpd). */
  f64x2Pmax(): this {
    return this.simd(0xf7);
  }
  f64x2Gt(): this {
    return this.simd(0x4a);
  }
  f64x2Le(): this {
    return this.simd(0x4b);
  }
  /** v128.bitselect(a, b, mask): the bits of a where mask is 1, of b elsewhere (a select without a branch). */
  v128Bitselect(): this {
    return this.simd(0x52);
  }
  f64x2ReplaceLane(lane: number): this {
    return this.simd(0x22, lane);
  }
  f64x2Mul(): this {
    return this.simd(0xf2);
  }
  /** f32x4.demote_f64x2_zero: both lanes rounded to float32 (as scalar f32.demote_f64), upper lanes 0. */
  f32x4DemoteF64x2Zero(): this {
    return this.simd(0x5e);
  }
  /** The low 8 bytes of a, then the low 8 bytes of b (i8x16.shuffle 0–7, 16–23). */
  lowHalves(): this {
    return this.simd(0x0d, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
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

  // ---- f64 / i64 scalars and more i32 operators (world kernels) ----
  f64(v: number): this {
    const b = new Uint8Array(new Float64Array([v]).buffer);
    return this.emit(0x44, ...b);
  }
  f64Load(offset = 0): this {
    return this.emit(0x2b, 3, ...uleb(offset));
  }
  f64Store(offset = 0): this {
    return this.emit(0x39, 3, ...uleb(offset));
  }
  /** 64 bits moved as an integer: a bit-exact copy of an f64 slot (NaN payloads included). */
  i64Load(offset = 0): this {
    return this.emit(0x29, 3, ...uleb(offset));
  }
  i64Store(offset = 0): this {
    return this.emit(0x37, 3, ...uleb(offset));
  }
  i32Load(offset = 0): this {
    return this.emit(0x28, 2, ...uleb(offset));
  }
  i32Store(offset = 0): this {
    return this.emit(0x36, 2, ...uleb(offset));
  }
  i32Store8(offset = 0): this {
    return this.emit(0x3a, 0, ...uleb(offset));
  }
  f64Add(): this {
    return this.emit(0xa0);
  }
  f64Sub(): this {
    return this.emit(0xa1);
  }
  f64Mul(): this {
    return this.emit(0xa2);
  }
  f64Div(): this {
    return this.emit(0xa3);
  }
  f64Floor(): this {
    return this.emit(0x9c);
  }
  f64Neg(): this {
    return this.emit(0x9a);
  }
  f64Eq(): this {
    return this.emit(0x61);
  }
  f64Lt(): this {
    return this.emit(0x63);
  }
  f64Gt(): this {
    return this.emit(0x64);
  }
  f64Le(): this {
    return this.emit(0x65);
  }
  f64Ge(): this {
    return this.emit(0x66);
  }
  /** f32.demote_f64: round to nearest float32, as a JavaScript Float32Array store does. */
  f32DemoteF64(): this {
    return this.emit(0xb6);
  }
  f64ConvertI32S(): this {
    return this.emit(0xb7);
  }
  f64ConvertI32U(): this {
    return this.emit(0xb8);
  }
  /** i32.trunc_sat_f64_s: toward zero, saturating (no trap); ToInt32 for values in int32 range. */
  i32TruncSatF64S(): this {
    return this.emit(0xfc, 0x02);
  }
  or(): this {
    return this.emit(0x72);
  }
  xor(): this {
    return this.emit(0x73);
  }
  shl(): this {
    return this.emit(0x74);
  }
  shrU(): this {
    return this.emit(0x76);
  }
  rotl(): this {
    return this.emit(0x77);
  }
  remS(): this {
    return this.emit(0x6f);
  }
  remU(): this {
    return this.emit(0x70);
  }
  eqz(): this {
    return this.emit(0x45);
  }
  ltS(): this {
    return this.emit(0x48);
  }
  leS(): this {
    return this.emit(0x4c);
  }
  geS(): this {
    return this.emit(0x4e);
  }
  /** `select`: the first operand when the i32 on top is non-zero, else the second (any value type). */
  select(): this {
    return this.emit(0x1b);
  }
  /** Call function `index` (imported functions are numbered first). */
  call(index: number): this {
    return this.emit(0x10, ...uleb(index));
  }
  /** `if … else … end` on the i32 on the stack, with one result of `type` left by both arms. */
  ifElse(type: ValType, then: () => void, otherwise: () => void): this {
    this.emit(0x04, type);
    then();
    this.emit(0x05);
    otherwise();
    return this.emit(0x0b);
  }

  /** The encoded function body (locals + code + end). */
  encode(): number[] {
    const groups: number[][] = this.localTypes.map((t) => [1, t]);
    const body = [...vec(groups), ...this.code, 0x0b];
    return [...uleb(body.length), ...body];
  }
}

/** A function the module imports from JavaScript as `env.<name>`. */
export interface ImportedFn {
  readonly name: string;
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
}

/**
 * A module of functions that all share one imported memory `env.memory`. Imported functions
 * (`env.<name>`) take the function indices 0 … imports.length − 1, the module's own follow.
 */
export function buildModule(fns: readonly FnBuilder[], imports: readonly ImportedFn[] = []): Uint8Array<ArrayBuffer> {
  const sig = (f: { params: readonly ValType[]; results: readonly ValType[] }): number[] => [
    0x60,
    ...vec(f.params.map((p) => [p])),
    ...vec(f.results.map((r) => [r])),
  ];
  const types = [...imports.map(sig), ...fns.map(sig)];
  const own = imports.length;
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
    ...section(2, vec([...imports.map((f, k) => [...utf8('env'), ...utf8(f.name), 0x00, ...uleb(k)]), [...utf8('env'), ...utf8('memory'), 0x02, 0x00, 0x01]])),
    ...section(3, vec(fns.map((_, k) => uleb(own + k)))),
    ...section(7, vec(fns.map((f, k) => [...utf8(f.name), 0x00, ...uleb(own + k)]))),
    ...section(10, vec(fns.map((f) => f.encode()))),
  ];
  return new Uint8Array(bytes);
}
