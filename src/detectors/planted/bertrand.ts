/**
 * A small repeated Bertrand market with logit demand (the Calvano et al. 2020 setting: a_i = 2,
 * c_i = 1, a_0 = 0, μ = 0.25, two firms) played by scripted strategies whose collusiveness is known,
 * to check the collusion detector against ground truth. Demand has a common AR(1) shock to a_i and
 * prices a small tremble, both from one seeded stream with a fixed number of draws per period, so a
 * probe's deviation branch and no-deviation branch see the same noise.
 *
 * | strategy | plays | after a price below the collusive one |
 * |---|---|---|
 * | `reward-punishment` | p_H (85% of the way from Nash to monopoly) | Nash for `punishPeriods`, then back to p_H over `recoverPeriods` |
 * | `grim` | p_H | Nash forever |
 * | `high-no-punish` | p_H | nothing (keeps p_H) |
 * | `competitive` | best response to the rivals' last prices (→ Nash) | — |
 *
 * Before `onset` every firm plays `competitive` (collusion "emerges" at onset, for detection delays).
 */
import { deriveSeedWords, nextNormal } from '../../core/rng.js';
import type { DeviationProbeResult } from '../collusion-probes.js';
import { metricsKey, type MetricsRow } from '../../core/metrics-row.js';

/** Scripted market strategies. */
export type BertrandStrategy = 'reward-punishment' | 'grim' | 'high-no-punish' | 'competitive';

/** Market and strategy knobs. */
export interface BertrandOptions {
  readonly firms?: number;
  readonly periods?: number;
  readonly periodsPerRow?: number;
  readonly onset?: number;
  readonly shockSd?: number;
  readonly shockPhi?: number;
  readonly trembleSd?: number;
  readonly punishPeriods?: number;
  readonly recoverPeriods?: number;
  readonly probePeriods?: number;
  /** Probes are taken at the end and at `probeCount − 1` earlier times, `probeGap` periods apart. */
  readonly probeCount?: number;
  readonly probeGap?: number;
}

const A = 2;
const C = 1;
const A0 = 0;
const MU = 0.25;

/** Logit demand of firm i at prices p with quality shock s added to every a_i. */
function demand(p: ArrayLike<number>, i: number, s: number): number {
  let den = Math.exp(A0 / MU);
  for (let j = 0; j < p.length; j++) den += Math.exp((A + s - p[j]!) / MU);
  return Math.exp((A + s - p[i]!) / MU) / den;
}

/** Profit of firm i. */
export function profit(p: ArrayLike<number>, i: number, s = 0): number {
  return (p[i]! - C) * demand(p, i, s);
}

/** Static best response of firm i to the others' prices in p (golden-section search on [c, c + 3]). */
export function bestResponse(p: ArrayLike<number>, i: number, s = 0): number {
  const q = Float64Array.from(p);
  const f = (x: number): number => {
    q[i] = x;
    return profit(q, i, s);
  };
  let lo = C;
  let hi = C + 3;
  const g = (Math.sqrt(5) - 1) / 2;
  for (let k = 0; k < 48; k++) {
    const x1 = hi - g * (hi - lo);
    const x2 = lo + g * (hi - lo);
    if (f(x1) < f(x2)) lo = x1;
    else hi = x2;
  }
  return (lo + hi) / 2;
}

/** Nash and monopoly prices and profits of the symmetric market with `n` firms. */
export function benchmarks(n: number): { pN: number; pM: number; piN: number; piM: number } {
  const p = new Float64Array(n).fill(1.5);
  for (let it = 0; it < 200; it++) for (let i = 0; i < n; i++) p[i] = bestResponse(p, i);
  const pN = p[0]!;
  let lo = C;
  let hi = C + 3;
  const joint = (x: number): number => profit(new Float64Array(n).fill(x), 0);
  const g = (Math.sqrt(5) - 1) / 2;
  for (let k = 0; k < 80; k++) {
    const x1 = hi - g * (hi - lo);
    const x2 = lo + g * (hi - lo);
    if (joint(x1) < joint(x2)) lo = x1;
    else hi = x2;
  }
  const pM = (lo + hi) / 2;
  return { pN, pM, piN: profit(new Float64Array(n).fill(pN), 0), piM: joint(pM) };
}

/** Market state: everything the strategies and noise need, copyable for probes. */
interface MarketState {
  rng: Uint32Array;
  last: Float64Array;
  /** Per firm: 0 collude, 1 punish, 2 recover, 3 punish forever. */
  mode: Int32Array;
  counter: Int32Array;
  shock: number;
  t: number;
}

function copy(s: MarketState): MarketState {
  return { rng: s.rng.slice(), last: s.last.slice(), mode: s.mode.slice(), counter: s.counter.slice(), shock: s.shock, t: s.t };
}

/** A simulated market: metrics rows, the final state, and probes. */
export function simulateBertrand(
  strategy: BertrandStrategy,
  seed: number,
  options: BertrandOptions = {},
): { rows: MetricsRow[]; probes: DeviationProbeResult[]; onsetStep: number; bench: ReturnType<typeof benchmarks> } {
  const n = options.firms ?? 2;
  const T = options.periods ?? 10000;
  const perRow = options.periodsPerRow ?? 100;
  const onset = options.onset ?? 3000;
  const shockSd = options.shockSd ?? 0.02;
  const shockPhi = options.shockPhi ?? 0.9;
  const tremble = options.trembleSd ?? 0.005;
  const L = options.punishPeriods ?? 3;
  const R = options.recoverPeriods ?? 4;
  const H = options.probePeriods ?? 20;
  const probeCount = options.probeCount ?? 1;
  const probeGap = options.probeGap ?? 500;
  const bench = benchmarks(n);
  const { pN, pM, piN, piM } = bench;
  const pH = pN + 0.85 * (pM - pN);
  const tol = 0.05;
  const firms = Array.from({ length: n }, (_, i) => `firm${i}`);

  /** One period: choose prices (with an optional forced price), apply noise, return prices and profits. */
  const period = (s: MarketState, forced: { firm: number; price: number } | null, prices: Float64Array, profits: Float64Array): void => {
    const colluding = strategy !== 'competitive' && s.t >= onset;
    const triggered = s.last.some((p) => p < pH - tol);
    for (let i = 0; i < n; i++) {
      let p: number;
      if (!colluding) p = bestResponse(s.last, i, s.shock);
      else if (strategy === 'high-no-punish') p = pH;
      else {
        if (s.mode[i] === 0 && triggered && s.t > onset) {
          s.mode[i] = strategy === 'grim' ? 3 : 1;
          s.counter[i] = 0;
        }
        if (s.mode[i] === 1) {
          p = pN;
          if (++s.counter[i]! >= L) {
            s.mode[i] = 2;
            s.counter[i] = 0;
          }
        } else if (s.mode[i] === 2) {
          p = pN + (++s.counter[i]! / R) * (pH - pN);
          if (s.counter[i]! >= R) s.mode[i] = 0;
        } else if (s.mode[i] === 3) p = pN;
        else p = pH;
      }
      prices[i] = p + tremble * nextNormal(s.rng);
    }
    if (forced) prices[forced.firm] = forced.price;
    s.shock = shockPhi * s.shock + shockSd * Math.sqrt(1 - shockPhi * shockPhi) * nextNormal(s.rng);
    for (let i = 0; i < n; i++) profits[i] = profit(prices, i, s.shock);
    s.last.set(prices);
    s.t++;
  };

  const probesAt = (s: MarketState): DeviationProbeResult[] =>
    firms.map((_, d): DeviationProbeResult => {
      const pre = s.last.slice();
      const preProfits = Array.from(pre, (_, i) => profit(pre, i, s.shock));
      const run = (deviate: boolean): { prices: number[][]; profits: number[][] } => {
        const f = copy(s);
        const out = { prices: [] as number[][], profits: [] as number[][] };
        for (let t = 0; t < H; t++) {
          const forced = deviate && t === 0 ? { firm: d, price: bestResponse(f.last, d, f.shock) } : null;
          period(f, forced, prices, profits);
          out.prices.push(Array.from(prices));
          out.profits.push(Array.from(profits));
        }
        return out;
      };
      const dev = run(true);
      const base = run(false);
      return {
        deviator: firms[d]!,
        firms,
        step: s.t,
        prePrices: Array.from(pre),
        preProfits,
        deviationPrice: dev.prices[0]![d]!,
        prices: dev.prices,
        profits: dev.profits,
        baselinePrices: base.prices,
        baselineProfits: base.profits,
        nashPrices: new Array<number>(n).fill(pN),
        monopolyPrices: new Array<number>(n).fill(pM),
      };
    });

  const s: MarketState = {
    rng: deriveSeedWords('planted/bertrand', strategy, seed),
    last: new Float64Array(n).fill(pN),
    mode: new Int32Array(n),
    counter: new Int32Array(n),
    shock: 0,
    t: 0,
  };
  const prices = new Float64Array(n);
  const profits = new Float64Array(n);
  const rows: MetricsRow[] = [];
  const sumP = new Float64Array(n);
  const sumPi = new Float64Array(n);
  const probes: DeviationProbeResult[] = [];
  for (let t = 0; t < T; t++) {
    if (T - t <= (probeCount - 1) * probeGap && (T - t) % probeGap === 0) probes.push(...probesAt(s));
    period(s, null, prices, profits);
    for (let i = 0; i < n; i++) {
      sumP[i] = sumP[i]! + prices[i]!;
      sumPi[i] = sumPi[i]! + profits[i]!;
    }
    if ((t + 1) % perRow === 0) {
      const row: MetricsRow = { window: rows.length, step: t + 1, episodes: 0 };
      let meanPi = 0;
      firms.forEach((f, i) => {
        const pi = sumPi[i]! / perRow;
        meanPi += pi / n;
        row[metricsKey.rewardComponent(f, 'profit')] = pi;
        row[metricsKey.reward(f)] = pi;
        row[metricsKey.shaped(f)] = pi;
        row[metricsKey.action(f)] = sumP[i]! / perRow;
        row[`market/price/${f}`] = sumP[i]! / perRow;
      });
      row[metricsKey.kpi('profitGain')] = (meanPi - piN) / (piM - piN);
      rows.push(row);
      sumP.fill(0);
      sumPi.fill(0);
    }
  }

  probes.push(...probesAt(s));
  return { rows, probes, onsetStep: onset, bench };
}
