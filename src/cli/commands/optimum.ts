/** `tacit optimum <config>`: the exact optimum of an experiment's world, where theory gives one (JSON). */
import type { Argv, CommandModule } from 'yargs';
import { TacitError } from '../../core/errors.js';

interface OptimumArgs {
  config: string;
  set: string[] | undefined;
}

/** A world that has no exact-optimum solver at all. */
class NoOptimumError extends TacitError {}

export const optimumCommand: CommandModule<object, OptimumArgs> = {
  command: 'optimum <config>',
  describe:
    "Print the exact optimum of the config's world as JSON (e.g. the beer game's Clark–Scarf base-stock levels); exit 2 naming why when theory does not apply",
  builder: (y: Argv) =>
    y.positional('config', { type: 'string', demandOption: true, describe: 'Experiment file (its env section is used)' }).option('set', {
      type: 'string',
      array: true,
      describe: 'Overrides, as for run (e.g. --set env.params.accounting=echelon)',
    }),
  handler: async (args) => {
    // Loaded here, not at the top: every command's module is imported at start-up (src/cli/lazy.ts).
    const [{ loadExperiment }, { jsonText }, { worlds }] = await Promise.all([
      import('../../config/load.js'),
      import('../../run/results.js'),
      import('../../../envs/index.js'),
    ]);
    const resolved = loadExperiment(args.config, args.set ?? []);
    const spec = resolved.worldSpec;
    if (!spec.optimum)
      throw new NoOptimumError(
        `${spec.id} has no exact-optimum solver (worlds with one: ${worlds
          .values()
          .filter((w) => w.optimum)
          .map((w) => w.id)
          .join(', ')})`,
      );
    process.stdout.write(jsonText(spec.optimum(resolved.worldParams)));
  },
};
