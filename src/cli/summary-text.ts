/** The short text summary `tacit run` prints: KPIs and each agent's mean rewards (with CIs for multi-seed runs). */
import { formatCoordinationSummary } from '../coordination/summary-text.js';
import { worlds } from '../../envs/index.js';
import { outcomeMark, outcomeOf } from '../detectors/types.js';
import { coordinationFaultLines, reliabilityLines } from '../faults/summary-text.js';

function num(v: unknown): string {
  if (typeof v === 'number') return fmt(v);
  if (v && typeof v === 'object' && 'mean' in v) {
    const s = v as { mean: number; ciLow: number; ciHigh: number };
    // Identical across seeds (e.g. the step count): no interval to show.
    if (s.ciLow === s.ciHigh) return fmt(s.mean);
    return `${fmt(s.mean)} [${fmt(s.ciLow)}, ${fmt(s.ciHigh)}]`;
  }
  return String(v);
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a !== 0 && (a >= 1e6 || a < 1e-3) ? x.toExponential(3) : x.toFixed(a >= 100 ? 1 : 4).replace(/\.?0+$/, '') || '0';
}

/** Multi-line text for a run summary (single- or multi-seed). */
export function formatRunSummary(summary: Record<string, unknown>): string {
  const lines: string[] = [];
  const seeds = summary.seeds as number[] | undefined;
  const env = summary.env as { id: string } | undefined;
  const seedText = seeds && seeds.length > 1 ? `${seeds.length} seeds (mean [95% CI])` : `seed ${seeds?.[0] ?? summary.seed}`;
  lines.push(
    `${summary.experiment} on ${env?.id}: ${seedText}, ${num(summary.steps)} steps${summary.episodes !== undefined ? `, ${num(summary.episodes)} episodes` : ''}`,
  );
  const kpis = (summary.kpis ?? {}) as Record<string, unknown>;
  if (Object.keys(kpis).length) {
    lines.push('  team KPIs:');
    for (const [k, v] of Object.entries(kpis)) lines.push(`    ${k.padEnd(22)} ${num(v)}`);
  }
  const agents = (summary.agents ?? {}) as Record<string, Record<string, unknown>>;
  if (Object.keys(agents).length) {
    const shaped = Object.values(agents).some((a) => a.meanShapedReward !== undefined);
    lines.push(`  agents (mean reward per step${shaped ? ': local / shaped' : ''}):`);
    for (const [id, a] of Object.entries(agents)) lines.push(`    ${id.padEnd(22)} ${num(a.meanReward)}${shaped ? ` / ${num(a.meanShapedReward)}` : ''}`);
  }
  const spec = env && worlds.has(env.id) ? worlds.get(env.id) : undefined;
  lines.push(...(spec?.formatSummary?.(summary) ?? []));
  lines.push(...formatCoordinationSummary(summary));
  lines.push(...reliabilityLines(summary.metrics));
  lines.push(...coordinationFaultLines(summary.metrics));
  const verdicts = (summary.verdicts ?? {}) as Record<string, { fired?: boolean; status?: string; summary?: string }>;
  if (Object.keys(verdicts).length) {
    lines.push('  detectors (!! fired, ok clear, ?? untested: could not test, not a negative):');
    for (const [name, v] of Object.entries(verdicts)) lines.push(`    ${outcomeMark(outcomeOf(v))} ${name.padEnd(19)} ${v.summary}`);
  }
  return `${lines.join('\n')}\n`;
}
