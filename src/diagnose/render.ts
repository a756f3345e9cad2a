/**
 * The diagnosis for people: one page a reader can act on, as Markdown (diagnosis.md, the terminal)
 * and as the lead section of report.html. Both are rendered from the same blocks, so they say the
 * same thing. "Untested" is always spelled out; it is never shown as clear.
 */
import { escapeHtml } from '../report/figures/comparison.js';
import type { Section } from '../report/figures/common.js';
import type { Diagnosis } from './diagnosis-schema.js';
import { formatP } from './recommend.js';

/** A heading, paragraphs and optionally a table. */
interface Block {
  readonly heading: string;
  readonly lines: readonly string[];
  readonly table?: { readonly head: readonly string[]; readonly rows: readonly (readonly string[])[] };
}

const f = (x: number | null | undefined, digits = 3): string => {
  if (x === null || x === undefined || !Number.isFinite(x)) return 'n/a';
  const a = Math.abs(x);
  return a >= 1000 ? x.toFixed(0) : a >= 1 ? x.toFixed(2) : x === 0 ? '0' : x.toPrecision(digits);
};
/** A config value in a table cell: whole up to 90 characters (diagnosis.json has every value in full). */
const short = (s: string): string => (s.length <= 90 ? s : `${s.slice(0, 89)}…`);
const signed = (x: number | null | undefined): string => (x !== null && x !== undefined && x > 0 ? `+${f(x)}` : f(x));
const interval = (e: { mean: number | null; low: number | null; high: number | null }): string => `${signed(e.mean)} [${signed(e.low)}, ${signed(e.high)}]`;

const VERDICT_TEXT: Record<string, string> = {
  fixes: 'fixes it: removed, team KPIs better',
  'removes-no-gain': 'removes it, team unchanged',
  'removes-at-cost': 'removes it, team worse',
  'does-not-remove': 'does not remove it',
  untested: 'untested (detector could not test)',
  'no-runs': 'no complete runs',
};

/** Σ weight·KPI over the non-zero weights. */
const weighted = (w: Readonly<Record<string, number>>): string =>
  Object.entries(w)
    .filter(([, x]) => x !== 0)
    .map(([k, x]) => `${f(x)}·${k}`)
    .join(' + ') || '(no weighted KPI)';

/** Which objective G the fixes were judged by, and where it came from. */
function objectiveLine(o: Diagnosis['setup']['objective']): string {
  if (o.source === 'world') return `Team objective G = ${weighted(o.weights)} (the world's team objective, what team, mixed and difference rewards pay).`;
  return `Objective G = ${weighted(o.weights)}, set by the experiment's diagnose.objective${o.reason ? ` (${o.reason})` : ''}: fixes are judged by it, and the team, mixed and difference candidates pay it. The world's own team objective is ${weighted(o.worldWeights)}.`;
}

function blocks(d: Diagnosis): Block[] {
  const out: Block[] = [];
  const n = d.seeds.length;
  out.push({
    heading: 'What to do',
    lines:
      d.findings.length === 0
        ? [
            'No detector reported a finding in the baseline, and no agent acts on stale information. Check the detector table below: an untested or switched-off detector is not a clean bill.',
          ]
        : d.findings.map((x) => `- **${x.text}** (in ${x.result.baseline.present} of ${n} baseline seeds): ${x.result.statement}`),
  });
  out.push({
    heading: 'Agents and goals',
    lines: [objectiveLine(d.setup.objective)],
    table: {
      head: ['agent', 'policy', 'learns', 'reward scheme', 'reward components'],
      rows: d.setup.agents.map((a) => [a.id, a.policy, a.learns ? 'yes' : 'no (scripted)', a.scheme, a.components.join(', ')]),
    },
  });
  const against = d.interactions.componentKpi.filter((c) => c.relation === 'against');
  const harms = d.interactions.influence.filter((i) => i.harmSeeds > 0);
  out.push({
    heading: 'What pulls against what',
    lines: [
      against.length === 0
        ? 'No reward component is significantly anti-correlated with a team KPI in the baseline.'
        : 'Reward components that improve when a team KPI gets worse (correlation over metrics windows, mean over seeds [95% interval], Bonferroni over all pairs). This is co-movement: a common driver (a demand season) can produce it; the influence matrix below and the attribution of each finding are the causal evidence.',
      ...against.map(
        (c) =>
          `- ${c.agent}/${c.component} vs ${c.kpi}: r = ${f(c.r, 2)} [${f(c.low, 2)}, ${f(c.high, 2)}], p = ${formatP(c.pAdjusted)} (${c.seeds} seed${c.seeds === 1 ? '' : 's'})`,
      ),
      harms.length === 0
        ? "Influence matrix: no agent significantly lowers another agent's reward in any seed (or the matrix was not measured; see notes)."
        : "Influence matrix (reward change per step caused by the actor's choices vs its no-op, mean over seeds [95% interval]):",
      ...harms.map((i) => `- ${i.actor} → ${i.affected}: ${interval(i)}, significant harm in ${i.harmSeeds} of ${i.seeds} seeds`),
    ],
  });
  out.push({
    heading: 'Information staleness',
    lines: d.setup.staleness.every((s) => !s.stale) ? ['Every agent sees the world live and exact (no world silo settings, no observation faults).'] : [],
    table: {
      head: ['agent', 'mean age (periods)', 'worst age', 'sources'],
      rows: d.setup.staleness.map((s) => [
        s.agent,
        f(s.meanAge),
        f(s.maxAge),
        s.sources.length === 0
          ? 'live'
          : s.sources
              .map(
                (x) =>
                  `${x.source}: delay ${x.delay}, every ${x.cadence}, noise ${x.noise}${x.loss > 0 ? `, loss ${x.loss}` : ''} on ${x.slots === 'all' ? 'all slots' : x.slots.join(', ')}`,
              )
              .join('; '),
      ]),
    },
  });
  out.push({
    heading: `Detectors on the baseline (${n} seed${n === 1 ? '' : 's'})`,
    lines: ['Untested means the detector could not test (too few rows, no reference, no probes): not a negative.'],
    table: {
      head: ['detector', 'fired', 'clear', 'untested', 'off'],
      rows: d.detectors.map((x) => [x.detector, String(x.fired), String(x.clear), String(x.untested), String(x.off)]),
    },
  });
  for (const x of d.findings) {
    const r = x.result;
    out.push({
      heading: `Finding: ${x.text}`,
      lines: [
        `Baseline: present in ${r.baseline.present}, absent in ${r.baseline.absent}, untested in ${r.baseline.untested} of ${r.baseline.n} seeds. A candidate removes it when it is absent in at least ${Math.max(1, Math.ceil(d.removeShare * n - 1e-9))} of ${n} seeds.`,
        ...(x.attribution ? [`Attribution: ${x.attribution}.`] : []),
        ...(r.candidates.length === 0
          ? []
          : [
              `Δ: candidate − baseline with a Welch 95% interval (not adjusted); p: Welch test, Holm-corrected over this finding's candidates; for G${x.kpi !== undefined ? ` and for ${x.kpi}, the KPI the finding names` : ''}.`,
            ]),
        `**${r.statement}**`,
      ],
      ...(r.candidates.length > 0
        ? {
            table: {
              head: [
                'candidate',
                'change',
                'finding absent / present / untested',
                'ΔG [95%]',
                'p (Holm)',
                ...(x.kpi !== undefined ? [`Δ${x.kpi} [95%]`, 'p (Holm)'] : []),
                'verdict',
              ],
              rows: r.candidates.map((c) => [
                c.label + (c.label === r.recommended ? ' ★' : ''),
                Object.entries(c.values)
                  .map(([p, v]) => `${p} = ${short(JSON.stringify(v))}`)
                  .join('; '),
                `${c.status.absent} / ${c.status.present} / ${c.status.untested}`,
                c.team ? interval(c.team.diff) : 'n/a',
                formatP(c.team?.pAdjusted ?? null),
                ...(x.kpi !== undefined ? [c.findingKpi ? interval(c.findingKpi.diff) : 'n/a', formatP(c.findingKpi?.pAdjusted ?? null)] : []),
                VERDICT_TEXT[c.verdict] ?? c.verdict,
              ]),
            },
          }
        : {}),
    });
  }
  if (d.noCandidate.length > 0) out.push({ heading: 'Findings without a candidate', lines: d.noCandidate.map((x) => `- ${x.finding}: ${x.reason}`) });
  if (d.notes.length > 0) out.push({ heading: 'Notes', lines: d.notes.map((x) => `- ${x}`) });
  return out;
}

const mdCell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** diagnosis.md. */
export function diagnosisMarkdown(d: Diagnosis): string {
  const parts = [`# Diagnosis: ${d.experiment}`, '', `World ${d.world}; seeds ${d.seeds.join(', ')}; runs under runs/ (report.html compares them).`, ''];
  for (const b of blocks(d)) {
    parts.push(`## ${b.heading}`, '');
    // A blank line after every paragraph and after each list, so a paragraph never runs into a list item.
    b.lines.forEach((l, i) => {
      parts.push(l);
      const next = b.lines[i + 1];
      if (!l.startsWith('- ') || next === undefined || !next.startsWith('- ')) parts.push('');
    });
    if (b.table) {
      parts.push(`| ${b.table.head.map(mdCell).join(' | ')} |`, `|${b.table.head.map(() => '---').join('|')}|`);
      for (const row of b.table.rows) parts.push(`| ${row.map(mdCell).join(' | ')} |`);
      parts.push('');
    }
  }
  return `${parts.join('\n').trimEnd()}\n`;
}

/** Markdown emphasis to HTML, after escaping. */
const inline = (s: string): string => escapeHtml(s).replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>');

/** The report section. */
export function diagnosisSection(d: Diagnosis): Section {
  const html = blocks(d)
    .map((b) => {
      // Lines in order; consecutive '- ' lines form one list.
      const body: string[] = [];
      let items: string[] = [];
      const flush = (): void => {
        if (items.length > 0) body.push(`<ul>${items.map((l) => `<li>${inline(l.slice(2))}</li>`).join('')}</ul>`);
        items = [];
      };
      for (const l of b.lines) {
        if (l.startsWith('- ')) items.push(l);
        else {
          flush();
          body.push(`<p>${inline(l)}</p>`);
        }
      }
      flush();
      const table = b.table
        ? `<div class="table-wrap"><table><thead><tr>${b.table.head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${b.table.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('')}</tbody></table></div>`
        : '';
      return `<h3>${escapeHtml(b.heading)}</h3>${body.join('')}${table}`;
    })
    .join('\n');
  return {
    id: 'diagnosis',
    title: 'Diagnosis',
    intro: `What tacit diagnose found in ${d.experiment} over ${d.seeds.length} seed${d.seeds.length === 1 ? '' : 's'}, the candidate fixes it ran, and what to do. The sections below compare the baseline with every candidate.`,
    figures: [],
    unavailable: null,
    html,
  };
}
