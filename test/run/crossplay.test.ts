/**
 * Cross-play against a known payoff matrix: in the pure coordination game (1 each when both pick
 * the same move) team A always plays 0 and team B always plays 1, so the welfare matrix is
 * [[2, 0], [0, 2]]: self-play 2, cross-play 0. A scripted entrant playing 0 gets [2, 0]; a
 * Q-learner that learns against each team first learns to match it and gets 2 against both.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { policies } from '../../policies/index.js';
import { resolveExperiment } from '../../src/config/resolve.js';
import { UsageError } from '../../src/core/errors.js';
import { crossPlayText, findCrossPlays } from '../../src/report/figures/crossplay.js';
import { crossPlay, loadTeams } from '../../src/run/crossplay.js';
import { writeReport } from '../../src/report/report.js';
import { runExperiment } from '../../src/run/run-experiment.js';

let dir = '';
const config = (name: string, action: number, game = 'coordination') => ({
  name,
  env: { id: 'matrix-game-v1', params: { game, episodeLength: 20 } },
  agents: [{ role: 'player', policy: { type: 'constant', params: { action } } }],
  run: { steps: 40, numEnvs: 2, seeds: 1, metricsEvery: 20 },
  output: { report: false },
});
const resolve = (c: unknown, path: string) => resolveExperiment(c, path);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tacit-crossplay-'));
  await runExperiment(resolveExperiment(config('a', 0)), { out: join(dir, 'a'), quiet: true });
  await runExperiment(resolveExperiment(config('b', 1)), { out: join(dir, 'b'), quiet: true });
  await runExperiment(resolveExperiment(config('pd', 0, 'prisoners-dilemma')), { out: join(dir, 'pd'), quiet: true });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cross-play', () => {
  it('reproduces the known matrix, self-play and cross-play', () => {
    const r = crossPlay(loadTeams([join(dir, 'a'), join(dir, 'b')], resolve), { episodes: 2 });
    expect(r.matrix).toEqual([
      [2, 0],
      [0, 2],
    ]);
    expect(r.self).toMatchObject({ n: 2, mean: 2 });
    expect(r.cross).toMatchObject({ n: 2, mean: 0 });
    expect(r.gap).toBe(2);
  });

  it('seats an entrant in the focal place: scripted as it is, or a learner after learning', () => {
    const teams = loadTeams([join(dir, 'a'), join(dir, 'b')], resolve);
    const scripted = crossPlay(teams, { episodes: 2, entrant: { label: 'zero', spec: policies.get('constant'), params: { action: 0 }, learnSteps: 0 } });
    expect(scripted.entrant!.row).toEqual([2, 0]);
    const params = { learningRate: 0.5, discount: 0, explorationDecay: 0.01, convergenceWindow: 100000, qInit: 'zero' };
    const learned = crossPlay(teams, { episodes: 2, entrant: { label: 'q', spec: policies.get('tabular-q'), params, learnSteps: 400 } });
    expect(learned.entrant!.row).toEqual([2, 2]);
    expect(learned.entrant!.focalReward).toEqual([1, 1]);
  });

  it('refuses teams from different worlds, naming the run', () => {
    expect(() => loadTeams([join(dir, 'a'), join(dir, 'pd')], resolve)).toThrow(UsageError);
    expect(() => loadTeams([join(dir, 'a'), join(dir, 'pd')], resolve)).toThrow(/pd plays matrix-game-v1 with other params/);
    expect(() => crossPlay(loadTeams([join(dir, 'a')], resolve), { focal: 'nobody' })).toThrow(/--focal nobody: unknown agent; this world's agents: row, col/);
  });

  it('is found by compare and report beside the runs', async () => {
    const { crossPlayCommand } = await import('../../src/cli/commands/crossplay.js');
    const out = join(dir, 'crossplay.json');
    const write = process.stdout.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    try {
      await crossPlayCommand({ partners: [join(dir, 'a'), join(dir, 'b')], out, episodes: 2 });
    } finally {
      process.stdout.write = write;
    }
    expect(existsSync(out)).toBe(true);
    const found = findCrossPlays([dir]);
    expect(found.map((f) => f.result.matrix)).toEqual([
      [
        [2, 0],
        [0, 2],
      ],
    ]);
    expect(crossPlayText(found[0]!)).toContain('cross-play 0.000 [0.000, 0.000] (n=2)');
    expect(JSON.parse(readFileSync(out, 'utf8')).kind).toBe('crossplay');
    const report = await writeReport([dir], { out: join(dir, 'report.html'), standalone: false, now: new Date(0) });
    expect(report.figureIds).toContain('crossplay-0');
    expect(readFileSync(report.path, 'utf8')).toContain('Held-out partners');
  });
});
