/**
 * Validation against Calvano, Calzolari, Denicolò & Pastorello (2020), AER 110(10): runs the
 * paper's baseline (market-v1 defaults; tabular-q α = 0.15, β = 4e-6, δ = 0.95) for many sessions
 * over worker threads, plus the myopic control (δ = 0), and prints the paper's statistics with
 * pass/fail checks. Exit code 1 when a check fails.
 *
 *   npm run validate-calvano -- [--sessions 100] [--control-sessions 100] [--workers 2] [--json out.json]
 *
 * Published baseline reference: mean profit gain Δ = 0.85 (SD 0.11 across sessions); nearly all
 * sessions converge; deviations are punished and prices return to the pre-deviation level within
 * a few periods; the deviation does not pay.
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { buildMarketGame } from '../envs/market/game.js';
import { marketParamsSchema } from '../envs/market/market.js';
import { runSessions } from '../envs/market/calvano/pool.js';
import { summariseSessions, type CalvanoSummary, type Estimate } from '../envs/market/calvano/stats.js';

function arg(name: string, fallback: number): number {
  const k = process.argv.indexOf(`--${name}`);
  if (k < 0) return fallback;
  const v = Number(process.argv[k + 1]);
  if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} expects a non-negative integer, got ${process.argv[k + 1]}`);
  return v;
}

const sessions = arg('sessions', 100);
const controlSessions = arg('control-sessions', sessions);
const workers = arg('workers', Math.min(2, availableParallelism()));
const jsonOut = process.argv.includes('--json') ? process.argv[process.argv.indexOf('--json') + 1] : undefined;
const PAPER = { profitGain: 0.85, profitGainSd: 0.11 };

async function run(label: string, spec: Parameters<typeof runSessions>[0], n: number): Promise<{ summary: CalvanoSummary; seconds: number; periods: number }> {
  const t0 = performance.now();
  let periods = 0;
  const results = await runSessions(
    spec,
    Array.from({ length: n }, (_, i) => i),
    {
      workers,
      onResult: (r, done) => {
        periods += r.periods;
        if (process.stderr.isTTY) process.stderr.write(`\r${label}: ${done}/${n} sessions`);
        else if (done % Math.max(1, Math.floor(n / 10)) === 0 || done === n) process.stderr.write(`${label}: ${done}/${n} sessions\n`);
      },
    },
  );
  if (process.stderr.isTTY) process.stderr.write('\n');
  return { summary: summariseSessions(results), seconds: (performance.now() - t0) / 1000, periods };
}

const f = (x: number, d = 3): string => x.toFixed(d);
const est = (e: Estimate, d = 3): string => `${f(e.mean, d)} (SD ${f(e.sd, d)}, 95% CI ${f(e.ciLow, d)}–${f(e.ciHigh, d)})`;
const shares = (s: Record<string, number>): string =>
  Object.entries(s)
    .sort((a, b) => Number.parseInt(a[0]) - Number.parseInt(b[0]))
    .map(([k, v]) => `${k}: ${(100 * v).toFixed(0)}%`)
    .join(', ');

const game = buildMarketGame(marketParamsSchema().parse({}));
const baseline = await run('baseline', {}, sessions);
const control = controlSessions > 0 ? await run('myopic control (δ = 0)', { learner: { discount: 0 } }, controlSessions) : undefined;

const b = baseline.summary;
const ir = b.impulseResponse;
const lines: string[] = [];
lines.push(
  `Calvano et al. (2020) baseline, ${b.sessions} sessions on ${workers} worker(s), ${f(baseline.seconds, 1)} s (${(baseline.periods / 1e6).toFixed(0)}M periods)`,
);
lines.push(
  `benchmarks (solved): p_N = ${f(game.nash.prices[0]!, 4)}, p_M = ${f(game.monopoly.prices[0]!, 4)}, π_N = ${f(game.nash.profits[0]!, 4)}, π_M = ${f(game.monopoly.profits[0]!, 4)}`,
);
lines.push('');
lines.push(`| statistic | tacit | paper / expected |`);
lines.push(`|---|---|---|`);
lines.push(`| profit gain Δ | ${est(b.profitGain)} | ${PAPER.profitGain} (SD ${PAPER.profitGainSd}) |`);
lines.push(`| share converged | ${f(b.shareConverged)} | nearly all |`);
lines.push(`| periods to convergence | ${est(b.periodsToConvergence, 0)} | |`);
lines.push(`| mean price | ${est(b.meanPrice)} | between p_N and p_M |`);
lines.push(`| limit-cycle lengths | ${shares(b.cycleLengthShares)} | |`);
lines.push(`| deviations punished | ${f(ir.sharePunished)} (mean rival price cut ${f(ir.meanPunishmentDepth)}) | yes |`);
lines.push(`| back on pre-deviation cycle | ${f(ir.shareReturned)}, mean return period ${f(ir.meanReturnPeriod, 2)} | within a few periods |`);
lines.push(`| deviation paid (discounted) | ${f(ir.shareDeviationPaid)} | no |`);
if (control) {
  const c = control.summary;
  lines.push(`| myopic control δ = 0: Δ | ${est(c.profitGain)} | near the competitive level (0) |`);
  lines.push(`| myopic control: mean price / converged | ${f(c.meanPrice.mean)} / ${f(c.shareConverged)} | near p_N |`);
}
lines.push('');
lines.push(`Mean impulse response (firm 0 deviates to its static best response at t = 0; ${ir.sessions} sessions):`);
lines.push(`| t | p firm0 | p firm1 | π firm0 | π firm1 |`);
lines.push(`|---|---|---|---|---|`);
lines.push(`| pre | ${f(ir.preDeviationPrices[0]!)} | ${f(ir.preDeviationPrices[1]!)} | | |`);
ir.prices.forEach((p, t) => {
  if (t <= 15) lines.push(`| ${t} | ${f(p[0]!)} | ${f(p[1]!)} | ${f(ir.profits[t]![0]!)} | ${f(ir.profits[t]![1]!)} |`);
});

const checks: [string, boolean][] = [
  [`mean Δ within 0.05 of the published 0.85`, Math.abs(b.profitGain.mean - PAPER.profitGain) <= 0.05],
  [`SD of Δ across sessions within 0.06 of the published 0.11`, Math.abs(b.profitGain.sd - PAPER.profitGainSd) <= 0.06],
  [`at least 95% of sessions converge`, b.shareConverged >= 0.95],
  [`deviations are punished in at least 90% of sessions`, ir.sharePunished >= 0.9],
  [`prices return to the pre-deviation cycle (≥ 90% of sessions, mean return period ≤ 10)`, ir.shareReturned >= 0.9 && ir.meanReturnPeriod <= 10],
  [`the deviation pays in at most 5% of sessions`, ir.shareDeviationPaid <= 0.05],
];
if (control) checks.push([`myopic control prices near the competitive level (Δ < 0.3)`, control.summary.profitGain.mean < 0.3]);
lines.push('');
for (const [what, ok] of checks) lines.push(`${ok ? 'PASS' : 'FAIL'}  ${what}`);
console.log(lines.join('\n'));
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ baseline: b, control: control?.summary ?? null }, null, 2));
if (checks.some(([, ok]) => !ok)) process.exitCode = 1;
