/** `tacit eval --partners <runDir>...`: the cross-play matrix and the new entrant (src/run/crossplay.ts), written to crossplay.json. */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { policies } from '../../../policies/index.js';
import { parseWith } from '../../core/format-issues.js';
import { resolveExperiment } from '../../config/resolve.js';
import { UsageError } from '../../core/errors.js';
import { crossPlayText } from '../../report/figures/crossplay.js';
import { commonFolder } from '../../report/report.js';
import { crossPlay, loadTeams, type Entrant } from '../../run/crossplay.js';
import { preparePolicies } from '../../run/prepare.js';
import { jsonText } from '../../run/results.js';

/** The flags of eval that cross-play reads. */
export interface CrossPlayArgs {
  partners: string[];
  focal?: string;
  kpi?: string;
  entrant?: string;
  entrantParams?: string;
  learnSteps?: number;
  out?: string;
  episodes?: number;
  steps?: number;
  seed?: number;
  json?: boolean;
}

function entrantOf(args: CrossPlayArgs): Entrant | undefined {
  if (args.entrant === undefined) {
    if (args.entrantParams !== undefined || args.learnSteps !== undefined)
      throw new UsageError('--entrant-params and --learn-steps describe an entrant: give --entrant <policy type> too');
    return undefined;
  }
  if (!policies.has(args.entrant)) throw new UsageError(`--entrant ${args.entrant}: unknown policy; registered: ${policies.ids().join(', ')}`);
  const spec = policies.get(args.entrant);
  let raw: unknown = {};
  if (args.entrantParams !== undefined) {
    try {
      raw = JSON.parse(args.entrantParams);
    } catch {
      throw new UsageError(`--entrant-params must be a JSON object, e.g. '{"learningRate":0.15}', got ${args.entrantParams}`);
    }
  }
  const parsed = parseWith(spec.paramsSchema, raw, '--entrant-params');
  if (!parsed.ok) throw new UsageError(parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  const learnSteps = args.learnSteps ?? 0;
  if (!Number.isInteger(learnSteps) || learnSteps < 0) throw new UsageError(`--learn-steps must be an integer >= 0, got ${args.learnSteps}`);
  if (learnSteps > 0 && !spec.learns)
    throw new UsageError(`--learn-steps ${learnSteps}: policy '${args.entrant}' does not learn; give a learning policy (e.g. tabular-q) or drop --learn-steps`);
  return { label: learnSteps > 0 ? `${args.entrant} (learning)` : args.entrant, spec, params: parsed.data as Record<string, unknown>, learnSteps };
}

/** Run the cross-play evaluation and write crossplay.json (default: in the common folder of the partners). */
export async function crossPlayCommand(args: CrossPlayArgs): Promise<void> {
  const entrant = entrantOf(args);
  const teams = loadTeams(args.partners, (c, path) => resolveExperiment(c, path));
  await preparePolicies(teams[0]!.resolved);
  const result = crossPlay(teams, {
    ...(args.focal !== undefined ? { focal: args.focal } : {}),
    ...(args.kpi !== undefined ? { kpi: args.kpi } : {}),
    ...(args.episodes !== undefined ? { episodes: args.episodes } : {}),
    ...(args.steps !== undefined ? { steps: args.steps } : {}),
    ...(args.seed !== undefined ? { seed: args.seed } : {}),
    ...(entrant ? { entrant } : {}),
  });
  const out = args.out ?? join(commonFolder(args.partners), 'crossplay.json');
  mkdirSync(dirname(out), { recursive: true });
  // Written whole then renamed, so a reader never sees half a file.
  writeFileSync(`${out}.partial`, jsonText(result));
  renameSync(`${out}.partial`, out);
  process.stdout.write(args.json ? jsonText(result) : `${crossPlayText({ path: out, result })}written: ${out}\n`);
}
