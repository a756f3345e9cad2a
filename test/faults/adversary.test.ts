/**
 * Strategic faults against hand-worked answers on the relay chain with every inbox full (arrival
 * rate 1, episodes of 100 steps), where fault-free forward-when-holding relays succeed every step.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyOverrides, loadExperiment, readConfigFile } from '../../src/config/load.js';
import { resolveExperiment } from '../../src/config/resolve.js';
import { runExperiment } from '../../src/run/run-experiment.js';
import { runGenericSeed } from '../../src/run/seed-run.js';
import { ConfigError } from '../../src/core/errors.js';

const quick = ['run.steps=400', 'run.numEnvs=2', 'run.metricsEvery=100', 'env.params.arrivalRate=1'];

function run(file: string, sets: string[]): { summary: ReturnType<typeof runGenericSeed>; faults: Record<string, any>; rel: Record<string, any> } {
  const summary = runGenericSeed(loadExperiment(file, [...quick, ...sets]), { seed: 0, sink: { metrics: () => {}, event: () => {} } });
  return { summary, faults: summary.metrics['faults'] as Record<string, any>, rel: summary.metrics['reliability'] as Record<string, any> };
}

describe('adversary fault', () => {
  it('greedy-harm holds every item (holding discards: the worst one-step team objective) and the breaker answers in 2 steps', () => {
    const { faults, rel } = run('experiments/coordination/adversary-relay-greedy-breaker.yaml', ['faults.guards[0].agents=[relay1]']);
    // Compromised at episode steps 20..99. relay1 fails at 20 and 21, the breaker trips at 21 and
    // its fallback forwards at 22..31; then 2 failures and 10 caught steps again: per episode 66 of
    // the 80 compromised steps are caught (6 full cycles of 12 + 2 failing and 6 caught at the end).
    expect(faults.adversaries.relay1).toMatchObject({ adversary: 'greedy-harm', compromisedSteps: 2 * 4 * 80, onsets: 2 * 4, meanResponseSteps: 2 });
    expect(faults.adversaries.relay1.caughtShare).toBeCloseTo(66 / 80, 12);
    // relay1 succeeds on the 20 clean steps and the 66 caught ones of each episode.
    expect(rel.agents.relay1.rate).toBeCloseTo(86 / 100, 12);
  });

  it('without a guard the greedy adversary never forwards, so nobody downstream does', () => {
    const { faults, rel } = run('experiments/coordination/adversary-relay-greedy.yaml', []);
    expect(faults.adversaries.relay1.caughtShare).toBe(0);
    expect(rel.agents.relay0.rate).toBe(1);
    expect(rel.agents.relay1.rate).toBeCloseTo(20 / 100, 12);
    // relay2 forwards relay1's last item at step 20; relay3, told its inbox is empty (contagion),
    // holds it, so relay3 forwards on steps 0..19 and relay4 on 0..20.
    expect(rel.agents.relay2.rate).toBeCloseTo(21 / 100, 12);
    expect(rel.agents.relay3.rate).toBeCloseTo(20 / 100, 12);
    expect(rel.agents.relay4.rate).toBeCloseTo(21 / 100, 12);
  });

  it("contagion alone: a harmless scripted adversary's poisoned report makes relay3 hold", () => {
    const { faults, rel } = run('experiments/coordination/adversary-relay-greedy.yaml', [
      'faults.injections[0].policy={"type":"constant","params":{"action":1}}',
    ]);
    expect(faults.adversaries.relay1.adversary).toBe('scripted');
    expect(rel.agents.relay2.rate).toBe(1);
    expect(rel.agents.relay3.rate).toBeCloseTo(20 / 100, 12);
    expect(faults.rates.relay3.contagion).toBeCloseTo(80 / 100, 12);
  });

  it('a learned adversary comes from a finished run, and a missing one is a config error naming the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tacit-adv-'));
    try {
      const train = loadExperiment('experiments/coordination/adversary-matrix-train.yaml', ['run.steps=200', 'run.numEnvs=2', 'run.metricsEvery=100']);
      await runExperiment(train, { out: join(dir, 'train'), quiet: true });
      const sets = ['run.steps=200', 'run.numEnvs=2', 'run.metricsEvery=100', 'run.seeds=1', 'faults.injections[0].start=100'];
      const summary = runGenericSeed(
        loadExperiment('experiments/coordination/adversary-matrix-learned.yaml', [...sets, `faults.injections[0].policy.run=${join(dir, 'train')}`]),
        { seed: 0, sink: { metrics: () => {}, event: () => {} } },
      );
      expect((summary.metrics['faults'] as any).adversaries.col).toMatchObject({ adversary: 'learned', compromisedSteps: 2 * 100 });
      expect(() =>
        loadExperiment('experiments/coordination/adversary-matrix-learned.yaml', [...sets, `faults.injections[0].policy.run=${join(dir, 'nowhere')}`]),
      ).toThrow(ConfigError);
      expect(() =>
        loadExperiment('experiments/coordination/adversary-matrix-learned.yaml', [...sets, `faults.injections[0].policy.run=${join(dir, 'nowhere')}`]),
      ).toThrow(/faults\.injections\[0\]\.policy\.run: .*not a finished run folder/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('checkpoints with shared writes and an adversary', () => {
  it('resume exactly from a checkpoint taken mid-run', async () => {
    const { deserialize, serialize } = await import('node:v8');
    const raw = structuredClone(
      applyOverrides(readConfigFile('experiments/coordination/adversary-relay-greedy-breaker.yaml'), [
        'run.steps=600',
        'run.numEnvs=2',
        'run.metricsEvery=100',
        'run.seeds=1',
      ]),
    ) as { faults: { injections: unknown[] } };
    raw.faults.injections.push({ type: 'shared-writes', agents: ['relay4'], workers: 3, cadence: 2, jitter: 2, latency: 2, protocol: 'versioned' });
    const sink = (rows: unknown[]) => ({ metrics: (r: unknown) => rows.push(r), event: () => {} });
    const fullRows: unknown[] = [];
    const full = runGenericSeed(resolveExperiment(structuredClone(raw)), { seed: 3, sink: sink(fullRows) });
    let saved: Buffer | undefined;
    runGenericSeed(resolveExperiment(structuredClone(raw)), { seed: 3, sink: sink([]), checkpointEvery: 300, onCheckpoint: (cp) => (saved ??= serialize(cp)) });
    const rows: unknown[] = [];
    const resumed = runGenericSeed(resolveExperiment(structuredClone(raw)), { seed: 3, sink: sink(rows), resume: deserialize(saved!) });
    expect(rows).toEqual(fullRows.slice(3));
    expect(resumed.metrics['faults']).toEqual(full.metrics['faults']);
    expect((full.metrics['faults'] as any).sharedWrites.relay4.conflicts).toBeGreaterThan(0);
  });
});
