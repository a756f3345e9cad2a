/**
 * The runner's market fast path against the runner's generic loop: the same experiment and seed
 * must give the same metrics rows, the same summary (but for `metrics.fastPath`), the same final
 * policy states and the same world analysis; and `runSeed` must actually take the fast path.
 */
import { describe, expect, it } from 'vitest';
import { resolveExperiment } from '../../src/config/resolve.js';
import type { MetricsRow } from '../../src/core/metrics-row.js';
import { runGenericSeed, runSeed } from '../../src/run/seed-run.js';
import type { SeedSummary } from '../../src/run/seed-summary.js';
import { marketFastPath } from '../../envs/market/calvano/fast-path.js';
import { chooseFastPath, fastPathSeed } from '../../src/run/fast-path-loop.js';
import { worlds } from '../../envs/index.js';
import { formatRunSummary } from '../../src/cli/summary-text.js';

const experiment = (run: Record<string, unknown>, env: Record<string, unknown> = {}, learner: Record<string, unknown> = {}): unknown => ({
  name: 'market-fast-path',
  env: { id: 'market-v1', params: env },
  agents: [
    { role: 'firm', policy: { type: 'tabular-q', params: { explorationDecay: 2e-3, convergenceWindow: 500, ...learner } }, reward: { scheme: 'local' } },
  ],
  run: { numEnvs: 1, ...run },
});

function both(raw: unknown, seed = 3) {
  const resolved = resolveExperiment(raw);
  const record = () => {
    const rows: MetricsRow[] = [];
    const states: unknown[][] = [];
    return {
      rows,
      states,
      options: { seed, sink: { metrics: (r: MetricsRow) => rows.push(r), event: () => {} }, onFinalPolicies: (s: unknown[]) => states.push(s) },
    };
  };
  const f = record();
  const g = record();
  const fast = runSeed(resolved, f.options);
  const generic = runGenericSeed(resolved, g.options);
  return { fast, generic, f, g, resolved };
}

function withoutFastPath(s: SeedSummary): SeedSummary {
  return { ...s, metrics: { ...s.metrics, fastPath: null } };
}

describe('market fast path = generic runner loop', () => {
  it('applies only to what it reproduces', () => {
    const applies = (raw: unknown): boolean => marketFastPath.applies(fastPathSeed(resolveExperiment(raw), 0));
    expect(applies(experiment({ steps: 1000 }))).toBe(true);
    expect(applies(experiment({ steps: 1000, numEnvs: 2 }))).toBe(false);
    expect(applies(experiment({ steps: 1000 }, { episodeLength: 50 }))).toBe(false);
    const team = experiment({ steps: 1000 }) as { agents: { reward: unknown }[] };
    team.agents[0]!.reward = { scheme: 'team' };
    expect(applies(team)).toBe(false);
    expect(applies(experiment({ steps: 1000, fastPath: false }))).toBe(true); // the runner checks run.fastPath
  });

  it('is declared by the market spec, and the runner offers it only a bare step loop', () => {
    expect(worlds.get('market-v1').fastPaths).toContain(marketFastPath);
    const chosen = (raw: unknown) => chooseFastPath(resolveExperiment(raw), { seed: 0, sink: { metrics: () => {}, event: () => {} } });
    expect(chosen(experiment({ steps: 1000 }))).toBe(marketFastPath);
    expect(chosen(experiment({ steps: 1000, fastPath: false }))).toBeUndefined();
    // A detectors section keeps it unless it names a detector that forks the world (conflict,
    // miscoordination), whose test needs the generic loop's fork points.
    const withDetectors = (detectors: object) => ({ ...(experiment({ steps: 1000 }) as object), detectors });
    expect(chosen(withDetectors({ collusion: {} }))).toBe(marketFastPath);
    expect(chosen(withDetectors({ conflict: false, miscoordination: false }))).toBe(marketFastPath);
    expect(chosen(withDetectors({ conflict: {} }))).toBeUndefined();
    expect(chosen(withDetectors({ miscoordination: {}, conflict: false }))).toBeUndefined();
  });

  it('stops at the same window on convergence, with identical rows, summary, policies and analysis', () => {
    const { fast, generic, f, g } = both(experiment({ steps: 200_000, metricsEvery: 1000, stopWhenConverged: true }, { priceGridSize: 6 }));
    expect(fast.metrics.fastPath).toBe('market-tabular-q');
    expect(generic.metrics.fastPath).toBeNull();
    expect(fast.metrics.convergedAt).not.toBeNull();
    expect(fast.steps).toBeLessThan(200_000);
    expect(f.rows.length).toBeGreaterThan(3);
    // Byte-identical files: compare the JSON (key order included).
    expect(JSON.stringify(f.rows)).toBe(JSON.stringify(g.rows));
    expect(JSON.stringify(withoutFastPath(fast))).toBe(JSON.stringify(generic));
    expect(f.states).toEqual(g.states);
    expect(fast.metrics['market/converged']).toBe(1);
    expect(typeof fast.metrics['market/profitGain']).toBe('number');
    expect(Object.keys(fast.metrics['market/impulseResponse'] as object)).toContain('t15');
    const text = formatRunSummary(fast as unknown as Record<string, unknown>);
    expect(text).toMatch(new RegExp(`profit gain Δ\\s+${(fast.metrics['market/profitGain'] as number).toFixed(3)}`));
    expect(text).toMatch(/firm0 deviates once\s+punished/);
    expect(text).toMatch(/pre \d\.\d\d\/\d\.\d\d {2}t0 /);
  });

  it('matches on the baseline grid with a budget that ends mid-window, and with demand shocks and memory 2', () => {
    for (const [run, env] of [
      [{ steps: 12_345, metricsEvery: 1000 }, {}],
      [
        { steps: 8000, metricsEvery: 500 },
        { priceGridSize: 4, memory: 2, demandShock: 0.3 },
      ],
      [
        { steps: 6000, metricsEvery: 500 },
        { priceGridSize: 6, memory: 0 },
      ],
    ] as const) {
      const { fast, generic, f, g } = both(experiment(run, env, { explorationDecay: 4e-6 }));
      expect(fast.metrics.fastPath).toBe('market-tabular-q');
      expect(JSON.stringify(f.rows)).toBe(JSON.stringify(g.rows));
      expect(JSON.stringify(withoutFastPath(fast))).toBe(JSON.stringify(generic));
      expect(f.states).toEqual(g.states);
    }
  });
});
