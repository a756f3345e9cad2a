/**
 * External agents as policies: a Python process (clients/python/examples/external_agent.py, standard
 * library only) plays a role in warehouse-v1 and in market-v1 through `tacit run`. Its failures
 * (a hang → timeouts, a crash, a garbage reply) go through the fault layer: the fallback acts, the
 * no-responses are counted and trip the circuit breaker. Every run replays exactly with
 * `--replay-external`, with the process made unavailable to prove it is not needed. Failures are
 * planted by request count, not by timing, so the test holds on a loaded machine.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const tmp = mkdtempSync(join(tmpdir(), 'tacit-external-'));

function tacit(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ['bin/tacit.mjs', ...args], { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
}

function run(name: string, config: string, sets: string[] = []): string {
  const out = join(tmp, name);
  const r = tacit(['run', config, '--quiet', '--no-report', '--out', out, ...sets.flatMap((s) => ['--set', s])]);
  expect(r.stderr + r.stdout).toContain(`results: ${out}`);
  expect(r.status).toBe(0);
  return out;
}

/** Replay `dir` with the external command replaced by a program that does not exist. */
function replay(dir: string): string {
  const path = join(dir, 'config.resolved.json');
  const config = JSON.parse(readFileSync(path, 'utf8')) as { agents: { policy: { type: string; params: { command?: string[] } } }[] };
  for (const a of config.agents) if (a.policy.type === 'external') a.policy.params.command = ['/nonexistent/agent'];
  writeFileSync(path, JSON.stringify(config));
  const out = `${dir}-replay`;
  const r = tacit(['run', '--replay-external', dir, '--quiet', '--no-report', '--out', out]);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return out;
}

const read = (dir: string, file: string): string => readFileSync(join(dir, file), 'utf8');
const summary = (dir: string): { metrics: Record<string, any> } => JSON.parse(read(dir, 'summary.json'));

describe('external agents', () => {
  it('play logistics in the warehouse, and the run replays byte for byte without the process', () => {
    const dir = run('warehouse', 'experiments/external-agent.yaml', ['run.steps=60', 'env.params.episodeLength=30']);
    const s = summary(dir);
    const stats = s.metrics.policies.logistics;
    expect(stats.responses).toBeGreaterThanOrEqual(60);
    expect([stats.timeouts, stats.crashes, stats.invalidReplies]).toEqual([0, 0, 0]);
    expect(s.metrics.faults.actions.logistics.noResponse).toBe(0);
    // The agent's rule (expedite on backlog days) is what the world executed: some expedite cost.
    expect(s.metrics.reliability).toBeDefined();
    const again = replay(dir);
    expect(read(again, 'metrics.jsonl')).toBe(read(dir, 'metrics.jsonl'));
    expect(read(again, 'events.jsonl')).toBe(read(dir, 'events.jsonl'));
  });

  it('play a firm in the market (tit-for-tat against a Q-learner), replayed exactly', () => {
    const dir = run('market', 'experiments/external-agent-market.yaml', ['run.steps=400', 'run.metricsEvery=100']);
    expect(summary(dir).metrics.policies.firm1.responses).toBeGreaterThanOrEqual(400);
    const again = replay(dir);
    expect(read(again, 'metrics.jsonl')).toBe(read(dir, 'metrics.jsonl'));
    expect(JSON.parse(read(again, 'summary.json')).kpis).toEqual(JSON.parse(read(dir, 'summary.json')).kpis);
  });

  it('a hung agent times out: its fallback acts, no-responses are counted and trip the breaker; replay matches', () => {
    const hang = `agents[2].policy.params.command=[python3, clients/python/examples/external_agent.py, --hang-at, "5"]`;
    const dir = run('hang', 'experiments/external-agent.yaml', [
      hang,
      'agents[2].policy.params.timeoutMs=300',
      'run.steps=20',
      'run.metricsEvery=10',
      'env.params.episodeLength=10',
      'detectors.conflict=false',
    ]);
    const s = summary(dir);
    expect(s.metrics.policies.logistics.responses).toBe(5);
    expect(s.metrics.policies.logistics.timeouts).toBeGreaterThanOrEqual(15);
    expect(s.metrics.faults.actions.logistics.noResponse).toBe(15 * 4); // steps 5..19 × 4 copies
    expect(s.metrics.faults.guards.logistics.breakerTrips).toBeGreaterThanOrEqual(4); // 3 no-responses in 30 steps trip each copy's breaker
    const again = replay(dir);
    expect(read(again, 'metrics.jsonl')).toBe(read(dir, 'metrics.jsonl'));
  });

  it('a crashed agent and a garbage reply are no-responses too', () => {
    const crash = `agents[2].policy.params.command=[python3, clients/python/examples/external_agent.py, --crash-at, "3"]`;
    const s = summary(run('crash', 'experiments/external-agent.yaml', [crash, 'run.steps=20', 'run.metricsEvery=10', 'env.params.episodeLength=10']));
    expect(s.metrics.policies.logistics.responses).toBe(3);
    expect(s.metrics.policies.logistics.crashes).toBeGreaterThanOrEqual(17);
    expect(s.metrics.faults.actions.logistics.noResponse).toBe(17 * 4);
    const garbage = `agents[2].policy.params.command=[python3, clients/python/examples/external_agent.py, --garbage-at, "2"]`;
    const g = summary(run('garbage', 'experiments/external-agent.yaml', [garbage, 'run.steps=20', 'run.metricsEvery=10', 'env.params.episodeLength=10']));
    expect(g.metrics.policies.logistics.invalidReplies).toBe(1);
    expect(g.metrics.faults.actions.logistics.noResponse).toBe(4);
  });

  it('a command that cannot start is a clear error (exit 2), and the argv is never given to a shell', () => {
    const r = tacit([
      'run',
      'experiments/external-agent.yaml',
      '--quiet',
      '--no-report',
      '--out',
      join(tmp, 'missing'),
      '--set',
      'agents[2].policy.params.command=[no-such-agent-program, "; touch /tmp/tacit-pwned"]',
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('external agent \'logistics\': command ["no-such-agent-program","; touch /tmp/tacit-pwned"] could not be started');
  });

  it('rejects a bad fallback when the config loads', () => {
    const r = tacit(['validate', 'experiments/external-agent.yaml', '--set', 'agents[2].policy.params.fallback={policy: {type: ppo}}']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('agents[2].policy.type');
    expect(r.stderr).toContain("policy 'ppo' learns, but a fallback never trains");
  });
});
