/**
 * `tacit eval --partners <runDir>...` (issue 18, item 5): held-out partners and new entrants.
 *
 * Every seed folder of every run given is a *team* of trained policies. Cell (i, j) of the
 * cross-play matrix seats team i's policy in the focal agent's place and team j's policies in
 * every other place, plays greedily (src/run/evaluate.ts `playPolicies`) and records the payoff
 * (a KPI, or welfare: the sum of the agents' local rewards per step). The diagonal is self-play;
 * the rest is cross-play with partners the policy never trained with: do learned conventions
 * generalise? The gap self − cross, with t intervals over cells (cells share teams, so they are not
 * independent: the intervals are descriptive, and few teams make them wide).
 *
 * With an entrant (a policy spec, trained nowhere or learning on the spot for `learnSteps`), an
 * extra row seats the entrant in the focal place against every team: a new firm entering a market
 * whose incumbents learned to collude; are the prices defended or competed away?
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ResolvedExperiment } from '../config/resolved.js';
import { VecEngine } from '../core/engine.js';
import { UsageError } from '../core/errors.js';
import { createPolicies, type PolicySpec } from '../core/policy.js';
import { mean, tInterval } from '../stats/index.js';
import { evalCopies, playPolicies } from './evaluate.js';
import { readBinary } from '../core/binary.js';

/** One team: the trained policies of one seed of one run. */
export interface Team {
  readonly label: string;
  readonly dir: string;
  readonly resolved: ResolvedExperiment;
  /** Per agent index: the saved policy state (null for stateless policies). */
  readonly states: readonly unknown[];
}

/** A policy to seat: spec, params, state to load, and whether it learns before the measured play. */
interface Seat {
  readonly spec: PolicySpec;
  readonly params: Record<string, unknown>;
  readonly state: unknown;
  readonly learns: boolean;
}

/** The entrant: a registered policy with params, learning for `learnSteps` steps first (0: as it is). */
export interface Entrant {
  readonly label: string;
  readonly spec: PolicySpec;
  readonly params: Record<string, unknown>;
  readonly learnSteps: number;
}

/** Options of a cross-play evaluation. */
export interface CrossPlayOptions {
  /** Agent id taken from the row team (default: the first agent). */
  readonly focal?: string;
  /** KPI used as the payoff (default: welfare, the sum of local rewards per step). */
  readonly kpi?: string;
  readonly episodes?: number;
  readonly steps?: number;
  readonly seed?: number;
  readonly entrant?: Entrant;
}

/** An interval over cells. */
export interface CellStats {
  readonly n: number;
  readonly mean: number;
  readonly low: number | null;
  readonly high: number | null;
}

/** crossplay.json. */
export interface CrossPlayResult {
  readonly kind: 'crossplay';
  readonly world: string;
  readonly focal: string;
  readonly payoff: string;
  readonly teams: readonly string[];
  /** matrix[i][j]: team i's focal policy with team j's partners. */
  readonly matrix: readonly (readonly number[])[];
  readonly self: CellStats;
  readonly cross: CellStats;
  /** self.mean − cross.mean. */
  readonly gap: number;
  /** Per (row run, partners' run): the mean of the cross-play cells (the diagonal left out), e.g. another seed's colluder or a myopic firm against colluders. */
  readonly byRun: readonly { readonly focalRun: string; readonly partnerRun: string; readonly cross: CellStats; readonly self?: CellStats }[];
  /** The entrant's row (its payoff against each team), its focal agent's own reward, and the self-play diagonal for reference. */
  readonly entrant?: {
    readonly label: string;
    readonly learnSteps: number;
    readonly row: readonly number[];
    readonly mean: CellStats;
    readonly focalReward: readonly number[];
  };
  readonly note: string;
}

/** Every seed of every run folder, as teams. */
export function loadTeams(runDirs: readonly string[], resolve: (config: unknown, path: string) => ResolvedExperiment): Team[] {
  const teams: Team[] = [];
  for (const runDir of runDirs) {
    const configPath = join(runDir, 'config.resolved.json');
    if (!existsSync(configPath)) throw new UsageError(`--partners ${runDir}: not a tacit run folder (no config.resolved.json)`);
    const seedsDir = join(runDir, 'seeds');
    const dirs = existsSync(seedsDir)
      ? readdirSync(seedsDir)
          .filter((d) => /^seed-\d+$/.test(d))
          .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)))
          .map((d) => join(seedsDir, d))
      : [runDir];
    for (const dir of dirs) {
      const path = join(dir, 'config.resolved.json');
      if (!existsSync(join(dir, 'summary.json')))
        throw new UsageError(`--partners ${runDir}: ${dir} did not finish (no summary.json); resume it with tacit run --resume`);
      const resolved = resolve(JSON.parse(readFileSync(existsSync(path) ? path : configPath, 'utf8')), path);
      const states = existsSync(join(dir, 'policies.bin')) ? readBinary<unknown[]>(join(dir, 'policies.bin')) : [];
      const seed = (JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { seed: number }).seed;
      teams.push({ label: `${basename(runDir)}#${seed}`, dir, resolved, states });
    }
  }
  const first = teams[0];
  if (!first) throw new UsageError('--partners needs at least one run folder');
  const key = (t: Team): string => JSON.stringify([t.resolved.worldSpec.id, t.resolved.worldParams]);
  for (const t of teams)
    if (key(t) !== key(first))
      throw new UsageError(
        `--partners: ${t.dir} plays ${t.resolved.worldSpec.id} with other params than ${first.dir}; cross-play needs one world: give runs of the same world and params`,
      );
  return teams;
}

/** Play the cross-play matrix (and the entrant's row) of `teams`. */
export function crossPlay(teams: readonly Team[], options: CrossPlayOptions = {}): CrossPlayResult {
  const base = teams[0]!.resolved;
  const world = base.makeWorld();
  const ids = world.agents.map((a) => a.id);
  const focal = options.focal ?? ids[0]!;
  const f = ids.indexOf(focal);
  if (f < 0) throw new UsageError(`--focal ${focal}: unknown agent; this world's agents: ${ids.join(', ')}`);
  const kpiNames = world.kpis.map((k) => k.name);
  if (options.kpi !== undefined && !kpiNames.includes(options.kpi)) throw new UsageError(`--kpi ${options.kpi}: unknown KPI; valid: ${kpiNames.join(', ')}`);
  const seatOf = (t: Team, i: number): Seat => {
    const a = t.resolved.assignments[i]!;
    return { spec: a.policy, params: a.policyParams, state: t.states[i] ?? null, learns: false };
  };
  const cell = (focalSeat: Seat, partners: Team, learnSteps: number): { payoff: number; focalReward: number } => {
    const seats = ids.map((_, i) => (i === f ? focalSeat : seatOf(partners, i)));
    const r = playSeats(partners.resolved, seats, options, learnSteps);
    return { payoff: options.kpi !== undefined ? r.kpis[options.kpi]! : r.welfare, focalReward: r.rewards[f]! };
  };
  const matrix = teams.map((ti) => teams.map((tj) => cell(seatOf(ti, f), tj, 0).payoff));
  const diag = matrix.map((row, i) => row[i]!);
  const off = matrix.flatMap((row, i) => row.filter((_, j) => j !== i));
  const self = stats(diag);
  const cross = stats(off);
  const runOf = teams.map((t) => t.label.slice(0, t.label.lastIndexOf('#')));
  const runs = [...new Set(runOf)];
  const byRun = runs
    .flatMap((ri) =>
      runs.map((rj) => ({
        focalRun: ri,
        partnerRun: rj,
        cross: stats(matrix.flatMap((row, i) => (runOf[i] === ri ? row.filter((_, j) => j !== i && runOf[j] === rj) : []))),
        ...(ri === rj ? { self: stats(diag.filter((_, i) => runOf[i] === ri)) } : {}),
      })),
    )
    .filter((g) => g.cross.n > 0 || (g.self?.n ?? 0) > 0);
  let entrant: CrossPlayResult['entrant'];
  if (options.entrant) {
    const e = options.entrant;
    const cells = teams.map((tj) => cell({ spec: e.spec, params: e.params, state: null, learns: e.learnSteps > 0 }, tj, e.learnSteps));
    entrant = {
      label: e.label,
      learnSteps: e.learnSteps,
      row: cells.map((c) => c.payoff),
      mean: stats(cells.map((c) => c.payoff)),
      focalReward: cells.map((c) => c.focalReward),
    };
  }
  return {
    kind: 'crossplay',
    world: world.id,
    focal,
    payoff: options.kpi ?? 'welfare',
    teams: teams.map((t) => t.label),
    matrix,
    self,
    cross,
    gap: self.mean - cross.mean,
    byRun,
    ...(entrant ? { entrant } : {}),
    note: `matrix[i][j]: team i's ${focal} with team j's other agents, greedy; intervals are t intervals over cells (cells share teams, so they are descriptive; ${teams.length} teams)`,
  };
}

function stats(values: readonly number[]): CellStats {
  if (values.length === 0) return { n: 0, mean: NaN, low: null, high: null };
  const m = mean(values);
  if (values.length < 2) return { n: values.length, mean: m, low: null, high: null };
  const ci = tInterval(values, 0.95);
  return { n: values.length, mean: m, low: ci.low, high: ci.high };
}

/** Play one seating greedily (after the learning phase, if a seat learns); KPIs, welfare and per-agent reward. */
function playSeats(
  resolved: ResolvedExperiment,
  seats: readonly Seat[],
  options: CrossPlayOptions,
  learnSteps: number,
): { kpis: Record<string, number>; welfare: number; rewards: number[] } {
  const world = resolved.makeWorld();
  const episodic = world.episodeLength > 0;
  const numEnvs = episodic && options.steps === undefined ? evalCopies(options.episodes ?? 10, resolved.config.run.numEnvs) : resolved.config.run.numEnvs;
  const evalSeed = options.seed ?? 0;
  const engine = new VecEngine(world, { numEnvs, seed: `crossplay-${evalSeed}` });
  const policies = createPolicies(
    world,
    seats.map((s, i) => ({ agent: world.agents[i]!, policy: s.spec, policyParams: s.params })),
    numEnvs,
    `crossplay-${evalSeed}`,
    seats.map((s) => s.state),
  );
  const episodes = options.episodes ?? (episodic ? 10 : 0);
  const budget = options.steps ?? (episodic ? Math.ceil(episodes / numEnvs) * world.episodeLength : 1000);
  const learners = seats.map((s, i) => (s.learns ? i : -1)).filter((i) => i >= 0);
  const { totals } = playPolicies(engine, policies, { budget, episodes: episodic && options.steps === undefined ? episodes : 0, learnSteps, learners });
  for (const p of policies) p.dispose?.();
  const rewards = world.agents.map((a) => totals.agents[a.id]!.meanReward);
  return { kpis: totals.kpis, welfare: rewards.reduce((s, r) => s + r, 0), rewards };
}
