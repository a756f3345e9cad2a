/** What `tacit compare`, `tacit report` and the queue commands share: the statistics flags, checked, and the table width. */
import type { Argv } from 'yargs';
import { UsageError } from '../../core/errors.js';

/** Width to fit tables into: the terminal's, or 120 columns when output is not a terminal. */
export function terminalWidth(): number {
  return process.stdout.isTTY && process.stdout.columns ? process.stdout.columns : 120;
}

/** Check the statistical flags and name the bad one. */
export function checkStatFlags(a: { level: number; alpha: number; resamples: number; seed: number }): void {
  if (!(a.level > 0 && a.level < 1)) throw new UsageError(`--level must be between 0 and 1 (e.g. 0.95), got ${a.level}`);
  if (!(a.alpha > 0 && a.alpha < 1)) throw new UsageError(`--alpha must be between 0 and 1 (e.g. 0.05), got ${a.alpha}`);
  if (!Number.isInteger(a.resamples) || a.resamples < 100) throw new UsageError(`--resamples must be an integer >= 100, got ${a.resamples}`);
  if (!Number.isInteger(a.seed) || a.seed < 0) throw new UsageError(`--seed must be an integer >= 0, got ${a.seed}`);
}

/** The shared statistics flags of compare and report. */
export function statOptions<T>(y: Argv<T>) {
  return y
    .option('level', { type: 'number', default: 0.95, describe: 'Confidence level of the intervals' })
    .option('alpha', { type: 'number', default: 0.05, describe: 'Significance level after Holm correction' })
    .option('resamples', { type: 'number', default: 10000, describe: 'Bootstrap resamples (with ≤ 5 seeds the exact bootstrap is used)' })
    .option('seed', { type: 'number', default: 0, describe: 'Seed of the bootstrap and permutation streams' });
}
