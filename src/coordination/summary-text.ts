/** The lines `tacit run` prints for a run with a `coordination` section (single- or multi-seed summaries). */

type Num = number | { mean: number; ciLow: number; ciHigh: number } | null | undefined;

function fmt(v: Num): string {
  if (v === null || v === undefined) return 'n/a';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(3);
  return `${v.mean.toFixed(3)} [${v.ciLow.toFixed(3)}, ${v.ciHigh.toFixed(3)}]`;
}

/** Lines for summary `metrics` entries under `coordination/…`; none when there are none. */
export function formatCoordinationSummary(summary: Readonly<Record<string, unknown>>): string[] {
  const m = (summary.metrics ?? summary) as Record<string, unknown>;
  const lines: string[] = [];
  const section = (key: string, title: string, cols: readonly [string, string][]): void => {
    const v = m[key] as Record<string, Record<string, Num>> | undefined;
    if (!v) return;
    lines.push(`  ${title}:`);
    for (const [id, x] of Object.entries(v)) lines.push(`    ${id.padEnd(22)} ${cols.map(([k, label]) => `${label} ${fmt(x[k])}`).join(', ')}`);
  };
  section('coordination/messages', 'messages (non-silent words per step)', [
    ['rate', 'rate'],
    ['dropped', 'lost'],
  ]);
  section('coordination/overrides', 'overrides (per supervised step)', [
    ['rate', 'rate'],
    ['requestRate', 'requested'],
    ['refused', 'refused'],
  ]);
  section('coordination/budgets', 'budgets (share of steps the fallback acted)', [
    ['outShare', 'out'],
    ['exhaustions', 'exhaustions'],
  ]);
  const g = m['coordination/greedy'] as Record<string, Num> | undefined;
  if (g)
    lines.push(
      `  greedy play: ${Object.entries(g)
        .map(([k, v]) => `${k} ${fmt(v)}`)
        .join(', ')}`,
    );
  return lines;
}
