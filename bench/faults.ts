/**
 * Cost of the fault layer: the runner's generic loop on relay-chain-v1 (5 threshold relays) with no
 * faults section, with reliability measurement only, and with one of every injection and guard.
 * Prints agent-steps per second for each (JSON rows). `node bin/run.mjs bench/faults.ts`
 */
import { resolveExperiment } from '../src/config/resolve.js';
import { runGenericSeed } from '../src/run/seed-run.js';
import { isMainScript } from './main-guard.js';

/** One measurement. */
export interface FaultBenchRow {
  bench: 'faults';
  variant: string;
  numEnvs: number;
  agentStepsPerSec: number;
  seconds: number;
}

const reliability = { criteria: { relay: { component: 'forwarded', atLeast: 1 } }, cascadeHorizon: 20 };
const VARIANTS: Record<string, unknown> = {
  none: undefined,
  'reliability only': { reliability },
  'every fault and guard': {
    injections: [
      { type: 'stale-observation', agents: ['relay1'], delay: 3, fields: ['inbox'] },
      { type: 'observation-cadence', agents: ['relay2'], every: 3 },
      { type: 'observation-noise', agents: ['relay0'], std: 0.1, fields: ['clock'] },
      { type: 'drop-fields', agents: ['relay3'], fields: ['inbox'], probability: 0.05 },
      { type: 'dropout', probability: 0.02, duration: 3 },
      { type: 'action-delay', agents: ['relay4'], delay: 2, probability: 0.2 },
      { type: 'action-corruption', agents: ['relay0'], probability: 0.02, mode: 'out-of-range', onInvalid: 'clamp' },
      { type: 'handoff', from: 'relay2', to: 'relay3', fields: ['inbox'], loss: 0.05, delay: 1 },
    ],
    guards: [
      {
        type: 'circuit-breaker',
        agents: ['relay1', 'relay2'],
        maxFaults: 3,
        window: 10,
        cooldown: 5,
        fallback: { policy: { type: 'constant', params: { action: 1 } } },
      },
      { type: 'timeout', agents: ['relay4'], maxDelay: 1, fallback: 'last-action' },
    ],
    reliability,
  },
};

/** Time `steps` engine steps of each variant on `numEnvs` copies; best of `rounds` interleaved rounds (the JIT settles slowly). */
export function faultsBench(numEnvs = 64, steps = 4000, rounds = 3): FaultBenchRow[] {
  const best = new Map<string, FaultBenchRow>();
  for (let r = 0; r < rounds; r++)
    for (const row of faultsRound(numEnvs, steps)) if ((best.get(row.variant)?.agentStepsPerSec ?? 0) < row.agentStepsPerSec) best.set(row.variant, row);
  return [...best.values()];
}

function faultsRound(numEnvs: number, steps: number): FaultBenchRow[] {
  return Object.entries(VARIANTS).map(([variant, faults]) => {
    const resolved = resolveExperiment({
      name: 'bench-faults',
      env: { id: 'relay-chain-v1', params: { numAgents: 5, arrivalRate: 0.9, episodeLength: 100 } },
      agents: [{ role: 'relay', policy: { type: 'threshold', params: { field: 'inbox' } } }],
      run: { steps, numEnvs, metricsEvery: 1000 },
      output: { maxEvents: 0 },
      ...(faults === undefined ? {} : { faults }),
    });
    const sink = { metrics: () => {}, event: () => {} };
    runGenericSeed(resolved, { seed: 0, sink }); // warm up the JIT
    const t0 = process.hrtime.bigint();
    runGenericSeed(resolved, { seed: 1, sink });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    return { bench: 'faults', variant, numEnvs, agentStepsPerSec: Math.round((steps * numEnvs * 5) / seconds), seconds: Number(seconds.toFixed(2)) };
  });
}

if (isMainScript('faults')) console.log(JSON.stringify(faultsBench(), null, 2));
