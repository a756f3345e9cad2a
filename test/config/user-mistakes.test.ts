/**
 * User mistakes that used to end as internal errors (exit 1, stack trace) or pass silently, each
 * now a clear message naming the field or file (issue #14 defects 4-8): YAML alias bombs, odd
 * encodings, a --resume folder that is not a run, sizes memory cannot hold, prototype keys, invalid
 * sweep grids seen by validate and run, and non-finite results.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyOverrides, loadExperiment, readConfigFile } from '../../src/config/load.js';
import { resolveExperiment } from '../../src/config/resolve.js';
import { TacitError } from '../../src/core/errors.js';
import { resumeExperiment, runExperiment } from '../../src/run/run-experiment.js';
import { estimateMemory, formatDuration, memoryIssues, workerCount, workerCapNote } from '../../src/config/cost.js';
import { planSweep } from '../../src/sweep/sweep.js';
import { availableParallelism } from 'node:os';

const tmp = mkdtempSync(join(tmpdir(), 'tacit-mistakes-'));
const file = (name: string, text: string | Buffer): string => {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
};
/** The TacitError message `f` throws (fails the test on any other outcome). */
function userError(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    expect(err, String(err)).toBeInstanceOf(TacitError);
    return (err as Error).message;
  }
  throw new Error('expected a user error');
}

const QUICK = readFileSync('experiments/quickstart.yaml', 'utf8');

describe('defect 4: reading files', () => {
  it('refuses a YAML alias bomb with a parse message, not a stack trace', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      ...'bcdefgh'.split('').map((c, k) => `${c}: &${c} [${Array(9).fill(`*${'abcdefgh'[k]}`).join(', ')}]`),
    ].join('\n');
    expect(userError(() => readConfigFile(file('bomb.yaml', bomb)))).toMatch(/cannot parse .*bomb\.yaml: .*alias/i);
  });

  it('names the encoding of UTF-16 files and of other non-UTF-8 text', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(QUICK, 'utf16le')]);
    expect(userError(() => readConfigFile(file('u16.yaml', utf16)))).toMatch(/u16\.yaml: it is UTF-16 encoded; save it as UTF-8/);
    expect(userError(() => readConfigFile(file('u16nobom.yaml', Buffer.from(QUICK, 'utf16le'))))).toMatch(/NUL character, so this is not a UTF-8 text file/);
    expect(userError(() => readConfigFile(file('latin1.yaml', Buffer.from('name: caf\xe9\n', 'latin1'))))).toMatch(/not valid UTF-8/);
    // A UTF-8 byte-order mark is fine.
    expect(readConfigFile(file('bom.yaml', `\ufeff${QUICK}`))).toMatchObject({ name: 'quickstart' });
  });

  it('refuses folders and special files as configs', () => {
    mkdirSync(join(tmp, 'folder.yaml'));
    expect(userError(() => readConfigFile(join(tmp, 'folder.yaml')))).toMatch(/not a regular file.*it is a folder/);
    if (existsSync('/dev/null')) expect(userError(() => readConfigFile('/dev/null'))).toMatch(/not a regular file/);
  });

  it('--resume on a folder that is not a tacit run says so', async () => {
    mkdirSync(join(tmp, 'notarun.partial'), { recursive: true });
    await expect(resumeExperiment(join(tmp, 'notarun.partial'), (c) => resolveExperiment(c))).rejects.toThrow(
      /cannot resume .*notarun.partial: it has no config.resolved.json/,
    );
    writeFileSync(join(tmp, 'notarun.partial', 'config.resolved.json'), '{"name": ');
    await expect(resumeExperiment(join(tmp, 'notarun.partial'), (c) => resolveExperiment(c))).rejects.toThrow(/config.resolved.json is not readable JSON/);
    await expect(resumeExperiment(join(tmp, 'notarun.partial'), (c) => resolveExperiment(c))).rejects.toBeInstanceOf(TacitError);
  });
});

describe('defects 4 and 8: memory and cost', () => {
  it('refuses sizes that cannot be allocated, naming the field and the estimate', () => {
    const cases: [string, string, RegExp][] = [
      [
        'experiments/coordination-ippo.yaml',
        'agents[0].policy.params.rolloutLength=1000000000',
        /agents\[0\]\.policy\.params\.rolloutLength: needs one array of about [\d.]+ GB for left's rollout storage/,
      ],
      [
        'experiments/coordination-ippo.yaml',
        'agents[0].policy.params.hidden=[100000, 100000]',
        /agents\[0\]\.policy\.params\.hidden: needs one array of about [\d.]+ GB .*networks/,
      ],
      [
        'experiments/coordination-dqn.yaml',
        'agents[0].policy.params.bufferSize=1000000000',
        /agents\[0\]\.policy\.params\.bufferSize: needs one array of about [\d.]+ GB for left's replay buffer/,
      ],
      ['experiments/quickstart.yaml', 'run.numEnvs=1000000000', /run\.numEnvs: needs one array of about [\d.]+ GB for world copies/],
    ];
    for (const [path, set, message] of cases) expect(userError(() => loadExperiment(path, [set]))).toMatch(message);
  });

  it('refuses a total above the machine, naming the largest part and the parallel seeds', () => {
    const resolved = loadExperiment('experiments/coordination-dqn.yaml', ['run.seeds=4']);
    const est = estimateMemory(resolved.config, resolved.makeWorld(), resolved.assignments);
    expect(est.parallelSeeds).toBe(Math.min(4, availableParallelism()));
    expect(est.bytes).toBe(est.bytesPerSeed * est.parallelSeeds);
    const issues = memoryIssues(est, est.bytes - 1);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe(est.parts[0]!.field);
    expect(issues[0]!.message).toMatch(/the run needs about .* of memory .* more than this machine's/);
    expect(memoryIssues(est, est.bytes)).toEqual([]);
  });

  it('caps worker threads at the cores and says so', () => {
    const cores = availableParallelism();
    expect(workerCount(1000, 1000)).toBe(cores);
    expect(workerCount(undefined, 1)).toBe(1);
    expect(workerCapNote('run.workers', 1000)).toBe(`run.workers 1000 is more than this machine's ${cores} cores: using ${cores} worker threads`);
    expect(workerCapNote('run.workers', cores)).toBeUndefined();
    expect(formatDuration(1e12 / 3e6)).toMatch(/days/);
  });
});

describe('defect 5: prototype pollution', () => {
  it('rejects __proto__ in --set paths, sweep grid paths and config files, and Object.prototype stays clean', () => {
    const base = readConfigFile('experiments/quickstart.yaml');
    expect(userError(() => applyOverrides(base, ['__proto__.polluted=1']))).toMatch(/bad --set path '__proto__.polluted': the key '__proto__' is not allowed/);
    expect(userError(() => applyOverrides(base, ['run.constructor.prototype.polluted=1']))).toMatch(/'constructor' is not allowed/);
    const grid = file('grid-proto.yaml', `${QUICK}\nsweep:\n  grid:\n    __proto__.x: [1, 2]\n`);
    expect(userError(() => planSweep(grid))).toMatch(/sweep\.grid\.__proto__\.x: bad sweep path .*'__proto__' is not allowed/);
    expect(userError(() => loadExperiment(grid))).toMatch(/sweep\.grid\.__proto__\.x/);
    const inFile = file('file-proto.yaml', QUICK.replace('env:\n', 'env:\n  __proto__: { polluted: 1 }\n'));
    expect(userError(() => loadExperiment(inFile))).toMatch(/env\.__proto__: the key '__proto__' is not allowed/);
    const inJson = file('file-proto.json', JSON.stringify({ name: 'x' }).replace('{', '{"__proto__": {"polluted": 1}, '));
    expect(userError(() => readConfigFile(inJson))).toMatch(/__proto__: the key '__proto__' is not allowed/);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
  });
});

describe('defect 6: one validation path for the whole file, sweep section included', () => {
  const invalidGrids: [string, RegExp][] = [
    ['agents[*].reward.scheme: [local, bogus]', /point scheme=bogus\): agents\[0\]\.reward\.scheme: unknown reward scheme 'bogus'/],
    ['run.steps: [100, -5]', /point steps=-5\): run\.steps: expected a positive number, got -5/],
    ['run.seeds: [1, 2]', /sweep\.grid\.run\.seeds: cannot vary run\.seeds/],
    ['run.seed: [0, 1.5]', /sweep\.grid\.run\.seed: expected a list of integers >= 0/],
    ['"agents[0..x": [1]', /sweep\.grid\.agents\[0\.\.x: bad sweep path/],
    ['env.params.game: [prisoners-dilemma, chess]', /point game=chess\): env\.params\.game/],
    ['agents[*].policy.params.learningRate: [0.1, 2]', /point learningRate=2\): agents\[0\]\.policy\.params\.learningRate/],
  ];
  for (const [grid, message] of invalidGrids)
    it(`validate, run and sweep all refuse the grid { ${grid} }`, () => {
      const path = file(`grid-${invalidGrids.findIndex((g) => g[0] === grid)}.yaml`, `${QUICK}\nsweep:\n  grid:\n    ${grid}\n`);
      const fromLoad = userError(() => loadExperiment(path)); // validate and run
      expect(fromLoad).toMatch(message);
      expect(userError(() => planSweep(path))).toBe(fromLoad); // sweep, through the same path
    });
});

describe('defect 7: non-finite results stop the run', () => {
  it('a world producing Infinity stops with the world, field and steps named, folder marked failed, no nulls written', async () => {
    const out = join(tmp, 'inf');
    const resolved = loadExperiment('experiments/beer-game-base-stock.yaml', [
      'env.params.holdingCost=1e308',
      'run.seeds=1',
      'run.steps=400',
      'output.report=false',
    ]);
    await expect(runExperiment(resolved, { out, quiet: true })).rejects.toThrow(
      /world beer-game-v1 produced a non-finite result: reward\/\w+\/holding = -Infinity in the metrics window of steps 1-\d+/,
    );
    expect(existsSync(out)).toBe(false);
    expect(JSON.parse(readFileSync(join(`${out}.partial`, 'run.json'), 'utf8')).status).toBe('failed');
    expect(readFileSync(join(`${out}.partial`, 'metrics.jsonl'), 'utf8')).not.toContain('null');
  });
});

describe('defect 8: a long run says how long it will take', () => {
  it('projects the duration from the measured speed once, only for long runs', async () => {
    const { vi } = await import('vitest');
    const { durationForecaster } = await import('../../src/config/cost.js');
    vi.useFakeTimers({ toFake: ['performance'] });
    try {
      const lines: string[] = [];
      const long = durationForecaster(1e12, (l) => lines.push(l));
      long(1000); // too early to measure
      vi.advanceTimersByTime(6000);
      long(3e6); // 3e6 steps in 6 s: 1e12 steps take about 23 days
      long(6e6);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^estimated time: about 23 days in all .* at the speed of the first 6 s; Ctrl-C stops/);
      const short: string[] = [];
      const quick = durationForecaster(1e6, (l) => short.push(l));
      vi.advanceTimersByTime(6000);
      quick(5e5);
      expect(short).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });
});
