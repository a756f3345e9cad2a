/**
 * warehouse-v1's observations and data silos. At the end of every period the kernel records a
 * report row (demand, its average, stock, backlog, key-account backlog, late risk) into a ring; each
 * role then sees, for the reported slots its silo covers (`slots`, default all), the row of the
 * latest report it has received: published every `cadence` periods and reaching the role `delay`
 * periods late, optionally with multiplicative noise; the other reported slots it sees live.
 * Everything the role owns or that is booked centrally (open purchase orders, targets, budget,
 * overflow) is always live.
 */
import { nextNormal } from '../../src/core/rng.js';
import {
  CAP,
  EMA,
  ON_HAND,
  ON_ORDER,
  PREV_EXCESS,
  R_BACKLOG,
  R_DEMAND,
  R_EMA,
  R_KEY_BACKLOG,
  R_LATE_RISK,
  R_ON_HAND,
  REPORTED,
  T,
  TARGET,
  type WarehouseModel,
} from './model.js';

/** Observation slot names (the same for every role; see the table in warehouse.ts). */
export const WAREHOUSE_OBS_NAMES = [
  'onHand',
  'backlog',
  'pipeline',
  'inventoryPosition',
  'demand',
  'demandAvg',
  'orderUpToLevel',
  'budgetHeadroom',
  'workingCapital',
  'overflow',
  'lateRisk',
  'keyBacklog',
  'weekday',
  'timeFraction',
] as const;

/** Natural units per observation unit, per slot. */
export function observationScales(m: WarehouseModel): Float64Array {
  return Float64Array.from(WAREHOUSE_OBS_NAMES, (n) => (n === 'weekday' ? 6 : n === 'timeFraction' ? 1 : m.p.obsScale));
}

/** Record the report row of the current period into the history ring. */
export function recordReport(m: WarehouseModel, f: Float64Array, demand: number): void {
  const row = m.histOff + ((f[T]! | 0) % m.histLen) * REPORTED;
  let key = 0;
  let other = 0;
  let lateRisk = 0;
  const riskAge = m.c.promisePeriods - m.c.standardTransit; // tomorrow these ages ship late by standard
  for (let a = 0; a < m.ages; a++) {
    const kb = f[m.keyOff + a]!;
    const ob = f[m.otherOff + a]!;
    key += kb;
    other += ob;
    if (a >= riskAge) lateRisk += kb + ob;
  }
  f[row + R_DEMAND] = demand;
  f[row + R_EMA] = f[EMA]!;
  f[row + R_ON_HAND] = f[ON_HAND]!;
  f[row + R_BACKLOG] = key + other;
  f[row + R_KEY_BACKLOG] = key;
  f[row + R_LATE_RISK] = lateRisk;
}

/** Fill every history row with the current report (at reset, so early delayed reports are defined). */
export function fillHistory(m: WarehouseModel, f: Float64Array, demand: number): void {
  recordReport(m, f, demand);
  const first = m.histOff + ((f[T]! | 0) % m.histLen) * REPORTED;
  for (let h = 0; h < m.histLen; h++) f.copyWithin(m.histOff + h * REPORTED, first, first + REPORTED);
}

/** Observation slots per role. */
const OBS = WAREHOUSE_OBS_NAMES.length;

/**
 * Write every role's observation for the current period into copy b's rows of `obs` (row b × 14 of
 * each role's buffer; a StepOut's views use b = 0). Draws noise from `rng` only for noisy roles.
 *
 * Roles whose silo changes nothing (`m.liveRole`: delay 0, cadence 1, no noise, or no slot listed)
 * see the live row: its 14 values are computed once and written to each such role. The other roles
 * go through `writeSiloRole`, slot by slot, in the draw order of the original single path.
 * test/supply/warehouse-observe.test.ts checks the shared row against writeSiloRole.
 */
export function writeObservations(m: WarehouseModel, f: Float64Array, rng: Uint32Array, obs: readonly Float32Array[], b: number): void {
  const p = m.c;
  const inv = 1 / p.obsScale;
  const clip = p.obsClip;
  const t = f[T]! | 0;
  const nowRow = m.histOff + (t % m.histLen) * REPORTED;
  const pipeline = f[ON_ORDER]!;
  const wc = (f[ON_HAND]! + pipeline) * p.listPrice;
  const live2 = pipeline * inv;
  const onHand = f[nowRow + R_ON_HAND]!;
  const backlog = f[nowRow + R_BACKLOG]!;
  const v0 = cl(onHand * inv, clip);
  const v1 = cl(backlog * inv, clip);
  const v2 = cl(live2, clip);
  const v3 = cl((onHand - backlog) * inv + live2, clip);
  const v4 = cl(f[nowRow + R_DEMAND]! * inv, clip);
  const v5 = cl(f[nowRow + R_EMA]! * inv, clip);
  const v6 = cl(f[TARGET]! * inv, clip);
  const v7 = cl(((f[CAP]! - wc) / p.listPrice) * inv, clip);
  const v8 = cl((wc / p.listPrice) * inv, clip);
  const v9 = cl(f[PREV_EXCESS]! * inv, clip);
  const v10 = cl(f[nowRow + R_LATE_RISK]! * inv, clip);
  const v11 = cl(f[nowRow + R_KEY_BACKLOG]! * inv, clip);
  const v12 = (t % 7) / 6;
  const v13 = t / p.episodeLength;
  const at = b * OBS;
  for (let r = 0; r < 4; r++) {
    if (m.liveRole[r] === 0) {
      writeSiloRole(m, f, rng, r, obs[r]!, at);
      continue;
    }
    const o = obs[r]!;
    o[at] = v0;
    o[at + 1] = v1;
    o[at + 2] = v2;
    o[at + 3] = v3;
    o[at + 4] = v4;
    o[at + 5] = v5;
    o[at + 6] = v6;
    o[at + 7] = v7;
    o[at + 8] = v8;
    o[at + 9] = v9;
    o[at + 10] = v10;
    o[at + 11] = v11;
    o[at + 12] = v12;
    o[at + 13] = v13;
  }
}

/**
 * Role r's observation through its silo, slot by slot, into `o` from index `at`: the reference
 * path, valid for every role (a live role gets the same values as the shared row above).
 */
export function writeSiloRole(m: WarehouseModel, f: Float64Array, rng: Uint32Array, r: number, o: Float32Array, at: number): void {
  const p = m.c;
  const inv = 1 / p.obsScale;
  const clip = p.obsClip;
  const t = f[T]! | 0;
  const pipeline = f[ON_ORDER]!;
  const wc = (f[ON_HAND]! + pipeline) * p.listPrice;
  const live2 = pipeline * inv;
  const nowRow = m.histOff + (t % m.histLen) * REPORTED;
  let d = t - m.delay[r]!;
  if (d < 0) d = 0;
  d -= d % m.cadence[r]!;
  const lagRow = m.histOff + (d % m.histLen) * REPORTED;
  const lag = r * REPORTED;
  const noise = m.noise[r]!;
  const onHand = reported(m, f, lag + R_ON_HAND, lagRow, nowRow, noise, rng);
  const backlog = reported(m, f, lag + R_BACKLOG, lagRow, nowRow, noise, rng);
  o[at] = cl(onHand * inv, clip);
  o[at + 1] = cl(backlog * inv, clip);
  o[at + 2] = cl(live2, clip);
  o[at + 3] = cl((onHand - backlog) * inv + live2, clip);
  o[at + 4] = cl(reported(m, f, lag + R_DEMAND, lagRow, nowRow, noise, rng) * inv, clip);
  o[at + 5] = cl(reported(m, f, lag + R_EMA, lagRow, nowRow, noise, rng) * inv, clip);
  o[at + 6] = cl(f[TARGET]! * inv, clip);
  o[at + 7] = cl(((f[CAP]! - wc) / p.listPrice) * inv, clip);
  o[at + 8] = cl((wc / p.listPrice) * inv, clip);
  o[at + 9] = cl(f[PREV_EXCESS]! * inv, clip);
  o[at + 10] = cl(reported(m, f, lag + R_LATE_RISK, lagRow, nowRow, noise, rng) * inv, clip);
  o[at + 11] = cl(reported(m, f, lag + R_KEY_BACKLOG, lagRow, nowRow, noise, rng) * inv, clip);
  o[at + 12] = (t % 7) / 6;
  o[at + 13] = t / p.episodeLength;
}

/** Signal k (offset in `lagged`/row) as the role sees it: from the lagged row, noisy, if its silo covers it; else live. */
function reported(m: WarehouseModel, f: Float64Array, lagIndex: number, lagRow: number, nowRow: number, sd: number, rng: Uint32Array): number {
  const k = lagIndex % REPORTED;
  return m.lagged[lagIndex] === 1 ? noisy(f[lagRow + k]!, sd, rng) : f[nowRow + k]!;
}

function noisy(v: number, sd: number, rng: Uint32Array): number {
  if (sd === 0) return v;
  const x = v * (1 + sd * nextNormal(rng));
  return x > 0 ? x : 0;
}

function cl(v: number, c: number): number {
  return v > c ? c : v < -c ? -c : v;
}
