/** `tacit diagnose <config>`: findings, candidate fixes run as a sweep, and a recommendation (src/diagnose). */
import type { Argv, CommandModule } from 'yargs';
import { UsageError } from '../../core/errors.js';
// What the handler needs (yaml, the registries, the sweep runner) it imports when it runs: every
// command module is loaded at start-up (see commands.ts).

interface DiagnoseArgs {
  config: string;
  seeds: number | undefined;
  queue: string | undefined;
  out: string | undefined;
  set: string[] | undefined;
  workers: number | undefined;
  'mix-weight': number[] | undefined;
  'link-strength': number[] | undefined;
  'look-ahead': number | undefined;
  continuation: string | undefined;
  'remove-share': number | undefined;
  report: boolean;
  quiet: boolean;
}

/** `--continuation '{finance: {type: fixed-budget}}'`: a mapping agent id or role → {type, params}. */
export async function parseContinuation(text: string): Promise<Record<string, { type: string; params?: Record<string, unknown> }>> {
  const [{ parse: parseYaml }, { policies }] = await Promise.all([import('yaml'), import('../../../policies/index.js')]);
  let parsed: unknown;
  try {
    parsed = parseYaml(text) as unknown;
  } catch (err) {
    throw new UsageError(
      `--continuation: not YAML (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); expected e.g. '{finance: {type: fixed-budget}}'`,
    );
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new UsageError(`--continuation: expected a mapping agent → {type, params}, got ${JSON.stringify(parsed)}; e.g. '{finance: {type: fixed-budget}}'`);
  for (const [agent, v] of Object.entries(parsed as Record<string, unknown>)) {
    if (!v || typeof v !== 'object' || typeof (v as { type?: unknown }).type !== 'string')
      throw new UsageError(`--continuation.${agent}: expected {type: <scripted policy>, params: {...}}, got ${JSON.stringify(v)}`);
    const type = (v as { type: string }).type;
    const scripted = policies
      .values()
      .filter((p) => !p.learns)
      .map((p) => p.id);
    if (!scripted.includes(type)) throw new UsageError(`--continuation.${agent}.type: '${type}' is not a scripted policy; valid: ${scripted.join(', ')}`);
  }
  return parsed as Record<string, { type: string; params?: Record<string, unknown> }>;
}

function checkInt(name: string, v: number | undefined, min: number): void {
  if (v !== undefined && (!Number.isInteger(v) || v < min)) throw new UsageError(`--${name} must be an integer >= ${min}, got ${v}`);
}

export const diagnoseCommand = (setCode: (c: number) => void): CommandModule<object, DiagnoseArgs> => ({
  command: 'diagnose <config>',
  describe: "Diagnose an experiment: agents' goals, stale information, findings over seeds, candidate fixes run as a sweep, and the fix to adopt",
  builder: (y: Argv) =>
    y
      .positional('config', { type: 'string', demandOption: true, describe: 'Experiment file (YAML or JSON)' })
      .option('seeds', { type: 'number', describe: 'Seeds per variant (default run.seeds of the config; 5 gives the "4 of 5" test)' })
      .option('queue', {
        type: 'string',
        describe: 'Run the baseline and candidates on this Postgres queue (tacit queue start; tacit worker processes run them)',
      })
      .option('out', { type: 'string', describe: 'Output folder (default <output.dir>/<name>/diagnose); rerunning into it resumes' })
      .option('set', { type: 'string', array: true, describe: 'Override a config field, as for run (repeatable)' })
      .option('workers', { type: 'number', describe: 'Worker threads for local runs (default: one per core)' })
      .option('mix-weight', { type: 'number', array: true, describe: 'Local weight w of the mixed-reward candidates (repeatable; default 0.5)' })
      .option('link-strength', {
        type: 'number',
        array: true,
        describe: "Strength of the KPI-linked candidates, as a multiple of the KPI's weight in the team objective (repeatable; default 1)",
      })
      .option('look-ahead', { type: 'number', describe: 'Look-ahead periods of the difference-reward candidate (default 10)' })
      .option('continuation', {
        type: 'string',
        describe: "Scripted stand-in per learning agent for the difference look-ahead, e.g. '{finance: {type: fixed-budget}}'",
      })
      .option('remove-share', { type: 'number', describe: 'Share of seeds in which a fix must remove a finding (default 0.8)' })
      .option('report', { type: 'boolean', default: true, describe: 'Write report.html (--no-report to skip)' })
      .option('quiet', { type: 'boolean', default: false, describe: 'No progress output' }),
  handler: async (args) => {
    checkInt('seeds', args.seeds, 1);
    checkInt('workers', args.workers, 1);
    checkInt('look-ahead', args.lookAhead, 1);
    for (const w of args.mixWeight ?? []) if (!(w >= 0 && w <= 1)) throw new UsageError(`--mix-weight must be in [0, 1], got ${w}`);
    for (const m of args.linkStrength ?? []) if (!(m > 0 && Number.isFinite(m))) throw new UsageError(`--link-strength must be a positive number, got ${m}`);
    if (args.removeShare !== undefined && !(args.removeShare > 0 && args.removeShare <= 1))
      throw new UsageError(`--remove-share must be in (0, 1], got ${args.removeShare}`);
    const [{ diagnose }, { diagnosisMarkdown }, { workerCapNote }] = await Promise.all([
      import('../../diagnose/diagnose.js'),
      import('../../diagnose/render.js'),
      import('../../config/cost.js'),
    ]);
    const continuation = args.continuation !== undefined ? await parseContinuation(args.continuation) : undefined;
    const capNote = workerCapNote('--workers', args.workers);
    if (capNote) process.stderr.write(`${capNote}\n`);
    const signal: { stop: boolean; onStop?: () => void } = { stop: false };
    const onSigint = (): void => {
      if (signal.stop) process.exit(130);
      signal.stop = true;
      signal.onStop?.();
      process.stderr.write('\ninterrupting: finished runs are kept; rerun the same command to resume\n');
    };
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigint);
    try {
      const result = await diagnose(args.config, {
        ...(args.set ? { sets: args.set } : {}),
        ...(args.seeds !== undefined ? { seeds: args.seeds } : {}),
        ...(args.out !== undefined ? { out: args.out } : {}),
        ...(args.queue !== undefined ? { queue: args.queue } : {}),
        ...(args.workers !== undefined ? { workers: args.workers } : {}),
        ...(args.mixWeight ? { mixWeights: args.mixWeight } : {}),
        ...(args.linkStrength ? { linkStrengths: args.linkStrength } : {}),
        ...(args.lookAhead !== undefined ? { lookAheadSteps: args.lookAhead } : {}),
        ...(continuation ? { continuation } : {}),
        ...(args.removeShare !== undefined ? { removeShare: args.removeShare } : {}),
        report: args.report,
        quiet: args.quiet,
        signal,
        log: (line) => {
          if (!args.quiet) process.stderr.write(`${line}\n`);
        },
      });
      if (result.diagnosis === null) {
        process.stdout.write(
          `diagnosis interrupted before every run finished; nothing written. Rerun the same command to resume (runs in ${result.outDir}/runs)\n`,
        );
        setCode(130);
        return;
      }
      process.stdout.write(diagnosisMarkdown(result.diagnosis));
      process.stdout.write(`\ndiagnosis: ${result.outDir}/diagnosis.json${result.reportPath ? `\nreport: ${result.reportPath}` : ''}\n`);
      if (result.incomplete > 0) {
        process.stderr.write(
          `${result.incomplete} run${result.incomplete === 1 ? '' : 's'} did not complete; the diagnosis covers the seeds that did (rerun to retry them)\n`,
        );
        setCode(1);
      }
    } finally {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigint);
    }
  },
});
