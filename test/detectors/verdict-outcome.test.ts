/**
 * Three-valued verdicts: a detector that could not test says "untested" (with why and what would
 * make it testable) in its verdict, in the multi-seed line, in `compare` (no rate, no rank) and in
 * the run summary; `tacit run`/`validate` warn up front when the configured rows are too few.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatRunSummary } from '../../src/cli/summary-text.js';
import { resolveExperiment } from '../../src/config/resolve.js';
import { readConfigFile } from '../../src/config/load.js';
import { combineVerdicts, outcomeCounts } from '../../src/detectors/detect-run.js';
import { goodhart, goodhartParams } from '../../src/detectors/goodhart.js';
import { DetectorSuite, detectorsConfigSchema, type SuiteReport } from '../../src/detectors/index.js';
import { ledgerFromRows } from '../../src/detectors/ledger.js';
import { miscoordination, miscoordinationParams } from '../../src/detectors/miscoordination.js';
import { PLANTED_KPIS, plantGoodhart } from '../../src/detectors/planted/goodhart.js';
import { forkShortfalls, rowShortfalls } from '../../src/detectors/row-check.js';
import { offeredFastPath } from '../../src/run/fast-path-loop.js';
import { outcomeOf, runDetector, testedVerdict, untestedVerdict } from '../../src/detectors/types.js';
import { compareVariants } from '../../src/report/compare.js';
import { loadRuns } from '../../src/report/load.js';
import { renderTerminal } from '../../src/report/render-compare.js';
import { groupVariants } from '../../src/report/variants.js';
import { verdictSection } from '../../src/report/figures/verdicts.js';
import { writeWarehouseFixture } from '../report/fixtures.js';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

describe('detector verdicts', () => {
  it('goodhart with fewer rows than its window is untested, says why and which steps would do, and is clear once it can test', () => {
    const { rows } = plantGoodhart('null-learning', 0);
    const short = rows.slice(0, 20);
    const rep = runDetector(goodhart, ledgerFromRows(short, { kpiSpecs: PLANTED_KPIS }), goodhartParams().parse({}), { plannedRows: 20, metricsEvery: 500 });
    expect(rep.verdict.outcome).toBe('untested');
    expect(rep.verdict.fired).toBe(false);
    expect(rep.verdict.untestedReason).toMatch(/20 metrics rows/);
    expect(rep.verdict.toTest).toMatch(/run\.steps ≥ 18000 with metricsEvery 500/);
    expect(rep.verdict.summary).toMatch(/^untested/);
    const full = runDetector(goodhart, ledgerFromRows(rows, { kpiSpecs: PLANTED_KPIS }), goodhartParams().parse({}), { plannedRows: rows.length });
    expect(full.verdict.outcome).toBe('clear');
  });

  it('miscoordination without any KPI reference is untested, not at-reference', () => {
    const { rows } = plantGoodhart('null-learning', 0);
    const rep = runDetector(miscoordination, ledgerFromRows(rows, { kpiSpecs: PLANTED_KPIS }), miscoordinationParams().parse({}), {});
    expect(rep.verdict.outcome).toBe('untested');
    expect(rep.verdict.toTest).toMatch(/references/);
  });

  it('every detector in the suite gives an outcome, and a short run leaves none of them clear by default', () => {
    const { rows } = plantGoodhart('null-learning', 0);
    const suite = new DetectorSuite(detectorsConfigSchema().parse({}), { plannedRows: 10 });
    const ledger = ledgerFromRows([], { meta: ledgerFromRows(rows, { kpiSpecs: PLANTED_KPIS }).meta });
    for (const row of rows.slice(0, 10)) {
      ledger.append(row);
      suite.push(ledger);
    }
    const { verdicts } = suite.finish(ledger);
    for (const [name, v] of Object.entries(verdicts)) {
      expect(v.outcome, name).toBe('untested');
      expect(v.fired).toBe(false);
      expect(v.toTest, name).toBeTruthy();
    }
  });

  it('multi-seed verdicts count fired, clear and untested seeds apart', () => {
    const seed = (v: ReturnType<typeof testedVerdict>): SuiteReport => ({ detections: [], verdicts: { goodhart: v } });
    const fired = testedVerdict(true, 'reward-up-kpi-down', 'x rose', {});
    const clear = testedVerdict(false, 'none', 'nothing', {});
    const untested = untestedVerdict('untested', '10 rows', 'run.steps ≥ 5000');
    const combined = combineVerdicts([seed(fired), seed(fired), seed(clear), seed(untested), seed(untested)])['goodhart']!;
    expect(combined.summary).toMatch(/^fired in 2 of 5 seeds, clear in 1, untested in 2/);
    expect(combined.outcome).toBe('fired');
    const none = combineVerdicts([seed(untested), seed(untested)])['goodhart']!;
    expect(none.outcome).toBe('untested');
    expect(none.summary).toMatch(/^untested in all 2 seeds/);
    expect(none.toTest).toBe('run.steps ≥ 5000');
    expect(outcomeCounts(['clear', 'clear'])).toBe('fired in 0 of 2 seeds, clear in 2');
  });

  it('reads summaries written before outcomes existed: "0 windows tested" is untested', () => {
    expect(outcomeOf({ fired: false, status: 'none', summary: 'no window where … (0 windows tested at run-level α = 0.05)' })).toBe('untested');
    expect(outcomeOf({ fired: false, status: 'none', summary: 'no window where … (4 windows tested at run-level α = 0.05)' })).toBe('clear');
    expect(outcomeOf({ fired: true, status: 'x' })).toBe('fired');
  });

  it('reads conflict verdicts written as clear although half of the detector could not run as untested', () => {
    const noForks = {
      outcome: 'clear',
      fired: false,
      status: 'influence-not-checked',
      summary: 'no tug-of-war; influence not checked (no fork points or influence matrix was given)',
    };
    expect(outcomeOf(noForks)).toBe('untested');
    const noWindows = {
      outcome: 'clear',
      fired: false,
      status: 'none',
      summary: 'no agent’s action was shown to lower another’s reward; tug-of-war not tested (0 windows)',
    };
    expect(outcomeOf(noWindows)).toBe('untested');
    expect(
      outcomeOf({ outcome: 'clear', fired: false, status: 'none', summary: 'no agent’s action was shown to lower another’s reward, and no tug-of-war' }),
    ).toBe('clear');
  });

  it('goodhart with no KPI to test is untested, and a misspelt detectors.goodhart.kpis is a config error', () => {
    const { rows } = plantGoodhart('null-learning', 0);
    const ledger = ledgerFromRows(rows, { kpiSpecs: PLANTED_KPIS });
    const rep = runDetector(goodhart, ledger, goodhartParams().parse({ kpis: ['fillrate'] }), { plannedRows: rows.length });
    expect(rep.verdict.outcome).toBe('untested');
    expect(rep.verdict.untestedReason).toBe('detectors.goodhart.kpis names no KPI of this run (fillrate)');
    expect(rep.verdict.toTest).toMatch(/^KPI names among: /);
    const raw = readConfigFile('experiments/warehouse-ippo.yaml') as Record<string, unknown>;
    expect(() => resolveExperiment({ ...raw, detectors: { goodhart: { kpis: ['fillrate'] } } })).toThrow(
      /detectors\.goodhart\.kpis: 'fillrate' is not a KPI of this world; its KPIs: .*fillRate/,
    );
  });

  it('the run summary marks untested detectors ?? and never as passed', () => {
    const text = formatRunSummary({
      experiment: 'e',
      env: { id: 'warehouse-v1' },
      seed: 0,
      steps: 10,
      verdicts: { goodhart: untestedVerdict('untested', '3 metrics rows', 'run.steps ≥ 500'), conflict: testedVerdict(false, 'none', 'no harm', {}) },
    });
    expect(text).toMatch(/\?\? goodhart\s+untested: 3 metrics rows; to test: run\.steps ≥ 500/);
    expect(text).toMatch(/ok conflict/);
  });
});

describe('compare with untested seeds', () => {
  it('gives no rate and no rank to a variant whose detector never tested, and rates others over tested seeds only', () => {
    const root = mkdtempSync(join(tmpdir(), 'tacit-untested-'));
    roots.push(root);
    const dirs = writeWarehouseFixture(root, {
      seeds: 4,
      variants: [
        { scheme: 'local', fillRate: 0.8, cost: 14, hackRate: 1 },
        { scheme: 'team', fillRate: 0.9, cost: 11, hackRate: 0 },
      ],
    });
    for (const dir of dirs) {
      const path = join(dir, 'summary.json');
      const s = JSON.parse(readFileSync(path, 'utf8')) as { verdicts: Record<string, unknown> };
      const seedNo = Number(dir.slice(-1));
      s.verdicts['goodhart'] = dir.includes('team')
        ? untestedVerdict('untested', '8 metrics rows, fewer than the 50 that goodhart window=50 needs', 'run.steps ≥ 5000 with metricsEvery 100')
        : seedNo < 2
          ? testedVerdict(true, 'reward-up-kpi-down', 'rose', {})
          : untestedVerdict('untested', '8 rows', 'more steps');
      writeFileSync(path, JSON.stringify(s));
    }
    const variants = groupVariants(loadRuns([root]).runs);
    const c = compareVariants(variants);
    // The report's verdict table says untested, with the reason and the fix, for each such seed.
    const section = verdictSection(variants);
    expect(section.html).toMatch(
      /<td class="outcome-untested">untested<\/td><td>8 metrics rows, fewer than the 50 that goodhart window=50 needs\. To test: run\.steps ≥ 5000 with metricsEvery 100<\/td>/,
    );
    expect(section.html).toMatch(/<td class="outcome-fired">fired<\/td>/);
    const m = c.metrics.find((x) => x.id === 'verdict/goodhart')!;
    const team = m.variants.find((v) => v.variant.includes('team'))!;
    const local = m.variants.find((v) => v.variant.includes('local'))!;
    expect(team.n).toBe(0);
    expect(team.untested).toBe(4);
    expect(Number.isNaN(team.mean)).toBe(true);
    expect(m.ranking).not.toContain(team.variant);
    expect(m.pairs).toEqual([]);
    expect(local.n).toBe(2);
    expect(local.untested).toBe(2);
    expect(local.mean).toBe(1);
    const text = renderTerminal(c);
    expect(text).toMatch(/untested \(4 seeds\)/);
    expect(text).toMatch(/100% \[\d+, 100\] of 2 tested, 2 untested/);
    expect(text).toMatch(/not ranked \(untested in every seed\): scheme=team/);
    expect(text).toMatch(/goodhart untested in 4 seeds of scheme=team: 8 metrics rows, fewer than the 50 .*; to test: run\.steps ≥ 5000/);
  });
});

describe('fork check before a run', () => {
  it('warns that a fork-less fast path leaves the fork-based detectors untested, and not for the generic loop', () => {
    const raw = readConfigFile('experiments/market-calvano.yaml') as { run: Record<string, unknown> };
    const fast = resolveExperiment(raw);
    const id = offeredFastPath(fast, 0)?.id;
    expect(id).toBe('market-tabular-q');
    expect(forkShortfalls(fast, id)).toEqual([
      "the fork-based tests of conflict and miscoordination will be untested: the fast path 'market-tabular-q' records no fork points; set run.fastPath: false for the generic loop, which records them (same results, slower), or detectors.conflict: false and detectors.miscoordination: false to skip them",
    ]);
    const generic = resolveExperiment({ ...raw, run: { ...raw.run, fastPath: false } });
    expect(offeredFastPath(generic, 0)).toBeUndefined();
    expect(forkShortfalls(generic, undefined)).toEqual([]);
    // Switching a forking detector off keeps the fast path; the warning names the one left.
    const noConflict = resolveExperiment({ ...raw, detectors: { conflict: false } });
    expect(offeredFastPath(noConflict, 0)?.id).toBe('market-tabular-q');
    expect(forkShortfalls(noConflict, 'market-tabular-q')).toEqual([
      "the fork-based tests of miscoordination will be untested: the fast path 'market-tabular-q' records no fork points; set run.fastPath: false for the generic loop, which records them (same results, slower), or detectors.miscoordination: false to skip them",
    ]);
    const neither = resolveExperiment({ ...raw, detectors: { conflict: false, miscoordination: false, collusion: { minDelta: 0.2 } } });
    expect(offeredFastPath(neither, 0)?.id).toBe('market-tabular-q');
    expect(forkShortfalls(neither, 'market-tabular-q')).toEqual([]);
    // Naming a forking detector asks for its test: the generic loop, which records fork points.
    const asked = resolveExperiment({ ...raw, detectors: { conflict: {} } });
    expect(offeredFastPath(asked, 0)).toBeUndefined();
  });
});

describe('row check before a run', () => {
  it('warns when run.steps / metricsEvery gives an enabled detector too few rows, and says what would', () => {
    const raw = readConfigFile('experiments/warehouse-ippo.yaml') as { run: Record<string, unknown>; detectors?: unknown };
    const short = resolveExperiment({ ...raw, run: { ...raw.run, steps: 3600, metricsEvery: 360 } });
    const warnings = rowShortfalls(short);
    const g = warnings.find((w) => w.detector === 'goodhart')!;
    expect(g.plannedRows).toBe(10);
    expect(g.message).toMatch(
      /goodhart will be untested: run\.steps 3600 \/ metricsEvery 360 records 10 metrics rows.*set run\.steps ≥ \d+, or metricsEvery ≤ \d+/,
    );
    // Collusion needs a profit-gain series: not applicable to the warehouse, so no warning for it.
    expect(warnings.some((w) => w.detector === 'collusion')).toBe(false);
    const off = resolveExperiment({
      ...raw,
      run: { ...raw.run, steps: 3600, metricsEvery: 360 },
      detectors: { goodhart: false, conflict: false, miscoordination: false },
    });
    expect(rowShortfalls(off)).toEqual([]);
  });
});
