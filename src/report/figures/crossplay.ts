/**
 * crossplay.json (src/run/crossplay.ts) for compare and report: finding the files under the paths
 * given, a text block for `tacit compare`, and the report's held-out partners panel (the cross-play
 * matrix as a heatmap, self vs cross with intervals, the entrant's row).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { CellStats, CrossPlayResult } from '../../run/crossplay.js';
import { baseLayout, type Section } from './common.js';
import { escapeHtml } from './comparison.js';

/** A crossplay.json found under the paths. */
export interface FoundCrossPlay {
  readonly path: string;
  readonly result: CrossPlayResult;
}

/** Whether `path` is a crossplay.json file (compare and report take it beside run folders). */
export function isCrossPlayFile(path: string): boolean {
  return basename(path) === 'crossplay.json' && existsSync(path) && statSync(path).isFile();
}

/** Every crossplay.json given, or directly inside a folder given. */
export function findCrossPlays(paths: readonly string[]): FoundCrossPlay[] {
  const files = new Set<string>();
  for (const p of paths) {
    if (isCrossPlayFile(p)) files.add(p);
    else if (existsSync(p) && statSync(p).isDirectory() && readdirSync(p).includes('crossplay.json')) files.add(join(p, 'crossplay.json'));
  }
  const out: FoundCrossPlay[] = [];
  for (const path of files) {
    const result = JSON.parse(readFileSync(path, 'utf8')) as CrossPlayResult;
    if (result.kind === 'crossplay') out.push({ path, result });
  }
  return out;
}

function fmt(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(3);
}

function interval(s: CellStats): string {
  return s.low === null ? `${fmt(s.mean)} (n=${s.n}, no interval)` : `${fmt(s.mean)} [${fmt(s.low)}, ${fmt(s.high)}] (n=${s.n})`;
}

/** The text block `tacit compare` prints for one crossplay.json. */
export function crossPlayText(found: FoundCrossPlay): string {
  const r = found.result;
  const lines = [
    `held-out partners (${found.path}): ${r.world}, payoff ${r.payoff}, focal agent ${r.focal}, ${r.teams.length} teams`,
    `  self-play  ${interval(r.self)}`,
    `  cross-play ${interval(r.cross)}`,
    `  gap (self − cross) ${fmt(r.gap)}`,
  ];
  if ((r.byRun ?? []).length > 1)
    for (const g of r.byRun)
      lines.push(`  ${g.focalRun}'s ${r.focal} with ${g.partnerRun}'s partners: cross ${interval(g.cross)}${g.self ? `, self ${interval(g.self)}` : ''}`);
  if (r.entrant)
    lines.push(`  entrant ${r.entrant.label}${r.entrant.learnSteps > 0 ? ` after ${r.entrant.learnSteps} learning steps` : ''}: ${interval(r.entrant.mean)}`);
  lines.push(`  ${r.note}`);
  return `${lines.join('\n')}\n`;
}

/** The report's held-out partners section. */
export function crossPlaySection(found: readonly FoundCrossPlay[]): Section {
  const figures = found.map((f, k) => {
    const r = f.result;
    const rows = r.entrant ? [...r.matrix, r.entrant.row] : r.matrix;
    const y = r.entrant ? [...r.teams, `entrant: ${r.entrant.label}`] : [...r.teams];
    return {
      id: `crossplay-${k}`,
      title: `Cross-play: ${r.payoff} of ${r.focal} (row) with partners (column)`,
      caption: `${f.path}. Self-play (diagonal) ${interval(r.self)}; cross-play ${interval(r.cross)}; gap ${fmt(r.gap)}.${r.entrant ? ` Entrant row: ${interval(r.entrant.mean)}.` : ''} ${r.note}.`,
      data: [
        { type: 'heatmap', z: rows, x: [...r.teams], y, colorscale: 'Viridis', hovertemplate: 'focal %{y}<br>partners %{x}<br>payoff %{z:.3f}<extra></extra>' },
      ],
      layout: baseLayout(`Cross-play matrix (${r.world})`, {
        height: 160 + 36 * y.length,
        xaxis: { title: { text: 'partners from team' } },
        yaxis: { title: { text: `${r.focal} from team` }, autorange: 'reversed' },
        hovermode: 'closest',
      }),
    };
  });
  const rows = found.map((f) => {
    const r = f.result;
    return `<tr><td>${escapeHtml(f.path)}</td><td>${escapeHtml(r.payoff)}</td><td>${interval(r.self)}</td><td>${interval(r.cross)}</td><td>${fmt(r.gap)}</td><td>${r.entrant ? escapeHtml(`${r.entrant.label}: ${interval(r.entrant.mean)}`) : '–'}</td></tr>`;
  });
  return {
    id: 'crossplay',
    title: 'Held-out partners',
    intro:
      'Trained policies played with partners they never trained with (tacit eval --partners): the diagonal is self-play, the rest cross-play. A gap means the learned conventions do not generalise; an entrant row shows what a newcomer gets against each team.',
    figures,
    unavailable: found.length ? null : 'Not available: no crossplay.json among the paths (write one with tacit eval --partners <runDir>...).',
    ...(found.length
      ? {
          html: `<div class="table-wrap"><table><thead><tr><th>file</th><th>payoff</th><th>self-play</th><th>cross-play</th><th>gap</th><th>entrant</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`,
        }
      : {}),
  };
}
