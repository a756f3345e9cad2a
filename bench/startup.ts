/**
 * Start-up cost of tacit commands (issue 21), per CPU second so it holds under load: each command
 * runs as a real process, alternating round by round with a bare `node -e 0`, and reports the
 * process's own CPU time (user + system, all threads, read by a preload at exit) as a ratio to the
 * bare node's. Then one Calvano session end to end (`tacit run experiments/market-calvano.yaml`,
 * fixed length, no report) against its learning loop alone (the fused kernel it runs, in this
 * process, same periods): how much a run costs beyond the learning. Prints one JSON document.
 *
 *   npm run bench:startup -- [--rounds 10] [--periods 2000000]
 *
 * The session's own breakdown comes from its stage clock (src/core/stage-clock.ts, TACIT_STAGE_CLOCK):
 * CPU from process start to the CLI's bundle being loaded, the command's modules and flags, the
 * config, the run's set-up, the learning loop as it ran in the run (cold: its first periods run
 * before V8 has optimized it), the metrics rows and the detectors at every window, the market's
 * analysis after learning (deviation probes, retraining each firm against frozen rivals, exact
 * best responses), and the summary and writes; "beyond loop and analysis" is the run's CPU less the
 * loop, the market analysis and the detectors.
 *
 * The listing commands are measured after one warm-up call (tacit keeps their text in the build
 * folder, src/core/build-cache.ts; and each command's V8 code cache, bin/code-cache.cjs, is written
 * by its first process); the first call after an edit costs what `validate` does. The learning loop
 * is timed in this process after the earlier rounds' loops (warm JIT); a run's loop starts cold.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calvanoSetup } from './vs-peers/calvano.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const ROUNDS = arg('rounds', 10);
const PERIODS = arg('periods', 2_000_000);

const tmp = mkdtempSync(join(tmpdir(), 'tacit-bench-startup-'));
const cpuOut = join(tmp, 'cpu.txt');
const preload = join(tmp, 'cpu.cjs');
writeFileSync(
  preload,
  "process.on('exit', () => { const u = process.cpuUsage(); require('node:fs').writeFileSync(process.env.TACIT_CPU_OUT, String((u.user + u.system) / 1e6)); });\n",
);

/** CPU seconds of one process `node <args>` (fails loudly on a non-zero exit). */
function cpuOf(args: string[], env: Record<string, string> = {}): number {
  const r = spawnSync(process.execPath, ['--require', preload, ...args], { encoding: 'utf8', env: { ...process.env, ...env, TACIT_CPU_OUT: cpuOut } });
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return Number(readFileSync(cpuOut, 'utf8'));
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const commands: Record<string, string[]> = {
  'node -e 0': ['-e', '0'],
  'tacit envs': ['bin/tacit.mjs', 'envs'],
  'tacit policies': ['bin/tacit.mjs', 'policies'],
  'tacit validate experiments/market-calvano.yaml': ['bin/tacit.mjs', 'validate', 'experiments/market-calvano.yaml'],
  'tacit --help': ['bin/tacit.mjs', '--help'],
};
for (const args of Object.values(commands)) cpuOf(args); // warm-up: build, listing text, disk cache
const samples: Record<string, number[]> = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
for (let round = 0; round < ROUNDS; round++) for (const [name, args] of Object.entries(commands)) samples[name]!.push(cpuOf(args));
const base = median(samples['node -e 0']!);
const startup = Object.fromEntries(
  Object.entries(samples).map(([name, xs]) => [
    name,
    {
      cpuSeconds: { median: +median(xs).toFixed(4), min: +Math.min(...xs).toFixed(4), max: +Math.max(...xs).toFixed(4) },
      ratioToNode: +(median(xs) / base).toFixed(2),
    },
  ]),
);

/** What the stage clock wrote (src/core/stage-clock.ts). */
interface StageClock {
  marks: { stage: string; cpuSeconds: number }[];
  spans: Record<string, number>;
}

/** A run's CPU by part, from its stage clock (see the header). */
function breakdown(clock: StageClock): Record<string, number> {
  const at = (stage: string): number => {
    const m = clock.marks.find((x) => x.stage === stage);
    if (!m) throw new Error(`the run's stage clock has no mark '${stage}' (did the fast path run?)`);
    return m.cpuSeconds;
  };
  const span = (name: string): number => clock.spans[name] ?? 0;
  return {
    'node start-up and the CLI bundle': at('cli-loaded'),
    'command modules and flags': at('modules-loaded') - at('cli-loaded'),
    'config: load, validate, resolve': at('config-resolved') - at('modules-loaded'),
    'run set-up (folder, provenance, world)': at('loop-start') - at('config-resolved'),
    'learning loop, in the run (cold)': at('loop-end') - at('loop-start') - span('metrics-rows') - span('detectors'),
    'metrics rows': span('metrics-rows'),
    'detectors (every window and at the end)': span('detectors') + at('detectors-finished') - at('seed-summary'),
    'market analysis (probes, retraining, best responses)': at('analysis-end') - at('loop-end'),
    'summary and writes': at('seed-summary') - at('analysis-end') + at('run-written') - at('detectors-finished'),
    'printing and exit': at('exit') - at('run-written'),
  };
}

// One Calvano session: the whole command vs the learning loop it runs.
const session: number[] = [];
const loop: number[] = [];
const parts: Record<string, number>[] = [];
const clockFile = join(tmp, 'stages.json');
const setup = calvanoSetup();
for (let round = 0; round < Math.max(1, Math.ceil(ROUNDS / 3)); round++) {
  const out = join(tmp, `run-${round}`);
  session.push(
    cpuOf(
      [
        'bin/tacit.mjs',
        'run',
        'experiments/market-calvano.yaml',
        '--set',
        `run.steps=${PERIODS}`,
        '--set',
        'run.stopWhenConverged=false',
        '--seed',
        String(round),
        '--quiet',
        '--no-report',
        '--out',
        out,
      ],
      { TACIT_STAGE_CLOCK: clockFile },
    ),
  );
  parts.push(breakdown(JSON.parse(readFileSync(clockFile, 'utf8')) as StageClock));
  rmSync(out, { recursive: true, force: true });
  const t = process.cpuUsage();
  setup.run(round, PERIODS);
  const d = process.cpuUsage(t);
  loop.push((d.user + d.system) / 1e6);
}
rmSync(tmp, { recursive: true, force: true });

process.stdout.write(
  `${JSON.stringify(
    {
      node: process.version,
      rounds: ROUNDS,
      startup,
      calvanoSession: (() => {
        const part = (name: string): number => median(parts.map((p) => p[name]!));
        const run = median(session);
        const inRun = part('learning loop, in the run (cold)');
        const analysis = part('market analysis (probes, retraining, best responses)') + part('detectors (every window and at the end)');
        return {
          periods: PERIODS,
          runCpuSeconds: +run.toFixed(3),
          learningLoopCpuSeconds: +median(loop).toFixed(3),
          ratio: +(run / median(loop)).toFixed(2),
          loopInRunCpuSeconds: +inRun.toFixed(3),
          ratioToLoopInRun: +(run / inRun).toFixed(2),
          analysisCpuSeconds: +analysis.toFixed(3),
          beyondLoopAndAnalysisCpuSeconds: +(run - inRun - analysis).toFixed(3),
          breakdownCpuSeconds: Object.fromEntries(Object.keys(parts[0]!).map((k) => [k, +part(k).toFixed(3)])),
        };
      })(),
    },
    null,
    2,
  )}\n`,
);
