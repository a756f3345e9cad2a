/**
 * Findings with their evidence, placed where each finding is stated. Per variant, every detector's
 * verdict as fired / clear / untested (untested with the reason and what would make it testable,
 * never shown as clear), and beside each fired detector the evidence behind it:
 *   goodhart   the agent's reward and the team KPI on one time axis, the flagged windows shaded,
 *              and the policy-swap attribution line (learned policy vs its initial one);
 *   collusion  each firm's price response to a forced deviation and the limit cycle of the
 *              converged strategies (the market section's figures are linked; the numbers listed);
 *   conflict   the influence matrix (the heatmap in the influence section) with its intervals.
 */
import type { Finding, SeedRecord } from '../load.js';
import type { Variant } from '../variants.js';
import { escapeHtml } from './comparison.js';
import { baseLayout, seriesAcrossSeeds, slug, type Figure, type Section } from './common.js';
import { MAX_VARIANT_FIGURES } from './curves.js';
import { verdictSection } from './verdicts.js';
import { metricsKey } from '../../core/metrics-row.js';

type Outcome = 'fired' | 'clear' | 'untested';
interface VerdictLike {
  outcome?: Outcome;
  fired?: boolean;
  summary?: string;
  untestedReason?: string;
  toTest?: string;
  details?: Record<string, unknown>;
}

const MARK: Record<Outcome, string> = { fired: '⚑ fired', clear: '✓ clear', untested: '? untested' };

function outcomeOf(v: VerdictLike): Outcome {
  return v.outcome ?? (v.fired ? 'fired' : 'clear');
}

function fmt(x: unknown): string {
  return typeof x === 'number' ? (Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3)) : String(x);
}

/** Goodhart evidence: one seed's reward and KPI on shared time, the flagged windows shaded. */
function goodhartFigure(v: Variant, vi: number, seed: SeedRecord, f: Finding): Figure | null {
  const agent = f.agents[0];
  const kpi = f.evidence?.['kpi'];
  if (typeof agent !== 'string' || typeof kpi !== 'string') return null;
  const reward = seriesAcrossSeeds([seed], metricsKey.reward(agent));
  const team = seriesAcrossSeeds([seed], metricsKey.kpi(kpi));
  if (!reward || !team) return null;
  const windows = seed.findings().filter((g) => g.detector === 'goodhart' && g.agents[0] === agent && g.evidence?.['kpi'] === kpi);
  const attribution = (f.evidence?.['attribution'] as { line?: string } | undefined)?.line;
  const title = `Goodhart evidence — ${agent}'s reward vs ${kpi} (${v.label}, seed ${seed.seed})`;
  return {
    id: `evidence-goodhart-${vi}-${slug(agent)}-${slug(kpi)}`,
    title,
    caption: `Left: ${agent}'s local reward; right: the team KPI ${kpi} (${f.evidence?.['kpiBetter'] === 'lower' ? 'lower' : 'higher'} is better), same steps. Shaded: the windows where the reward rose while ${kpi} worsened (p = ${fmt(f.pValue)}).${
      attribution
        ? ` Attribution (policy swap): ${attribution}.`
        : ' No policy-swap attribution in this run (the agent does not learn, or the run predates it).'
    }`,
    data: [
      { type: 'scatter', mode: 'lines', x: reward.x, y: reward.mean, name: `${agent} reward`, line: { color: '#0072B2', width: 2 } },
      { type: 'scatter', mode: 'lines', x: team.x, y: team.mean, name: `${kpi} (team KPI)`, yaxis: 'y2', line: { color: '#333', width: 2, dash: 'dot' } },
    ],
    layout: baseLayout(title, {
      height: 360,
      xaxis: { title: { text: 'engine step' } },
      yaxis: { title: { text: `${agent} local reward per step` } },
      yaxis2: { title: { text: kpi }, overlaying: 'y', side: 'right', showgrid: false, tickmode: 'auto', nticks: 6 },
      margin: { l: 64, r: 72, t: 48, b: 56 },
      shapes: windows.map((g) => ({
        type: 'rect',
        xref: 'x',
        yref: 'paper',
        x0: g.startStep,
        x1: Math.max(g.endStep, g.startStep + 1),
        y0: 0,
        y1: 1,
        fillcolor: '#d62728',
        opacity: 0.12,
        line: { width: 0 },
        layer: 'below',
      })),
    }),
  };
}

interface Probe {
  deviator: string;
  firms: string[];
  prePrices: number[];
  deviationPrice: number;
  prices: number[][];
  nashPrices?: number[];
}

/** Collusion evidence: per deviating firm, every firm's price in the periods after the forced deviation. */
function collusionFigures(v: Variant, vi: number, seedNo: number, f: Finding): Figure[] {
  const probes = ((f.evidence?.['probes'] as Probe[] | undefined) ?? []).filter((p) => Array.isArray(p?.prices) && Array.isArray(p.firms));
  const firstPerDeviator = [...new Map(probes.map((p) => [p.deviator, p])).values()].slice(0, 4);
  return firstPerDeviator.map((p) => {
    const periods = p.prices.map((_, t) => t);
    const colours = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7'];
    const data: Record<string, unknown>[] = p.firms.flatMap((firm, j) => [
      {
        type: 'scatter',
        mode: 'lines+markers',
        x: [-1, ...periods],
        y: [p.prePrices[j], ...p.prices.map((row) => row[j])],
        name: `${firm}${firm === p.deviator ? ' (deviates)' : ''}`,
        line: { color: colours[j % colours.length], width: 2 },
        marker: { size: 4 },
      },
    ]);
    const nash = p.nashPrices?.[0];
    const title = `Deviation response — ${p.deviator} cuts its price (${v.label}, seed ${seedNo})`;
    return {
      id: `evidence-collusion-${vi}-${slug(p.deviator)}`,
      title,
      caption: `Period −1: the converged (limit-cycle) prices; period 0: ${p.deviator} is forced to its one-shot best response ${p.deviationPrice.toFixed(3)}; then every firm follows its learned strategy. A price war after the cut and a return to the old prices is the reward–punishment pattern of collusion (Calvano et al. 2020, Fig. 4).${nash !== undefined ? ` Dashed: the one-shot Nash price ${nash.toFixed(3)}.` : ''}`,
      data,
      layout: baseLayout(title, {
        height: 340,
        hovermode: 'x unified',
        xaxis: { title: { text: 'period after the deviation' }, dtick: 1 },
        yaxis: { title: { text: 'price' } },
        ...(nash !== undefined
          ? { shapes: [{ type: 'line', xref: 'paper', x0: 0, x1: 1, y0: nash, y1: nash, line: { dash: 'dash', color: '#888', width: 1 } }] }
          : {}),
      }),
    };
  });
}

/** Collusion evidence as text: Δ over the limit cycle and the link to the market section. */
function collusionHtml(v: Variant, f: Finding): string {
  const ev = f.evidence ?? {};
  const delta = ev['delta'] as Record<string, unknown> | undefined;
  return [
    `<p>${escapeHtml(`Δ (profit gain, 0 = Nash, 1 = monopoly): ${fmt(delta?.['meanDelta'])}${delta?.['cycleLength'] !== undefined ? ` over the converged strategies' limit cycle of length ${fmt(delta['cycleLength'])}${delta['converged'] === false ? ' (not converged)' : ''}` : ''}; threshold ${fmt(delta?.['minDelta'])}.`)}</p>`,
    `<p class="muted">Price paths over training: <a href="#market">market section for ${escapeHtml(v.label)}</a>.</p>`,
    `<details><summary>all evidence numbers</summary><pre>${escapeHtml(JSON.stringify(ev, null, 1).slice(0, 6000))}</pre></details>`,
  ].join('\n');
}

/** Conflict evidence: the influence cells with their intervals. */
function conflictHtml(verdict: VerdictLike): string {
  const cells = (verdict.details?.['influence'] as Record<string, unknown>[] | undefined) ?? [];
  const rows = cells
    .filter((c) => c['actor'] !== c['affected'])
    .slice(0, 20)
    .map((c) => {
      const ci = Array.isArray(c['ci']) ? (c['ci'] as number[]) : [c['low'] ?? c['ciLow'], c['high'] ?? c['ciHigh']];
      return `<tr><td>${escapeHtml(String(c['actor']))} → ${escapeHtml(String(c['affected']))}</td><td>${fmt(c['mean'])}</td><td>${ci[0] !== undefined ? `[${fmt(ci[0])}, ${fmt(ci[1])}]` : '–'}</td></tr>`;
    })
    .join('');
  return rows
    ? `<table class="text"><thead><tr><th>influence</th><th>mean</th><th>interval</th></tr></thead><tbody>${rows}</tbody></table><p class="muted"><a href="#influence">influence heatmaps</a></p>`
    : '<p class="muted"><a href="#influence">influence heatmaps</a></p>';
}

/** The findings section: verdicts per variant with evidence panels beside the fired ones. */
export function findingsSection(variants: readonly Variant[]): Section {
  const figures: Figure[] = [];
  const html: string[] = [];
  variants.slice(0, MAX_VARIANT_FIGURES).forEach((v, vi) => {
    const seed = v.seeds.find((s) => Object.keys(s.summary.verdicts ?? {}).length > 0);
    if (!seed) return;
    const verdictsOf = (s: SeedRecord): Record<string, VerdictLike> => (s.summary.verdicts ?? {}) as Record<string, VerdictLike>;
    const items = Object.keys(verdictsOf(seed)).map((name) => {
      const counts = v.seeds.map((s) => outcomeOf(verdictsOf(s)[name] ?? {}));
      // The seed shown: the first where the detector fired (its evidence is what a reader needs), else the first tested one.
      const k = Math.max(0, counts.indexOf('fired') >= 0 ? counts.indexOf('fired') : counts.indexOf('clear'));
      const shownSeed = v.seeds[k] ?? seed;
      const verdict = verdictsOf(shownSeed)[name] ?? {};
      const o = outcomeOf(verdict);
      const tally =
        v.seeds.length > 1
          ? ` <span class="muted">(${(['fired', 'clear', 'untested'] as const).map((x) => `${counts.filter((c) => c === x).length} ${x}`).join(', ')} of ${v.seeds.length} seeds; shown: seed ${shownSeed.seed})</span>`
          : '';
      const text =
        o === 'untested'
          ? `could not test: ${verdict.untestedReason ?? 'no reason recorded'}${verdict.toTest ? `. To test it: ${verdict.toTest}` : ''}`
          : (verdict.summary ?? '');
      let body = `<div><b class="outcome-${o}">${MARK[o]}</b> <b>${escapeHtml(name)}</b>${tally}: ${escapeHtml(text)}</div>`;
      if (o === 'fired') {
        const f = shownSeed.findings().find((g) => g.detector === name);
        if (name === 'goodhart' && f) {
          const fig = goodhartFigure(v, vi, shownSeed, f);
          if (fig) {
            figures.push(fig);
            body += `<figure><div class="plot" id="${escapeHtml(fig.id)}" style="min-height:360px"></div><figcaption>${escapeHtml(fig.caption)}</figcaption></figure>`;
          }
        }
        if (name === 'collusion' && f) {
          const figs = collusionFigures(v, vi, shownSeed.seed, f);
          figures.push(...figs);
          body += collusionHtml(v, f);
          if (figs.length)
            body += `<div class="grid">${figs.map((fig) => `<figure><div class="plot" id="${escapeHtml(fig.id)}" style="min-height:340px"></div><figcaption>${escapeHtml(fig.caption)}</figcaption></figure>`).join('')}</div>`;
        }
        if (name === 'conflict') body += conflictHtml(verdict);
      }
      return `<li data-detector="${escapeHtml(name)}" data-outcome="${o}">${body}</li>`;
    });
    html.push(`<h3>${escapeHtml(v.label)}</h3><ul class="findings">${items.join('\n')}</ul>`);
  });
  const perSeed = verdictSection(variants).html;
  if (html.length && perSeed) html.push(`<details><summary>Every seed's verdicts</summary>${perSeed}</details>`);
  return {
    id: 'findings',
    title: 'Findings and their evidence',
    intro:
      'Each detector’s verdict: fired (with the evidence beside it), clear (tested, not found) or untested (could not test here, with the reason; not a negative).',
    figures: [],
    unavailable: html.length ? null : 'Not available for these runs: no detector verdicts in summary.json.',
    html: html.join('\n'),
    inlineFigures: figures,
  };
}
