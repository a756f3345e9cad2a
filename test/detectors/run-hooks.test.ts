/** Detectors inside `tacit run`: online findings in events.jsonl, verdicts in summary.json, market probes. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadExperiment } from '../../src/config/load.js';
import { resolveExperiment } from '../../src/config/resolve.js';
import { detectRun } from '../../src/detectors/detect-run.js';
import { deviationProbesFromMetrics } from '../../src/detectors/collusion-probes.js';
import { runExperiment } from '../../src/run/run-experiment.js';
import { readConfigFile } from '../../src/config/load.js';
import type { Verdict } from '../../src/detectors/types.js';
import { compareVariants } from '../../src/report/compare.js';
import { loadRuns } from '../../src/report/load.js';
import { groupVariants } from '../../src/report/variants.js';

const tmp = mkdtempSync(join(tmpdir(), 'tacit-run-detect-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const findingsOf = (dir: string): Record<string, unknown>[] =>
  readFileSync(join(dir, 'events.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.includes('"type":"finding"'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('detectors in tacit run', () => {
  it('a Calvano market run ends with a collusion verdict, its findings in events.jsonl, and tacit detect agrees', async () => {
    const out = join(tmp, 'market');
    const { summary } = await runExperiment(loadExperiment('experiments/market-calvano.yaml'), { out, quiet: true });
    const verdicts = summary['verdicts'] as Record<string, { status: string; fired: boolean }>;
    expect(Object.keys(verdicts)).toEqual(['goodhart', 'collusion', 'conflict', 'miscoordination']);
    // Seed 0 of the baseline learns supra-competitive prices sustained by punishment (docs/market.md).
    expect(verdicts['collusion']!.status).toBe('collusive');
    const lines = findingsOf(out);
    expect(lines.map((f) => f['kind'])).toEqual(expect.arrayContaining(['supra-competitive', 'collusive']));
    const collusive = lines.find((f) => f['kind'] === 'collusive')!;
    const probes = (collusive['evidence'] as { probes: { deviator: string; prices: number[][] }[] }).probes;
    expect(probes.length).toBeGreaterThan(0);
    expect(probes[0]!.prices.length).toBeGreaterThanOrEqual(15);
    // Post hoc from the folder (metrics.jsonl, config.resolved.json, probes.json) gives the same verdicts.
    const post = detectRun(out);
    for (const name of Object.keys(verdicts)) expect(post.verdicts[name]).toEqual(verdicts[name]);
  });

  it('the market fast path records no fork points: conflict is untested (and compare counts it so); the generic loop tests it', async () => {
    const raw = readConfigFile('experiments/market-calvano.yaml') as { run: Record<string, unknown> };
    const short = (fastPath: boolean) =>
      resolveExperiment({ ...raw, run: { ...raw.run, steps: 40_000, metricsEvery: 400, stopWhenConverged: false, fastPath } });
    const fastOut = join(tmp, 'market-fast');
    const fast = await runExperiment(short(true), { out: fastOut, quiet: true });
    expect((fast.summary['metrics'] as { fastPath: string | null }).fastPath).toBe('market-tabular-q');
    const conflict = (fast.summary['verdicts'] as Record<string, Verdict>)['conflict']!;
    // 100 rows: the tug-of-war scan ran, the influence matrix could not.
    expect(conflict).toMatchObject({ outcome: 'untested', status: 'influence-not-checked', details: { influenceChecked: false, tugOfWarChecked: true } });
    expect(conflict.toTest).toMatch(/--set run\.fastPath=false/);
    expect(detectRun(fastOut).verdicts['conflict']).toEqual(conflict);
    const verdict = compareVariants(groupVariants(loadRuns([fastOut]).runs)).metrics.find((m) => m.id === 'verdict/conflict')!;
    expect(verdict.variants[0]).toMatchObject({ n: 0, untested: 1 });

    const generic = await runExperiment(short(false), { out: join(tmp, 'market-generic'), quiet: true });
    expect((generic.summary['metrics'] as { fastPath: string | null }).fastPath).toBeNull();
    const tested = (generic.summary['verdicts'] as Record<string, Verdict>)['conflict']!;
    expect(tested.outcome).not.toBe('untested');
    expect(tested.details).toMatchObject({ influenceChecked: true, tugOfWarChecked: true });
  });

  it('the generic loop forks recorded states, so conflict and miscoordination are checked live', async () => {
    const out = join(tmp, 'stag');
    const config = {
      name: 'stag',
      env: { id: 'matrix-game-v1', params: { game: 'stag-hunt' } },
      agents: [{ role: 'player', policy: { type: 'constant', params: { action: 1 } }, reward: { scheme: 'local' } }],
      run: { steps: 4000, metricsEvery: 50 },
      detectors: { miscoordination: { references: { welfare: 8 } } },
    };
    const { summary } = await runExperiment(resolveExperiment(config), { out, quiet: true });
    const verdicts = summary['verdicts'] as Record<string, { status: string }>;
    expect(verdicts['collusion']!.status).toBe('insufficient-data');
    // Hare pays 3 whatever the other does: nobody's action changes the other's reward.
    expect(verdicts['conflict']!.status).toBe('none');
    // Both at hare–hare: welfare 6 against 8, and either switching to stag alone drops it to 3.
    expect(verdicts['miscoordination']!.status).toBe('miscoordination');
    const kinds = findingsOf(out)
      .filter((f) => f['detector'] === 'miscoordination')
      .map((f) => f['kind']);
    expect(kinds).toEqual(['below-reference', 'miscoordination']);
    const probes = JSON.parse(readFileSync(join(out, 'probes.json'), 'utf8')) as { influence: { cells: unknown[] }; unilateral: { meanGain: number }[] };
    expect(probes.influence.cells).toHaveLength(4);
    expect(Math.max(...probes.unilateral.map((u) => u.meanGain))).toBeLessThanOrEqual(0);
    expect(detectRun(out).verdicts).toEqual(verdicts);
  });

  it('the prisoner’s dilemma under random play is a conflict both ways', async () => {
    const out = join(tmp, 'pd');
    // One-step branches: random players keep acting randomly in longer ones, which only adds noise.
    const config = {
      name: 'pd',
      env: { id: 'matrix-game-v1', params: { game: 'prisoners-dilemma' } },
      agents: [{ role: 'player', policy: { type: 'random' }, reward: { scheme: 'local' } }],
      run: { steps: 4000, metricsEvery: 50, numEnvs: 4 },
      detectors: { conflict: { horizon: 1 } },
    };
    const { summary } = await runExperiment(resolveExperiment(config), { out, quiet: true });
    const conflict = (summary['verdicts'] as Record<string, { status: string }>)['conflict']!;
    expect(conflict.status).toBe('conflict');
    expect(
      findingsOf(out)
        .filter((f) => f['kind'] === 'harms')
        .map((f) => f['agents']),
    ).toEqual([
      ['row', 'col'],
      ['col', 'row'],
    ]);
  });
});

describe('market probe adapter', () => {
  it('turns market-v1 probes into deviation probe results, dropping null deviations', () => {
    const probe = (deviator: number, nullDeviation: boolean) => ({
      deviator,
      nullDeviation,
      preDeviationPrices: [1.8, 1.8],
      prices: [
        [1.6, 1.8],
        [1.5, 1.5],
      ],
      profits: [
        [0.4, 0.2],
        [0.2, 0.2],
      ],
      baselinePrices: [
        [1.8, 1.8],
        [1.8, 1.8],
      ],
      baselineProfits: [
        [0.3, 0.3],
        [0.3, 0.3],
      ],
    });
    const metrics = {
      'market/outcome': { probes: [probe(0, false), probe(1, true)] },
      'market/benchmarks': { nashPrice: { f0: 1.47, f1: 1.47 }, monopolyPrice: { f0: 1.92, f1: 1.92 } },
    };
    const out = deviationProbesFromMetrics(metrics, ['f0', 'f1'], 100);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({
      deviator: 'f0',
      firms: ['f0', 'f1'],
      step: 100,
      deviationPrice: 1.6,
      preProfits: [0.3, 0.3],
      nashPrices: [1.47, 1.47],
      monopolyPrices: [1.92, 1.92],
    });
    expect(deviationProbesFromMetrics({}, ['f0'])).toEqual([]);
  });
});
