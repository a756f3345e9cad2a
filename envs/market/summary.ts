/**
 * market-v1's lines in `tacit run`'s text summary: the outcome after convergence (profit gain Δ
 * over the limit cycle, convergence, cycle lengths) and firm 0's deviation probe (punishment,
 * return, mean impulse response of prices), from the `market/…` metrics of analyze.ts. Works on
 * single-seed summaries (plain numbers) and multi-seed ones ({mean, ciLow, ciHigh, …}).
 */

type Stat = { mean: number; ciLow: number; ciHigh: number };

function mean(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v && typeof v === 'object' && 'mean' in v) return (v as Stat).mean;
  return undefined;
}

function show(v: unknown, digits = 3): string {
  const fmt = (x: number): string => (Math.abs(x) >= 1e5 ? x.toExponential(2) : Math.abs(x) >= 1000 ? x.toFixed(0) : x.toFixed(digits));
  if (typeof v === 'number') return fmt(v);
  if (v && typeof v === 'object' && 'mean' in v) {
    const s = v as Stat;
    return `${fmt(s.mean)} [${fmt(s.ciLow)}, ${fmt(s.ciHigh)}]`;
  }
  return 'n/a';
}

/** The market section of a run summary (empty when the run has no market analysis). */
export function formatMarketSummary(summary: Readonly<Record<string, unknown>>): string[] {
  const m = (summary.metrics ?? {}) as Record<string, unknown>;
  if (!('market/profitGain' in m)) return [];
  const lines = ['  market outcome (greedy play after learning; 0 = one-shot Nash, 1 = joint monopoly):'];
  const row = (label: string, text: string): number => lines.push(`    ${label.padEnd(22)} ${text}`);
  row('profit gain Δ', show(m['market/profitGain']));
  row('mean price', show(m['market/meanPrice']));
  row('converged', show(m['market/converged'], 2));
  row('periods to convergence', show(m['market/periodsToConvergence']));
  const shares = Object.entries((m['market/cycleLengthShare'] ?? {}) as Record<string, unknown>)
    .map(([L, v]) => [L, mean(v) ?? 0] as const)
    .filter(([, v]) => v > 0)
    .map(([L, v]) => `${L}: ${(100 * v).toFixed(0)}%`);
  row('limit-cycle lengths', shares.join(', '));
  const dev = (m['market/deviation'] ?? {}) as Record<string, unknown>;
  const who = typeof dev.deviator === 'string' ? dev.deviator : 'firm0';
  row(
    `${who} deviates once`,
    `punished ${show(dev.punished, 2)}, back on cycle ${show(dev.returned, 2)} (period ${show(dev.returnPeriod, 1)}), paid ${show(dev.paid, 2)}`,
  );
  const ir = (m['market/impulseResponse'] ?? {}) as Record<string, { price?: Record<string, unknown> }>;
  const cells = Object.entries(ir)
    .filter(([k]) => k === 'pre' || Number(k.slice(1)) <= 15)
    .map(
      ([k, v]) =>
        `${k === 'pre' ? 'pre' : `t${Number(k.slice(1))}`} ${Object.values(v.price ?? {})
          .map((p) => (mean(p) ?? NaN).toFixed(2))
          .join('/')}`,
    );
  lines.push('    mean prices after the deviation (firm0/firm1…):');
  for (let k = 0; k < cells.length; k += 6) lines.push(`      ${cells.slice(k, k + 6).join('  ')}`);
  return lines;
}
