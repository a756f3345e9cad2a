/**
 * Size study of the Mann–Kendall variants on trendless AR(1) series: how often each rejects a
 * true "no trend" null, at one-sided levels 2.5% and 0.1% (the detectors test one-sided at small
 * levels after multiplicity control, so the far tail is what matters). This is the measurement
 * behind tacit's choice of `ar1` (src/stats/mann-kendall.ts); rerun it after changing a method.
 *
 *   npm run validate-trend-tests [-- --reps 2000]
 *
 * `ar1` bounds φ at q = 0.3 from the tested window alone; `ar1 pooled(k=4)` bounds it from four
 * consecutive windows of the same series and tests the last, which is what the goodhart detector
 * does once enough history exists.
 */
import { deriveSeedWords } from '../core/rng.js';
import { ar1PhiUpper, ar1VarianceFactor, detrendedLag1, fillAr1 } from './ar1.js';
import { TREND_METHODS, trendTest, type TrendMethod } from './mann-kendall.js';

/** Rejection rates (fractions) of one method on one (n, φ) cell. */
export interface SizeCell {
  readonly method: string;
  readonly n: number;
  readonly phi: number;
  /** Share of series with a one-sided p < 0.025, averaged over both directions. */
  readonly at2_5: number;
  /** Share with a one-sided p < 0.001, averaged over both directions. */
  readonly at0_1: number;
}

/** Run the study; deterministic for a given `reps`. */
export function sizeStudy(reps: number, ns: readonly number[] = [30, 50, 100], phis: readonly number[] = [0, 0.5, 0.8, 0.9, 0.95]): SizeCell[] {
  const cells: SizeCell[] = [];
  const methods: string[] = [...TREND_METHODS, 'ar1 pooled(k=4)'];
  for (const n of ns) {
    for (const phi of phis) {
      const rng = deriveSeedWords('size-study', n, phi);
      const path = new Float64Array(4 * n);
      const hits = new Map<string, [number, number]>(methods.map((m) => [m, [0, 0]]));
      const count = (m: string, pUp: number, pDown: number): void => {
        const h = hits.get(m)!;
        h[0] += (pUp < 0.025 ? 1 : 0) + (pDown < 0.025 ? 1 : 0);
        h[1] += (pUp < 0.001 ? 1 : 0) + (pDown < 0.001 ? 1 : 0);
      };
      for (let r = 0; r < reps; r++) {
        fillAr1(rng, phi, path);
        const last = path.subarray(3 * n);
        for (const m of TREND_METHODS) {
          const t = trendTest(last, { method: m as TrendMethod });
          count(m, t.pUp, t.pDown);
        }
        let r1 = 0;
        for (let w = 0; w < 4; w++) r1 += detrendedLag1(path.subarray(w * n, (w + 1) * n));
        const t = trendTest(last, { method: 'ar1', phi: ar1PhiUpper(r1 / 4, n, 4) });
        count('ar1 pooled(k=4)', t.pUp, t.pDown);
      }
      for (const m of methods) {
        const h = hits.get(m)!;
        cells.push({ method: m, n, phi, at2_5: h[0] / (2 * reps), at0_1: h[1] / (2 * reps) });
      }
    }
  }
  return cells;
}

/** Markdown table: one row per method, one column per (n, φ), cells "rate@2.5% / rate@0.1%" in percent. */
export function formatSizeTable(cells: readonly SizeCell[]): string {
  const cols = [...new Set(cells.map((c) => `${c.n}|${c.phi}`))];
  const methods = [...new Set(cells.map((c) => c.method))];
  const head = `| method | ${cols.map((c) => `n=${c.split('|')[0]} φ=${c.split('|')[1]}`).join(' | ')} |`;
  const sep = `|---|${cols.map(() => '---').join('|')}|`;
  const rows = methods.map((m) => {
    const vals = cols.map((c) => {
      const cell = cells.find((x) => x.method === m && `${x.n}|${x.phi}` === c)!;
      return `${(cell.at2_5 * 100).toFixed(1)} / ${(cell.at0_1 * 100).toFixed(2)}`;
    });
    return `| ${m} | ${vals.join(' | ')} |`;
  });
  return [head, sep, ...rows].join('\n');
}

/** For reference: the oracle factor at the true φ, which is what the bounds aim to not undercut. */
export function oracleFactor(n: number, phi: number): number {
  return ar1VarianceFactor(n, phi);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf('--reps');
  const reps = i >= 0 ? Number(process.argv[i + 1]) : 2000;
  const cells = sizeStudy(reps);
  console.log(`Rejection rates of trendless AR(1) series (% at one-sided 2.5% / % at one-sided 0.1%; nominal 2.5 / 0.10), ${reps} series per cell\n`);
  console.log(formatSizeTable(cells));
}
