/**
 * Calvano et al. (2020)'s convergence rule for DQN firms (opt-in: `convergenceWindow`,
 * `convergenceCheckEvery`, `convergenceOn`), kept apart from the learner it watches: it only reads
 * the network's greedy actions and reports, it never changes learning.
 */
import { TacitError } from '../src/core/errors.js';
import { cardinality, type Space } from '../src/core/spaces.js';
import type { InputEncoder } from '../src/learn/encode.js';
import type { DqnConfig } from './dqn-card.js';

/** What the rule reads of a DQN learner: its settings, its encoder and its Q-values. */
export interface ConvergenceLearner {
  readonly cfg: DqnConfig;
  readonly numActions: number;
  readonly encoder: InputEncoder;
  /** Q-values of `rows` encoded inputs into `out` (`raw`: scratch for a dueling head's outputs). */
  predict(x: Float32Array, rows: number, out: Float32Array, raw: Float32Array): void;
}

/** What the convergence rule carries across a checkpoint. */
export interface ConvergenceState {
  /** Greedy action per state at the last check (−1: none yet). */
  greedy: number[];
  /** convergenceOn 'play': visits per state since the last check, and the played state and action seen at it. */
  played?: { visits: number[]; state: number; action: number };
  /** Engine steps over which no check has seen the greedy strategy change. */
  unchanged: number;
  /** Changes seen since ε reached its floor: of the greedy table, or with 'play' of the played state or its greedy action (stats: strategyChanges). */
  changes: number;
}

/**
 * Calvano et al. (2020) stop their Q-learners once no state's greedy action has changed for
 * 100,000 periods: the verdict is then on a converged strategy, not on a snapshot of one still
 * moving. A table changes only in the visited state, so they check every period; a network's
 * weights are shared by every state, so here each check is one forward pass over all the
 * observation's states (precomputed inputs, no allocation), every `convergenceCheckEvery` steps.
 * Counting starts once ε has reached its floor (epsilonDecaySteps): before that the strategy is
 * still being driven by exploration, and a stable stretch there says nothing about where learning
 * settles. The rule only reports; learning goes on (the run stops when every learner has
 * converged, so the criterion is the joint one: every firm's strategy unchanged together).
 *
 * `convergenceOn: 'play'` asks less: that play has settled, i.e. the state the copies visited most
 * since the last check and the firm's greedy action there are the same at every check of the
 * window (the price path, as convergence is judged where strategies cannot be tabulated). A
 * network's greedy table as a whole never holds still at a constant learning rate: its off-path
 * entries flip with every update of the shared weights (docs/traps.md, measured).
 */
export function createConvergence(g: ConvergenceLearner, space: Space, roleSlot: number) {
  const cfg = g.cfg;
  const window = cfg.convergenceWindow!;
  const every = cfg.convergenceCheckEvery ?? 100;
  const nvec = space.kind === 'multi-discrete' ? space.nvec : [(space as { n: number }).n];
  const numStates = cardinality(space);
  const nA = g.numActions;
  const inSize = g.encoder.inputSize;
  // Every state as a raw observation (big-endian mixed radix, as tabular-q numbers them), encoded once.
  const obs = new Float32Array(numStates * nvec.length);
  for (let s = 0; s < numStates; s++) {
    let r = s;
    for (let k = nvec.length - 1; k >= 0; k--) {
      obs[s * nvec.length + k] = r % nvec[k]!;
      r = Math.floor(r / nvec[k]!);
    }
  }
  const x = new Float32Array(numStates * inSize);
  for (let s = 0; s < numStates; s++) g.encoder.encode([obs], s, x, s * inSize, roleSlot);
  const qAll = new Float32Array(numStates * nA);
  const raw = new Float32Array(cfg.dueling === true ? numStates * (nA + 1) : 0);
  const greedy = new Int32Array(numStates).fill(-1);
  const onPlay = cfg.convergenceOn === 'play';
  const visits = new Int32Array(onPlay ? numStates : 0);
  const radix = nvec.length;
  let playedState = -1;
  let playedAction = -1;
  let unchanged = 0;
  let changes = 0;
  return {
    /** Count the states the copies are in this step (convergenceOn 'play' only). */
    visit(o: Float32Array, rows: number, acted: Uint8Array | undefined): void {
      if (!onPlay) return;
      for (let b = 0; b < rows; b++) {
        if (acted !== undefined && acted[b] === 0) continue;
        let st = 0;
        for (let k = 0; k < radix; k++) st = st * nvec[k]! + o[b * radix + k]!;
        visits[st]!++;
      }
    },
    check(step: number): void {
      if (step % every !== 0) return;
      if (step < cfg.epsilonDecaySteps) {
        visits.fill(0);
        return;
      }
      g.predict(x, numStates, qAll, raw);
      const first = greedy[0] === -1;
      let changed = false;
      for (let s = 0; s < numStates; s++) {
        let a = 0;
        for (let j = 1; j < nA; j++) if (qAll[s * nA + j]! > qAll[s * nA + a]!) a = j;
        if (a !== greedy[s]) ((changed = true), (greedy[s] = a));
      }
      if (onPlay) {
        let top = 0;
        for (let s = 1; s < numStates; s++) if (visits[s]! > visits[top]!) top = s;
        visits.fill(0);
        changed = top !== playedState || greedy[top] !== playedAction;
        playedState = top;
        playedAction = greedy[top]!;
      }
      if (changed) {
        if (!first) changes++;
        unchanged = 0;
      } else unchanged += every;
    },
    converged: (): boolean => unchanged >= window,
    save: (): ConvergenceState => ({
      greedy: Array.from(greedy),
      unchanged,
      changes,
      ...(onPlay ? { played: { visits: Array.from(visits), state: playedState, action: playedAction } } : {}),
    }),
    load(d: ConvergenceState | undefined): void {
      if (d === undefined || !Array.isArray(d.greedy) || d.greedy.length !== numStates)
        throw new TacitError(
          `DQN checkpoint has no convergence state for ${numStates} states, but convergenceWindow is set: resume with the config the run started with`,
        );
      greedy.set(d.greedy);
      unchanged = d.unchanged;
      changes = d.changes;
      if (onPlay) {
        if (d.played === undefined)
          throw new TacitError(`DQN checkpoint has no played-state counts, but convergenceOn is 'play': resume with the config the run started with`);
        visits.set(d.played.visits);
        playedState = d.played.state;
        playedAction = d.played.action;
      }
    },
    stats: () => ({ stepsUnchanged: unchanged, strategyChanges: changes, converged: unchanged >= window ? 1 : 0 }),
  };
}
