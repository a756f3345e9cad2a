/**
 * End-of-run analysis of a world with coordination wrappers (the wrapped spec's `analyze`):
 *
 *  1. Greedy play of the wrapped world itself: from copy 0's final state (a continuing world) or
 *     from fresh episodes (an episodic one), every policy acts greedily, supervisors see the
 *     proposals, budgets and channels apply; the team KPIs' per-step means over the last
 *     GREEDY_PERIODS periods go to `coordination/greedy/<kpi>`. This is exact for whatever the
 *     wrappers do, and is the number to compare across variants with and without a wrapper.
 *  2. The inner world's own analysis (market-v1's limit cycle, Δ, deviation probes, retraining),
 *     when only a message channel was added: the learners are asked for their greedy *actions*
 *     (the word part is dropped) with the message slots of their observation held at what copy 0
 *     saw last. With converged, deterministic play on a cycle the words are fixed functions of the
 *     state, so this is the cycle the run ended on; a deviation probe then shows the price
 *     response alone (the words stay as they were). Retraining starts from zeros (the learned Q
 *     table has the wrapped action set). With supervisors or budgets the inner analysis would
 *     ignore overrides and fallbacks, so it is skipped and says so (`coordination/innerAnalysis`).
 *  3. Message probes, with a channel (`coordination/messageProbes`): see `messageProbes` below;
 *     the collusion detector's channel verdict reads them (src/detectors/message-dependence.ts).
 */
import { deriveSeedWords } from '../core/rng.js';
import { proposalWriter } from '../core/world-proposals.js';
import { allocStepOut, type TrainedPolicy, type WorldAnalysis, type WorldAnalysisContext, type WorldSpec, type WorldState } from '../core/world.js';
import type { MessageProbe } from '../detectors/message-dependence.js';
import type { CoordinationConfig } from './schema.js';
import type { MessagesInfo, MessagesWorld } from './messages.js';

/** Periods of greedy play measured (after as many periods of settling). */
export const GREEDY_PERIODS = 1000;

/** The analysis of a wrapped world (see the module header). */
export function analyzeCoordinated(spec: WorldSpec, cfg: CoordinationConfig, ctx: WorldAnalysisContext, messages: MessagesInfo | null): WorldAnalysis {
  const play = greedyPlay(ctx, messages);
  const metrics: Record<string, unknown> = { 'coordination/greedy': play.kpis, ...(play.probes ? { 'coordination/messageProbes': play.probes } : {}) };
  if (!spec.analyze) return { metrics };
  if (cfg.supervisors || cfg.budgets) {
    metrics['coordination/innerAnalysis'] =
      `skipped: ${spec.id}'s own analysis would ignore ${cfg.supervisors ? 'overrides' : 'budget fallbacks'}; see coordination/greedy`;
    return { metrics };
  }
  const inner = projectMessages(spec, ctx);
  // Holding the words is exact only when they do not change along the greedy path.
  const exact = (play.probes ?? []).every((p) => p.spoken === 0 || p.spoken === p.periods);
  const note = exact
    ? 'words held at the final observation of copy 0 (exact: they do not change on the greedy path)'
    : 'words held at the final observation of copy 0 (approximate: they change on the greedy path, so coordination/greedy is the Δ of play)';
  return {
    metrics: { ...inner.metrics, ...metrics, 'coordination/innerAnalysis': note, 'coordination/heldWordsExact': exact ? 1 : 0 },
    ...(inner.events ? { events: inner.events } : {}),
  };
}

/** Mean per-step KPI values of greedy play (see the module header, item 1), and the message probes when there is a channel (item 3). */
export function greedyPlay(ctx: WorldAnalysisContext, messages: MessagesInfo | null): { kpis: Record<string, number>; probes: MessageProbe[] | null } {
  const { world, engine, policies } = ctx;
  const rows = engine.numEnvs;
  const nA = world.agents.length;
  const obs = world.observationSpaces.map((s) => new Float32Array(rows * s.size));
  const acts = world.actionSpaces.map((s) => new Float64Array(rows * s.size));
  const views = world.actionSpaces.map((s, i) => acts[i]!.subarray(0, s.size));
  let state: WorldState = world.createState();
  let next: WorldState = world.createState();
  const out = allocStepOut(world);
  const sums = new Float64Array(world.kpis.length);
  const continuing = world.episodeLength === 0 && engine.states !== undefined;
  let episode = 0;
  const probes = messages ? messageProbes(ctx, messages, obs, acts) : null;
  const restart = (): void => {
    world.reset(state, deriveSeedWords(ctx.seed, 'coordination', 'greedy', episode++), out);
    out.events.length = 0;
    for (let i = 0; i < nA; i++) obs[i]!.set(out.obs[i]!);
  };
  if (continuing) {
    world.copyState(engine.states![0]!, state);
    for (let i = 0; i < nA; i++) obs[i]!.set(engine.obs[i]!.subarray(0, world.observationSpaces[i]!.size));
  } else restart();
  const proposals = proposalWriter(world);
  for (let t = 0; t < 2 * GREEDY_PERIODS; t++) {
    for (let i = 0; i < nA; i++) {
      if (proposals) proposals(i, obs, acts, 1);
      (policies[i] as TrainedPolicy).act(obs[i]!, acts[i]!, 'greedy');
    }
    if (probes && t >= GREEDY_PERIODS) probes.probe();
    world.step(state, views, next, out);
    out.events.length = 0;
    if (t >= GREEDY_PERIODS) for (let k = 0; k < sums.length; k++) sums[k]! += out.kpis[k]!;
    [state, next] = [next, state];
    let ended = true;
    for (let i = 0; i < nA; i++) if (out.terminated[i] !== 1 && out.truncated[i] !== 1) ended = false;
    if (ended) restart();
    else for (let i = 0; i < nA; i++) obs[i]!.set(out.obs[i]!);
  }
  return { kpis: Object.fromEntries(world.kpis.map((k, i) => [k.name, sums[i]! / GREEDY_PERIODS])), probes: probes?.results() ?? null };
}

/**
 * Message probes (item 3 of the header): at every measured period of greedy play, for every
 * receiver and sender, replace the word the receiver sees from that sender by each other word and
 * ask the receiver's policy for its greedy action again; count how often its (inner) action
 * changes. Exact for deterministic greedy policies: a receiver whose action never changes does
 * not act on the words on the path play takes, whatever it learned elsewhere.
 */
function messageProbes(ctx: WorldAnalysisContext, info: MessagesInfo, obs: readonly Float32Array[], acts: readonly Float64Array[]) {
  const { world, policies } = ctx;
  const rows = ctx.engine.numEnvs;
  const V = info.vocabulary.length;
  const pairs = info.slotSenders.flatMap((ks, j) => ks.map((k, x) => ({ j, k, slot: info.slotStart[j]! + x, periods: 0, spoken: 0, probes: 0, changed: 0 })));
  const scratchObs = world.observationSpaces.map((s) => new Float32Array(rows * s.size));
  const scratchAct = world.actionSpaces.map((s) => new Float64Array(rows * s.size));
  return {
    probe(): void {
      for (const p of pairs) {
        const size = world.observationSpaces[p.j]!.size;
        const seen = obs[p.j]![p.slot]!;
        const actual = info.innerDiscrete(p.j, acts[p.j]![0]!);
        p.periods++;
        if (seen !== 0) p.spoken++;
        scratchObs[p.j]!.set(obs[p.j]!.subarray(0, size));
        for (let w = 0; w < V; w++) {
          if (w === seen) continue;
          scratchObs[p.j]![p.slot] = w;
          (policies[p.j] as TrainedPolicy).act(scratchObs[p.j]!, scratchAct[p.j]!, 'greedy');
          p.probes++;
          if (info.innerDiscrete(p.j, scratchAct[p.j]![0]!) !== actual) p.changed++;
        }
      }
    },
    results: (): MessageProbe[] =>
      pairs.map((p) => ({
        sender: world.agents[info.senders[p.k]!]!.id,
        receiver: world.agents[p.j]!.id,
        periods: p.periods,
        spoken: p.spoken,
        probes: p.probes,
        changed: p.changed,
      })),
  };
}

/** The inner world's analysis through policies that see held messages and answer with inner actions (item 2). */
function projectMessages(spec: WorldSpec, ctx: WorldAnalysisContext): WorldAnalysis {
  const wrapped = ctx.world as MessagesWorld;
  const info = wrapped.messages;
  const base = spec.create(wrapped.params as Record<string, unknown>);
  const rows = ctx.engine.numEnvs;
  const held = wrapped.agents.map((_, i) => ctx.engine.obs[i]!.slice(info.innerObsSize[i]!, wrapped.observationSpaces[i]!.size));
  const policies: TrainedPolicy[] = base.agents.map((_, i) => {
    const p = ctx.policies[i]!;
    const inSize = info.innerObsSize[i]!;
    const outSize = wrapped.observationSpaces[i]!.size;
    const wide = new Float32Array(rows * outSize);
    const joint = new Float64Array(rows * wrapped.actionSpaces[i]!.size);
    const discreteInner = base.actionSpaces[i]!.kind === 'discrete';
    return {
      act(o, actions, mode) {
        const n = actions.length / base.actionSpaces[i]!.size;
        for (let b = 0; b < n; b++) {
          wide.set(o.subarray(b * inSize, (b + 1) * inSize), b * outSize);
          wide.set(held[i]!, b * outSize + inSize);
        }
        p.act(wide, joint, mode);
        const aIn = base.actionSpaces[i]!.size;
        const aOut = wrapped.actionSpaces[i]!.size;
        for (let b = 0; b < n; b++) {
          if (discreteInner) actions[b] = info.innerDiscrete(i, joint[b]!);
          else for (let x = 0; x < aIn; x++) actions[b * aIn + x] = joint[b * aOut + x]!;
        }
      },
      ...(p.stats ? { stats: () => p.stats!() } : {}),
      ...(p.converged ? { converged: () => p.converged!() } : {}),
    };
  });
  const obs = base.agents.map((_, i) => {
    const inSize = info.innerObsSize[i]!;
    const outSize = wrapped.observationSpaces[i]!.size;
    const o = new Float32Array(rows * inSize);
    for (let b = 0; b < rows; b++) o.set(ctx.engine.obs[i]!.subarray(b * outSize, b * outSize + inSize), b * inSize);
    return o;
  });
  return spec.analyze!({ world: base, engine: { numEnvs: rows, obs }, policies, seed: ctx.seed });
}
