/**
 * Sweep grids: the `sweep` section of an experiment file (and `--grid` flags) names config paths
 * and the values to try; the grid is their cartesian product. Paths are dotted keys with `[n]`
 * indices and `[*]` for every element of a list (e.g. `agents[*].reward.scheme`). An axis is a list
 * of values, or a mapping from a label to a value (to name composite values such as
 * `{scheme: potential, params: {...}}`). Each grid point is applied to the base config with immer's
 * `produce`, so the base is never mutated.
 */
import { produce } from 'immer';
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../core/errors.js';
import { FORBIDDEN_KEYS } from './forbidden-keys.js';

export { sweepSectionSchema, type SweepSection } from './sweep-section.js';

/** One axis value with its label. */
export interface AxisValue {
  readonly label: string;
  readonly value: unknown;
}

/** One axis: a config path and its values. */
export interface Axis {
  readonly path: string;
  readonly values: readonly AxisValue[];
}

/** One grid point: a value per axis, and its label (`scheme=team, learningRate=0.2`). */
export interface GridPoint {
  readonly label: string;
  /** path → value. */
  readonly values: Readonly<Record<string, unknown>>;
}

/** A path segment: key, index, or every element. */
export type Segment = string | number | '*';

/** Parse `agents[*].reward.scheme` into segments. */
export function parseGridPath(path: string): Segment[] {
  const segs: Segment[] = [];
  const re = /([^.[\]]+)|\[(\d+|\*)\]/g;
  let pos = 0;
  for (let m = re.exec(path); m; m = re.exec(path)) {
    const gap = path.slice(pos, m.index);
    if (gap !== '' && gap !== '.') break;
    if (m[1] !== undefined && FORBIDDEN_KEYS.has(m[1]))
      throw new UsageError(`bad sweep path '${path}': the key '${m[1]}' is not allowed (it would reach the object prototype)`);
    segs.push(m[2] === undefined ? m[1]! : m[2] === '*' ? '*' : Number(m[2]));
    pos = re.lastIndex;
  }
  if (pos !== path.length || segs.length === 0 || path.startsWith('.') || path.endsWith('.') || typeof segs[0] !== 'string')
    throw new UsageError(`bad sweep path '${path}': use dotted keys, [n] indices and [*] for every list element, e.g. agents[*].reward.scheme`);
  return segs;
}

/** Set `path` to `value` in a copy of `config` (missing objects are created; `[*]` needs an existing list). */
export function setPath<T>(config: T, path: string, value: unknown): T {
  const segs = parseGridPath(path);
  return produce(config, (draft: unknown) => {
    const visit = (node: Record<PropertyKey, unknown>, k: number): void => {
      const seg = segs[k]!;
      const last = k === segs.length - 1;
      if (seg === '*') {
        if (!Array.isArray(node)) throw new UsageError(`sweep path '${path}': [*] needs a list at '${segs.slice(0, k).join('.')}'`);
        if (node.length === 0) throw new UsageError(`sweep path '${path}': the list at '${segs.slice(0, k).join('.')}' is empty`);
        for (let i = 0; i < node.length; i++) {
          if (last) node[i] = structuredClone(value);
          else visit(node[i] as Record<PropertyKey, unknown>, k + 1);
        }
        return;
      }
      if (last) {
        node[seg] = structuredClone(value);
        return;
      }
      let next = node[seg];
      if (next === undefined || next === null) {
        next = typeof segs[k + 1] === 'number' || segs[k + 1] === '*' ? [] : {};
        node[seg] = next;
      } else if (typeof next !== 'object')
        throw new UsageError(`sweep path '${path}': '${segs.slice(0, k + 1).join('.')}' is ${JSON.stringify(next)}, not an object or list`);
      visit(next as Record<PropertyKey, unknown>, k + 1);
    };
    visit(draft as Record<PropertyKey, unknown>, 0);
  });
}

/** A short label for a value: strings as they are, composite values by their scheme/type/id/name. */
function valueLabel(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    for (const key of ['scheme', 'type', 'id', 'name']) {
      const s = (v as Record<string, unknown>)[key];
      if (typeof s === 'string') return s;
    }
  }
  return JSON.stringify(v);
}

/** Normalise a grid section into axes (labels unique within an axis). */
export function toAxes(grid: Record<string, unknown>): Axis[] {
  return Object.entries(grid).map(([path, spec]) => {
    parseGridPath(path);
    let values: AxisValue[];
    if (Array.isArray(spec)) {
      values = spec.map((value) => ({ label: valueLabel(value), value }));
      if (new Set(values.map((v) => v.label)).size < values.length) values = spec.map((value) => ({ label: JSON.stringify(value), value }));
    } else values = Object.entries(spec as Record<string, unknown>).map(([label, value]) => ({ label, value }));
    if (values.length === 0) throw new UsageError(`sweep grid '${path}' has no values`);
    return { path, values };
  });
}

/** Short axis names: the last path key, or more of the path where that is ambiguous. */
export function axisNames(paths: readonly string[]): string[] {
  const keys = paths.map((p) => parseGridPath(p).filter((s): s is string => typeof s === 'string' && s !== '*'));
  return keys.map((ks, i) => {
    for (let n = 1; n <= ks.length; n++) {
      const name = ks.slice(-n).join('.');
      if (keys.every((other, j) => j === i || other.slice(-n).join('.') !== name)) return name;
    }
    return paths[i]!;
  });
}

/** The cartesian product of the axes, first axis slowest. */
export function expandGrid(axes: readonly Axis[]): GridPoint[] {
  const names = axisNames(axes.map((a) => a.path));
  let points: { labels: string[]; values: Record<string, unknown> }[] = [{ labels: [], values: {} }];
  axes.forEach((axis, k) => {
    points = points.flatMap((p) =>
      axis.values.map((v) => ({ labels: [...p.labels, `${names[k]}=${v.label}`], values: { ...p.values, [axis.path]: v.value } })),
    );
  });
  return points.map((p) => ({ label: p.labels.join(', '), values: p.values }));
}

/** Apply a grid point to a config. */
export function applyPoint<T>(config: T, point: GridPoint): T {
  return Object.entries(point.values).reduce((acc, [path, value]) => setPath(acc, path, value), config);
}

/**
 * Parse `--grid path=v1,v2,v3` (values as YAML scalars) or `--grid 'path=[v1, {a: 1}]'` (a YAML
 * list) into a path and its values.
 */
export function parseGridFlag(flag: string): [string, unknown[]] {
  const eq = flag.indexOf('=');
  if (eq <= 0) throw new UsageError(`bad --grid '${flag}': expected path=v1,v2,... e.g. --grid agents[*].reward.scheme=local,team`);
  const path = flag.slice(0, eq).trim();
  parseGridPath(path);
  const text = flag.slice(eq + 1).trim();
  const scalar = (s: string): unknown => {
    try {
      return parseYaml(s) as unknown;
    } catch {
      return s;
    }
  };
  let values: unknown[];
  if (text.startsWith('[')) {
    const parsed = scalar(text);
    if (!Array.isArray(parsed)) throw new UsageError(`bad --grid '${flag}': '${text}' is not a YAML list`);
    values = parsed;
  } else values = text.split(',').map((s) => scalar(s.trim()));
  if (values.length === 0 || text === '') throw new UsageError(`bad --grid '${flag}': give at least one value`);
  return [path, values];
}
