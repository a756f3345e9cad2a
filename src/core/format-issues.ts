/**
 * Turns zod issues into tacit's one-line-per-problem form: `path: what was expected, got what`.
 * Messages name the value seen and what is allowed, e.g.
 * `agents[1].policy.params.learningRate: expected a positive number, got -0.1`.
 */
import type { z } from 'zod';
import { showValue, type ConfigIssue } from './errors.js';

/** Render a zod path as `a.b[2].c`, prefixed by `prefix`. */
export function formatPath(path: readonly PropertyKey[], prefix = ''): string {
  let out = prefix;
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}

function article(type: string): string {
  if (type === 'int') return 'an integer';
  if (type === 'array') return 'a list';
  if (type === 'object' || type === 'record') return 'a mapping (object)';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function bound(iss: { minimum?: unknown; maximum?: unknown; inclusive?: boolean; origin?: string }, side: 'min' | 'max'): string {
  const v = side === 'min' ? iss.minimum : iss.maximum;
  const inclusive = iss.inclusive !== false;
  const n = typeof v === 'bigint' ? Number(v) : (v as number);
  if (iss.origin === 'number' || iss.origin === 'int') {
    if (side === 'min' && n === 0 && !inclusive) return 'a positive number';
    if (side === 'min' && n === 0 && inclusive) return 'a number >= 0';
    return `a number ${side === 'min' ? (inclusive ? '>=' : '>') : inclusive ? '<=' : '<'} ${n}`;
  }
  const what = iss.origin === 'string' ? 'characters' : 'items';
  return `${side === 'min' ? 'at least' : 'at most'} ${n} ${what}`;
}

/**
 * Allowed keys of the object schema reached by `path` inside `schema`, if it can be found. Inside a
 * discriminated union, the branch is the one named by `input`'s discriminator (at the end of the
 * path) or the first branch with the next path key (on the way).
 */
export function allowedKeysAt(schema: z.ZodType, path: readonly PropertyKey[], input?: unknown): string[] | undefined {
  let node: unknown = schema;
  const unwrap = (s: unknown): unknown => {
    for (let k = 0; k < 10; k++) {
      const def = (s as { def?: { type?: string; innerType?: unknown; in?: unknown; out?: unknown } })?.def;
      if (!def) return s;
      if (
        def.type === 'default' ||
        def.type === 'optional' ||
        def.type === 'nullable' ||
        def.type === 'prefault' ||
        def.type === 'catch' ||
        def.type === 'readonly'
      )
        s = def.innerType;
      else if (def.type === 'pipe') s = def.in;
      else return s;
    }
    return s;
  };
  type Def = { type?: string; shape?: Record<string, unknown>; element?: unknown; options?: unknown[]; discriminator?: string };
  const shapeOf = (s: unknown): Record<string, unknown> | undefined => (unwrap(s) as { def?: Def }).def?.shape;
  const branch = (s: unknown, pick: (shape: Record<string, unknown>) => boolean): unknown => {
    const def = (unwrap(s) as { def?: Def }).def;
    if (def?.type !== 'union' || !def.options) return s;
    return (
      def.options.find((o) => {
        const shape = shapeOf(o);
        return shape !== undefined && pick(shape);
      }) ?? s
    );
  };
  for (const seg of path) {
    node = branch(node, (shape) => typeof seg === 'string' && seg in shape);
    node = unwrap(node);
    const def = (node as { def?: Def }).def;
    if (def?.type === 'object' && typeof seg === 'string') node = def.shape?.[seg];
    else if (def?.type === 'array' && typeof seg === 'number') node = def.element;
    else return undefined;
  }
  const disc = (unwrap(node) as { def?: Def }).def?.discriminator;
  const tag = disc !== undefined && input && typeof input === 'object' ? (input as Record<string, unknown>)[disc] : undefined;
  node = unwrap(branch(node, (shape) => disc !== undefined && ((shape[disc] as { def?: { values?: unknown[] } })?.def?.values ?? []).includes(tag)));
  const def = (node as { def?: Def }).def;
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : undefined;
}

/** One zod issue as a ConfigIssue. `schema` lets unknown-key errors list the allowed keys. */
export function formatIssue(iss: z.core.$ZodIssue, prefix = '', schema?: z.ZodType): ConfigIssue {
  const path = formatPath(iss.path, prefix);
  const input = (iss as { input?: unknown }).input;
  const got = `got ${showValue(input)}`;
  switch (iss.code) {
    case 'invalid_type':
      if (input === undefined) return { path, message: `required, expected ${article(iss.expected)}` };
      return { path, message: `expected ${article(iss.expected)}, ${got}` };
    case 'too_small':
      return { path, message: `expected ${bound(iss, 'min')}, ${got}` };
    case 'too_big':
      return { path, message: `expected ${bound(iss, 'max')}, ${got}` };
    case 'invalid_value':
      return { path, message: `expected one of ${iss.values.map((v) => JSON.stringify(v)).join(', ')}, ${got}` };
    case 'unrecognized_keys': {
      const allowed = schema ? allowedKeysAt(schema, iss.path, input) : undefined;
      const keys = iss.keys.map((k) => `'${k}'`).join(', ');
      const hint = allowed ? (allowed.length ? `; allowed keys: ${allowed.join(', ')}` : '; this takes no keys (remove it)') : '';
      return { path, message: `unknown key${iss.keys.length > 1 ? 's' : ''} ${keys}${hint}` };
    }
    case 'invalid_union': {
      const disc = (iss as { discriminator?: string; options?: unknown[] }).discriminator;
      const options = (iss as { options?: unknown[] }).options;
      if (disc !== undefined && options && input && typeof input === 'object')
        return {
          path,
          message: `expected one of ${options.map((o) => JSON.stringify(o)).join(', ')}, got ${showValue((input as Record<string, unknown>)[disc])}`,
        };
      // A plain union (e.g. a condition or a list of conditions): report the problem of the branch
      // the value came closest to, at its full path, instead of a bare "Invalid input".
      const branches = (iss as { errors?: z.core.$ZodIssue[][] }).errors ?? [];
      // A branch rejected at the root (wrong type or value altogether) is the furthest away.
      const closest = branches
        .filter((b) => b.length > 0 && !(b.length === 1 && b[0]!.path.length === 0))
        .sort((x, y) => x.length - y.length || y[0]!.path.length - x[0]!.path.length)[0];
      if (closest) {
        const inner = formatIssue({ ...closest[0]!, path: [...iss.path, ...closest[0]!.path] } as z.core.$ZodIssue, prefix, schema);
        return closest.length > 1
          ? { path: inner.path, message: `${inner.message} (and ${closest.length - 1} more problem${closest.length > 2 ? 's' : ''} here)` }
          : inner;
      }
      // A union with its own message (the schema says what is allowed in words) keeps it.
      if (iss.message !== 'Invalid input') return { path, message: `${iss.message}, ${got}` };
      // Every branch wanted another type or value altogether: say which (e.g. a detector's
      // `false | {params}`: "expected false or a mapping (object), got true").
      const wanted = branches.map((b) => {
        const only = b.length === 1 ? b[0]! : undefined;
        if (only?.code === 'invalid_type') return article((only as { expected: string }).expected);
        if (only?.code === 'invalid_value') return (only as { values: unknown[] }).values.map((v) => JSON.stringify(v)).join(' or ');
        return undefined;
      });
      if (wanted.length > 0 && wanted.every((t) => t !== undefined)) return { path, message: `expected ${[...new Set(wanted)].join(' or ')}, ${got}` };
      return { path, message: `${iss.message}, ${got}` };
    }
    default:
      return { path, message: `${iss.message}${input !== undefined ? `, ${got}` : ''}` };
  }
}

/**
 * Options for parsing a config value once: zod compiles each object schema's parser with
 * `new Function` on its first parse (its JIT), which costs far more than the one parse it speeds up
 * and is never kept by V8's code cache (CPU profile of `tacit validate`, issue 21). Same results.
 */
export const PARSE_ONCE = { jitless: true } as const;

/** Parse `value` with `schema`, returning the data or the formatted issues (paths prefixed by `prefix`). */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown, prefix: string): { ok: true; data: T } | { ok: false; issues: ConfigIssue[] } {
  const result = schema.safeParse(value, { ...PARSE_ONCE, reportInput: true });
  if (result.success) return { ok: true, data: result.data };
  return { ok: false, issues: result.error.issues.map((iss) => formatIssue(iss, prefix, schema)) };
}
