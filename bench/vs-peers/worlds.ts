/**
 * The world sections of `npm run bench:vs-peers` (machinery in index.ts): tacit against its peers on
 * the same machine at the same moment, alternating the programs round by round, per CPU second of
 * the measured loop only (start-up, imports and JIT warm-up excluded on both sides). tacit's side
 * of every section is world-run.ts.
 *
 * - `beer-random`, `beer-base-stock`: the beer game at the peer's rules (beer-rules.ts: uniform
 *   demand 0..8, orders reaching upstream 2 periods and shipments 2 periods after the peer's step
 *   places them, 100 periods, orders 0..16), 1024 copies, random and base-stock (the peer's level
 *   24) players on beer-game-v2, against anchors/beergame-py's numpy `BeerGameVec` driven by beer_peer.py. Both
 *   sides play the same game period by period (test/bench/beer-peer-rules.test.ts), count 4
 *   agent-steps per copy-period and build every observation and reward; tacit also computes its
 *   KPIs and events.
 * - `calvano-textbook`, `calvano-cached`: fresh Calvano sessions of 1 M periods (mostly the
 *   exploring phase) against plain-Python loops on the same profit table (calvano_ref.py):
 *   `textbook` takes argmax and max over the row every period (it runs at the 0.27–0.30 M periods
 *   per CPU second of the reference issue 22 quotes); `cached` is the same algorithm as tacit's
 *   kernel, the strictest peer.
 * - `warehouse-none`, `warehouse-random`, `warehouse-heuristics`: warehouse-v1 at 1024 copies. No
 *   peer program exists; the section reports tacit alone against its target (8 M agent-steps per
 *   CPU second).
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ROOT, pythonMissing, type Command, type Section } from './index.js';
import { PEER_BASE_STOCK_LEVEL } from './beer-rules.js';
import { CALVANO_PERIODS, COPIES } from './world-run.js';

/** The shared anchors folder beside the checkout (../shared/anchors from the main checkout, ../../shared/anchors from a worktree). */
function anchors(): string | undefined {
  return [join(ROOT, '..', 'shared', 'anchors'), join(ROOT, '..', '..', 'shared', 'anchors')].map((p) => resolve(p)).find((p) => existsSync(p));
}

const tacitRow = (row: string, extra: string[] = []): Command => ({
  cmd: process.execPath,
  args: ['bin/run.mjs', 'bench/vs-peers/world-run.ts', row, ...extra],
});
const num = (json: Record<string, unknown>, key: string): number => Number(json[key]);

function beerSection(policy: 'random' | 'base-stock'): Section {
  const dir = join(anchors() ?? join(ROOT, '..', 'shared', 'anchors'), 'beergame-py');
  return {
    name: `beer-${policy}`,
    what: `beer game at the numpy peer's rules, ${COPIES} copies, ${policy} players${policy === 'base-stock' ? ` (the peer's level ${PEER_BASE_STOCK_LEVEL})` : ''}: M agent-steps per CPU second, tacit vs numpy (anchors/beergame-py)`,
    figures: ['mAgentStepsPerCpuSecond'],
    tacit: tacitRow(`beer-${policy}`),
    peer: { cmd: 'python3', args: ['bench/vs-peers/beer_peer.py', dir, policy, String(COPIES), '10', String(PEER_BASE_STOCK_LEVEL)] },
    peerMissing: () =>
      pythonMissing('python3', 'numpy', 'apt-get install -y python3-numpy') ??
      (existsSync(join(dir, 'beergame_peer.py')) ? undefined : `beergame_peer.py not found in ${dir} (the shared anchors folder)`),
    tacitFigures: (j) => ({ mAgentStepsPerCpuSecond: num(j, 'mAgentStepsPerCpuSecond') }),
    peerFigures: (j) => ({ mAgentStepsPerCpuSecond: num(j, 'agentStepsPerCpuSecond') / 1e6 }),
  };
}

function calvanoSection(variant: 'textbook' | 'cached'): Section {
  // tacit's run (first in every round) writes the game file the peer then reads.
  const game = join(tmpdir(), 'tacit-vs-peers-calvano-game.json');
  return {
    name: `calvano-${variant}`,
    what: `Calvano learning loop, fresh sessions of ${CALVANO_PERIODS / 1e6} M periods: M periods per CPU second, tacit's fused kernel vs plain Python (${variant}, bench/vs-peers/calvano_ref.py)`,
    figures: ['mPeriodsPerCpuSecond'],
    tacit: tacitRow('calvano', ['--calvano-game', game]),
    peer: { cmd: 'python3', args: ['bench/vs-peers/calvano_ref.py', game, String(CALVANO_PERIODS), '1', variant] },
    peerMissing: () => pythonMissing('python3', 'json', 'apt-get install -y python3'),
    tacitFigures: (j) => ({ mPeriodsPerCpuSecond: num(j, 'mPeriodsPerCpuSecond') }),
    peerFigures: (j) => ({ mPeriodsPerCpuSecond: num(j, 'periodsPerCpuSecond') / 1e6 }),
  };
}

function warehouseSection(players: 'none' | 'random' | 'heuristics'): Section {
  return {
    name: `warehouse-${players}`,
    what: `warehouse-v1, ${COPIES} copies, ${players === 'none' ? 'world alone' : `${players} players`}: M agent-steps per CPU second (target ≥ 8)`,
    figures: ['mAgentStepsPerCpuSecond'],
    tacit: tacitRow(`warehouse-${players}`),
    peer: { cmd: 'true', args: [] },
    peerMissing: () => 'no peer program exists for warehouse-v1: tacit alone, against its target of 8 M agent-steps per CPU second',
    tacitFigures: (j) => ({ mAgentStepsPerCpuSecond: num(j, 'mAgentStepsPerCpuSecond') }),
    peerFigures: () => ({}),
  };
}

/** Every world section, in the order they run. */
export const worldSections: readonly Section[] = [
  beerSection('random'),
  beerSection('base-stock'),
  calvanoSection('textbook'),
  calvanoSection('cached'),
  warehouseSection('none'),
  warehouseSection('random'),
  warehouseSection('heuristics'),
];
