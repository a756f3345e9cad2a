/** The reliability and cascade lines `tacit run` prints for a run with a `faults.reliability` section, and the passing-ships and adversary lines. */

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
    lines.push(
      `  cascades (per fault onset, horizon ${typeof c.horizon === 'number' ? c.horizon : (c.horizon?.mean ?? '?')} steps; background = failures expected anyway):`,
    );
    lines.push(`    ${'onsets'.padEnd(22)} ${fmt(c.onsets)}`);
    lines.push(`    ${'other agents failing'.padEnd(22)} ${fmt(c.meanAffected)} (background ${fmt(c.backgroundAffected)})`);
    lines.push(
      `    ${'their failing steps'.padEnd(22)} ${fmt(c.meanFailureSteps)} (background ${fmt(c.backgroundFailureSteps)}, excess ${fmt(c.excessFailureSteps)})`,
    );
    lines.push(`    ${'duration (steps)'.padEnd(22)} ${fmt(c.meanDuration)}`);
  }
  return lines;
}

/** Lines for summary `metrics.faults.sharedWrites` and `.adversaries` (issue 18); none without them. */
export function coordinationFaultLines(metrics: unknown): string[] {
  const f = (
    metrics as
      { faults?: { sharedWrites?: Record<string, Record<string, Num | string>>; adversaries?: Record<string, Record<string, Num | string>> } } | undefined
  )?.faults;
  const lines: string[] = [];
  const num = (v: Num | string | undefined): string => (typeof v === 'string' ? v : fmt(v));
  for (const [id, w] of Object.entries(f?.sharedWrites ?? {})) {
    lines.push(`  shared writes of ${id} (${num(w['protocol'])}, ${num(w['workers'])} workers):`);
    lines.push(`    ${'commitments'.padEnd(22)} ${num(w['commits'])}`);
    lines.push(`    ${'lost updates'.padEnd(22)} ${num(w['lostUpdates'])}`);
    lines.push(`    ${'double orders'.padEnd(22)} ${num(w['doubleOrders'])}`);
    lines.push(`    ${'conflicts / aborted'.padEnd(22)} ${num(w['conflicts'])} / ${num(w['aborted'])}`);
  }
  for (const [id, a] of Object.entries(f?.adversaries ?? {})) {
    lines.push(`  adversary in place of ${id} (${num(a['adversary'])}):`);
    lines.push(`    ${'compromised steps'.padEnd(22)} ${num(a['compromisedSteps'])}`);
    lines.push(`    ${'breaker response'.padEnd(22)} ${num(a['meanResponseSteps'])} steps, caught ${num(a['caughtShare'])}`);
  }
  return lines;
}
