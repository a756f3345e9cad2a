/**
 * The supervisor wrapper: adds one supervisor agent per supervised worker. A supervisor acts after
 * the workers and sees its worker's observation followed by the worker's *proposed* action this
 * period (the run loop writes it in before the supervisor acts: `World.proposals`); it answers
 * allow (0) or override (1). An override replaces the worker's action with the configured
 * replacement before the inner world steps, costs the supervisor `cost` (reward component
 * `overrideCost`) and the worker `penalty` (component `overridePenalty`), and spends one unit of
 * the supervisor's override budget (per episode; 0 = unlimited). An override requested with the
 * budget spent is refused (the worker's action stands) and counted; the step the budget runs out
 * emits a `override-budget-exhausted` event.
 *
 * | agent | role | action | observation |
 * |---|---|---|---|
 * | `supervisor-<worker>` (or `id`) | `supervisor` | Discrete(2): 0 allow, 1 override | the worker's observation ++ its proposed action (slots `proposed/<worker>…`) |
 *
 * Without the run loop (a bare world, the conformance suite) the proposal slots show the worker's
 * last executed action. A scripted operator is any scripted policy on those slots (e.g.
 * `threshold` on `proposed/firm0`); a learned one is any learner (a myopic tabular-q learns the
 * best override per (state, proposal), since the proposal of the next period is not yet known
 * when it bootstraps).
 */
import type { ConfigIssue } from '../core/errors.js';
import { box, discrete, multiDiscrete, type Space } from '../core/spaces.js';
import type { AgentSpec, StepOut, World } from '../core/world.js';
import type { ProposalSlot } from '../core/world-proposals.js';
import type { SupervisorConfig } from './schema.js';
import { compileReplacement, copyInnerOut, copyWrapped, scratchOut, writeReplacement, type CompiledReplacement, type WrappedState } from './wrapped.js';

/** State of a world with supervisors. */
export interface SupervisorState extends WrappedState {
  /** Per supervisor: overrides spent this episode. */
  readonly used: Int32Array;
  /** Per supervisor: 1 when it overrode its worker in the last step. */
  readonly overridden: Uint8Array;
  /** Per supervisor: 1 when it asked to override in the last step. */
  readonly requested: Uint8Array;
  /** Per supervisor: 1 when its request was refused (budget spent) in the last step. */
  readonly refused: Uint8Array;
  /** Per supervisor: its worker's last executed action (its action size slots each, concatenated). */
  readonly last: Float64Array;
}

/** What the run-side accounting needs to know of the supervisors. */
export interface SupervisorsInfo {
  /** Per supervisor: the worker's agent index and its own agent index. */
  readonly workers: readonly number[];
  readonly supervisors: readonly number[];
}

/** A world with supervisors. */
export type SupervisedWorld = World<SupervisorState> & { readonly supervision: SupervisorsInfo };

function supervisorObs(worker: Space, act: Space, workerId: string): Space {
  const actNames = act.size === 1 ? [`proposed/${workerId}`] : Array.from({ length: act.size }, (_, k) => `proposed/${workerId}/${k}`);
  const obsNames = worker.kind === 'discrete' ? ['state'] : (worker.names ?? Array.from({ length: worker.size }, (_, k) => String(k)));
  if (worker.kind !== 'box' && act.kind !== 'box') {
    const nvec = worker.kind === 'discrete' ? [worker.n] : [...worker.nvec];
    return multiDiscrete([...nvec, ...(act.kind === 'discrete' ? [act.n] : act.nvec)], [...obsNames, ...actNames]);
  }
  const lo = worker.kind === 'box' ? [...worker.low] : worker.kind === 'discrete' ? [0] : worker.nvec.map(() => 0);
  const hi = worker.kind === 'box' ? [...worker.high] : worker.kind === 'discrete' ? [worker.n - 1] : worker.nvec.map((n) => n - 1);
  const alo = act.kind === 'box' ? [...act.low] : act.kind === 'discrete' ? [0] : act.nvec.map(() => 0);
  const ahi = act.kind === 'box' ? [...act.high] : act.kind === 'discrete' ? [act.n - 1] : act.nvec.map((n) => n - 1);
  return box([...lo, ...alo], [...hi, ...ahi], lo.length + alo.length, [...obsNames, ...actNames]);
}

/** Wrap `inner` with supervisors; problems with the config are appended to `issues`. */
export function withSupervisors(inner: World, cfgs: readonly SupervisorConfig[], issues: ConfigIssue[], path = 'coordination.supervisors'): SupervisedWorld {
  const nI = inner.agents.length;
  const ids = inner.agents.map((a) => a.id);
  const workers: number[] = [];
  const replacements: CompiledReplacement[] = [];
  cfgs.forEach((c, k) => {
    const w = ids.indexOf(c.worker);
    if (w < 0) issues.push({ path: `${path}[${k}].worker`, message: `unknown agent '${c.worker}'; this world's agents: ${ids.join(', ')}` });
    else if (workers.includes(w))
      issues.push({
        path: `${path}[${k}].worker`,
        message: `agent '${c.worker}' already has a supervisor (${path}[${workers.indexOf(w)}]); give one per worker`,
      });
    workers.push(Math.max(0, w));
    // An unknown worker's replacement cannot be checked (its error is already reported).
    replacements.push(w < 0 ? { kind: 'noop' } : compileReplacement(c.replacement, inner, w, `${path}[${k}].replacement`, issues));
  });
  const nSup = cfgs.length;
  const supIds = cfgs.map((c) => c.id ?? `supervisor-${c.worker}`);
  supIds.forEach((id, k) => {
    if (ids.includes(id) || supIds.indexOf(id) !== k)
      issues.push({ path: `${path}[${k}].id`, message: `agent id '${id}' is already taken; give the supervisor another id` });
  });
  const agents: AgentSpec[] = [...inner.agents, ...supIds.map((id, k) => ({ id, role: 'supervisor', index: nI + k }))];
  const supervised = new Int32Array(nI).fill(-1);
  workers.forEach((w, k) => (supervised[w] = k));
  const actSize = workers.map((w) => inner.actionSpaces[w]!.size);
  const lastOff = actSize.map((_, k) => actSize.slice(0, k).reduce((a, b) => a + b, 0));
  const obsSpaces = [...inner.observationSpaces, ...workers.map((w) => supervisorObs(inner.observationSpaces[w]!, inner.actionSpaces[w]!, ids[w]!))];
  const actSpaces = [...inner.actionSpaces, ...workers.map(() => discrete(2, ['allow', 'override']))];
  const components = [
    ...inner.rewardComponents.map((c, i) => (supervised[i]! >= 0 ? [...c, 'overridePenalty'] : [...c])),
    ...workers.map(() => ['overrideCost']),
  ];
  const proposals: (ProposalSlot | null)[] = [...inner.agents.map(() => null), ...workers.map((w) => ({ from: w, offset: inner.observationSpaces[w]!.size }))];
  const innerActs = inner.actionSpaces.map((s) => new Float64Array(s.size));
  const tmp = scratchOut(inner);
  const innerGame = inner.repeatedGame;

  const writeObs = (s: SupervisorState, out: StepOut): void => {
    for (let k = 0; k < nSup; k++) {
      const o = out.obs[nI + k]!;
      const w = workers[k]!;
      o.set(out.obs[w]!);
      const off = inner.observationSpaces[w]!.size;
      for (let x = 0; x < actSize[k]!; x++) o[off + x] = s.last[lastOff[k]! + x]!;
    }
  };

  return {
    id: inner.id,
    params: inner.params,
    agents,
    observationSpaces: obsSpaces,
    actionSpaces: actSpaces,
    rewardComponents: components,
    kpis: inner.kpis,
    features: inner.features,
    episodeLength: inner.episodeLength,
    ...(inner.teamObjective ? { teamObjective: inner.teamObjective } : {}),
    proposals,
    supervision: { workers, supervisors: workers.map((_, k) => nI + k) },
    createState: () => ({
      inner: inner.createState(),
      used: new Int32Array(nSup),
      overridden: new Uint8Array(nSup),
      requested: new Uint8Array(nSup),
      refused: new Uint8Array(nSup),
      last: new Float64Array(actSize.reduce((a, b) => a + b, 0)),
    }),
    reset(s, seed, out) {
      inner.reset(s.inner, seed, tmp);
      copyInnerOut(inner, tmp, out);
      s.used.fill(0);
      s.overridden.fill(0);
      s.requested.fill(0);
      s.refused.fill(0);
      for (let k = 0; k < nSup; k++) inner.defaultAction(workers[k]!, s.inner, s.last.subarray(lastOff[k]!, lastOff[k]! + actSize[k]!));
      writeObs(s, out);
    },
    step(s, actions, next, out) {
      next.last.set(s.last);
      for (let i = 0; i < nI; i++) innerActs[i]!.set(actions[i]!);
      for (let k = 0; k < nSup; k++) {
        const w = workers[k]!;
        const asks = actions[nI + k]![0] === 1 && inner.isAlive(s.inner, w);
        const budget = cfgs[k]!.budget;
        const allowed = asks && (budget === 0 || s.used[k]! < budget);
        next.requested[k] = asks ? 1 : 0;
        next.refused[k] = asks && !allowed ? 1 : 0;
        next.overridden[k] = allowed ? 1 : 0;
        next.used[k] = s.used[k]! + (allowed ? 1 : 0);
        if (allowed) writeReplacement(replacements[k]!, inner, w, s.inner, s.last, lastOff[k]!, innerActs[w]!);
        next.last.set(innerActs[w]!, lastOff[k]!);
      }
      inner.step(s.inner, innerActs, next.inner, tmp);
      copyInnerOut(inner, tmp, out);
      for (let k = 0; k < nSup; k++) {
        const w = workers[k]!;
        const rw = out.rewards[w]!;
        rw[rw.length - 1] = next.overridden[k] === 1 ? -cfgs[k]!.penalty : 0;
        out.rewards[nI + k]![0] = next.overridden[k] === 1 ? -cfgs[k]!.cost : 0;
        // A supervisor lives as long as its worker does.
        out.terminated[nI + k] = out.terminated[w]!;
        out.truncated[nI + k] = out.truncated[w]!;
        if (next.overridden[k] === 1 && cfgs[k]!.budget > 0 && next.used[k] === cfgs[k]!.budget)
          out.events.push({ type: 'override-budget-exhausted', agents: [agents[nI + k]!.id, ids[w]!], data: { budget: cfgs[k]!.budget } });
      }
      writeObs(next, out);
    },
    copyState: (src, dst) => copyWrapped(inner, src, dst),
    readFeatures: (s, out) => inner.readFeatures(s.inner, out),
    defaultAction(agent, s, out) {
      if (agent < nI) inner.defaultAction(agent, s.inner, out);
      else out[0] = 0;
    },
    isAlive: (s, agent) => inner.isAlive(s.inner, agent < nI ? agent : workers[agent - nI]!),
    ...(innerGame
      ? {
          repeatedGame: {
            payoffVsUniformRivals: (agent: number) => (agent < nI ? innerGame.payoffVsUniformRivals(agent) : Float64Array.from([0, -cfgs[agent - nI]!.cost])),
          },
        }
      : {}),
  };
}
