/**
 * The HTML report's content without a browser: plotly shared (or inlined with --standalone), no
 * other external references, sections without data left out of the page, figure data taken from the run
 * folders, provenance and configs included.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plotlyVersion } from '../../src/report/html.js';
import { commonFolder, writeReport, type ReportResult } from '../../src/report/report.js';
import { seriesAcrossSeeds } from '../../src/report/figures/common.js';
import { influenceOf } from '../../src/report/figures/influence.js';
import { impulseOf, priceAt } from '../../src/report/figures/market.js';
import type { SeedRecord } from '../../src/report/load.js';
import { worlds } from '../../envs/index.js';
import { UsageError } from '../../src/core/errors.js';
import { launchChromium } from '../../src/report/browser.js';
import { loadRun } from '../../src/report/load.js';
import { SIX_SCHEMES, writeMarketFixture, writeWarehouseFixture } from './fixtures.js';

let root: string;
let warehouse: ReportResult;
let html: string;

interface FigureJson {
  id: string;
  data: { name?: string; x?: number[]; y?: number[]; z?: number[][] }[];
  layout: { shapes?: { x0: number; x1: number; name?: string }[] };
}

function figures(page: string): FigureJson[] {
  const m = /<script id="tacit-figures" type="application\/json">([\s\S]*?)<\/script>/.exec(page)!;
  return JSON.parse(m[1]!) as FigureJson[];
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'tacit-report-'));
  writeWarehouseFixture(join(root, 'wh'), { variants: SIX_SCHEMES.slice(0, 3), seeds: 3, windows: 20 });
  warehouse = await writeReport([join(root, 'wh')], { now: new Date('2025-01-01T00:00:00Z') });
  html = readFileSync(warehouse.path, 'utf8');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('self-contained HTML', () => {
  it('loads plotly from one shared copy at the results root and references nothing else', () => {
    expect(warehouse.path).toBe(join(root, 'wh', 'report.html'));
    expect(html).not.toContain('plotly.js v');
    expect(html.length).toBeLessThan(1_000_000);
    const srcs = [...html.matchAll(/<script[^>]+src="([^"]+)"/gi)].map((m) => m[1]);
    expect(srcs).toEqual([`plotly-${plotlyVersion()}.min.js`]);
    expect(readFileSync(join(root, 'wh', srcs[0]!), 'utf8')).toContain('plotly.js v');
    expect(html).not.toMatch(/<link[^>]+href=/i);
    // Exactly the scripts we wrote: plotly, the figure JSON, and the boot script.
    expect(html.match(/<script/gi)).toHaveLength(3);
  });

  it('shares the copy among reports under a results root; --standalone inlines it', async () => {
    const runs = writeWarehouseFixture(join(root, 'results', 'x'), { variants: SIX_SCHEMES.slice(0, 1), seeds: 1, windows: 5 });
    const deep = await writeReport(runs, { out: join(root, 'results', 'x', 'sweep', 'report.html') });
    expect(readFileSync(deep.path, 'utf8')).toContain(`src="../../plotly-${plotlyVersion()}.min.js"`);
    const alone = await writeReport(runs, { out: join(root, 'results', 'x', 'alone.html'), standalone: true });
    const text = readFileSync(alone.path, 'utf8');
    expect(text).toContain('plotly.js v');
    expect(text).not.toMatch(/<script[^>]+src=/i);
  });

  it('leaves sections without data out of the page (no "Market: not available" in a warehouse report)', () => {
    expect(warehouse.unavailable.map((u) => u.section)).toEqual(['market']);
    expect(html).not.toContain('id="market"');
    expect(html).not.toContain('Not available');
    expect(html).not.toContain('href="#market"');
    expect(warehouse.figureIds.some((id) => id.startsWith('prices-'))).toBe(false);
  });

  it('includes provenance and every variant config', () => {
    for (const s of ['local', 'team', 'mixed']) expect(html).toContain(`scheme=${s} — resolved config`);
    expect(html).toContain('0123456789'); // the run.json commit, shortened
    expect(html).toContain('tacit run experiments/fixture.yaml');
  });
});

describe('figure data', () => {
  it('plots the across-seed mean of the metrics files', () => {
    const curve = figures(html).find((f) => f.id === 'curve-picker')!;
    const team = curve.data.find((t) => t.name === 'scheme=team')!;
    const seeds = [0, 1, 2].map((s) => loadRun(join(root, 'wh', 'warehouse-schemes', `team-s${s}`)).seeds[0]!);
    const rows = seeds.map((s) => s.metrics());
    expect(team.x).toEqual(rows[0]!.map((r) => r['step']));
    team.y!.forEach((y, w) => expect(y).toBeCloseTo(rows.reduce((acc, r) => acc + r[w]!['reward/picker']!, 0) / 3, 12));
    // Three seeds are too few for a band (MIN_SEEDS_FOR_INTERVALS): each seed's own line instead.
    expect(curve.data.some((t) => t.name === 'scheme=team band')).toBe(false);
    expect(curve.data.filter((t) => t.name?.startsWith('scheme=team seed ')).map((t) => t.y)).toEqual(rows.map((r) => r.map((x) => x['reward/picker'])));
  });

  it('draws intervals and letters only from at least 5 seeds, and says why otherwise', async () => {
    const kpi = figures(html).find((f) => f.id.startsWith('compare-kpi-'))! as FigureJson & { data: { error_x?: { array: number[] }; text?: string[] }[] };
    expect(kpi.data[1]!.error_x!.array.every((x) => x === 0)).toBe(true);
    expect(kpi.data[1]!.text!.every((t) => !/[a-z]/.test(t))).toBe(true);
    expect(html).toContain('3 seeds: each seed shown, no interval or letters (they need at least 5 seeds');
    writeWarehouseFixture(join(root, 'five'), { variants: SIX_SCHEMES.slice(0, 2), seeds: 5, windows: 10 });
    const five = readFileSync((await writeReport([join(root, 'five')])).path, 'utf8');
    const k5 = figures(five).find((f) => f.id.startsWith('compare-kpi-'))! as FigureJson & { data: { error_x?: { array: number[] } }[] };
    expect(k5.data[1]!.error_x!.array.every((x) => x > 0)).toBe(true);
    expect(
      figures(five)
        .find((f) => f.id === 'curve-picker')!
        .data.some((t) => t.name === 'scheme=team band'),
    ).toBe(true);
    expect(five).not.toContain('no interval or letters');
  });

  it('bins long series to a bounded number of points', () => {
    const seed = loadRun(join(root, 'wh', 'warehouse-schemes', 'team-s0')).seeds[0]!;
    const s = seriesAcrossSeeds([seed], 'reward/picker', 7)!;
    expect(s.x.length).toBe(7);
    expect(s.mean[0]).toBeCloseTo((seed.metrics()[0]!['reward/picker']! + seed.metrics()[1]!['reward/picker']! + seed.metrics()[2]!['reward/picker']!) / 3, 12);
  });

  it('shades the findings of each seed on the ledger', () => {
    const ledger = figures(html).find((f) => f.id.startsWith('ledger-') && f.id.includes('local'))!;
    const hacking = ledger.layout.shapes!.filter((s) => s.name === 'finding: rewardHacking');
    const seeds = [0, 1, 2].map((s) => loadRun(join(root, 'wh', 'warehouse-schemes', `local-s${s}`)).seeds[0]!);
    const expected = seeds.flatMap((s) => s.findings().filter((f) => f.detector === 'rewardHacking'));
    expect(hacking.map((h) => [h.x0, h.x1])).toEqual(expected.map((f) => [f.startStep, f.endStep]));
  });

  it('offers each team KPI on the ledger’s right axis through a menu, one at a time', () => {
    const ledger = figures(html).find((f) => f.id.startsWith('ledger-'))! as unknown as {
      data: { yaxis?: string; name: string; visible?: boolean }[];
      layout: { updatemenus: { buttons: { label: string; args: [{ visible: boolean[] }, Record<string, string>] }[] }[] };
    };
    const kpiTraces = ledger.data.filter((t) => t.yaxis === 'y2');
    expect(kpiTraces.map((t) => t.name)).toEqual(['fillRate (team KPI)', 'costToServe (team KPI)']);
    expect(kpiTraces.map((t) => t.visible)).toEqual([true, false]);
    const buttons = ledger.layout.updatemenus[0]!.buttons;
    expect(buttons.map((b) => b.label)).toEqual(['fillRate', 'costToServe']);
    const visible = buttons[1]!.args[0].visible;
    expect(ledger.data.filter((t, i) => t.yaxis === 'y2' && visible[i]).map((t) => t.name)).toEqual(['costToServe (team KPI)']);
    expect(ledger.data.filter((t, i) => t.yaxis !== 'y2' && !visible[i])).toEqual([]);
    expect(buttons[1]!.args[1]).toEqual({ 'yaxis2.title.text': 'costToServe' });
  });

  it('draws market and influence figures from their evidence', async () => {
    const dir = join(root, 'mk');
    writeMarketFixture(dir);
    const r = await writeReport([dir]);
    const figs = figures(readFileSync(r.path, 'utf8'));
    const impulse = figs.find((f) => f.id.startsWith('impulse-'))!;
    expect(impulse.data.map((t) => t.name)).toEqual(['firm0 (deviator)', 'firm1']);
    expect(impulse.data[0]!.y![1]).toBeCloseTo(1.62, 12);
    expect(figs.some((f) => f.id.startsWith('prices-'))).toBe(true);
    expect(r.unavailable.map((u) => u.section)).toEqual(['influence']);
    const influence = figures(html).find((f) => f.id.startsWith('influence-'))!;
    expect(influence.data[0]!.z).toHaveLength(3);
  });
});

describe('market and influence inputs', () => {
  it('reads market-v1 action indices as prices on the world’s own grid', async () => {
    const dir = join(root, 'mk-prices');
    writeMarketFixture(dir, 2, 6);
    const r = await writeReport([dir]);
    const fig = figures(readFileSync(r.path, 'utf8')).find((f) => f.id.startsWith('prices-'))! as FigureJson & { layout: { annotations?: { text: string }[] } };
    const spec = worlds.get('market-v1');
    const grid = (spec.create(spec.paramsSchema.parse({})) as unknown as { game: { grids: Float64Array[] } }).game.grids[0]!;
    const seeds = [0, 1].map((s) => loadRun(join(dir, 'market-calvano', 'market-run')).seeds[s]!);
    const firm0 = fig.data.find((t) => t.name === 'firm0')!;
    firm0.y!.forEach((y, w) =>
      expect(y).toBeCloseTo((priceAt(grid, seeds[0]!.metrics()[w]!['action/firm0']!) + priceAt(grid, seeds[1]!.metrics()[w]!['action/firm0']!)) / 2, 12),
    );
    // Evenly spaced grid: the price of a fractional index is linear between neighbours.
    expect(priceAt(grid, 2.5)).toBeCloseTo((grid[2]! + grid[3]!) / 2, 14);
    expect(fig.layout.annotations!.map((a) => a.text)).toEqual(['Nash 1.473', 'monopoly 1.925']);
  });

  const seed = (summary: Record<string, unknown>, findings: unknown[] = []): SeedRecord => ({
    seed: 0,
    dir: null,
    summary,
    metrics: () => [],
    findings: () => findings as never,
  });

  it('accepts an impulse response given as step-indexed arrays in a finding', () => {
    const ir = impulseOf(
      seed({}, [{ detector: 'collusion', evidence: { impulseResponse: { deviator: 'b', steps: [-1, 0, 1], prices: { a: [2, 2, 1.9], b: [2, 1.5, 1.8] } } } }]),
    )!;
    expect(ir).toMatchObject({ deviator: 'b', steps: [-1, 0, 1] });
    expect(impulseOf(seed({ metrics: {} }))).toBeNull();
  });

  it('builds the influence matrix from verdict cells or from a matrix in evidence', () => {
    const cells = [
      { actor: 'a', affected: 'a', mean: 1 },
      { actor: 'a', affected: 'b', mean: -0.5 },
      { actor: 'b', affected: 'a', mean: 0.2 },
      { actor: 'b', affected: 'b', mean: 0.9 },
    ];
    expect(influenceOf(seed({ verdicts: { conflict: { fired: true, details: { influence: cells } } } }))).toEqual({
      agents: ['a', 'b'],
      influence: [
        [1, -0.5],
        [0.2, 0.9],
      ],
    });
    expect(
      influenceOf(
        seed({}, [
          {
            detector: 'x',
            evidence: {
              agents: ['p', 'q'],
              influence: [
                [0, 1],
                [2, 0],
              ],
            },
          },
        ]),
      ),
    ).toEqual({
      agents: ['p', 'q'],
      influence: [
        [0, 1],
        [2, 0],
      ],
    });
    expect(influenceOf(seed({ verdicts: { conflict: { fired: false, details: { influence: null } } } }))).toBeNull();
  });
});

describe('--png without Chromium', () => {
  it('fails with the install line instead of a stack trace', async () => {
    const saved = process.env['TACIT_CHROMIUM'];
    process.env['TACIT_CHROMIUM'] = join(root, 'no-such-chromium');
    try {
      await expect(launchChromium('--png')).rejects.toThrow(
        /--png needs Chromium, which was not found \(looked at TACIT_CHROMIUM=.*no-such-chromium\)\. Fix: npm install .*set TACIT_CHROMIUM=/,
      );
      await expect(launchChromium('--png')).rejects.toBeInstanceOf(UsageError);
    } finally {
      if (saved === undefined) delete process.env['TACIT_CHROMIUM'];
      else process.env['TACIT_CHROMIUM'] = saved;
    }
  });
});

describe('paths', () => {
  it('puts the report in the common folder of the inputs', () => {
    expect(commonFolder(['/a/b/c', '/a/b/d/e'])).toBe('/a/b');
    expect(commonFolder(['/a/b'])).toBe('/a/b');
  });
});
