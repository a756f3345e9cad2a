/**
 * warehouse-v1's observations and data silos. At the end of every period the kernel records a
 * report row (demand, its average, stock, backlog, key-account backlog, late risk) into a ring; each
 * role then sees the row of the latest report it has received: published every `cadence` periods
 * and reaching the role `delay` periods late, optionally with multiplicative noise. Everything the
 * role owns or that is booked centrally (open purchase orders, targets, budget, overflow) is live.
 */
import { nextNormal } from '../../src/core/rng.js';
import type { StepOut } from '../../src/core/world.js';
import {
  CAP, EMA, ON_HAND, ON_ORDER, PREV_EXCESS, R_BACKLOG, R_DEMAND, R_EMA, R_KEY_BACKLOG, R_LATE_RISK, R_ON_HAND, REPORTED, T, TARGET,
  type WarehouseModel,
} from './model.js';

/** Observation slot names (the same for every role; see the table in warehouse.ts). */
export const WAREHOUSE_OBS_NAMES = [
  'onHand', 'backlog', 'pipeline', 'inventoryPosition', 'demand', 'demandAvg', 'orderUpToLevel',
  'budgetHeadroom', 'workingCapital', 'overflow', 'lateRisk', 'keyBacklog', 'weekday', 'timeFraction',
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

/** Write every role's observation for the current period. Draws noise from `rng` only for noisy roles. */
export function writeObservations(m: WarehouseModel, f: Float64Array, rng: Uint32Array, out: StepOut): void {
  const p = m.c;
  const inv = 1 / p.obsScale;
  const clip = p.obsClip;
  const t = f[T]! | 0;
  const pipeline = f[ON_ORDER]!;
  const wc = (f[ON_HAND]! + pipeline) * p.listPrice;
  const live2 = pipeline * inv;
  const live6 = f[TARGET]! * inv;
  const live7 = ((f[CAP]! - wc) / p.listPrice) * inv;
  const live8 = (wc / p.listPrice) * inv;
  const live9 = f[PREV_EXCESS]! * inv;
  const weekday = (t % 7) / 6;
  const tf = t / p.episodeLength;
  for (let r = 0; r < 4; r++) {
    let d = t - m.delay[r]!;
    if (d < 0) d = 0;
    d -= d % m.cadence[r]!;
    const row = m.histOff + (d % m.histLen) * REPORTED;
    const noise = m.noise[r]!;
    const o = out.obs[r]!;
    const onHand = noisy(f[row + R_ON_HAND]!, noise, rng);
    const backlog = noisy(f[row + R_BACKLOG]!, noise, rng);
    o[0] = cl(onHand * inv, clip);
    o[1] = cl(backlog * inv, clip);
    o[2] = cl(live2, clip);
    o[3] = cl((onHand - backlog) * inv + live2, clip);
    o[4] = cl(noisy(f[row + R_DEMAND]!, noise, rng) * inv, clip);
    o[5] = cl(noisy(f[row + R_EMA]!, noise, rng) * inv, clip);
    o[6] = cl(live6, clip);
    o[7] = cl(live7, clip);
    o[8] = cl(live8, clip);
    o[9] = cl(live9, clip);
    o[10] = cl(noisy(f[row + R_LATE_RISK]!, noise, rng) * inv, clip);
    o[11] = cl(noisy(f[row + R_KEY_BACKLOG]!, noise, rng) * inv, clip);
    o[12] = weekday;
    o[13] = tf;
  }
}

function noisy(v: number, sd: number, rng: Uint32Array): number {
  if (sd === 0) return v;
  const x = v * (1 + sd * nextNormal(rng));
  return x > 0 ? x : 0;
}

function cl(v: number, c: number): number {
  return v > c ? c : v < -c ? -c : v;
}
