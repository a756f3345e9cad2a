/** `tacit validate`: check an experiment config without running it (every problem at once, exit 2), then warn of detectors it leaves untested. */
import { applyOverrides, readConfigFile } from '../../config/load.js';
import { resolveExperiment } from '../../config/resolve.js';
import { forkShortfalls, rowShortfalls } from '../../detectors/row-check.js';
import { offeredFastPath } from '../../run/fast-path-loop.js';

/** Validate `config` with `--set` overrides `sets`, printing the verdict and any row or fork-point warnings. */
export function validate(config: string, sets: readonly string[]): void {
  const resolved = resolveExperiment(applyOverrides(readConfigFile(config), sets), config);
  const agents = resolved.assignments.map((a) => `${a.agent.id}: ${a.policy.id} / ${a.scheme.id}`).join(', ');
  process.stdout.write(`${config} is valid: ${resolved.config.name} on ${resolved.worldSpec.id} (${agents})\n`);
  for (const w of rowShortfalls(resolved)) process.stdout.write(`warning: ${w.message}\n`);
  for (const w of forkShortfalls(resolved, offeredFastPath(resolved, resolved.config.run.seed ?? 0)?.id)) process.stdout.write(`warning: ${w}\n`);
}
