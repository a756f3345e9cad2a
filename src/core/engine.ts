/**
 * The vectorised engine: steps `numEnvs` copies of one world in lockstep so policies can act on all
 * copies in one batch. Buffers are agent-major (agent i's observations for all copies are one
 * contiguous Float32Array) and allocated once; `step` allocates nothing (events aside, which only
 * exist when a world emits one).
 *
 * States and observation buffers are double-buffered: a step reads `states[b]`/`obs` and writes
 * `nextStates[b]`/`prevObs`-to-be, then the two are swapped. This keeps the world's input state
 * untouched (so a post-step hook can fork the pre-step state for counterfactual rewards) and
 * gives learners the pre-step observations without a copy.
 *
 * Autoreset is the engine's job, never the world's:
 *  - `same-step`: a copy whose episode ended is reset at the end of the same `step` call; its final
 *    observation is kept in `finalObs` and `obs` holds the new episode's first observation.
 *  - `next-step`: the ended copy is left as is; the next `step` call resets it instead of stepping
 *    it (actions for it are ignored) and reports no rewards for it (Gymnasium's default).
 *  - `disabled`: ended copies stay ended; stepping them is an error.
 */
import { EnvUsageError } from './errors.js';
import { RNG_WORDS, deriveSeedWords, nextUint32 } from './rng.js';
import type { StepOut, World, WorldState } from './world.js';
import type { BatchStepOut, WorldBatch } from './world-batch.js';
import type { WorldEvent } from './world-event.js';

/** How the engine restarts copies whose episode ended. */
export enum AutoresetMode {
  SameStep = 'same-step',
  NextStep = 'next-step',
  Disabled = 'disabled',
}

/** An event with the copy and step it happened in. */
export interface EngineEvent {
  /** World copy index. */
  readonly copy: number;
  /** Engine step counter when it happened (1-based: the step that produced it). */
  readonly step: number;
  /** The world's event. */
  readonly event: WorldEvent;
}

/** Options for a VecEngine. */
export interface EngineOptions {
  /** Number of world copies stepped together. */
  readonly numEnvs: number;
  /** Master seed; copy b's episodes are seeded from the stream `world/<b>` of it. */
  readonly seed: number | string;
  /** Autoreset mode; default same-step. */
  readonly autoreset?: AutoresetMode;
  /**
   * The seed words of each episode, in place of the stream `world/<b>` of `seed`: called with the
   * copy, the episode's index in that copy (0 after `reset`, then `episodesDone[copy]`) and
   * RNG_WORDS words to fill. For drivers whose episodes were seeded by name before they ran on the
   * engine (the planted recorder seeds episode k with `deriveSeedWords(seed, 'record', world.id, k)`),
   * so their trajectories stay what they were. `restore` of one copy leaves its episode count as is.
   */
  readonly episodeSeeds?: EpisodeSeeds;
}

/** See EngineOptions.episodeSeeds. */
export type EpisodeSeeds = (copy: number, episode: number, words: Uint32Array) => void;

/** Steps many copies of one world at once. */
export class VecEngine<S extends WorldState = WorldState> {
  readonly world: World<S>;
  readonly numEnvs: number;
  readonly numAgents: number;
  readonly autoreset: AutoresetMode;

  /** Per agent: current observations of all copies, `numEnvs * obsSize` (swapped each step: re-read after `step`). */
  obs: Float32Array[];
  /** Per agent: observations before the last step (what the last actions were chosen on). */
  prevObs: Float32Array[];
  /** Per agent: the last observation of each copy whose episode ended in the last step (same-step mode). */
  readonly finalObs: Float32Array[];
  /** Per agent: actions to apply at the next `step`, `numEnvs * actionSize`. Policies write here. */
  readonly actions: Float64Array[];
  /** Per agent: reward components of the last step, `numEnvs * nComponents` (row per copy). */
  readonly rewards: Float64Array[];
  /** Team KPIs of the last step, `numEnvs * nKpis` (row per copy). */
  readonly kpis: Float64Array;
  /** Per agent: terminated flags of the last step, per copy. */
  readonly terminated: Uint8Array[];
  /** Per agent: truncated flags of the last step, per copy. */
  readonly truncated: Uint8Array[];
  /**
   * Per agent: 1 where the agent acted in the last step (it was alive when the step began and the
   * copy was stepped, not reset). Learners skip the other rows: an agent that finished earlier in
   * the episode has no transition to learn from.
   */
  readonly acted: Uint8Array[];
  /** Per copy: 1 if its episode ended in the last step (all agents terminated or truncated). */
  readonly episodeEnded: Uint8Array;
  /** Per copy: 1 if the last step was a reset rather than a transition (next-step mode only). */
  readonly wasReset: Uint8Array;
  /** Per copy: steps taken in the current episode. */
  readonly episodeSteps: Int32Array;
  /** Per copy: episodes finished so far. */
  readonly episodesDone: Int32Array;
  /** Events of the last step (cleared at the start of each step). */
  readonly events: EngineEvent[] = [];
  /** Per copy: the current state (swapped each step: re-read after `step`). */
  states: S[];
  /** Per copy: the state before the last step (valid until the next step). */
  prevStates: S[];
  /** Steps taken since `reset`. */
  stepCount = 0;
  /** Steps done through the world's `batch.stepBatch` fast path (tests assert the fast path ran). */
  batchedSteps = 0;
  /** Copies reset through the world's `batch.resetBatch` fast path (tests assert it ran). */
  batchedResets = 0;

  /** The world's batched kernel (World.batch), read once here: `step` asks nothing of the world but its kernels. */
  private readonly batch: WorldBatch<S> | undefined;
  private readonly resetRngs: Uint32Array[];
  private readonly episodeSeeds: EpisodeSeeds | undefined;
  private readonly seedScratch = new Uint32Array(RNG_WORDS);
  /** Copies to reset in one `resetCopies` call, and their seed words (RNG_WORDS per entry). */
  private readonly resetList: Int32Array;
  private readonly resetSeeds: Uint32Array;
  private outs: StepOut[];
  private otherOuts: StepOut[];
  private readonly actionViews: Float64Array[][];
  private readonly obsSizes: number[];
  private readonly alive: Uint8Array[];
  private readonly notDone: Uint8Array;
  /** 32-bit word views of the 0/1 flag bytes above (see flagBytes). */
  private readonly flagWords: {
    readonly terminated: Uint32Array[];
    readonly truncated: Uint32Array[];
    readonly alive: Uint32Array[];
    readonly acted: Uint32Array[];
    readonly notDone: Uint32Array;
    readonly wasReset: Uint32Array;
    readonly ended: Uint32Array;
  };
  private batchOut: BatchStepOut;
  private otherBatchOut: BatchStepOut;
  private readonly batchEvents: WorldEvent[] = [];
  private readonly batchEventCopies: number[] = [];
  private started = false;

  constructor(world: World<S>, options: EngineOptions) {
    const { numEnvs } = options;
    if (!Number.isInteger(numEnvs) || numEnvs < 1) throw new EnvUsageError(`numEnvs must be a positive integer, got ${numEnvs}`);
    this.world = world;
    this.numEnvs = numEnvs;
    this.numAgents = world.agents.length;
    this.autoreset = options.autoreset ?? AutoresetMode.SameStep;
    this.obsSizes = world.observationSpaces.map((s) => s.size);
    const nA = this.numAgents;
    const perAgent = <T>(f: (i: number) => T): T[] => Array.from({ length: nA }, (_, i) => f(i));
    // Each kind of per-agent buffer is one contiguous run (agent i's rows follow agent i−1's) so a
    // batched kernel can address all agents through one view (BatchStepOut): the two observation
    // sets; actions, then rewards, then KPIs; terminated then truncated flags. They are carved from
    // one ArrayBuffer, the world's own memory where it offers one (`World.batch.batchBytes`: the beer
    // game's compiled step then writes them in place).
    const obsLengths = perAgent((i) => numEnvs * this.obsSizes[i]!);
    const ioLengths = [
      ...perAgent((i) => numEnvs * world.actionSpaces[i]!.size),
      ...perAgent((i) => numEnvs * world.rewardComponents[i]!.length),
      numEnvs * world.kpis.length,
    ];
    const obsBytes = align8(4 * sum(obsLengths));
    const ioBytes = 8 * sum(ioLengths);
    const flagRow = Math.ceil(numEnvs / 4) * 4;
    const bytes = 2 * obsBytes + ioBytes + 2 * nA * flagRow;
    const batch = world.batch;
    const arena = batch?.batchBytes?.(bytes, numEnvs) || new Uint8Array(bytes);
    if (arena.length < bytes || arena.byteOffset % 8 !== 0)
      throw new EnvUsageError(`world ${world.id}: batchBytes(${bytes}) gave ${arena.length} bytes at offset ${arena.byteOffset}; need ${bytes}, 8-aligned`);
    const base = arena.byteOffset;
    this.obs = agentMajor(Float32Array, obsLengths, arena.buffer, base);
    this.prevObs = agentMajor(Float32Array, obsLengths, arena.buffer, base + obsBytes);
    this.finalObs = agentMajor(Float32Array, obsLengths);
    const io = agentMajor(Float64Array, ioLengths, arena.buffer, base + 2 * obsBytes);
    this.actions = io.slice(0, nA);
    this.rewards = io.slice(nA, 2 * nA);
    this.kpis = io[2 * nA]!;
    const flags = flagBytesPerAgent(2 * nA, numEnvs, arena.buffer, base + 2 * obsBytes + ioBytes);
    this.terminated = flags.slice(0, nA);
    this.truncated = flags.slice(nA);
    this.alive = perAgent(() => flagBytes(numEnvs));
    this.acted = perAgent(() => flagBytes(numEnvs));
    this.episodeEnded = flagBytes(numEnvs);
    this.wasReset = flagBytes(numEnvs);
    this.episodeSteps = new Int32Array(numEnvs);
    this.episodesDone = new Int32Array(numEnvs);
    // Worlds with a batched kernel allocate each buffer set contiguously so the kernel can sweep it.
    this.batch = batch;
    this.states = batch ? batch.createStates(numEnvs) : Array.from({ length: numEnvs }, () => world.createState());
    this.prevStates = batch ? batch.createStates(numEnvs) : Array.from({ length: numEnvs }, () => world.createState());
    this.notDone = flagBytes(numEnvs);
    this.flagWords = {
      terminated: this.terminated.map(flagWords),
      truncated: this.truncated.map(flagWords),
      alive: this.alive.map(flagWords),
      acted: this.acted.map(flagWords),
      notDone: flagWords(this.notDone),
      wasReset: flagWords(this.wasReset),
      ended: flagWords(this.episodeEnded),
    };
    this.resetRngs = Array.from({ length: numEnvs }, (_, b) => deriveSeedWords(options.seed, 'world', b));
    this.episodeSeeds = options.episodeSeeds;
    this.resetList = new Int32Array(numEnvs);
    this.resetSeeds = new Uint32Array(numEnvs * RNG_WORDS);
    // Two sets of per-copy output views, one per observation buffer, so swapping buffers needs no new views.
    this.outs = Array.from({ length: numEnvs }, (_, b) => this.makeOut(b, this.obs));
    this.otherOuts = Array.from({ length: numEnvs }, (_, b) => this.makeOut(b, this.prevObs));
    this.batchOut = this.makeBatchOut(this.obs);
    this.otherBatchOut = this.makeBatchOut(this.prevObs);
    this.actionViews = Array.from({ length: numEnvs }, (_, b) =>
      perAgent((i) => {
        const size = world.actionSpaces[i]!.size;
        return this.actions[i]!.subarray(b * size, (b + 1) * size);
      }),
    );
  }

  private makeOut(b: number, obsBuffers: Float32Array[]): StepOut {
    const w = this.world;
    const nK = w.kpis.length;
    return {
      obs: obsBuffers.map((buf, i) => buf.subarray(b * this.obsSizes[i]!, (b + 1) * this.obsSizes[i]!)),
      rewards: this.rewards.map((buf, i) => {
        const n = w.rewardComponents[i]!.length;
        return buf.subarray(b * n, (b + 1) * n);
      }),
      kpis: this.kpis.subarray(b * nK, (b + 1) * nK),
      terminated: new Uint8Array(this.numAgents),
      truncated: new Uint8Array(this.numAgents),
      events: [],
    };
  }

  private makeBatchOut(obsBuffers: Float32Array[]): BatchStepOut {
    return {
      obs: obsBuffers,
      rewards: this.rewards,
      kpis: this.kpis,
      terminated: this.terminated,
      truncated: this.truncated,
      events: this.batchEvents,
      eventCopies: this.batchEventCopies,
    };
  }

  /** Start a fresh episode in every copy. */
  reset(): void {
    const list = this.resetList;
    for (let b = 0; b < this.numEnvs; b++) list[b] = b;
    this.episodesDone.fill(0); // before the resets: an episodeSeeds provider reads it
    this.resetCopies(list, this.numEnvs);
    this.stepCount = 0;
    this.events.length = 0;
    this.started = true;
  }

  private resetCopy(b: number, out: StepOut): void {
    const seed = this.seedScratch;
    this.drawSeed(b, seed, 0);
    this.world.reset(this.states[b]!, seed, out);
    this.afterReset(b);
  }

  /** Copy b's seed words for its next episode, into `into[at .. at + RNG_WORDS)`. */
  private drawSeed(b: number, into: Uint32Array, at: number): void {
    const provide = this.episodeSeeds;
    if (provide !== undefined) {
      const words = this.seedScratch;
      provide(b, this.episodesDone[b]!, words);
      for (let k = 0; k < RNG_WORDS; k++) into[at + k] = words[k]!;
      return;
    }
    const rng = this.resetRngs[b]!;
    for (let k = 0; k < RNG_WORDS; k++) into[at + k] = nextUint32(rng);
  }

  /**
   * Reset copies `list[0 .. n−1]` (writing `obs`): through the world's `batch.resetBatch` when it has one,
   * else copy by copy. Same seed words either way (each copy draws from its own reset stream, so
   * drawing them all first changes nothing). Measured on the beer game at 1024 copies: the per-copy
   * path cost ~0.9 µs a copy inside the stepping loop against ~0.2 µs in a tight loop of resets
   * (most likely cache misses on its scattered StepOut views, state views and reset streams), ~11%
   * of all stepping; the batched path, ~2% (CPU profile).
   */
  private resetCopies(list: Int32Array, n: number): void {
    const world = this.world;
    const batch = this.batch;
    if (batch !== undefined && batch.resetBatch !== undefined) {
      const seeds = this.resetSeeds;
      for (let j = 0; j < n; j++) this.drawSeed(list[j]!, seeds, j * RNG_WORDS);
      if (batch.resetBatch(this.states, seeds, list, n, this.obs)) {
        for (let j = 0; j < n; j++) this.afterReset(list[j]!);
        this.batchedResets += n;
        return;
      }
      // Declined: reset copy by copy with the words already drawn.
      const seed = this.seedScratch;
      for (let j = 0; j < n; j++) {
        const b = list[j]!;
        for (let k = 0; k < RNG_WORDS; k++) seed[k] = seeds[j * RNG_WORDS + k]!;
        world.reset(this.states[b]!, seed, this.outs[b]!);
        this.afterReset(b);
      }
      return;
    }
    for (let j = 0; j < n; j++) this.resetCopy(list[j]!, this.outs[list[j]!]!);
  }

  /** The engine's own bookkeeping for a copy just reset. */
  private afterReset(b: number): void {
    this.episodeSteps[b] = 0;
    this.episodeEnded[b] = 0; // reset() after an ended episode (autoreset disabled) must let the copy step again
    for (let i = 0; i < this.numAgents; i++) this.alive[i]![b] = this.world.isAlive(this.states[b]!, i) ? 1 : 0;
  }

  /**
   * Apply `actions` to every copy. `afterStep`, if given, runs after all copies stepped and before
   * autoreset, while `prevStates`/`states` still hold each copy's pre- and post-step state (reward
   * shaping and counterfactual probes hook in here).
   */
  step(afterStep?: (engine: this) => void): void {
    if (!this.started) throw new EnvUsageError('VecEngine.step() called before reset(): call engine.reset() first');
    const numEnvs = this.numEnvs;
    if (this.events.length > 0) this.events.length = 0; // setting length is a builtin call; skip it when already empty
    // Swap observation buffers: the step writes into what was prevObs.
    const tmpObs = this.prevObs;
    this.prevObs = this.obs;
    this.obs = tmpObs;
    const tmpOuts = this.outs;
    this.outs = this.otherOuts;
    this.otherOuts = tmpOuts;
    const tmpBatch = this.batchOut;
    this.batchOut = this.otherBatchOut;
    this.otherBatchOut = tmpBatch;
    const tmpStates = this.prevStates;
    this.prevStates = this.states;
    this.states = tmpStates;
    const stepNo = this.stepCount + 1;
    // Who acts in this step: the agents alive now (copies reset instead of stepped are cleared below).
    const words = this.flagWords;
    for (let i = 0; i < this.numAgents; i++) {
      const from = words.alive[i]!;
      const to = words.acted[i]!;
      for (let w = 0; w < to.length; w++) to[w] = from[w]!;
    }

    const batch = this.batch;
    if (batch !== undefined && !this.resetPending() && batch.stepBatch(this.prevStates, this.actions, this.states, this.batchOut, numEnvs)) {
      this.afterBatch(stepNo);
    } else this.stepEach(stepNo);
    this.stepCount = stepNo;
    if (afterStep) afterStep(this);
    this.autoresetEnded();
  }

  /** Whether some copy must be reset instead of stepped (next-step mode) or may not be stepped (disabled). */
  private resetPending(): boolean {
    if (this.autoreset === AutoresetMode.SameStep) return false;
    const ended = this.episodeEnded;
    for (let b = 0; b < this.numEnvs; b++) if (ended[b] === 1) return true;
    return false;
  }

  /** Bookkeeping after `stepBatch`: the same as `stepEach` does per copy, swept agent by agent. */
  private afterBatch(stepNo: number): void {
    const numEnvs = this.numEnvs;
    // Four copies per operation: the 0/1 flag bytes are read as 32-bit words, where an agent still
    // acting (alive and neither flag set) keeps its copy going and a done agent dies. Same result as
    // stepEach's per-copy loop (test/core/engine.test.ts compares both paths); measured on the beer
    // game over 1024 copies this loop went from ~6% of the time to under 2% (CPU profile).
    const words = this.flagWords;
    const notDone = words.notDone;
    const wasReset = words.wasReset;
    // Loops, not fill(): at one copy a builtin call costs more than the words it clears.
    for (let w = 0; w < notDone.length; w++) {
      notDone[w] = 0;
      wasReset[w] = 0;
    }
    for (let i = 0; i < this.numAgents; i++) {
      const term = words.terminated[i]!;
      const trunc = words.truncated[i]!;
      const alive = words.alive[i]!;
      for (let w = 0; w < notDone.length; w++) {
        const live = alive[w]! & ~(term[w]! | trunc[w]!) & 0x01010101;
        alive[w] = live;
        notDone[w] = notDone[w]! | live;
      }
    }
    const ended = words.ended;
    // (Padding bytes past numEnvs end up 1 here; no byte view reaches them.)
    for (let w = 0; w < ended.length; w++) ended[w] = notDone[w]! ^ 0x01010101;
    const steps = this.episodeSteps;
    for (let b = 0; b < numEnvs; b++) steps[b]!++;
    const events = this.batchEvents;
    if (events.length > 0) {
      for (let e = 0; e < events.length; e++) this.events.push({ copy: this.batchEventCopies[e]!, step: stepNo, event: events[e]! });
      events.length = 0;
      this.batchEventCopies.length = 0;
    }
    this.batchedSteps++;
  }

  /** The reference path: one `world.step` call per copy. */
  private stepEach(stepNo: number): void {
    const world = this.world;
    const nA = this.numAgents;
    const numEnvs = this.numEnvs;
    for (let b = 0; b < numEnvs; b++) {
      const out = this.outs[b]!;
      this.wasReset[b] = 0;
      if (this.episodeEnded[b] === 1) {
        if (this.autoreset === AutoresetMode.NextStep) {
          this.episodeEnded[b] = 0;
          this.wasReset[b] = 1;
          for (let i = 0; i < nA; i++) this.acted[i]![b] = 0;
          this.resetCopy(b, out);
          this.zeroRewards(b);
          continue;
        }
        if (this.autoreset === AutoresetMode.Disabled)
          throw new EnvUsageError(`copy ${b} finished its episode and autoreset is disabled: call reset() before stepping again`);
      }
      world.step(this.prevStates[b]!, this.actionViews[b]!, this.states[b]!, out);
      this.episodeSteps[b]!++;
      let allDone = true;
      for (let i = 0; i < nA; i++) {
        const term = out.terminated[i]!;
        const trunc = out.truncated[i]!;
        this.terminated[i]![b] = term;
        this.truncated[i]![b] = trunc;
        if (term === 0 && trunc === 0 && this.alive[i]![b] === 1) allDone = false;
        if (term === 1 || trunc === 1) this.alive[i]![b] = 0;
      }
      this.episodeEnded[b] = allDone ? 1 : 0;
      if (out.events.length > 0) {
        for (let e = 0; e < out.events.length; e++) this.events.push({ copy: b, step: stepNo, event: out.events[e]! });
        out.events.length = 0;
      }
    }
  }

  /** Count finished episodes and, in same-step mode, reset their copies. */
  private autoresetEnded(): void {
    const nA = this.numAgents;
    const list = this.resetList;
    let n = 0;
    // Four copies per test: most steps end no episode, and a zero word skips four flag bytes.
    const words = this.flagWords.ended;
    for (let w = 0; w < words.length; w++) {
      if (words[w] === 0) continue;
      for (let b = 4 * w, last = Math.min(b + 4, this.numEnvs); b < last; b++) {
        if (this.episodeEnded[b] !== 1) continue;
        this.episodesDone[b]!++;
        if (this.autoreset !== AutoresetMode.SameStep) continue;
        for (let i = 0; i < nA; i++) {
          // An element loop, not set(subarray): no view allocated per finished episode (measured: the
          // beer game resets 1/36 of its copies every step and the views showed up in GC time).
          const size = this.obsSizes[i]!;
          const from = this.obs[i]!;
          const to = this.finalObs[i]!;
          for (let k = b * size, end = k + size; k < end; k++) to[k] = from[k]!;
        }
        this.episodeEnded[b] = 0;
        list[n++] = b;
      }
    }
    if (n > 0) this.resetCopies(list, n);
  }

  private zeroRewards(b: number): void {
    for (let i = 0; i < this.numAgents; i++) {
      const n = this.world.rewardComponents[i]!.length;
      this.rewards[i]!.fill(0, b * n, (b + 1) * n);
      this.terminated[i]![b] = 0;
      this.truncated[i]![b] = 0;
    }
    const nK = this.world.kpis.length;
    this.kpis.fill(0, b * nK, (b + 1) * nK);
  }

  /** Whether agent i is still acting in copy b's current episode. */
  isAlive(agent: number, b: number): boolean {
    return this.alive[agent]![b] === 1;
  }

  /** A copy of the whole engine's position (all copies), for checkpoints. */
  checkpoint(): EngineCheckpoint<S> {
    return {
      stepCount: this.stepCount,
      states: this.states.map((st) => {
        const copy = this.world.createState();
        this.world.copyState(st, copy);
        return copy;
      }),
      obs: this.obs.map((o) => o.slice()),
      alive: this.alive.map((a) => a.slice()),
      episodeSteps: this.episodeSteps.slice(),
      episodesDone: this.episodesDone.slice(),
      episodeEnded: this.episodeEnded.slice(),
      resetRngs: this.resetRngs.map((r) => r.slice()),
    };
  }

  /** Continue from a checkpoint taken by `checkpoint` on an engine of the same world and size. */
  restoreCheckpoint(cp: EngineCheckpoint<S>): void {
    if (cp.states.length !== this.numEnvs) throw new EnvUsageError(`checkpoint has ${cp.states.length} world copies, this engine ${this.numEnvs}`);
    cp.states.forEach((st, b) => this.world.copyState(st, this.states[b]!));
    cp.obs.forEach((o, i) => this.obs[i]!.set(o));
    cp.alive.forEach((a, i) => this.alive[i]!.set(a));
    this.episodeSteps.set(cp.episodeSteps);
    this.episodesDone.set(cp.episodesDone);
    this.episodeEnded.set(cp.episodeEnded);
    cp.resetRngs.forEach((r, b) => this.resetRngs[b]!.set(r));
    this.stepCount = cp.stepCount;
    this.started = true;
  }

  /** A copy of copy b's current state and observations (cheap: typed-array copies). */
  snapshot(b: number): EngineSnapshot<S> {
    const state = this.world.createState();
    this.world.copyState(this.states[b]!, state);
    return {
      state,
      obs: this.obs.map((buf, i) => buf.slice(b * this.obsSizes[i]!, (b + 1) * this.obsSizes[i]!)),
      alive: this.alive.map((a) => a[b]!),
      episodeSteps: this.episodeSteps[b]!,
      resetRng: this.resetRngs[b]!.slice(),
    };
  }

  /** Put copy b back into a snapshot's state; stepping then continues exactly as from the original. */
  restore(b: number, snap: EngineSnapshot<S>): void {
    this.world.copyState(snap.state, this.states[b]!);
    for (let i = 0; i < this.numAgents; i++) {
      this.obs[i]!.set(snap.obs[i]!, b * this.obsSizes[i]!);
      this.alive[i]![b] = snap.alive[i]!;
    }
    this.episodeSteps[b] = snap.episodeSteps;
    this.resetRngs[b]!.set(snap.resetRng);
    this.episodeEnded[b] = 0;
  }
}

/** Everything needed to resume a whole engine exactly (plain data; survives v8 serialisation). */
export interface EngineCheckpoint<S> {
  readonly stepCount: number;
  readonly states: S[];
  readonly obs: Float32Array[];
  readonly alive: Uint8Array[];
  readonly episodeSteps: Int32Array;
  readonly episodesDone: Int32Array;
  readonly episodeEnded: Uint8Array;
  readonly resetRngs: Uint32Array[];
}

/** Everything needed to resume one engine copy exactly. */
export interface EngineSnapshot<S> {
  readonly state: S;
  readonly obs: Float32Array[];
  readonly alive: number[];
  readonly episodeSteps: number;
  readonly resetRng: Uint32Array;
}

/**
 * `count` 0/1 flag bytes whose buffer is padded to whole 32-bit words, so the
 * batched bookkeeping can process four copies per operation through `flagWords`.
 */
function flagBytes(count: number): Uint8Array {
  return new Uint8Array(new ArrayBuffer(Math.ceil(count / 4) * 4), 0, count);
}

/** `count` flag bytes per agent (as `flagBytes`), every agent's padded rows one after the other from `at` in `buffer`. */
function flagBytesPerAgent(agents: number, count: number, buffer: ArrayBufferLike, at: number): Uint8Array[] {
  const padded = Math.ceil(count / 4) * 4;
  return Array.from({ length: agents }, (_, i) => new Uint8Array(buffer, at + i * padded, count));
}

/** The 32-bit word view of a `flagBytes` array (its padded rows). */
function flagWords(bytes: Uint8Array): Uint32Array {
  return new Uint32Array(bytes.buffer, bytes.byteOffset, Math.ceil(bytes.length / 4));
}

const sum = (xs: readonly number[]): number => xs.reduce((a, n) => a + n, 0);
const align8 = (n: number): number => Math.ceil(n / 8) * 8;

/** One array per agent of `lengths[i]` elements, all views into one buffer (a new one, or `buffer` from byte `at`), agent after agent. */
function agentMajor<T extends Float32Array | Float64Array>(
  ctor: { new (buffer: ArrayBufferLike, offset: number, length: number): T; readonly BYTES_PER_ELEMENT: number },
  lengths: readonly number[],
  buffer?: ArrayBufferLike,
  at = 0,
): T[] {
  const bytes = ctor.BYTES_PER_ELEMENT;
  const into = buffer ?? new ArrayBuffer(sum(lengths) * bytes);
  let k = 0;
  return lengths.map((n) => {
    const view = new ctor(into, at + k * bytes, n);
    k += n;
    return view;
  });
}
