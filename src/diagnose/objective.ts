/**
 * The objective `tacit diagnose` judges fixes by. By default it is the world's team objective G
 * (its KPI weights, what team, mixed and difference rewards pay). An experiment can name another
 * in its `diagnose.objective` section when the world's G is not what the finding harms: in the
 * market, G counts the firms' profit gain, which a cartel raises, so a fix that breaks a cartel
 * looks no better by G; a competition authority judges tacit collusion by its harm to buyers
 * (consumer surplus). The section changes only what diagnose measures and what its team-paying
 * candidates pay; `tacit run` ignores it, and the world's own team objective is unchanged.
 */
import type { World } from '../core/world.js';
import type { DiagnoseSection } from '../config/diagnose-section.js';
import { teamWeights } from '../rewards/team-objective.js';

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
