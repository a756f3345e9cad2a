/**
 * Measures every trap of experiments/traps/ (table in experiments/traps/traps.ts): each runs over
 * `--seeds` seeds under its local rewards and under its control (the learner paid the team
 * objective), through the CLI exactly as a user would (`tacit run <trap> --seeds N`), and the
 * script prints a JSON table of how many seeds each trap's detector fired, was clear or untested
 * in, with every detector's counts, the KPI means and each run's wall-clock seconds. Exit code 1 when a trap's detector
 * fires in fewer than ⌈0.8·seeds⌉ seeds under local rewards.
 *
 *   npm run validate-traps -- [--seeds 5] [--only goal-misalignment,finance-squeeze] [--json out.json]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TRAPS, trapPath, type Trap } from './traps/traps.js';

function option(name: string): string | undefined {
  const k = process.argv.indexOf(`--${name}`);
  return k < 0 ? undefined : process.argv[k + 1];
}

const seeds = Number(option('seeds') ?? 5);
if (!Number.isInteger(seeds) || seeds < 1) {
  console.error(`error: --seeds expects a positive integer, got ${option('seeds')}`);
  process.exit(2);
}
const only = option('only')?.split(',');
const unknown = only?.filter((id) => !TRAPS.some((t) => t.id === id)) ?? [];
if (unknown.length > 0) {
  console.error(`error: --only: unknown trap ${unknown.join(', ')}; valid: ${TRAPS.map((t) => t.id).join(', ')}`);
  process.exit(2);
}
const jsonOut = option('json');
const tmp = mkdtempSync(join(tmpdir(), 'tacit-traps-'));

interface Counts {
  fired: number;
  clear: number;
  untested: number;
}
interface Side {
  /** The trap detector's counts over seeds. */
  trapDetector: Counts;
  /**
   * goodhart only: seeds where it fired on the learner and the policy swap confirms it, i.e. some
   * flagged KPI's team-cost interval (learned vs untrained policy) lies above 0. A firing the swap
   * contradicts (the learned policy left the team better off) is the contrast reacting to noise in
   * the KPI path, not the learner's doing.
   */
  confirmedBySwap?: number;
  /** Every detector's counts. */
  detectors: Record<string, Counts>;
  /** Team KPIs, mean over seeds. */
  kpis: Record<string, number>;
  /** Wall-clock seconds of the whole multi-seed run (run.json; on a shared machine, under load). */
  wallSeconds: number;
  command: string;
}

type Verdicts = Record<string, { details?: { firedSeeds?: number; clearSeeds?: number; untestedSeeds?: number } }>;
interface GoodhartDetails {
  kpis?: string[];
  attribution?: { agent: string; kpis: Record<string, { teamCostInterval: [number, number] }> }[];
}

/** Seeds (folders under out/seeds) where goodhart fired on the learner and the swap shows the team paying. */
function confirmedBySwap(out: string, learner: string): number {
  return readdirSync(join(out, 'seeds')).filter((seed) => {
    const s = JSON.parse(readFileSync(join(out, 'seeds', seed, 'summary.json'), 'utf8')) as {
      verdicts: Record<string, { fired: boolean; details: GoodhartDetails }>;
    };
    const v = s.verdicts['goodhart'];
    if (!v?.fired) return false;
    const swap = v.details.attribution?.find((a) => a.agent === learner);
    return (v.details.kpis ?? []).some((k) => (swap?.kpis[k]?.teamCostInterval[0] ?? 0) > 0);
  }).length;
}

function runSide(trap: Trap, name: string, sets: readonly string[]): Side {
  const out = join(tmp, `${trap.id}-${name}`);
  const args = [
    'bin/tacit.mjs',
    'run',
    trapPath(trap),
    '--seeds',
    String(seeds),
    '--out',
    out,
    '--set',
    'output.report=false',
    ...sets.flatMap((s) => ['--set', s]),
  ];
  const res = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (res.status !== 0) throw new Error(`${trap.id} (${name}) exited ${res.status}: ${res.stderr.slice(-2000)}`);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { verdicts: Verdicts; kpis: Record<string, number | { mean: number }> };
  const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { durationSeconds?: number };
  const detectors: Record<string, Counts> = {};
  for (const [id, v] of Object.entries(summary.verdicts))
    detectors[id] = { fired: v.details?.firedSeeds ?? 0, clear: v.details?.clearSeeds ?? 0, untested: v.details?.untestedSeeds ?? 0 };
  const kpis = Object.fromEntries(Object.entries(summary.kpis).map(([k, v]) => [k, typeof v === 'number' ? v : v.mean]));
  return {
    trapDetector: detectors[trap.detector] ?? { fired: 0, clear: 0, untested: seeds },
    ...(trap.detector === 'goodhart' ? { confirmedBySwap: confirmedBySwap(out, trap.learner) } : {}),
    detectors,
    kpis,
    wallSeconds: run.durationSeconds ?? NaN,
    command: ['node', ...args.filter((a) => a !== '--out' && a !== out)].join(' '),
  };
}

const rows = [];
for (const trap of TRAPS.filter((t) => !only || only.includes(t.id))) {
  const local = runSide(trap, 'local', []);
  const control = runSide(trap, 'control', trap.control);
  const alt = trap.altControl ? { what: trap.altControl.text, ...runSide(trap, 'alt-control', trap.altControl.sets) } : undefined;
  rows.push({
    trap: trap.id,
    kind: trap.trap,
    detector: trap.detector,
    learner: trap.learner,
    seeds,
    local,
    control: { what: trap.controlText, ...control },
    ...(alt ? { altControl: alt } : {}),
    pass: local.trapDetector.fired >= Math.ceil(0.8 * seeds),
  });
  const altText = alt ? `, ${alt.trapDetector.fired}/${seeds} ${alt.what}` : '';
  const swapText = (side: Side): string => (side.confirmedBySwap === undefined ? '' : ` (${side.confirmedBySwap} confirmed by the swap)`);
  console.error(
    `${trap.id}: ${trap.detector} fired ${local.trapDetector.fired}/${seeds}${swapText(local)} local, ${control.trapDetector.fired}/${seeds}${swapText(control)} team control${altText}`,
  );
}
const result = { seeds, traps: rows };
console.log(JSON.stringify(result, null, 2));
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(result, null, 2));
process.exitCode = rows.every((r) => r.pass) ? 0 : 1;
