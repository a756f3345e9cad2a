/**
 * `npm run bench:vs-peers`: tacit against the peer programs it is measured by (anchors/ in the
 * shared folder: numpy beer game, Python Calvano loop, ...), on this machine at this moment,
 * alternating tacit and the peer round by round, as CPU-second rates and their per-round ratios
 * (min / median / max). Prints one JSON document. Rows whose peer is not installed say what is
 * missing instead of a ratio.
 *
 *   npm run bench:vs-peers -- [--rounds 5] [--only TEXT] [--anchors DIR]
 *
 * Sections: `worlds` (bench/vs-peers/worlds.ts). Each section is a function returning rows.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { WORLD_GROUPS, worldGroupRows, worldRows, type WorldRowsOptions } from './vs-peers/worlds.js';

const flag = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const rounds = Number(flag('rounds') ?? 5);
if (!Number.isInteger(rounds) || rounds < 1) {
  process.stderr.write(`--rounds ${flag('rounds')}: expected a positive integer, e.g. --rounds 5\n`);
  process.exit(2);
}
// The peers live in the shared anchors folder beside the checkout (../shared/anchors from the main
// checkout, ../../shared/anchors from a worktree under wt/).
const anchors = flag('anchors') ?? ['../shared/anchors', '../../shared/anchors'].map((p) => resolve(p)).find((p) => existsSync(p));
const opts: WorldRowsOptions = { rounds, anchors, ...(flag('only') !== undefined ? { only: flag('only')! } : {}) };

const group = flag('group');
if (group !== undefined) {
  // A child process measuring one world group (see worldRows).
  if (!(WORLD_GROUPS as readonly string[]).includes(group)) {
    process.stderr.write(`--group ${group}: expected one of ${WORLD_GROUPS.join(', ')}\n`);
    process.exit(2);
  }
  console.log(JSON.stringify({ rows: worldGroupRows(group as (typeof WORLD_GROUPS)[number], opts) }));
  process.exit(0);
}

const sections: { section: string; rows: (o: WorldRowsOptions) => unknown[] }[] = [{ section: 'worlds', rows: worldRows }];
const out: Record<string, unknown> = { bench: 'vs-peers', node: process.version, rounds, anchors: anchors ?? null };
for (const s of sections) out[s.section] = s.rows(opts);
console.log(JSON.stringify(out, null, 1));
