/**
 * Decision profile of a finished run: replay its policies greedily (`tacit eval`'s loop) and
 * count, per agent and action slot, how often each action was chosen, most frequent first. Run it
 * on a learned run and on the scripted baseline to see where a learner's decisions part from the
 * heuristic's (docs/warehouse-learning.md: a raw-quantity learner ordering SKU A at a constant
 * 175 units a day where the baseline orders 25–75 by the day's position).
 *
 *   npm run profile-decisions -- <runDir> [--episodes 16] [--top 8]
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveExperiment } from '../src/config/resolve.js';
import { TacitError } from '../src/core/errors.js';
import { evaluateRun } from '../src/run/evaluate.js';
import { preparePolicies } from '../src/run/prepare.js';

function usage(message: string): never {
  process.stderr.write(`profile-decisions: ${message}\nusage: npm run profile-decisions -- <runDir> [--episodes 16] [--top 8]\n`);
  process.exit(2);
}

function intArg(name: string, fallback: number): number {
  const k = process.argv.indexOf(`--${name}`);
  if (k < 0) return fallback;
  const v = Number(process.argv[k + 1]);
  if (!Number.isInteger(v) || v < 1) usage(`--${name} expects a positive integer, got '${process.argv[k + 1]}'`);
  return v;
}

const dir = process.argv[2];
if (dir === undefined || dir.startsWith('--')) usage('give a run folder');
if (!existsSync(join(dir, 'config.resolved.json'))) usage(`${dir} is not a run folder (no config.resolved.json)`);
const episodes = intArg('episodes', 16);
const top = intArg('top', 8);

try {
  // Only prepared policies can be created (PPO loads its backend): prepare those the run names.
  const resolved = resolveExperiment(JSON.parse(readFileSync(join(dir, 'config.resolved.json'), 'utf8')));
  await preparePolicies(resolved);
  const w = resolved.makeWorld();
  const counts: Map<number, number>[][] = [];
  evaluateRun(dir, (c) => resolveExperiment(c), {
    episodes,
    seed: 1000,
    onActions(actions) {
      actions.forEach((a, i) => {
        const size = w.actionSpaces[i]!.size;
        const slots = (counts[i] ??= Array.from({ length: size }, () => new Map<number, number>()));
        for (let k = 0; k < a.length; k++) slots[k % size]!.set(a[k]!, (slots[k % size]!.get(a[k]!) ?? 0) + 1);
      });
    },
  });
  const profile = w.agents.map((agent, i) => {
    const space = w.actionSpaces[i]!;
    const labels = space.kind === 'multi-discrete' ? space.names : undefined;
    return {
      agent: agent.id,
      slots: (counts[i] ?? []).map((m, k) => {
        const total = [...m.values()].reduce((x, y) => x + y, 0);
        const slot = space.kind === 'multi-discrete' ? (labels?.[k] ?? String(k)) : 'action';
        return {
          slot,
          shares: [...m.entries()]
            .sort((x, y) => y[1] - x[1])
            .slice(0, top)
            .map(([action, n]) => ({ action, share: Math.round((1000 * n) / total) / 1000 })),
        };
      }),
    };
  });
  console.log(JSON.stringify({ run: dir, episodes, evalSeed: 1000, profile }, null, 2));
} catch (e) {
  if (e instanceof TacitError) usage(e.message);
  throw e;
}
