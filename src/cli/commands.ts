/** The CLI commands: run, sweep, compare, report, detect, validate, eval, optimum, envs, policies, schema, serve, export, diagnose. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import type { resolveExperiment } from '../config/resolve.js';
import { UsageError } from '../core/errors.js';
import { stageMark } from '../core/stage-clock.js';
import { detectCommand } from '../detectors/cli.js';
import { compareCommand } from './commands/compare.js';
import { reportCommand, reportLines } from './commands/report.js';
import { exportCommand } from './commands/export.js';
import { serveCommand } from './commands/serve.js';
import { uiCommand } from './commands/ui.js';
import { sweepCommand } from './commands/sweep.js';
import { queueCommand, workerCommand } from './commands/queue.js';
import { optimumCommand } from './commands/optimum.js';
import { diagnoseCommand } from './commands/diagnose.js';
import type { CrossPlayArgs } from './commands/crossplay.js';
import { listingText } from '../core/build-cache.js';
import { bareValidateFile } from './bare-validate.js';

// Start-up (issue 21): this module and the command modules it imports are loaded by every command,
// so they import only yargs types and small helpers; what a handler needs (zod schemas, the world and
// policy registries, the engine, report and export code) it imports itself when it runs. A test
// (test/cli/lazy-imports.test.ts) fails if a listing command loads a heavy package again.

interface RunArgs {
  config: string | undefined;
  resume: string | undefined;
  'replay-external': string | undefined;
  out: string | undefined;
  seed: number | undefined;
  seeds: number | undefined;
  set: string[] | undefined;
  quiet: boolean | undefined;
  report: boolean | undefined;
}

/** Whether the finished run's config asks for a report (output.report, default true). */
function reportWanted(dir: string): boolean {
  try {
    const config = JSON.parse(readFileSync(`${dir}/config.resolved.json`, 'utf8')) as { output?: { report?: boolean } };
    return config.output?.report !== false;
  } catch {
    return true;
  }
}

/** A finished run's config with every external agent replaying that run's recorded replies (policies/external.ts). */
function replayConfig(runDir: string, resolve: typeof resolveExperiment): ReturnType<typeof resolveExperiment> {
  const path = `${runDir}/config.resolved.json`;
  if (!existsSync(path)) throw new UsageError(`--replay-external ${runDir}: no config.resolved.json there (give a finished run folder)`);
  const config = JSON.parse(readFileSync(path, 'utf8')) as {
    run?: { seeds?: number };
    agents?: { policy?: { type?: string; params?: Record<string, unknown> } }[];
  };
  if ((config.run?.seeds ?? 1) > 1) throw new UsageError(`--replay-external ${runDir}: a multi-seed run; replay a single-seed run (run it with --seeds 1)`);
  const external = (config.agents ?? []).filter((a) => a.policy?.type === 'external');
  if (external.length === 0) throw new UsageError(`--replay-external ${runDir}: the run has no external agent (policy type external)`);
  for (const a of external) a.policy!.params = { ...a.policy!.params, replay: runDir };
  return resolve(config, path);
}

/** Apply --seed/--seeds as overrides so they are validated like the file. */
function runOverrides(args: RunArgs): string[] {
  const sets = [...(args.set ?? [])];
  if (args.seed !== undefined) sets.push(`run.seed=${args.seed}`);
  if (args.seeds !== undefined) sets.push(`run.seeds=${args.seeds}`);
  return sets;
}

function checkCount(name: string, v: number | undefined, min: number): void {
  if (v !== undefined && (!Number.isInteger(v) || v < min)) throw new UsageError(`--${name} must be an integer >= ${min}, got ${v}`);
}

const runCommand = (setCode: (c: number) => void): CommandModule<object, RunArgs> => ({
  command: 'run [config]',
  describe: 'Run an experiment config and write its results folder (or --resume an interrupted one)',
  builder: (y: Argv) =>
    y
      .positional('config', { type: 'string', describe: 'Experiment file (YAML or JSON)' })
      .option('resume', { type: 'string', describe: 'Continue the interrupted run in this folder from its last checkpoint' })
      .option('replay-external', {
        type: 'string',
        describe: "Rerun a finished run folder with its external agents' recorded replies instead of their processes",
      })
      .option('out', { type: 'string', describe: 'Write results to this folder instead of results/<name>/<runId>' })
      .option('seed', { type: 'number', describe: 'Master seed (overrides run.seed)' })
      .option('seeds', { type: 'number', describe: 'Number of independent seeds, run in parallel on worker threads (overrides run.seeds)' })
      .option('set', { type: 'string', array: true, describe: 'Override a field: --set agents[0].policy.params.learningRate=0.1 (repeatable)' })
      .option('quiet', { type: 'boolean', default: false, describe: 'No progress bar' })
      .option('report', {
        type: 'boolean',
        default: true,
        describe: 'Write report.html into the run folder at the end (unless output.report is false; --no-report to skip)',
      }),
  handler: async (args: ArgumentsCamelCase<RunArgs>) => {
    checkCount('seed', args.seed, 0);
    checkCount('seeds', args.seeds, 1);
    if (
      args.resume !== undefined &&
      (args.config !== undefined || args.out !== undefined || args.seed !== undefined || args.seeds !== undefined || args.set?.length)
    )
      throw new UsageError('--resume continues a run with the config it was started with: give only --resume <runDir> (and --quiet)');
    if (
      args.replayExternal !== undefined &&
      (args.config !== undefined || args.resume !== undefined || args.seed !== undefined || args.seeds !== undefined || args.set?.length)
    )
      throw new UsageError('--replay-external reruns a run with the config it was run with: give only --replay-external <runDir> (and --out, --quiet)');
    if (args.resume === undefined && args.config === undefined && args.replayExternal === undefined)
      throw new UsageError('give an experiment file (tacit run experiments/quickstart.yaml), --resume <runDir> or --replay-external <runDir>');
    const signal: { stop: boolean; onStop?: () => void } = { stop: false };
    const onSigint = (): void => {
      if (signal.stop) process.exit(130);
      signal.stop = true;
      signal.onStop?.();
      process.stderr.write('\ninterrupting: finishing the current window (Ctrl-C again to quit at once)\n');
    };
    // SIGTERM (kill, a job scheduler, docker stop) ends a run the same way as Ctrl-C.
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigint);
    const [
      { resolveExperiment },
      { loadExperiment },
      { resumeExperiment, runExperiment },
      { forkShortfalls, rowShortfalls },
      { formatRunSummary },
      { offeredFastPath },
    ] = await Promise.all([
      import('../config/resolve.js'),
      import('../config/load.js'),
      import('../run/run-experiment.js'),
      import('../detectors/row-check.js'),
      import('./summary-text.js'),
      import('../run/fast-path-loop.js'),
    ]);
    try {
      const common = { quiet: args.quiet ?? false, command: `tacit ${process.argv.slice(2).join(' ')}`, signal };
      const result =
        args.resume !== undefined
          ? await resumeExperiment(args.resume, (c) => resolveExperiment(c, `${args.resume}/config.resolved.json`), common)
          : await (async () => {
              if (args.replayExternal !== undefined)
                return runExperiment(replayConfig(args.replayExternal, resolveExperiment), { ...(args.out !== undefined ? { out: args.out } : {}), ...common });
              // A replay repeats a finished run exactly; a new run is warned about detectors it cannot feed.
              stageMark('modules-loaded');
              const resolved = loadExperiment(args.config!, runOverrides(args));
              stageMark('config-resolved');
              for (const w of rowShortfalls(resolved)) process.stderr.write(`warning: ${w.message}\n`);
              for (const w of forkShortfalls(resolved, offeredFastPath(resolved, resolved.config.run.seed ?? 0)?.id)) process.stderr.write(`warning: ${w}\n`);
              return runExperiment(resolved, { ...(args.out !== undefined ? { out: args.out } : {}), ...common });
            })();
      stageMark('run-written');
      process.stdout.write(formatRunSummary(result.summary));
      if (result.interrupted) {
        process.stdout.write(`run interrupted; partial results (marked interrupted) in ${result.dir}\n`);
        setCode(130);
      } else {
        process.stdout.write(`results: ${result.dir}\n`);
        // The report's modules (figures, html) load only for a report: not with --no-report or output.report false.
        if (args.report && reportWanted(result.dir)) {
          const { writeReport } = await import('../report/report.js');
          process.stdout.write(reportLines(await writeReport([result.dir], { out: `${result.dir}/report.html` })));
        }
      }
    } finally {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigint);
    }
  },
});

const validateCommand: CommandModule<object, { config: string; set: string[] | undefined }> = {
  command: 'validate <config>',
  describe: 'Check an experiment config without running it',
  builder: (y: Argv) =>
    y
      .positional('config', { type: 'string', demandOption: true, describe: 'Experiment file' })
      .option('set', { type: 'string', array: true, describe: 'Overrides, as for run' }),
  handler: async (args) => (await import('./commands/validate.js')).validate(args.config, args.set ?? []),
};

/** The world id of a run folder, for the eval printout. */
function evalWorld(runDir: string): string {
  try {
    return (JSON.parse(readFileSync(`${runDir}/config.resolved.json`, 'utf8')) as { env: { id: string } }).env.id;
  } catch {
    return '?';
  }
}

/** What eval's builder declares (cross-play's flags included; the handler sees them camel-cased too). */
interface EvalArgs {
  runDir: string | undefined;
  episodes: number | undefined;
  steps: number | undefined;
  seed: number | undefined;
  faults: boolean;
  json: boolean;
  partners: string[] | undefined;
  focal: string | undefined;
  kpi: string | undefined;
  entrant: string | undefined;
  'entrant-params': string | undefined;
  'learn-steps': number | undefined;
  out: string | undefined;
}

const evalCommand: CommandModule<object, EvalArgs> = {
  command: 'eval [runDir]',
  describe: "Replay a finished run's trained policies greedily and report team KPIs (or, with --partners, cross-play them)",
  builder: (y: Argv) =>
    y
      .positional('runDir', { type: 'string', describe: 'A finished run folder' })
      .option('episodes', { type: 'number', describe: 'Episodes to play (episodic worlds; default 10)' })
      .option('steps', { type: 'number', describe: 'Steps to play (continuing worlds; default 1000)' })
      .option('seed', { type: 'number', describe: "Seed of the evaluation episodes (default: the run's seed)" })
      .option('faults', { type: 'boolean', default: true, describe: "Replay under the run's faults section (--no-faults: the fault-free world)" })
      .option('json', { type: 'boolean', default: false, describe: 'Print JSON instead of a table' })
      // Held-out partners and new entrants (issue 18, item 5; src/run/crossplay.ts).
      .option('partners', { type: 'string', array: true, describe: 'Cross-play: run folders whose seeds are the teams; writes crossplay.json' })
      .option('focal', { type: 'string', describe: 'Cross-play: agent taken from the row team (default: the first agent)' })
      .option('kpi', { type: 'string', describe: 'Cross-play: KPI used as the payoff (default: welfare, the sum of local rewards per step)' })
      .option('entrant', { type: 'string', describe: 'Cross-play: a policy type seated as the focal agent against every team (a new entrant)' })
      .option('entrant-params', { type: 'string', describe: "Cross-play: the entrant's params as JSON" })
      .option('learn-steps', { type: 'number', describe: 'Cross-play: steps the entrant learns (exploring) against each team before it is measured' })
      .option('out', {
        type: 'string',
        describe: 'Cross-play: where to write crossplay.json (default: the common folder of the partners)',
      }),
  handler: async (args) => {
    checkCount('episodes', args.episodes, 1);
    checkCount('steps', args.steps, 1);
    checkCount('seed', args.seed, 0);
    if (args.partners !== undefined) {
      if (args.runDir !== undefined) throw new UsageError(`give run folders after --partners, not as ${args.runDir}: tacit eval --partners <runDir>...`);
      if (args.partners.length === 0) throw new UsageError('--partners needs at least one run folder');
      return (await import('./commands/crossplay.js')).crossPlayCommand(args as CrossPlayArgs);
    }
    for (const flag of ['focal', 'kpi', 'entrant', 'entrantParams', 'learnSteps', 'out'] as const)
      if (args[flag] !== undefined)
        throw new UsageError(`--${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} belongs to cross-play: give --partners <runDir>...`);
    if (args.runDir === undefined) throw new UsageError('give a run folder (tacit eval results/<experiment>/<runId>) or --partners <runDir>...');
    const runDir = args.runDir;
    const [{ resolveExperiment }, { preparePolicies }, { evaluateRun }, { jsonText }, { formatRunSummary }] = await Promise.all([
      import('../config/resolve.js'),
      import('../run/prepare.js'),
      import('../run/evaluate.js'),
      import('../run/results.js'),
      import('./summary-text.js'),
    ]);
    const configPath = `${runDir}/config.resolved.json`;
    if (existsSync(configPath)) await preparePolicies(resolveExperiment(JSON.parse(readFileSync(configPath, 'utf8')), configPath));
    const result = evaluateRun(runDir, (c) => resolveExperiment(c, `${runDir}/config.resolved.json`), {
      ...(args.episodes !== undefined ? { episodes: args.episodes } : {}),
      ...(args.steps !== undefined ? { steps: args.steps } : {}),
      ...(args.seed !== undefined ? { seed: args.seed } : {}),
      faults: args.faults,
    });
    if (args.json) process.stdout.write(jsonText(result));
    else {
      const how = result.faultsApplied === true ? " under the run's faults" : args.faults ? '' : ' with its faults switched off';
      process.stdout.write(formatRunSummary({ experiment: `greedy evaluation of ${runDir}${how}`, env: { id: evalWorld(runDir) }, ...result }));
    }
  },
};

async function listEnvs(): Promise<void> {
  const text = await listingText('envs', async () => {
    const [{ worlds }, { describeWorld }] = await Promise.all([import('../../envs/index.js'), import('./describe.js')]);
    return `${worlds.values().map(describeWorld).join('\n\n')}\n`;
  });
  process.stdout.write(text);
}

async function listPolicies(): Promise<void> {
  const text = await listingText('policies', async () => {
    const [{ policies }, { describePolicy }] = await Promise.all([import('../../policies/index.js'), import('./describe.js')]);
    return `${policies.values().map(describePolicy).join('\n\n')}\n`;
  });
  process.stdout.write(text);
}

const envsCommand: CommandModule = {
  command: 'envs',
  describe: 'List registered worlds with their params, agents and KPIs',
  handler: listEnvs,
};

const policiesCommand: CommandModule = {
  command: 'policies',
  describe: 'List registered policies with their params',
  handler: listPolicies,
};

/**
 * The handler of a command line with nothing to parse: `envs`, `policies`, or `validate <file>` with
 * no flag. main.ts runs it without loading yargs (~90 ms of CPU with cliui and string-width: more
 * than the whole cached listing; issue 21). Anything more (a flag, `--help`, a typo, another
 * command) goes through yargs as usual.
 */
export function bareCommand(argv: readonly string[]): (() => Promise<void>) | undefined {
  if (argv.length === 1 && argv[0] === 'envs') return listEnvs;
  if (argv.length === 1 && argv[0] === 'policies') return listPolicies;
  const file = bareValidateFile(argv);
  if (file !== undefined) return async () => (await import('./commands/validate.js')).validate(file, []);
  return undefined;
}

const schemaCommand: CommandModule<object, { out: string | undefined }> = {
  command: 'schema',
  describe: 'Print (or write) the JSON Schema of experiment files, for editor autocompletion',
  builder: (y: Argv) => y.option('out', { type: 'string', describe: 'Write to this file instead of stdout' }),
  handler: async (args) => {
    const text = await listingText('schema', async () => {
      const [{ jsonText }, { experimentJsonSchema }] = await Promise.all([import('../run/results.js'), import('../config/json-schema.js')]);
      return jsonText(experimentJsonSchema());
    });
    if (args.out) writeFileSync(args.out, text);
    else process.stdout.write(text);
  },
};

/**
 * Add every command to `parser`; `setCode` lets a handler choose the exit code. One `command` call
 * each: yargs types each module against its own args, so no list has to erase them.
 */
export function addCommands(parser: Argv, setCode: (c: number) => void): Argv {
  return parser
    .command(runCommand(setCode))
    .command(sweepCommand(setCode))
    .command(workerCommand(setCode))
    .command(queueCommand)
    .command(compareCommand)
    .command(reportCommand)
    .command(detectCommand)
    .command(validateCommand)
    .command(evalCommand)
    .command(optimumCommand)
    .command(envsCommand)
    .command(policiesCommand)
    .command(schemaCommand)
    .command(serveCommand)
    .command(uiCommand)
    .command(exportCommand)
    .command(diagnoseCommand(setCode));
}
