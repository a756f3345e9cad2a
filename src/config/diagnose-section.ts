/**
 * The `diagnose` section of an experiment config: the objective `tacit diagnose` judges fixes by
 * (src/diagnose/objective.ts reads it). Owned by config, as every section the resolver checks, so
 * the diagnose command imports config and not the other way round.
 */
import { z } from 'zod';
import type { ConfigIssue } from '../core/errors.js';
import type { World } from '../core/world.js';
import { checkKpiWeights } from '../rewards/team-objective.js';

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
