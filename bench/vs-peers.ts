/**
 * `npm run bench:vs-peers [-- --rounds 3] [--only ppo,dqn]`: tacit against peer programs on
 * identical work, run alternately on this machine, printed as one JSON object of ratios
 * tacit ÷ peer (min / median / max over rounds; higher is better for tacit). A section whose peer
 * is not installed says so and reports tacit's figures alone. Progress goes to stderr.
 *
 * Sections: add one by writing it in bench/vs-peers/<name>.ts (see bench/vs-peers/index.ts) and
 * listing it here.
 */
import { cpus, loadavg } from 'node:os';
import { runSection, type Section, type SectionResult } from './vs-peers/index.js';
import { dqnSection, ppoSection } from './vs-peers/learners.js';
import { worldSections } from './vs-peers/worlds.js';

/** Every comparison, in the order they run. */
export const SECTIONS: readonly Section[] = [ppoSection, dqnSection, ...worldSections];

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const rounds = Number(opt('--rounds') ?? 3);
if (!Number.isInteger(rounds) || rounds < 1) {
  process.stderr.write(`bench:vs-peers: --rounds ${JSON.stringify(opt('--rounds'))} is not a positive integer (e.g. --rounds 3)\n`);
  process.exit(2);
}
const onlyArg = opt('--only');
const only = onlyArg?.split(',');
const unknown = only?.filter((n) => !SECTIONS.some((s) => s.name === n)) ?? [];
if (unknown.length > 0) {
  process.stderr.write(`bench:vs-peers: --only ${unknown.join(',')}: no such section; sections are ${SECTIONS.map((s) => s.name).join(', ')}\n`);
  process.exit(2);
}
const results: Record<string, SectionResult> = {};
const loadBefore = loadavg();
for (const s of SECTIONS) {
  if (only && !only.includes(s.name)) continue;
  results[s.name] = runSection(s, rounds, (line) => process.stderr.write(`${line}\n`));
}
console.log(
  JSON.stringify({
    bench: 'tacit-vs-peers',
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    loadavg: { before: loadBefore.map((x) => Math.round(x * 10) / 10), after: loadavg().map((x) => Math.round(x * 10) / 10) },
    rounds,
    sections: results,
  }),
);
