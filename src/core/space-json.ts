/**
 * A space in wire form: what `tacit serve` (src/serve/protocol.ts) tells clients and the
 * external-policy bridge (policies/external.ts) tells its process about observation and action
 * spaces. Infinite bounds, which JSON cannot write, are the strings "inf" and "-inf".
 */
import type { Space } from './spaces.js';

/** A space as JSON: `{kind: 'discrete', n}`, `{kind: 'multi-discrete', nvec}` or `{kind: 'box', low, high, shape}`. */
export type SpaceJson =
  | { kind: 'discrete'; n: number; labels?: string[] }
  | { kind: 'multi-discrete'; nvec: number[]; names?: string[] }
  | { kind: 'box'; low: (number | 'inf' | '-inf')[]; high: (number | 'inf' | '-inf')[]; shape: [number]; names?: string[] };

function bound(v: number): number | 'inf' | '-inf' {
  return v === Infinity ? 'inf' : v === -Infinity ? '-inf' : v;
}

/** A space in wire form. */
export function spaceJson(space: Space): SpaceJson {
  switch (space.kind) {
    case 'discrete':
      return space.labels ? { kind: 'discrete', n: space.n, labels: [...space.labels] } : { kind: 'discrete', n: space.n };
    case 'multi-discrete':
      return space.names ? { kind: 'multi-discrete', nvec: [...space.nvec], names: [...space.names] } : { kind: 'multi-discrete', nvec: [...space.nvec] };
    case 'box': {
      const base = { kind: 'box' as const, low: Array.from(space.low, bound), high: Array.from(space.high, bound), shape: [space.size] as [number] };
      return space.names ? { ...base, names: [...space.names] } : base;
    }
  }
}
