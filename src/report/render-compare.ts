/**
 * Rendering a Comparison as a terminal table, as markdown, or as JSON. Cells show the mean across
 * seeds with its interval; ★ marks the best variant per metric and ★★ a clear best (significantly
 * better than every other variant after Holm's correction). Each metric's ranking joins adjacent
 * variants with '>' when they differ significantly and '≈' when they do not.
 */
import type { Comparison, MetricComparison, VariantStat } from './compare.js';

/** Decimals that show an interval's half-width to about two significant digits. */
export function decimalsFor(metric: MetricComparison): number {
  const halves = metric.variants
    .map((v) => (v.high - v.low) / 2)
    .filter((h) => Number.isFinite(h) && h > 0)
    .sort((a, b) => a - b);
  if (halves.length > 0) return Math.max(0, Math.min(6, 1 - Math.floor(Math.log10(halves[Math.floor(halves.length / 2)]!))));
  const mags = metric.variants.map((v) => Math.abs(v.mean)).filter((m) => Number.isFinite(m) && m > 0);
  if (mags.length === 0) return 2;
  return Math.max(0, Math.min(6, 3 - Math.floor(Math.log10(Math.max(...mags)))));
}

function fixed(x: number, d: number): string {
  if (!Number.isFinite(x)) return '–';
  const s = x.toFixed(d);
  return s === `-${(0).toFixed(d)}` ? (0).toFixed(d) : s;
}

/** `mean [low, high]` (or a percentage for verdict rates). */
export function formatCell(metric: MetricComparison, v: VariantStat): string {
  const untested = v.untested ?? 0;
  if (v.n === 0) return untested > 0 ? `untested (${untested} seed${untested === 1 ? '' : 's'})` : '–';
  if (metric.kind === 'verdict')
    return `${Math.round(v.mean * 100)}% [${Math.round(v.low * 100)}, ${Math.round(v.high * 100)}]${untested > 0 ? ` of ${v.n} tested, ${untested} untested` : ''}`;
  const d = decimalsFor(metric);
  return `${fixed(v.mean, d)} [${fixed(v.low, d)}, ${fixed(v.high, d)}]`;
}

/** ★★, ★ or nothing for a variant on a metric. */
export function bestMark(metric: MetricComparison, label: string): string {
  if (!metric.tiedBest.includes(label) || metric.ranking.length < 2) return '';
  return metric.bestIsClear ? '★★' : '★';
}

/** The metric's name with its better-direction arrow (and '?' when the direction was assumed). */
export function metricHeader(metric: MetricComparison): string {
  return `${metric.name} ${metric.better === 'higher' ? '↑' : '↓'}${metric.directionKnown ? '' : '?'}`;
}

/** Ranking such as `1. team (a) ★, 2. difference (ab), 3. local (b)`. */
export function rankingLine(metric: MetricComparison): string {
  const unranked = metric.variants.filter((v) => v.n === 0 && (v.untested ?? 0) > 0).map((v) => v.variant);
  const tail = unranked.length > 0 ? `; not ranked (untested in every seed): ${unranked.join(', ')}` : '';
  if (metric.ranking.length === 0) return `(no data)${tail}`;
  return `${metric.ranking
    .map((v, k) => {
      const mark = bestMark(metric, v);
      const letters = metric.letters[v];
      return `${k + 1}. ${v}${letters ? ` (${letters})` : ''}${mark ? ` ${mark}` : ''}`;
    })
    .join(', ')}${tail}`;
}

/** One line per (detector, variant) with untested seeds: why, and what would make it testable. */
export function untestedNotes(c: Comparison): string[] {
  return c.metrics
    .filter((m) => m.kind === 'verdict')
    .flatMap((m) =>
      m.variants
        .filter((v) => (v.untested ?? 0) > 0)
        .map((v) => `${m.name} untested in ${v.untested} seed${v.untested === 1 ? '' : 's'} of ${v.variant}: ${v.untestedReason ?? 'could not test'}`),
    );
}

const SECTIONS: { kind: MetricComparison['kind']; title: string; note: string }[] = [
  { kind: 'kpi', title: 'Team KPIs', note: '' },
  { kind: 'reward', title: 'Local reward per agent', note: 'higher is better' },
  {
    kind: 'verdict',
    title: 'Detector verdicts',
    note: 'share of tested seeds in which the detector fired, Wilson interval; lower is better; seeds where it could not test are excluded ("untested"), never counted as clear',
  },
];

interface Table {
  title: string;
  note: string;
  headers: string[];
  rows: string[][];
}

function tables(c: Comparison): Table[] {
  const out: Table[] = [];
  for (const section of SECTIONS) {
    const ms = c.metrics.filter((m) => m.kind === section.kind);
    if (ms.length === 0) continue;
    const headers = ['variant', 'n', ...ms.map(metricHeader)];
    const rows = c.variants.map((v) => [
      v.label,
      String(v.seeds.length),
      ...ms.map((m) => {
        const st = m.variants.find((s) => s.variant === v.label)!;
        const mark = bestMark(m, v.label);
        const letters = m.ranking.length > 1 && st.n > 0 ? ` ${m.letters[v.label] ?? ''}` : '';
        return `${formatCell(m, st)}${letters}${mark ? ` ${mark}` : ''}`;
      }),
    ]);
    out.push({ title: section.title, note: section.note, headers, rows });
  }
  return out;
}

function intro(c: Comparison): string[] {
  const level = Math.round(c.options.level * 100);
  const experiments = [...new Set(c.variants.map((v) => v.experiment))].join(', ');
  const seeds = c.variants.reduce((s, v) => s + v.seeds.length, 0);
  const assumed = c.metrics.filter((m) => !m.directionKnown).map((m) => m.name);
  return [
    `${c.variants.length} variant${c.variants.length === 1 ? '' : 's'}, ${seeds} seed runs (${experiments})`,
    `mean across seeds [${level}% CI: bootstrap BCa for means, Wilson for rates]; variants sharing a letter do not differ significantly (Welch t / Fisher exact, Holm-corrected per metric, α = ${c.options.alpha})`,
    '★ best mean; ★★ best and significantly better than every other variant',
    ...(assumed.length ? [`? direction unknown for ${assumed.join(', ')} (assumed higher is better)`] : []),
  ];
}

function pad(s: string, w: number, right = false): string {
  const len = [...s].length;
  return right ? ' '.repeat(Math.max(0, w - len)) + s : s + ' '.repeat(Math.max(0, w - len));
}

/** The comparison as aligned plain-text tables for a terminal, split so no table is wider than `width`. */
export function renderTerminal(c: Comparison, width = 120): string {
  const lines = [...intro(c), ''];
  for (const t of tables(c)) {
    const widths = t.headers.map((h, k) => Math.max([...h].length, ...t.rows.map((r) => [...r[k]!].length)));
    // Columns 0 and 1 (variant, n) repeat in every part; metric columns fill each part up to `width`.
    const parts: number[][] = [];
    let current: number[] = [];
    let used = 2 + widths[0]! + 2 + widths[1]!;
    for (let k = 2; k < widths.length; k++) {
      if (current.length > 0 && used + 2 + widths[k]! > width) {
        parts.push(current);
        current = [];
        used = 2 + widths[0]! + 2 + widths[1]!;
      }
      current.push(k);
      used += 2 + widths[k]!;
    }
    parts.push(current);
    parts.forEach((cols, p) => {
      lines.push(`${t.title}${t.note ? ` (${t.note})` : ''}${parts.length > 1 ? ` [${p + 1}/${parts.length}]` : ''}`);
      const ks = [0, 1, ...cols];
      lines.push(`  ${ks.map((k) => pad(t.headers[k]!, widths[k]!, k === 1)).join('  ')}`.trimEnd());
      lines.push(`  ${ks.map((k) => '─'.repeat(widths[k]!)).join('  ')}`);
      for (const r of t.rows) lines.push(`  ${ks.map((k) => pad(r[k]!, widths[k]!, k === 1)).join('  ')}`.trimEnd());
      lines.push('');
    });
  }
  const notes = untestedNotes(c);
  if (notes.length > 0) lines.push('Untested (not a negative; excluded from rates and rankings)', ...notes.map((n) => `  ${n}`), '');
  lines.push('Rankings, best first (letters as above)');
  for (const m of c.metrics) lines.push(`  ${pad(metricHeader(m), 18)} ${rankingLine(m)}`);
  return `${lines.join('\n')}\n`;
}

function mdEscape(s: string): string {
  return s.replace(/\|/g, '\\|');
}

function fmtP(p: number): string {
  if (!Number.isFinite(p)) return '–';
  return p < 0.001 ? p.toExponential(1) : p.toFixed(3);
}

/** The comparison as markdown: tables, rankings, and the pairwise tests of each KPI. */
export function renderMarkdown(c: Comparison): string {
  const lines = ['## Comparison', '', ...intro(c).map((l) => `${l}  `), ''];
  for (const t of tables(c)) {
    lines.push(`### ${t.title}`, '');
    if (t.note) lines.push(`*${t.note}*`, '');
    lines.push(`| ${t.headers.map(mdEscape).join(' | ')} |`, `|${t.headers.map((_, k) => (k === 0 ? ' --- ' : ' ---: ')).join('|')}|`);
    for (const r of t.rows) lines.push(`| ${r.map(mdEscape).join(' | ')} |`);
    lines.push('');
  }
  const notes = untestedNotes(c);
  if (notes.length > 0) lines.push('### Untested', '', '*not a negative; excluded from rates and rankings*', '', ...notes.map((n) => `- ${mdEscape(n)}`), '');
  lines.push('### Rankings', '', '*best first; variants sharing a letter do not differ significantly*', '');
  for (const m of c.metrics) lines.push(`- **${mdEscape(metricHeader(m))}**: ${mdEscape(rankingLine(m))}`);
  lines.push('');
  for (const m of c.metrics.filter((x) => x.kind === 'kpi' && x.pairs.length > 0)) {
    const d = decimalsFor(m);
    lines.push(
      `### Pairwise: ${mdEscape(metricHeader(m))}`,
      '',
      '| a | b | mean(a) − mean(b) | p (Welch) | p (Holm) | p (permutation) | significant |',
      '| --- | --- | ---: | ---: | ---: | ---: | :---: |',
    );
    for (const p of m.pairs)
      lines.push(
        `| ${mdEscape(p.a)} | ${mdEscape(p.b)} | ${fixed(p.diff, d)} | ${fmtP(p.pValue)} | ${fmtP(p.pAdjusted)} | ${p.permutationP === null ? '–' : fmtP(p.permutationP)} | ${p.significant ? 'yes' : ''} |`,
      );
    lines.push('');
  }
  return `${lines.join('\n')}`;
}

/** The comparison as pretty JSON (NaN and infinities become null). */
export function renderJson(c: Comparison): string {
  return `${JSON.stringify(c, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
}
