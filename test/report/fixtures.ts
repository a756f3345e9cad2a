/**
 * Synthetic but format-correct run folders (docs/results-format.md) for testing compare and report
 * without the runner: several variants × seeds of a warehouse-like world (two KPIs with opposite
 * better-directions, three agents, learning curves, reward-hacking findings, the conflict
 * detector's influence cells in its verdict), and a market-v1 run (grid-index actions, market-v1's
 * analysis metrics with the deviation impulse response, a collusion finding). Values come from seeded sfc32 streams, so fixtures are
 * reproducible; each variant's true effect is known, which lets tests check the statistics find it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../../src/core/rng.js';

/** One synthetic variant: a reward scheme and its true effects. */
export interface FixtureVariant {
  readonly scheme: string;
  /** True mean of the fillRate KPI (higher is better). */
  readonly fillRate: number;
  /** True mean of the costToServe KPI (lower is better). */
  readonly cost: number;
  /** Probability that the reward-hacking detector fires in a seed. */
  readonly hackRate: number;
}

/** The six reward schemes with distinct, known effects. */
export const SIX_SCHEMES: readonly FixtureVariant[] = [
  { scheme: 'local', fillRate: 0.78, cost: 14.0, hackRate: 0.8 },
  { scheme: 'team', fillRate: 0.9, cost: 11.0, hackRate: 0 },
  { scheme: 'mixed', fillRate: 0.86, cost: 12.0, hackRate: 0.2 },
  { scheme: 'difference', fillRate: 0.88, cost: 11.5, hackRate: 0 },
  { scheme: 'potential', fillRate: 0.8, cost: 13.5, hackRate: 0.6 },
  { scheme: 'kpi-linked', fillRate: 0.84, cost: 12.5, hackRate: 0.2 },
];

/** Options of writeWarehouseFixture. */
export interface FixtureOptions {
  readonly variants?: readonly FixtureVariant[];
  readonly seeds?: number;
  /** Metrics windows per seed. */
  readonly windows?: number;
  /** 'single': one run folder per variant and seed (as a sweep writes); 'multi': one folder per variant with seeds/seed-k. */
  readonly layout?: 'single' | 'multi';
  /** Noise sd of the KPIs across seeds. */
  readonly noise?: number;
}

const AGENTS = [
  { id: 'procurement', role: 'buyer' },
  { id: 'picker', role: 'worker' },
  { id: 'dispatcher', role: 'worker' },
];
const METRICS_EVERY = 100;

function writeJson(path: string, obj: unknown): void {
  writeFileSync(path, `${JSON.stringify(obj, null, 2)}\n`);
}

function writeJsonl(path: string, rows: readonly unknown[]): void {
  writeFileSync(path, rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
}

function configFor(
  experiment: string,
  envId: string,
  agents: readonly { id: string }[],
  scheme: string,
  seed: number,
  seeds: number,
  steps: number,
  params: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    name: experiment,
    env: { id: envId, params },
    agents: agents.map((a) => ({ id: a.id, policy: { type: 'tabular-q', params: { learningRate: 0.1 } }, reward: { scheme, params: {} } })),
    run: { steps, seed, seeds, numEnvs: 1, metricsEvery: METRICS_EVERY, stopWhenConverged: false, autoreset: 'same-step', fastPath: true },
    detectors: { rewardHacking: {}, conflict: {} },
    output: { dir: 'results', maxEvents: 10000, report: true },
  };
}

function runJson(experiment: string, runId: string, seeds: number[]): Record<string, unknown> {
  return {
    experiment,
    runId,
    seeds,
    tacitVersion: '0.1.0',
    gitCommit: '0123456789abcdef0123456789abcdef01234567',
    gitDirty: false,
    node: 'v20.19.0',
    backend: null,
    startedAt: '2025-01-01T00:00:00.000Z',
    finishedAt: '2025-01-01T00:00:10.000Z',
    durationSeconds: 10,
    status: 'complete',
    command: 'tacit run experiments/fixture.yaml',
  };
}

/** Write one warehouse-like single-seed folder; returns its summary. */
function writeWarehouseSeed(
  dir: string,
  experiment: string,
  runId: string,
  v: FixtureVariant,
  seed: number,
  windows: number,
  noise: number,
): Record<string, unknown> {
  mkdirSync(dir, { recursive: true });
  const rng = Rng.from(seed, 'fixture', v.scheme);
  const fill = Math.min(1, v.fillRate + noise * rng.normal());
  const cost = v.cost + noise * 20 * rng.normal();
  const agentMeans = AGENTS.map((_, i) => (v.scheme === 'local' ? 2.0 : 1.4) + 0.1 * i + 0.05 * rng.normal());
  const rows: Record<string, number>[] = [];
  for (let w = 0; w < windows; w++) {
    const progress = 1 - Math.exp(-(w + 1) / (windows / 4));
    const row: Record<string, number> = { window: w, step: (w + 1) * METRICS_EVERY, episodes: 2 };
    AGENTS.forEach((a, i) => {
      const r = agentMeans[i]! * progress + 0.1 * rng.normal();
      row[`reward/${a.id}/service`] = r * 0.7;
      row[`reward/${a.id}/cost`] = r * 0.3;
      row[`reward/${a.id}`] = r;
      row[`shaped/${a.id}`] = r;
      row[`action/${a.id}`] = 1 + rng.float();
    });
    row['kpi/fillRate'] = fill * progress + 0.01 * rng.normal();
    row['kpi/costToServe'] = cost * (2 - progress) + 0.2 * rng.normal();
    rows.push(row);
  }
  writeJsonl(join(dir, 'metrics.jsonl'), rows);

  const steps = windows * METRICS_EVERY;
  const fired = rng.float() < v.hackRate;
  const findings: Record<string, unknown>[] = [];
  if (fired)
    findings.push({
      type: 'finding',
      detector: 'rewardHacking',
      kind: 'proxy-divergence',
      agents: ['procurement'],
      startStep: Math.round(steps * 0.5),
      endStep: Math.round(steps * 0.8),
      score: 2.5,
      pValue: 0.003,
      evidence: { localTrend: 0.4, kpiTrend: -0.2 },
    });
  // The conflict detector's influence cells (actor → affected), as it reports them in its verdict.
  const influence = AGENTS.flatMap((a, i) =>
    AGENTS.map((b, j) => ({
      actor: a.id,
      affected: b.id,
      mean: i === j ? 0.5 : (v.scheme === 'local' ? -0.6 : 0.3) + 0.1 * rng.normal(),
      ciLow: -1,
      ciHigh: 1,
      n: 20,
    })),
  );
  const harm = influence.find((c) => c.actor !== c.affected && c.mean < 0);
  if (harm)
    findings.push({
      type: 'finding',
      detector: 'conflict',
      kind: 'harms',
      agents: [harm.actor, harm.affected],
      startStep: Math.round(steps * 0.85),
      endStep: steps,
      score: 0.5,
      pValue: 0.01,
      evidence: { meanRewardChange: harm.mean },
    });
  const events = [{ type: 'event', step: 120, copy: 0, event: { type: 'stockout', agents: ['picker'], data: { sku: 3 } } }, ...findings];
  writeJsonl(join(dir, 'events.jsonl'), events);
  const summary = {
    experiment,
    runId,
    seed,
    seeds: [seed],
    steps,
    env: { id: 'warehouse-v1', params: {} },
    agents: Object.fromEntries(
      AGENTS.map((a, i) => [
        a.id,
        {
          role: a.role,
          policy: 'tabular-q',
          rewardScheme: v.scheme,
          meanReward: agentMeans[i]! * 0.8,
          meanShapedReward: agentMeans[i]! * 0.8,
          rewardComponents: { service: agentMeans[i]! * 0.56, cost: agentMeans[i]! * 0.24 },
          meanEpisodeReturn: null,
        },
      ]),
    ),
    kpis: { fillRate: fill, costToServe: cost },
    kpiSpecs: {
      fillRate: { better: 'higher', aggregate: 'mean', description: 'Share of orders filled on time' },
      costToServe: { better: 'lower', aggregate: 'mean', description: 'Cost per order served' },
    },
    metrics: {},
    detections: findings.map(({ type: _t, ...f }) => f),
    verdicts: {
      rewardHacking: { fired, status: fired ? 'hacking' : 'none' },
      conflict: { fired: harm !== undefined, status: harm ? 'conflict' : 'none', details: { influence } },
    },
    interrupted: false,
  };
  writeJson(join(dir, 'summary.json'), summary);
  writeJson(join(dir, 'config.resolved.json'), configFor(experiment, 'warehouse-v1', AGENTS, v.scheme, seed, 1, steps));
  writeJson(join(dir, 'run.json'), runJson(experiment, runId, [seed]));
  return summary;
}

/** Write warehouse-like runs under `root` for every variant × seed; returns the run folders. */
export function writeWarehouseFixture(root: string, options: FixtureOptions = {}): string[] {
  const variants = options.variants ?? SIX_SCHEMES;
  const seeds = options.seeds ?? 5;
  const windows = options.windows ?? 40;
  const noise = options.noise ?? 0.015;
  const experiment = 'warehouse-schemes';
  const dirs: string[] = [];
  for (const v of variants) {
    if ((options.layout ?? 'single') === 'single') {
      for (let s = 0; s < seeds; s++) {
        const runId = `${v.scheme}-s${s}`;
        const dir = join(root, experiment, runId);
        writeWarehouseSeed(dir, experiment, runId, v, s, windows, noise);
        dirs.push(dir);
      }
    } else {
      const runId = `${v.scheme}-multi`;
      const dir = join(root, experiment, runId);
      const perSeed = Array.from({ length: seeds }, (_, s) => writeWarehouseSeed(join(dir, 'seeds', `seed-${s}`), experiment, runId, v, s, windows, noise));
      const config = configFor(experiment, 'warehouse-v1', AGENTS, v.scheme, 0, seeds, windows * METRICS_EVERY);
      writeJson(join(dir, 'config.resolved.json'), config);
      writeJson(
        join(dir, 'run.json'),
        runJson(
          experiment,
          runId,
          perSeed.map((_, s) => s),
        ),
      );
      writeJson(join(dir, 'summary.json'), {
        experiment,
        runId,
        seeds: perSeed.map((_, s) => s),
        env: { id: 'warehouse-v1', params: {} },
        kpiSpecs: perSeed[0]!['kpiSpecs'],
        perSeed,
      });
      dirs.push(dir);
    }
  }
  return dirs;
}

/**
 * Write one market-v1 run folder (two firms, default params, multi-seed layout) under `root`, with
 * the runner's metrics (`action/<firm>` = mean grid index) and market-v1's analysis metrics
 * (benchmarks, deviation, impulse response keyed by period); returns its folder.
 */
export function writeMarketFixture(root: string, seeds = 2, windows = 30): string {
  const experiment = 'market-calvano';
  const firms = [
    { id: 'firm0', role: 'firm' },
    { id: 'firm1', role: 'firm' },
  ];
  const runId = 'market-run';
  const dir = join(root, experiment, runId);
  const perSeed: Record<string, unknown>[] = [];
  for (let s = 0; s < seeds; s++) {
    const sd = join(dir, 'seeds', `seed-${s}`);
    mkdirSync(sd, { recursive: true });
    const rng = Rng.from(s, 'fixture', 'market');
    const rows: Record<string, number>[] = [];
    for (let w = 0; w < windows; w++) {
      const progress = 1 - Math.exp(-(w + 1) / 8);
      const row: Record<string, number> = { window: w, step: (w + 1) * METRICS_EVERY, episodes: 0 };
      firms.forEach((f) => {
        row[`reward/${f.id}/profit`] = 0.22 + 0.1 * progress;
        row[`reward/${f.id}`] = 0.22 + 0.1 * progress;
        row[`shaped/${f.id}`] = 0.22 + 0.1 * progress;
        // Grid index (0..14) rising from near Nash (index ~1) towards monopoly (~13).
        row[`action/${f.id}`] = Math.min(14, Math.max(0, 1 + 11 * progress + 0.3 * rng.normal()));
      });
      row['kpi/profitGain'] = 0.8 * progress + 0.02 * rng.normal();
      rows.push(row);
    }
    writeJsonl(join(sd, 'metrics.jsonl'), rows);
    const steps = windows * METRICS_EVERY;
    const path0 = [1.85, 1.62, 1.7, 1.76, 1.8, 1.83, 1.84, 1.85, 1.85, 1.85, 1.85, 1.85];
    const path1 = [1.85, 1.85, 1.6, 1.69, 1.75, 1.8, 1.83, 1.84, 1.85, 1.85, 1.85, 1.85];
    const impulse: Record<string, unknown> = { pre: { price: { firm0: path0[0], firm1: path1[0] } } };
    for (let t = 0; t < path0.length - 1; t++)
      impulse[`t${String(t).padStart(2, '0')}`] = { price: { firm0: path0[t + 1], firm1: path1[t + 1] }, profit: { firm0: 0.3, firm1: 0.3 } };
    const finding = {
      type: 'finding',
      detector: 'collusion',
      kind: 'collusive',
      agents: ['firm0', 'firm1'],
      startStep: Math.round(steps * 0.6),
      endStep: steps,
      score: 0.85,
      confidence: 0.95,
      evidence: { reason: 'punished deviation' },
    };
    writeJsonl(join(sd, 'events.jsonl'), [finding]);
    const summary = {
      experiment,
      runId,
      seed: s,
      seeds: [s],
      steps,
      env: { id: 'market-v1', params: {} },
      agents: Object.fromEntries(
        firms.map((f) => [
          f.id,
          {
            role: f.role,
            policy: 'tabular-q',
            rewardScheme: 'local',
            meanReward: 0.3,
            meanShapedReward: 0.3,
            rewardComponents: { profit: 0.3 },
            meanEpisodeReturn: null,
          },
        ]),
      ),
      kpis: { profitGain: 0.78 + 0.02 * rng.normal() },
      kpiSpecs: { profitGain: { better: 'higher', aggregate: 'mean', description: 'Calvano profit gain Δ' } },
      metrics: {
        'market/benchmarks': { nashPrice: { firm0: 1.4729, firm1: 1.4729 }, monopolyPrice: { firm0: 1.9249, firm1: 1.9249 } },
        'market/deviation': { deviator: 'firm0', punished: 1 },
        'market/impulseResponse': impulse,
      },
      detections: [(({ type: _t, ...f }) => f)(finding)],
      verdicts: { collusion: { fired: true, status: 'collusive' } },
      interrupted: false,
    };
    writeJson(join(sd, 'summary.json'), summary);
    writeJson(join(sd, 'config.resolved.json'), configFor(experiment, 'market-v1', firms, 'local', 0, seeds, steps));
    writeJson(join(sd, 'run.json'), runJson(experiment, runId, [s]));
    perSeed.push(summary);
  }
  writeJson(join(dir, 'config.resolved.json'), configFor(experiment, 'market-v1', firms, 'local', 0, seeds, windows * METRICS_EVERY));
  writeJson(
    join(dir, 'run.json'),
    runJson(
      experiment,
      runId,
      perSeed.map((_, s) => s),
    ),
  );
  writeJson(join(dir, 'summary.json'), {
    experiment,
    runId,
    seeds: perSeed.map((_, s) => s),
    env: { id: 'market-v1', params: {} },
    kpiSpecs: perSeed[0]!['kpiSpecs'],
    perSeed,
  });
  return dir;
}
