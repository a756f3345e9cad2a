/**
 * `tacit report`: load run folders, group them into variants, compare them, build every figure
 * section and write one self-contained HTML file (optionally with a PNG per figure). Also the entry
 * point `tacit run` and `tacit sweep` call to write a report when they finish.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, parse, resolve, sep } from 'node:path';
import { compareVariants, type CompareOptions, type Comparison } from './compare.js';
import { comparisonSection } from './figures/comparison.js';
import type { Section } from './figures/common.js';
import { learningCurves, rewardVsKpi } from './figures/curves.js';
import { coordinationFigures } from './figures/coordination.js';
import { findingsSection } from './figures/findings.js';
import { coordinationFaultsSection } from './figures/coordination-faults.js';
import { crossPlaySection, findCrossPlays, isCrossPlayFile, type FoundCrossPlay } from './figures/crossplay.js';
import { influenceFigures } from './figures/influence.js';
import { marketFigures } from './figures/market.js';
import { renderHtml, sharedPlotly } from './html.js';
import { loadRuns } from './load.js';
import { exportPngs } from './png.js';
import { provenanceSection } from './provenance.js';
import { groupVariants, type Variant } from './variants.js';

/** Options of writeReport. */
export interface ReportOptions {
  /** Output HTML path (default: report.html in the common folder of the inputs). */
  readonly out?: string;
  /** Page title (default from the experiment names). */
  readonly title?: string;
  /** Inline plotly.js into the page (one self-contained file) instead of sharing one copy per results root. */
  readonly standalone?: boolean;
  /** Also write a PNG per figure (needs Chromium). */
  readonly png?: boolean;
  readonly compare?: CompareOptions;
  /** Clock for the footer (tests pass a fixed date). */
  readonly now?: Date;
  /** Sections placed before the standard ones (e.g. `tacit diagnose`'s findings and fixes). */
  readonly leadSections?: readonly Section[];
}

/** What writeReport produced. */
export interface ReportResult {
  readonly path: string;
  readonly pngs: string[];
  readonly figureIds: string[];
  /** Sections with no data for these runs, with the reason. */
  readonly unavailable: { section: string; reason: string }[];
  readonly skipped: { dir: string; reason: string }[];
  readonly comparison: Comparison;
}

/** The deepest folder containing every path. */
export function commonFolder(paths: readonly string[]): string {
  const split = paths.map((p) => resolve(p).split(sep));
  const first = split[0]!;
  let k = 0;
  while (k < first.length && split.every((s) => s[k] === first[k])) k++;
  return first.slice(0, k).join(sep) || sep;
}

/** A section only when it has data (sections of optional capabilities stay off other reports). */
function optional(s: Section): Section[] {
  return s.unavailable ? [] : [s];
}

/** Every section of the report, in page order. */
export function buildSections(variants: readonly Variant[], comparison: Comparison, reportDir: string, crossplays: readonly FoundCrossPlay[] = []): Section[] {
  const coordination = coordinationFigures(variants);
  return [
    comparisonSection(comparison),
    findingsSection(variants),
    learningCurves(variants),
    rewardVsKpi(variants),
    marketFigures(variants),
    ...(coordination ? [coordination] : []),
    influenceFigures(variants),
    ...(crossplays.length > 0 ? [crossPlaySection(crossplays)] : []),
    ...optional(coordinationFaultsSection(variants)),
    provenanceSection(variants, reportDir),
  ];
}

/** Load the runs under `paths` and write the report. */
export async function writeReport(paths: readonly string[], options: ReportOptions = {}): Promise<ReportResult> {
  // crossplay.json files (tacit eval --partners) may be given beside run folders.
  const { runs, skipped } = loadRuns(paths.filter((p) => !isCrossPlayFile(p)));
  const crossplays = findCrossPlays(paths);
  const variants = groupVariants(runs);
  const comparison = compareVariants(variants, options.compare);
  const out = resolve(options.out ?? join(commonFolder(paths), 'report.html'));
  const sections = [...(options.leadSections ?? []), ...buildSections(variants, comparison, dirname(out), crossplays)];
  const experiments = [...new Set(variants.map((v) => v.experiment))];
  const seeds = variants.reduce((s, v) => s + v.seeds.length, 0);
  const worlds = [...new Set(variants.map((v) => v.envId).filter((x): x is string => x !== null))];
  const version = runs.find((r) => typeof r.run['tacitVersion'] === 'string')?.run['tacitVersion'];
  const html = renderHtml(sections, {
    title: options.title ?? `tacit report — ${experiments.join(', ')}`,
    subtitle: `${variants.length} variant${variants.length === 1 ? '' : 's'} · ${seeds} seed run${seeds === 1 ? '' : 's'} · ${runs.length} run folder${runs.length === 1 ? '' : 's'}${worlds.length ? ` · world ${worlds.join(', ')}` : ''}`,
    plotly: options.standalone ? { inline: true } : { src: sharedPlotly(out).src },
    footer: `Generated by tacit${typeof version === 'string' ? ` ${version}` : ''} on ${(options.now ?? new Date()).toISOString()} from the run folders listed under Config and provenance.`,
  });
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, html);
  const pngs = options.png ? await exportPngs(out, join(dirname(out), `${parse(out).name}-figures`)) : [];
  return {
    path: out,
    pngs,
    figureIds: sections.flatMap((s) => [...s.figures, ...(s.inlineFigures ?? [])].map((f) => f.id)),
    unavailable: sections.filter((s) => s.unavailable).map((s) => ({ section: s.id, reason: s.unavailable! })),
    skipped,
    comparison,
  };
}
