/**
 * Time-series figures from metrics.jsonl: learning curves of each agent's local reward (one figure
 * per agent, one line per variant, 95% band across seeds), and per variant the dual ledger — each
 * agent's local reward against a team KPI (picked from a menu) on twin axes, with the step ranges of detector
 * findings shaded (darker where more seeds agree).
 */
import type { Finding } from '../load.js';
import type { Variant } from '../variants.js';
import { agentIds, baseLayout, colour, kpiNames, lineWithBand, MIN_SEEDS_FOR_INTERVALS, seedLines, seriesAcrossSeeds, slug, type Section } from './common.js';
import { metricsKey } from '../../core/metrics-row.js';

/** Most per-variant figures drawn (the rest are listed as omitted). */
export const MAX_VARIANT_FIGURES = 12;

/** Learning curves per agent across variants. */
export function learningCurves(variants: readonly Variant[]): Section {
  const agents = [...new Set(variants.flatMap((v) => agentIds(v.seeds)))];
  const figures = agents.flatMap((agent) => {
    const data = variants.flatMap((v, i) => {
      const s = seriesAcrossSeeds(v.seeds, metricsKey.reward(agent));
      return s ? [...seedLines(v.seeds, metricsKey.reward(agent), v.label, colour(i)), ...lineWithBand(s, v.label, colour(i))] : [];
    });
    if (data.length === 0) return [];
    const minSeeds = Math.min(...variants.map((v) => v.seeds.length));
    return [
      {
        id: `curve-${slug(agent)}`,
        title: `Local reward — ${agent}`,
        caption: `Mean local reward of ${agent} per step in each metrics window across seeds; ${
          minSeeds >= MIN_SEEDS_FOR_INTERVALS
            ? 'shaded: 95% t-interval across seeds'
            : `thin lines: each seed (bands need at least ${MIN_SEEDS_FOR_INTERVALS} seeds)`
        }.${variants.length > 1 ? ' Click a variant in the legend to hide it, double-click to show it alone.' : ''}`,
        data,
        layout: baseLayout(`Local reward — ${agent}`, {
          xaxis: { title: { text: 'engine step' }, gridcolor: '#ececec' },
          yaxis: { title: { text: 'local reward per step' }, gridcolor: '#ececec' },
        }),
      },
    ];
  });
  return {
    id: 'learning-curves',
    title: 'Learning curves',
    intro: 'Each agent’s local reward (the sum of its raw reward components) over training, one line per variant.',
    figures,
    unavailable: figures.length ? null : 'Not available for these runs: no metrics.jsonl rows with reward/<agent> keys.',
  };
}

const DETECTOR_COLOURS = ['#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22'];

/** Merge overlapping [start, end] intervals. */
function mergeIntervals(list: [number, number][]): [number, number][] {
  const sorted = [...list].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const iv of sorted) {
    const last = out[out.length - 1];
    if (last && iv[0] <= last[1]) last[1] = Math.max(last[1], iv[1]);
    else out.push([iv[0], iv[1]]);
  }
  return out;
}

/** Shaded rectangles for the findings of all seeds, one legend entry per detector. */
export function findingShapes(
  seedFindings: readonly (readonly Finding[])[],
  detectorsOrder: string[],
  runSpan?: [number, number],
  wholeRun?: Set<string>,
): Record<string, unknown>[] {
  const nSeeds = Math.max(1, seedFindings.length);
  const opacity = Math.max(0.05, Math.min(0.18, 0.35 / nSeeds));
  const shapes: Record<string, unknown>[] = [];
  const shown = new Set<string>();
  for (const findings of seedFindings) {
    const byDetector = new Map<string, [number, number][]>();
    for (const f of findings) {
      if (typeof f.startStep !== 'number' || typeof f.endStep !== 'number') continue;
      byDetector.set(f.detector, [...(byDetector.get(f.detector) ?? []), [f.startStep, Math.max(f.endStep, f.startStep)]]);
    }
    for (const [det, ivs] of byDetector) {
      if (!detectorsOrder.includes(det)) detectorsOrder.push(det);
      const col = DETECTOR_COLOURS[detectorsOrder.indexOf(det) % DETECTOR_COLOURS.length]!;
      for (const [x0, x1] of mergeIntervals(ivs).slice(0, 100)) {
        // A finding spanning (nearly) the whole run shades everything and so shows nothing: named instead.
        if (runSpan && runSpan[1] > runSpan[0] && x1 - x0 >= 0.9 * (runSpan[1] - runSpan[0])) {
          wholeRun?.add(det);
          continue;
        }
        shapes.push({
          type: 'rect',
          xref: 'x',
          yref: 'paper',
          x0,
          x1: x1 > x0 ? x1 : x0 + 1,
          y0: 0,
          y1: 1,
          fillcolor: col,
          opacity,
          line: { width: 0 },
          layer: 'below',
          name: `finding: ${det}`,
          legendgroup: `finding-${det}`,
          showlegend: !shown.has(det),
        });
        shown.add(det);
      }
    }
  }
  return shapes;
}

/** Per variant: local rewards against team KPIs on twin axes, findings shaded. */
export function rewardVsKpi(variants: readonly Variant[]): Section {
  const detectorsOrder: string[] = [];
  const figures = variants.slice(0, MAX_VARIANT_FIGURES).flatMap((v, vi) => {
    const data: Record<string, unknown>[] = [];
    agentIds(v.seeds).forEach((agent, i) => {
      const s = seriesAcrossSeeds(v.seeds, metricsKey.reward(agent));
      if (s)
        data.push(
          ...seedLines(v.seeds, metricsKey.reward(agent), `${agent} (local reward)`, colour(i)),
          ...lineWithBand(s, `${agent} (local reward)`, colour(i)),
        );
    });
    // One KPI at a time on the right axis, picked from a dropdown (a legend entry per KPI would
    // crowd out the plot in worlds with many KPIs).
    const kpiTraces: { name: string; index: number }[] = [];
    for (const kpi of kpiNames(v.seeds)) {
      const s = seriesAcrossSeeds(v.seeds, metricsKey.kpi(kpi));
      if (!s) continue;
      kpiTraces.push({ name: kpi, index: data.length });
      data.push({
        type: 'scatter',
        mode: 'lines',
        x: s.x,
        y: s.mean,
        name: `${kpi} (team KPI)`,
        yaxis: 'y2',
        line: { color: '#333', width: 2.5 },
        visible: kpiTraces.length === 1,
      });
    }
    if (data.length === 0) return [];
    const kpiMenu =
      kpiTraces.length > 1
        ? [
            {
              type: 'dropdown',
              direction: 'down',
              x: 1,
              xanchor: 'right',
              y: 1.02,
              yanchor: 'bottom',
              pad: { t: 0, b: 0 },
              showactive: true,
              font: { size: 11 },
              buttons: kpiTraces.map((k) => ({
                label: k.name,
                method: 'update',
                args: [{ visible: data.map((t, i) => (t['yaxis'] === 'y2' ? i === k.index : (t['visible'] ?? true))) }, { 'yaxis2.title.text': k.name }],
              })),
            },
          ]
        : [];
    const xs = data.flatMap((t) => (Array.isArray(t['x']) ? (t['x'] as number[]) : []));
    const wholeRun = new Set<string>();
    const shapes = findingShapes(
      v.seeds.map((s) => s.findings()),
      detectorsOrder,
      xs.length ? [Math.min(...xs), Math.max(...xs)] : undefined,
      wholeRun,
    );
    const title = `Local reward vs team KPI — ${v.label}`;
    const annotations = [...wholeRun].map((det, k) => ({
      xref: 'paper',
      yref: 'paper',
      x: 0,
      y: 1.0 + 0.0,
      yanchor: 'bottom',
      xanchor: 'left',
      yshift: 2 + 14 * k,
      showarrow: false,
      text: `${det}: fired over the whole run (not shaded)`,
      font: { size: 11, color: '#a33' },
    }));
    return [
      {
        id: `ledger-${vi}-${slug(v.label)}`,
        title,
        caption: `Left axis: each agent’s local reward; right axis: a team KPI (pick it in the menu). Shaded: step ranges where a detector reported a finding, over ${v.seeds.length} seed(s).`,
        data,
        layout: baseLayout(title, {
          xaxis: { title: { text: 'engine step' }, gridcolor: '#ececec' },
          yaxis: { title: { text: 'local reward per step' }, gridcolor: '#ececec' },
          // tickmode auto: plotly's default for an overlaying axis syncs its ticks to the left axis's
          // gridlines, which lands them on values like 2.031 / 2.897 / 3.762.
          yaxis2: { title: { text: kpiTraces[0]?.name ?? 'team KPI' }, overlaying: 'y', side: 'right', showgrid: false, tickmode: 'auto', nticks: 6 },
          updatemenus: kpiMenu,
          margin: { l: 64, r: 72, t: 84, b: 56 },
          title: { text: title, x: 0.01, xanchor: 'left', y: 0.97, yanchor: 'top', font: { size: 15 } },
          shapes,
          annotations,
        }),
      },
    ];
  });
  const omitted = variants.length - Math.min(variants.length, MAX_VARIANT_FIGURES);
  return {
    id: 'ledger',
    title: 'Local reward against team KPI',
    intro: `The dual ledger: what each agent was paid against what the team achieved, with detector findings shaded.${omitted > 0 ? ` First ${MAX_VARIANT_FIGURES} variants shown; ${omitted} omitted.` : ''}`,
    figures,
    unavailable: figures.length ? null : 'Not available for these runs: no reward/<agent> or kpi/<name> series in metrics.jsonl.',
  };
}
