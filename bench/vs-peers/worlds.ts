/**
 * The world rows of `npm run bench:vs-peers`: tacit against its peers on the same machine at the
 * same moment, alternating the programs round by round, per CPU second (process CPU time of the
 * measured loop only; start-up, imports and JIT warm-up excluded on both sides).
 *
 * - beer game at the peer's rules (uniform demand 0..8, order and shipping leads 2, 100 periods,
 *   orders 0..16), 1024 copies, random and base-stock (level 24) players, against the numpy
 *   vectorised peer (anchors/beergame-py, driven by beer_peer.py). Both sides count 4 agent-steps
 *   per copy-period and build every observation and reward; tacit also computes its KPIs.
 * - Calvano learning loop: fresh sessions of 1 M periods (mostly the exploring phase), against two
 *   plain-Python loops (calvano_ref.py): `textbook` (argmax and max over the row each period; it
 *   runs at the 0.27–0.30 M periods per CPU second of the reference issue 22 quotes) and `cached`
 *   (the same algorithm as tacit's kernel, the strictest peer).
 * - warehouse-v1 at 1024 copies (world alone, random, heuristics): no peer exists; the row gives
 *   tacit's rate against its target of 8 M agent-steps per CPU second.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beerGame } from '../../envs/beer-game/beer-game.js';
import { warehouse } from '../../envs/warehouse/warehouse.js';
import { VecEngine } from '../../src/core/engine.js';
import type { Policy } from '../../src/core/policy.js';
import type { World } from '../../src/core/world.js';
import { buildPolicies, type PolicyChoice } from '../supply-harness.js';
import { calvanoSetup } from './calvano.js';

/** Options of the world rows. */
export interface WorldRowsOptions {
  readonly rounds: number;
  /** Folder holding the peers (beergame-py/); rows whose peer is missing say so. */
  readonly anchors: string | undefined;
  /** Only rows whose name contains this. */
  readonly only?: string;
}

/** min / median / max of per-round figures. */
export interface Spread {
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

/** One row: tacit's and the peer's per-round rates and their per-round ratios. */
export interface VsPeerRow {
  readonly row: string;
  readonly unit: string;
  readonly tacit: Spread;
  readonly peer: (Spread & { readonly name: string }) | { readonly name: string; readonly missing: string } | null;
  readonly ratio: Spread | null;
  readonly target?: string;
  readonly rounds: number;
}

const spread = (xs: readonly number[], digits = 2): Spread => {
  const s = [...xs].sort((a, b) => a - b);
  const r = (v: number): number => Math.round(v * 10 ** digits) / 10 ** digits;
  return { min: r(s[0]!), median: r(s[Math.floor((s.length - 1) / 2)]!), max: r(s[s.length - 1]!) };
};

/** CPU seconds of `run` in this process. */
function cpuSeconds(run: () => void): number {
  const c0 = process.cpuUsage();
  run();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
}

/** A VecEngine with scripted players (or fixed actions), stepped `steps` at a time. */
function engineCase(world: World, choose: Record<string, PolicyChoice> | null, copies: number): (steps: number) => void {
  const engine = new VecEngine(world, { numEnvs: copies, seed: 1 });
  const policies: Policy[] | null = choose ? buildPolicies(world, choose, copies, 1) : null;
  const nA = world.agents.length;
  if (!policies) for (let i = 0; i < nA; i++) engine.actions[i]!.fill(1);
  engine.reset();
  return (steps) => {
    for (let t = 0; t < steps; t++) {
      if (policies) for (let i = 0; i < nA; i++) policies[i]!.act(engine.obs[i]!, engine.actions[i]!, 'greedy');
      engine.step();
    }
  };
}

const PEER_BEER = { demand: { kind: 'uniform', low: 0, high: 8 }, orderLeadTime: 2, shippingLeadTime: 2, episodeLength: 100, maxOrder: 16 };
const BASE_STOCK_LEVEL = 24;
const COPIES = 1024;

/** Run a peer command and read the one JSON line it prints. */
function peerJson(cmd: string, args: readonly string[]): Record<string, number> {
  const out = execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.slice(out.indexOf('{'))) as Record<string, number>;
}

function pythonWithNumpy(): string | undefined {
  try {
    execFileSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' });
    return 'python3';
  } catch {
    return undefined;
  }
}

/** The row groups; each runs in its own process (see worldRows). */
export const WORLD_GROUPS = ['beer', 'calvano', 'warehouse'] as const;

/**
 * Every world row, each measured `rounds` times alternating tacit and its peer. Each group runs in
 * a child process (this script again with `--group`): sharing one process would let the JIT tune
 * the engine's loops to one world and deoptimise them for the next (as bench/supply.ts does).
 */
export function worldRows(opts: WorldRowsOptions): VsPeerRow[] {
  const pass = ['--rounds', String(opts.rounds), ...(opts.anchors ? ['--anchors', opts.anchors] : []), ...(opts.only !== undefined ? ['--only', opts.only] : [])];
  return WORLD_GROUPS.flatMap((g) => {
    const out = execFileSync(process.execPath, [process.argv[1]!, ...pass, '--group', g], { encoding: 'utf8', maxBuffer: 16 << 20 });
    return (JSON.parse(out.slice(out.indexOf('{'))) as { rows: VsPeerRow[] }).rows;
  });
}

/** The rows of one group, measured in this process. */
export function worldGroupRows(group: (typeof WORLD_GROUPS)[number], opts: WorldRowsOptions): VsPeerRow[] {
  const here = resolve('bench/vs-peers');
  const python = pythonWithNumpy();
  const beerPeerDir = opts.anchors ? join(opts.anchors, 'beergame-py') : undefined;
  const beerPeerMissing = !python ? 'python3 with numpy not found' : !beerPeerDir || !existsSync(join(beerPeerDir, 'beergame_peer.py')) ? `beergame_peer.py not found (looked in ${beerPeerDir ?? 'no anchors folder'}; pass --anchors DIR)` : undefined;
  const rows: VsPeerRow[] = [];
  const want = (name: string): boolean => opts.only === undefined || name.includes(opts.only);

  if (group === 'beer') beerRows(opts, rows, want, here, python, beerPeerDir, beerPeerMissing);
  else if (group === 'calvano') calvanoRows(opts, rows, want, here, python);
  else warehouseRows(opts, rows, want);
  return rows;
}

type Want = (name: string) => boolean;

function beerRows(opts: WorldRowsOptions, rows: VsPeerRow[], want: Want, here: string, python: string | undefined, beerPeerDir: string | undefined, beerPeerMissing: string | undefined): void {
  // Beer game at the peer's rules.
  const beer = beerGame.create(beerGame.paramsSchema.parse(PEER_BEER));
  const beerPolicies: [string, Record<string, PolicyChoice>, string][] = [
    ['random', Object.fromEntries(beer.agents.map((a) => [a.id, { type: 'random' }])), 'random'],
    ['base-stock', Object.fromEntries(beer.agents.map((a) => [a.id, { type: 'base-stock', params: { level: BASE_STOCK_LEVEL } }])), 'base-stock'],
  ];
  for (const [label, choose, peerPolicy] of beerPolicies) {
    const name = `beer-game (peer's rules), ${label}, ${COPIES} copies`;
    if (!want(name)) continue;
    const run = engineCase(beer, choose, COPIES);
    const steps = 1000; // 4.1 M agent-steps a round
    run(300); // warm-up
    const tacit: number[] = [];
    const peer: number[] = [];
    for (let r = 0; r < opts.rounds; r++) {
      tacit.push((steps * COPIES * 4) / cpuSeconds(() => run(steps)) / 1e6);
      if (!beerPeerMissing) peer.push(peerJson(python!, [join(here, 'beer_peer.py'), beerPeerDir!, peerPolicy, String(COPIES), '10', String(BASE_STOCK_LEVEL)]).agentStepsPerCpuSecond! / 1e6);
    }
    rows.push(withPeer(name, 'M agent-steps per CPU second', tacit, beerPeerMissing, 'numpy vectorised (anchors/beergame-py)', peer, opts.rounds, '≥ 3× the peer'));
  }

}

function calvanoRows(opts: WorldRowsOptions, rows: VsPeerRow[], want: Want, here: string, python: string | undefined): void {
  const periods = 1_000_000;
  const calvano = calvanoSetup();
  const dir = mkdtempSync(join(tmpdir(), 'tacit-vs-peers-'));
  try {
    const gameFile = join(dir, 'calvano-game.json');
    calvano.writeGame(gameFile);
    calvano.run(99, periods); // warm-up
    for (const variant of ['textbook', 'cached'] as const) {
      const name = `calvano learning loop, sessions of ${periods / 1e6} M periods, vs python ${variant}`;
      if (!want(name)) continue;
      const tacit: number[] = [];
      const peer: number[] = [];
      for (let r = 0; r < opts.rounds; r++) {
        tacit.push(periods / cpuSeconds(() => calvano.run(r + 1, periods)) / 1e6);
        if (python) peer.push(peerJson(python, [join(here, 'calvano_ref.py'), gameFile, String(periods), String(r + 1), variant]).periodsPerCpuSecond! / 1e6);
      }
      rows.push(withPeer(name, 'M periods per CPU second', tacit, python ? undefined : 'python3 not found', `plain Python, ${variant} (bench/vs-peers/calvano_ref.py)`, peer, opts.rounds, variant === 'textbook' ? '≥ 35× the peer' : undefined));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

}

function warehouseRows(opts: WorldRowsOptions, rows: VsPeerRow[], want: Want): void {
  // Tacit alone against its absolute target: no peer exists.
  const wh = warehouse.create(warehouse.paramsSchema.parse({}));
  const heuristic: Record<string, PolicyChoice> = {
    procurement: { type: 'base-stock' },
    inventory: { type: 'base-stock', params: { level: 200 } },
    logistics: { type: 'standard-shipping' },
    finance: { type: 'fixed-budget' },
  };
  const random = Object.fromEntries(wh.agents.map((a) => [a.id, { type: 'random' }]));
  for (const [label, choose] of [['world alone', null], ['random', random], ['heuristics', heuristic]] as const) {
    const name = `warehouse-v1, ${label}, ${COPIES} copies`;
    if (!want(name)) continue;
    const run = engineCase(wh, choose, COPIES);
    const steps = 250; // 1 M agent-steps a round
    run(100);
    const tacit: number[] = [];
    for (let r = 0; r < opts.rounds; r++) tacit.push((steps * COPIES * 4) / cpuSeconds(() => run(steps)) / 1e6);
    rows.push({ row: name, unit: 'M agent-steps per CPU second', tacit: spread(tacit), peer: null, ratio: null, target: '≥ 8 M agent-steps per CPU second', rounds: opts.rounds });
  }
}

function withPeer(row: string, unit: string, tacit: number[], missing: string | undefined, peerName: string, peer: number[], rounds: number, target?: string): VsPeerRow {
  const base = { row, unit, tacit: spread(tacit), rounds, ...(target ? { target } : {}) };
  if (missing !== undefined) return { ...base, peer: { name: peerName, missing }, ratio: null };
  return { ...base, peer: { name: peerName, ...spread(peer, 3) }, ratio: spread(tacit.map((t, k) => t / peer[k]!)) };
}
