/**
 * compare on synthetic run folders with known effects (fixtures.ts): grouping into variants,
 * agreement between the single- and multi-seed layouts, better-directions, the statistics against
 * direct computation from the files, and the three renderings.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareVariants, type Comparison } from '../../src/report/compare.js';
import { discoverRuns, loadRuns } from '../../src/report/load.js';
import { renderJson, renderMarkdown, renderTerminal } from '../../src/report/render-compare.js';
import { diffLabels, groupVariants } from '../../src/report/variants.js';
import { bootstrapMeanCI, welchTTest } from '../../src/stats/index.js';
import { SIX_SCHEMES, writeWarehouseFixture } from './fixtures.js';

let root: string;
let single: Comparison;

function compareDir(dir: string): Comparison {
  return compareVariants(groupVariants(loadRuns([dir]).runs));
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'tacit-compare-'));
  writeWarehouseFixture(join(root, 'single'), { layout: 'single' });
  writeWarehouseFixture(join(root, 'multi'), { layout: 'multi' });
  single = compareDir(join(root, 'single'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('grouping', () => {
  it('finds six variants of five seeds labelled by the differing field', () => {
    expect(single.variants.map((v) => v.label).sort()).toEqual(SIX_SCHEMES.map((s) => `scheme=${s.scheme}`).sort());
    for (const v of single.variants) expect(v.seeds).toEqual([0, 1, 2, 3, 4]);
  });

  it('gives the same statistics for one folder per seed and one multi-seed folder per variant', () => {
    const multi = compareDir(join(root, 'multi'));
    const strip = (c: Comparison): unknown => c.metrics.map((m) => ({ id: m.id, variants: m.variants, pairs: m.pairs, best: m.best }));
    expect(strip(multi)).toEqual(strip(single));
  });

  it('collapses agents[*] fields and shortens paths in labels', () => {
    const cfg = (scheme: string, lr: number): Record<string, unknown> => ({
      name: 'x',
      agents: [
        { id: 'a', reward: { scheme }, policy: { params: { learningRate: lr } } },
        { id: 'b', reward: { scheme }, policy: { params: { learningRate: 0.1 } } },
      ],
    });
    const labels = diffLabels([cfg('local', 0.1), cfg('team', 0.1), cfg('team', 0.5)]).map((l) => l.label);
    expect(labels).toEqual(['learningRate=0.1, scheme=local', 'learningRate=0.1, scheme=team', 'learningRate=0.5, scheme=team']);
  });

  it('says clearly when a path is missing, not a folder, or holds no complete run', () => {
    expect(() => loadRuns([join(root, 'nope')])).toThrow(/no such folder: .*nope/);
    writeFileSync(join(root, 'file'), '');
    expect(() => loadRuns([join(root, 'file')])).toThrow(/is not a folder/);
    mkdirSync(join(root, 'empty', 'x.partial'), { recursive: true });
    expect(() => loadRuns([join(root, 'empty')])).toThrow(/no complete run folders under .*empty \(1 incomplete \.partial folders skipped\)/);
  });

  it('orders variants as the sweep listed them, and uses the sweep’s label', () => {
    const dir = join(root, 'order');
    const dirs = writeWarehouseFixture(dir, { variants: SIX_SCHEMES.slice(0, 3), seeds: 1 });
    // Tag the runs with the reverse of their folder order.
    dirs.forEach((d, i) => {
      const p = join(d, 'run.json');
      const run = JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown>;
      run['sweep'] = { variant: `v${2 - i}`, index: 2 - i };
      writeFileSync(p, JSON.stringify(run));
    });
    expect(groupVariants(loadRuns([dir]).runs).map((v) => v.label)).toEqual(['v0', 'v1', 'v2']);
  });

  it('skips .partial folders and counts a rerun seed once', () => {
    const dir = join(root, 'dupes');
    writeWarehouseFixture(dir, { variants: SIX_SCHEMES.slice(0, 2), seeds: 2 });
    cpSync(join(dir, 'warehouse-schemes', 'local-s0'), join(dir, 'warehouse-schemes', 'local-s0-rerun'), { recursive: true });
    cpSync(join(dir, 'warehouse-schemes', 'team-s0'), join(dir, 'warehouse-schemes', 'team-s9.partial'), { recursive: true });
    const found = discoverRuns([dir]);
    expect(found.skipped.map((s) => s.dir.endsWith('team-s9.partial'))).toEqual([true]);
    const variants = groupVariants(loadRuns([dir]).runs);
    expect(variants.map((v) => v.seeds.length)).toEqual([2, 2]);
    expect(variants.find((v) => v.label === 'scheme=local')!.runs).toHaveLength(3);
  });
});

describe('statistics', () => {
  const kpiValues = (scheme: string, kpi: string): number[] =>
    [0, 1, 2, 3, 4].map(
      (s) =>
        (JSON.parse(readFileSync(join(root, 'single', 'warehouse-schemes', `${scheme}-s${s}`, 'summary.json'), 'utf8')) as { kpis: Record<string, number> })
          .kpis[kpi]!,
    );

  it('reports each variant mean and interval from the seeds read back from the files', () => {
    const m = single.metrics.find((x) => x.id === 'kpi/fillRate')!;
    const st = m.variants.find((v) => v.variant === 'scheme=team')!;
    const xs = kpiValues('team', 'fillRate');
    expect(st.values).toEqual(xs);
    expect(st.mean).toBeCloseTo(xs.reduce((a, b) => a + b) / 5, 12);
    const ci = bootstrapMeanCI(xs);
    expect([st.low, st.high]).toEqual([ci.low, ci.high]);
    const pair = m.pairs.find((p) => [p.a, p.b].includes('scheme=team') && [p.a, p.b].includes('scheme=local'))!;
    const w = welchTTest(pair.a === 'scheme=team' ? xs : kpiValues('local', 'fillRate'), pair.a === 'scheme=team' ? kpiValues('local', 'fillRate') : xs)!;
    expect(pair.pValue).toBeCloseTo(w.pValue, 14);
    expect(pair.pAdjusted).toBeGreaterThanOrEqual(pair.pValue);
    expect(pair.significant).toBe(true);
  });

  it('finds the known best per KPI in its better-direction', () => {
    const fill = single.metrics.find((x) => x.id === 'kpi/fillRate')!;
    const cost = single.metrics.find((x) => x.id === 'kpi/costToServe')!;
    expect(fill.better).toBe('higher');
    expect(cost.better).toBe('lower');
    expect(fill.best).toBe('scheme=team');
    expect(cost.best).toBe('scheme=team');
    expect(cost.ranking.at(-1)).toBe('scheme=local');
    // Local reward is highest under the local scheme (the fixture's known effect), clearly.
    const proc = single.metrics.find((x) => x.id === 'reward/procurement')!;
    expect(proc.best).toBe('scheme=local');
    expect(proc.bestIsClear).toBe(true);
    // Holm over 15 pairs: every adjusted p is at least its raw p, and letters separate team and local.
    expect(fill.pairs).toHaveLength(15);
    expect([...fill.letters['scheme=team']!].some((ch) => fill.letters['scheme=local']!.includes(ch))).toBe(false);
  });

  it('reports verdict rates with Wilson intervals, lower being better', () => {
    const hack = single.metrics.find((x) => x.id === 'verdict/rewardHacking')!;
    expect(hack.better).toBe('lower');
    const local = hack.variants.find((v) => v.variant === 'scheme=local')!;
    expect(local.values.length).toBe(5);
    expect(local.mean).toBe(local.values.filter((x) => x === 1).length / 5);
    expect(local.low).toBeLessThan(local.mean + 1e-12);
    expect(hack.ranking.at(-1)).toBe('scheme=local');
  });

  const withoutSpecs = (name: string, envId: string): Comparison => {
    const dir = join(root, name);
    const dirs = writeWarehouseFixture(dir, { variants: SIX_SCHEMES.slice(0, 2), seeds: 2 });
    for (const d of dirs) {
      const p = join(d, 'summary.json');
      const s = JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown>;
      delete s['kpiSpecs'];
      writeFileSync(p, JSON.stringify(s));
      const c = join(d, 'config.resolved.json');
      const cfg = JSON.parse(readFileSync(c, 'utf8')) as { env: { id: string } };
      cfg.env.id = envId;
      writeFileSync(c, JSON.stringify(cfg));
    }
    return compareDir(dir);
  };

  it('takes KPI directions from the registered world when the summaries have none', () => {
    const cost = withoutSpecs('registry', 'warehouse-v1').metrics.find((m) => m.id === 'kpi/costToServe')!;
    expect(cost.directionKnown).toBe(true);
    expect(cost.better).toBe('lower');
  });

  it('falls back to higher-is-better, flagged, when no direction is known', () => {
    const c = withoutSpecs('nospecs', 'unregistered-v0');
    const cost = c.metrics.find((m) => m.id === 'kpi/costToServe')!;
    expect(cost.directionKnown).toBe(false);
    expect(cost.better).toBe('higher');
    expect(renderTerminal(c)).toContain('costToServe ↑?');
  });
});

describe('rendering', () => {
  it('renders terminal, markdown and JSON with the best marked', () => {
    const term = renderTerminal(single);
    const teamRow = term.split('\n').find((l) => l.trimStart().startsWith('scheme=team '))!;
    expect(teamRow).toMatch(/★.*★/); // best on both KPIs
    expect(term).toContain('costToServe ↓');
    // A narrow terminal gets the metric columns in parts, each within the width.
    const narrow = renderTerminal(single, 70);
    expect(narrow).toContain('Team KPIs [1/2]');
    for (const line of narrow.split('\n').filter((l) => l.startsWith('  scheme=') || l.startsWith('  variant')))
      expect([...line].length).toBeLessThanOrEqual(70);
    const md = renderMarkdown(single);
    expect(md).toContain('| variant | n | fillRate ↑ | costToServe ↓ |');
    expect(md).toContain('### Pairwise: fillRate ↑');
    const json = JSON.parse(renderJson(single)) as Comparison;
    expect(json.metrics.find((m) => m.id === 'kpi/costToServe')!.best).toBe('scheme=team');
    expect(json.variants).toHaveLength(6);
  });
});
