/**
 * The objective `tacit diagnose` judges fixes by. By default it is the world's team objective G
 * (its KPI weights, what team, mixed and difference rewards pay). An experiment can name another
 * in its `diagnose.objective` section when the world's G is not what the finding harms: in the
 * market, G counts the firms' profit gain, which a cartel raises, so a fix that breaks a cartel
 * looks no better by G; a competition authority judges tacit collusion by its harm to buyers
 * (consumer surplus). The section changes only what diagnose measures and what its team-paying
 * candidates pay; `tacit run` ignores it, and the world's own team objective is unchanged.
 */
import { z } from 'zod';
import type { ConfigIssue } from '../core/errors.js';
import type { World } from '../core/world.js';
import { checkKpiWeights, teamWeights } from '../rewards/team-objective.js';

/** The `diagnose` section of an experiment config. */
export const diagnoseSectionSchema = z
  .object({
    objective: z
      .object({
        kpis: z
          .record(z.string(), z.number())
          .describe("KPI name → weight of the objective diagnose judges by (G = Σ weight · KPI); KPIs not named weigh 0. Names are the world's team KPIs"),
        reason: z.string().min(1).optional().describe('Why this objective and not the world’s team objective (shown in diagnosis.md and diagnosis.json)'),
      })
      .strict()
      .optional()
      .describe(
        "The team objective diagnose judges fixes by and its team, mixed and difference candidates pay; default: the world's team objective. tacit run ignores it",
      ),
  })
  .strict();

/** The `diagnose` section after parsing. */
export type DiagnoseSection = z.infer<typeof diagnoseSectionSchema>;

/** Problems of a parsed `diagnose` section against the world (unknown KPI names, no weight at all). */
export function checkDiagnoseSection(world: World, section: DiagnoseSection | undefined): ConfigIssue[] {
  const kpis = section?.objective?.kpis;
  if (kpis === undefined) return [];
  const issues = checkKpiWeights(world, kpis, 'diagnose.objective.kpis');
  if (issues.length === 0 && !Object.values(kpis).some((w) => w !== 0))
    issues.push({
      path: 'diagnose.objective.kpis',
      message: `gives no KPI a non-zero weight (got ${JSON.stringify(kpis)}): weigh at least one of ${world.kpis.map((k) => k.name).join(', ')}, or remove diagnose.objective to use the world's team objective`,
    });
  return issues;
}

/** The objective a diagnosis used. */
export interface DiagnoseObjective {
  /** `world`: the world's team objective; `experiment`: the config's `diagnose.objective`. */
  readonly source: 'world' | 'experiment';
  /** KPI name → weight, every world KPI listed (0 when it does not count). */
  readonly weights: Readonly<Record<string, number>>;
  /** The world's own team objective, for comparison (the same as `weights` when source is `world`). */
  readonly worldWeights: Readonly<Record<string, number>>;
  /** Why the experiment chose it (null for the world's). */
  readonly reason: string | null;
}

/** The objective diagnose judges by, for a world and the experiment's (checked) `diagnose` section. */
export function diagnoseObjective(world: World, section: DiagnoseSection | undefined): DiagnoseObjective {
  const byName = (w: Float64Array): Record<string, number> => Object.fromEntries(world.kpis.map((k, j) => [k.name, w[j]!]));
  const worldWeights = byName(teamWeights(world, undefined));
  const given = section?.objective;
  if (given === undefined) return { source: 'world', weights: worldWeights, worldWeights, reason: null };
  return { source: 'experiment', weights: byName(teamWeights(world, given.kpis)), worldWeights, reason: given.reason ?? null };
}
