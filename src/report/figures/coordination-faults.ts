/**
 * The report's coordination-faults panel (issue 18, items 3 and 4): per variant, the passing-ships
 * race counts (summary.json `metrics.faults.sharedWrites`) as a grouped bar chart and a table, and
 * each compromised agent's breaker response (`metrics.faults.adversaries`). Means over seeds; the
 * intervals are in the comparison section, which compares the same figures.
 */
import type { SeedRecord } from '../load.js';
import type { Variant } from '../variants.js';
import { baseLayout, colour, type Section } from './common.js';
import { escapeHtml } from './comparison.js';

const RACES = ['lostUpdates', 'doubleOrders', 'conflicts', 'aborted'] as const;
const SHARED_COLUMNS = ['protocol', 'workers', 'commits', ...RACES, 'lockWaitSteps', 'mergedIntents', 'meanReadToWrite'] as const;
const ADVERSARY_COLUMNS = ['adversary', 'compromisedSteps', 'onsets', 'caughtShare', 'meanResponseSteps'] as const;

function blockOf(s: SeedRecord, key: 'sharedWrites' | 'adversaries'): Record<string, Record<string, unknown>> {
  const faults = (s.summary.metrics as { faults?: Record<string, unknown> } | undefined)?.faults;
  const b = faults?.[key];
  return b && typeof b === 'object' ? (b as Record<string, Record<string, unknown>>) : {};
}

/** Per (variant, agent): the seeds' values of each field (numbers averaged, text from the first seed). */
function rows(
  variants: readonly Variant[],
  key: 'sharedWrites' | 'adversaries',
  columns: readonly string[],
): { variant: string; agent: string; values: Record<string, string | number | null> }[] {
  const out: { variant: string; agent: string; values: Record<string, string | number | null> }[] = [];
  for (const v of variants) {
    const agents = [...new Set(v.seeds.flatMap((s) => Object.keys(blockOf(s, key))))];
    for (const agent of agents) {
      const values: Record<string, string | number | null> = {};
      for (const c of columns) {
        const xs = v.seeds.map((s) => blockOf(s, key)[agent]?.[c]).filter((x) => x !== undefined && x !== null);
        values[c] = xs.length === 0 ? null : typeof xs[0] === 'number' ? (xs as number[]).reduce((a, b) => a + b, 0) / xs.length : String(xs[0]);
      }
      out.push({ variant: v.label, agent, values });
    }
  }
  return out;
}

function cell(x: string | number | null): string {
  if (x === null) return '–';
  if (typeof x === 'string') return escapeHtml(x);
  return Number.isInteger(x) ? String(x) : x.toFixed(3);
}

function table(title: string, columns: readonly string[], data: ReturnType<typeof rows>): string {
  if (data.length === 0) return '';
  const head = ['variant', 'agent', ...columns].map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = data
    .map(
      (r) =>
        `<tr><td class="variant">${escapeHtml(r.variant)}</td><td>${escapeHtml(r.agent)}</td>${columns.map((c) => `<td>${cell(r.values[c]!)}</td>`).join('')}</tr>`,
    )
    .join('');
  return `<h3>${escapeHtml(title)}</h3><div class="table-wrap"><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

/** The coordination-faults section (left out of the page when no run has these injections). */
export function coordinationFaultsSection(variants: readonly Variant[]): Section {
  const shared = rows(variants, 'sharedWrites', SHARED_COLUMNS);
  const adversaries = rows(variants, 'adversaries', ADVERSARY_COLUMNS);
  const figures = shared.length
    ? [
        {
          id: 'shared-writes-races',
          title: 'Passing ships: races per variant',
          caption:
            'Lost updates (overwritten in the same step), double orders (sized from a read that missed a landed commitment), refused stale writes and abandoned commitments, per seed (mean over seeds).',
          data: RACES.map((k, n) => ({
            type: 'bar',
            name: k,
            x: shared.map((r) => `${r.variant} · ${r.agent}`),
            y: shared.map((r) => r.values[k]),
            marker: { color: colour(n) },
          })),
          layout: baseLayout('Shared-write races', { barmode: 'group', yaxis: { title: { text: 'count per seed' } }, hovermode: 'closest' }),
        },
      ]
    : [];
  const html =
    table('Shared writes (passing ships)', SHARED_COLUMNS, shared) + table('Adversaries and the breakers that answer them', ADVERSARY_COLUMNS, adversaries);
  return {
    id: 'coordination-faults',
    title: 'Passing ships and adversaries',
    intro:
      'Agents writing shared state on their own clocks (shared-writes injections: lost updates, double orders, conflicts under each protocol) and compromised agents (adversary injections: how many steps the circuit breakers took to answer and how much of the compromise they caught). docs/coordination.md sections 3 and 4.',
    figures,
    unavailable: html ? null : 'Not available: no run has a shared-writes or adversary injection.',
    ...(html ? { html } : {}),
  };
}
