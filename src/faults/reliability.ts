/**
 * Reliability and cascades. Each step, every agent with a criterion succeeds or fails (its raw
 * reward components / the team KPIs of that copy against the configured bounds); the team succeeds
 * when its KPI criterion holds, or when every agent with a criterion succeeded. Rates are per step
 * or per episode (an episode succeeds when at least `episodeShare` of its steps did). The
 * independence prediction is the product of the agents' measured rates. Cascades: cascade.ts.
 *
 * Besides the product of the measured rates, the independence prediction is also given from each
 * agent's isolated rate: its success rate on steps when no *other* agent had an event fault within
 * the horizon (its own faults included). In a chain, downstream marginals already contain upstream
 * failures, so only the isolated product is the "each agent is x % reliable" prediction.
 */
import type { VecEngine } from '../core/engine.js';
import type { World } from '../core/world.js';
import { Cascade } from './cascade.js';
import type { CompiledCondition, CompiledReliability } from './compile.js';
import { wilson, type Rate } from './wilson.js';
import type { StateArray } from './state.js';

/** Success flags and rates of one seed run (cascades: cascade.ts). */
export class Reliability {
  /** Per agent × copy: 1 when the agent has a criterion and failed it this step. */
  readonly fail: Uint8Array;
  private readonly nA: number;
  private readonly numEnvs: number;
  private readonly has: Uint8Array;
  // Rates: index nA is the team. Totals and the current window.
  private readonly succ: Float64Array;
  private readonly winSucc: Float64Array;
  private trials = 0;
  private winTrials = 0;
  private readonly epSteps: Int32Array;
  private readonly epSucc: Int32Array;
  private readonly cascade: Cascade;

  constructor(
    private readonly world: World,
    numEnvs: number,
    private readonly cfg: CompiledReliability,
  ) {
    const nA = world.agents.length;
    this.nA = nA;
    this.numEnvs = numEnvs;
    this.has = Uint8Array.from(cfg.criteria, (c) => (c ? 1 : 0));
    this.fail = new Uint8Array(nA * numEnvs);
    this.succ = new Float64Array(nA + 1);
    this.winSucc = new Float64Array(nA + 1);
    this.epSteps = new Int32Array(numEnvs);
    this.epSucc = new Int32Array((nA + 1) * numEnvs);
    this.cascade = new Cascade(this.has, this.fail, numEnvs, cfg.horizon);
  }

  private holds(conds: readonly CompiledCondition[], engine: VecEngine, i: number, b: number): boolean {
    const nK = this.world.kpis.length;
    for (let c = 0; c < conds.length; c++) {
      const cond = conds[c]!;
      const v = cond.source === 'kpi' ? engine.kpis[b * nK + cond.index]! : engine.rewards[i]![b * this.world.rewardComponents[i]!.length + cond.index]!;
      if (!(v >= cond.lo && v <= cond.hi)) return false;
    }
    return true;
  }

  /**
   * Score the step the engine just took (before autoreset). `event[i·numEnvs+b]` is 1 when an
   * event fault is active at agent i, `onset` when one starts; `clock[b]` is the step's episode step.
   */
  step(engine: VecEngine, event: Uint8Array, onset: Uint8Array, clock: Int32Array): void {
    const { nA, numEnvs, cfg } = this;
    const episode = cfg.unit === 'episode';
    for (let b = 0; b < numEnvs; b++) {
      if (engine.wasReset[b] === 1) continue;
      let all = 1;
      for (let i = 0; i < nA; i++) {
        const conds = cfg.criteria[i];
        if (!conds) continue;
        const ok = this.holds(conds, engine, i, b) ? 1 : 0;
        this.fail[i * numEnvs + b] = 1 - ok;
        all &= ok;
        if (episode) this.epSucc[i * numEnvs + b]! += ok;
        else ((this.succ[i]! += ok), (this.winSucc[i]! += ok));
      }
      const team = cfg.team ? (this.holds(cfg.team, engine, 0, b) ? 1 : 0) : all;
      if (episode) {
        this.epSucc[nA * numEnvs + b]! += team;
        this.epSteps[b]!++;
      } else {
        this.succ[nA]! += team;
        this.winSucc[nA]! += team;
        this.trials++;
        this.winTrials++;
      }
      this.cascade.step(b, clock[b]!, event, onset);
    }
  }

  /** Copy b's episode ended (before autoreset): score it (episode unit) and close its windows. */
  endEpisode(b: number, t: number): void {
    const { nA, numEnvs, cfg } = this;
    if (cfg.unit === 'episode' && this.epSteps[b]! > 0) {
      const need = cfg.episodeShare * this.epSteps[b]! - 1e-9;
      let all = 1;
      for (let i = 0; i < nA; i++) {
        if (!cfg.criteria[i]) continue;
        const ok = this.epSucc[i * numEnvs + b]! >= need ? 1 : 0;
        all &= ok;
        this.succ[i]! += ok;
        this.winSucc[i]! += ok;
      }
      const team = cfg.team ? (this.epSucc[nA * numEnvs + b]! >= need ? 1 : 0) : all;
      this.succ[nA]! += team;
      this.winSucc[nA]! += team;
      this.trials++;
      this.winTrials++;
    }
    this.epSteps[b] = 0;
    for (let i = 0; i <= nA; i++) this.epSucc[i * numEnvs + b] = 0;
    this.cascade.endEpisode(b, t);
  }

  /** Every array holding state (scalars packed into one), for checkpoints; call `syncScalars` after restoring. */
  stateArrays(): StateArray[] {
    this.scalars[0] = this.trials;
    this.scalars[1] = this.winTrials;
    return [this.fail, this.succ, this.winSucc, this.epSteps, this.epSucc, this.scalars, ...this.cascade.stateArrays()];
  }

  /** Take the scalars back from the packed array after a restore. */
  syncScalars(): void {
    this.trials = this.scalars[0]!;
    this.winTrials = this.scalars[1]!;
  }

  private readonly scalars = new Float64Array(2);

  /** Add this window's `reliability/…` keys to a metrics row and start a new window. */
  flushWindow(row: Record<string, number>): void {
    if (this.winTrials > 0) {
      let product = 1;
      this.world.agents.forEach((a, i) => {
        if (this.has[i] === 0) return;
        const p = this.winSucc[i]! / this.winTrials;
        row[`reliability/${a.id}`] = p;
        product *= p;
      });
      row['reliability/team'] = this.winSucc[this.nA]! / this.winTrials;
      row['reliability/independence'] = product;
    }
    this.winSucc.fill(0);
    this.winTrials = 0;
  }

  /** summary.json `metrics.reliability`; closes cascade windows still open at `clock`. */
  summary(clock: Int32Array): Record<string, unknown> {
    const { nA } = this;
    const ids = this.world.agents.map((a) => a.id);
    const agents: Record<string, Rate> = {};
    let product = 1;
    for (let i = 0; i < nA; i++) {
      if (this.has[i] === 0) continue;
      agents[ids[i]!] = wilson(this.succ[i]!, this.trials);
      product *= this.trials > 0 ? this.succ[i]! / this.trials : NaN;
    }
    const team = wilson(this.succ[nA]!, this.trials);
    const pred = this.trials > 0 ? product : null;
    const { isolated, isolatedPrediction } = this.cascade.isolated(ids, this.cfg.unit === 'step');
    return {
      unit: this.cfg.unit,
      agents,
      team,
      independencePrediction: pred,
      teamMinusPrediction: pred !== null && team.rate !== null ? team.rate - pred : null,
      teamOverPrediction: pred !== null && pred > 0 && team.rate !== null ? team.rate / pred : null,
      isolated,
      isolatedPrediction,
      teamMinusIsolatedPrediction: isolatedPrediction !== null && team.rate !== null ? team.rate - isolatedPrediction : null,
      cascade: this.cascade.summary(ids, clock),
    };
  }
}
