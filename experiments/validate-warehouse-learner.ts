/**
 * Validation of issue 17's learner bar: under the team reward, the learned warehouse-v2 team
 * (experiments/warehouse-v2-learned-team.yaml) must reach a cost to serve within 1.15× of the
 * scripted baseline (experiments/warehouse-v2-baseline.yaml) with a fill rate at least as good,
 * in at least 4 of 5 seeds. Both are replayed greedily on the same evaluation episodes (seed 1000,
 * never trained on). Prints JSON (per seed: cost, fill, ratio, CPU seconds, learning curve); exit
 * code 1 when fewer than 80 % of the seeds pass. The short version is
 * test/learn/warehouse-learner.test.ts. Seeds are independent: on a shared machine run them in
 * separate commands (--first-seed k --seeds 1) and merge the JSON.
 *
 *   npm run validate-warehouse-learner -- [--seeds 5] [--first-seed 0] [--episodes 16]
 *       [--config experiments/warehouse-v2-learned-team.yaml] [--set run.steps=7200]
 *       [--json out.json] [--svg curves.svg]
 *   npm run validate-warehouse-learner -- --merge s0.json,s1.json,… [--json all.json] [--svg curves.svg]
 *       (no training: the verdict and figure over seeds measured by separate commands)
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { readConfigFile } from '../src/config/load.js';
import { TacitError } from '../src/core/errors.js';
import { baselineKpis, learnedSeed, type LearnerCheckOptions, type SeedOutcome } from '../src/run/learner-vs-baseline.js';

function usage(message: string): never {
  process.stderr.write(`validate-warehouse-learner: ${message}\n`);
  process.exit(2);
}

function arg(name: string): string | undefined {
  const k = process.argv.indexOf(`--${name}`);
  if (k < 0) return undefined;
  const v = process.argv[k + 1];
  if (v === undefined || v.startsWith('--')) usage(`--${name} needs a value`);
  return v;
}

function intArg(name: string, fallback: number, min: number): number {
  const text = arg(name);
  if (text === undefined) return fallback;
  const v = Number(text);
  if (!Number.isInteger(v) || v < min) usage(`--${name} expects an integer ≥ ${min}, got '${text}'`);
  return v;
}

/** Learning curves as a small standalone SVG: cost to serve / baseline and fill rate, per training window. */
function curvesSvg(runs: readonly SeedOutcome[], baseline: { cost: number; service: number }, maxRatio: number): string {
  const W = 640;
  const H = 220;
  const pad = 44;
  const maxStep = Math.max(...runs.flatMap((r) => r.curve.map((p) => p.step)));
  const panel = (title: string, y0: number, lo: number, hi: number, value: (p: SeedOutcome['curve'][number]) => number, refs: [number, string][]): string => {
    const x = (s: number): number => pad + ((W - 2 * pad) * s) / maxStep;
    const y = (v: number): number => y0 + H - pad - ((H - 2 * pad) * (Math.min(hi, Math.max(lo, v)) - lo)) / (hi - lo);
    const lines = runs.map(
      (r, i) =>
        `<polyline fill="none" stroke="hsl(${(i * 67) % 360},60%,45%)" stroke-width="1.5" points="${r.curve.map((p) => `${x(p.step).toFixed(1)},${y(value(p)).toFixed(1)}`).join(' ')}"><title>seed ${r.seed}</title></polyline>`,
    );
    const refLines = refs.map(
      ([v, label]) =>
        `<line x1="${pad}" x2="${W - pad}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#444" stroke-dasharray="4 3"/><text x="${W - pad + 2}" y="${(y(v) + 4).toFixed(1)}" font-size="10">${label}</text>`,
    );
    const axis = `<text x="${pad}" y="${y0 + 16}" font-size="12">${title}</text><text x="4" y="${(y(hi) + 4).toFixed(1)}" font-size="10">${hi}</text><text x="4" y="${(y(lo) + 4).toFixed(1)}" font-size="10">${lo}</text><text x="${W - pad - 60}" y="${y0 + H - 8}" font-size="10">step ${maxStep}</text>`;
    return [axis, ...refLines, ...lines].join('\n');
  };
  const ratios = runs.flatMap((r) => r.curve.map((p) => p.cost / baseline.cost));
  const fills = runs.flatMap((r) => r.curve.map((p) => p.service));
  // The axis spans the data and the bar, no more: the curves sit within a few per cent of 1.
  const hiRatio = Math.ceil(Math.max(maxRatio + 0.01, ...ratios) * 100) / 100;
  const loRatio = Math.floor(Math.min(0.99, ...ratios) * 100) / 100;
  const loFill = (Math.floor(Math.min(baseline.service, ...fills) * 1000) - 1) / 1000;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W + 40}" height="${2 * H}" font-family="sans-serif">`,
    panel('cost to serve / baseline (training episodes, exploring)', 0, loRatio, hiRatio, (p) => p.cost / baseline.cost, [
      [1, 'baseline'],
      [maxRatio, `${maxRatio}×`],
    ]),
    panel('fill rate (training episodes, exploring)', H, loFill, 1, (p) => p.service, [[baseline.service, 'baseline']]),
    `<text x="${W - 200}" y="16" font-size="10">one line per seed (${runs.map((r) => r.seed).join(', ')})</text>`,
    '</svg>',
  ].join('\n');
}

const seeds = intArg('seeds', 5, 1);
const firstSeed = intArg('first-seed', 0, 0);
const configPath = arg('config') ?? 'experiments/warehouse-v2-learned-team.yaml';
const baselinePath = arg('baseline') ?? 'experiments/warehouse-v2-baseline.yaml';
const sets = process.argv.flatMap((a, k) => (a === '--set' && process.argv[k + 1] !== undefined ? [process.argv[k + 1]!] : []));
const options: LearnerCheckOptions = {
  costKpi: 'costToServe',
  serviceKpi: 'fillRate',
  maxCostRatio: 1.15,
  episodes: intArg('episodes', 16, 1),
  evalSeed: 1000,
  sets,
};
const jsonOut = arg('json');
const svgOut = arg('svg');

/** Seeds measured by earlier commands (--merge a.json,b.json): their runs, checked to share one baseline and evaluation. */
function merged(files: string): {
  baseline: { cost: number; service: number; kpis: Record<string, number> };
  runs: SeedOutcome[];
  config: string;
  sets: string[];
  evalEpisodes: number;
} {
  const read = (f: string): unknown => {
    if (!existsSync(f)) usage(`--merge: ${f} not found (give the --json files of earlier validate-warehouse-learner commands, comma-separated)`);
    try {
      return JSON.parse(readFileSync(f, 'utf8'));
    } catch {
      usage(`--merge: ${f} is not JSON written by validate-warehouse-learner --json`);
    }
  };
  const parts = files.split(',').map(
    (f) =>
      read(f) as {
        config: string;
        sets: string[];
        baseline: { cost: number; service: number; kpis: Record<string, number> };
        evalEpisodes: number;
        runs: (Omit<SeedOutcome, 'cost' | 'service'> & { costToServe: number; fillRate: number })[];
      },
  );
  const first = parts[0]!;
  for (const [k, p] of parts.entries())
    if (
      p.baseline.cost !== first.baseline.cost ||
      p.evalEpisodes !== first.evalEpisodes ||
      p.config !== first.config ||
      JSON.stringify(p.sets) !== JSON.stringify(first.sets)
    )
      usage(`--merge: ${files.split(',')[k]} was run differently from ${files.split(',')[0]} (config, --set, baseline or episodes differ)`);
  return {
    config: first.config,
    sets: first.sets,
    evalEpisodes: first.evalEpisodes,
    baseline: first.baseline,
    runs: parts.flatMap((p) => p.runs.map((r) => ({ ...r, cost: r.costToServe, service: r.fillRate }))),
  };
}

try {
  const mergeFiles = arg('merge');
  let baseline: { cost: number; service: number; kpis: Record<string, number> };
  let runs: SeedOutcome[] = [];
  let config = configPath;
  let usedSets: readonly string[] = sets;
  let evalEpisodes = options.episodes;
  if (mergeFiles !== undefined) ({ baseline, runs, config, sets: usedSets, evalEpisodes } = merged(mergeFiles));
  else {
    baseline = await baselineKpis(readConfigFile(baselinePath), options);
    const learned = readConfigFile(configPath);
    for (let seed = firstSeed; seed < firstSeed + seeds; seed++) {
      const r = await learnedSeed(learned, seed, baseline, options);
      runs.push(r);
      process.stderr.write(
        `seed ${seed}: costToServe ${r.cost.toFixed(0)} (${r.costRatio.toFixed(4)}× baseline), fill ${r.service.toFixed(5)}, ${r.cpuSeconds.toFixed(1)} CPU s\n`,
      );
    }
  }
  const passed = runs.filter((r) => r.pass).length;
  const result = {
    ...(mergeFiles !== undefined ? { mergedFrom: mergeFiles.split(',') } : {}),
    config,
    baselineConfig: baselinePath,
    sets: usedSets,
    evalEpisodes,
    evalSeed: options.evalSeed,
    bar: { maxCostRatio: options.maxCostRatio, fill: 'at least the baseline’s', seedsPassing: '≥ 80 %' },
    baseline,
    runs: runs.map((r) => ({
      seed: r.seed,
      costToServe: r.cost,
      fillRate: r.service,
      costRatio: r.costRatio,
      pass: r.pass,
      cpuSeconds: r.cpuSeconds,
      kpis: r.kpis,
      curve: r.curve,
    })),
    passed,
    seeds: runs.length,
    pass: passed >= 0.8 * runs.length,
  };
  const text = JSON.stringify(result, null, 2);
  console.log(text);
  if (jsonOut) writeFileSync(jsonOut, text);
  if (svgOut) writeFileSync(svgOut, curvesSvg(runs, baseline, options.maxCostRatio));
  process.exitCode = result.pass ? 0 : 1;
} catch (e) {
  if (e instanceof TacitError) usage(e.message);
  throw e;
}
