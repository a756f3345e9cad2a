/** The reliability and cascade lines `tacit run` prints for a run with a `faults.reliability` section. */

type Num = number | { mean: number; ciLow: number; ciHigh: number } | null | undefined;

function fmt(v: Num): string {
  if (v === null || v === undefined) return 'n/a';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : Number.isFinite(v) ? v.toFixed(4) : String(v);
  return `${v.mean.toFixed(4)} [${v.ciLow.toFixed(4)}, ${v.ciHigh.toFixed(4)}]`;
}

/** Lines for summary `metrics` (single- or multi-seed); none when reliability was not measured. */
export function reliabilityLines(metrics: unknown): string[] {
  const r = (metrics as { reliability?: Record<string, unknown> } | undefined)?.reliability;
  if (!r) return [];
  const unit = typeof r.unit === 'string' ? r.unit : 'step';
  const lines = [`  reliability (share of ${unit}s meeting the success criterion):`];
  for (const [id, a] of Object.entries(r.agents as Record<string, { rate: Num }>)) lines.push(`    ${id.padEnd(22)} ${fmt(a.rate)}`);
  lines.push(`    ${'team'.padEnd(22)} ${fmt((r.team as { rate: Num }).rate)}`);
  lines.push(`    ${'independence Π p_i'.padEnd(22)} ${fmt(r.independencePrediction as Num)}`);
  lines.push(`    ${'isolated Π p_i'.padEnd(22)} ${fmt(r.isolatedPrediction as Num)}`);
  const c = r.cascade as Record<string, Num> | undefined;
  if (c && typeof c.onsets !== 'undefined' && (typeof c.onsets === 'number' ? c.onsets > 0 : (c.onsets?.mean ?? 0) > 0)) {
    lines.push(`  cascades (per fault onset, horizon ${typeof c.horizon === 'number' ? c.horizon : (c.horizon?.mean ?? '?')} steps; background = failures expected anyway):`);
    lines.push(`    ${'onsets'.padEnd(22)} ${fmt(c.onsets)}`);
    lines.push(`    ${'other agents failing'.padEnd(22)} ${fmt(c.meanAffected)} (background ${fmt(c.backgroundAffected)})`);
    lines.push(`    ${'their failing steps'.padEnd(22)} ${fmt(c.meanFailureSteps)} (background ${fmt(c.backgroundFailureSteps)}, excess ${fmt(c.excessFailureSteps)})`);
    lines.push(`    ${'duration (steps)'.padEnd(22)} ${fmt(c.meanDuration)}`);
  }
  return lines;
}
