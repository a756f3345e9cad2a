/**
 * The machinery of `npm run bench:vs-peers`: each section compares tacit with a peer program on
 * identical work, running the two alternately (tacit, peer, tacit, peer, …) as separate processes
 * so that both see the same machine load, and reports per-round ratios tacit ÷ peer.
 *
 * A section is data plus two commands that each print one JSON line; `figures` picks the numbers
 * out of it. To add a section, write it in its own file under bench/vs-peers/ and list it in
 * bench/vs-peers.ts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (commands run there): the nearest folder above this module with tacit's package.json (the module may run from a build cache). */
export const ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'tacit') return dir;
    if (dirname(dir) === dir) return process.cwd();
  }
}

/** A command that prints one JSON line on stdout. */
export interface Command {
  readonly cmd: string;
  readonly args: readonly string[];
  readonly env?: Record<string, string>;
}

/** One comparison. */
export interface Section {
  readonly name: string;
  /** What is compared, in a sentence (printed with the result). */
  readonly what: string;
  /** Figures compared (higher is better), e.g. ['samplesPerCpuSecond', 'samplesPerSecond']. */
  readonly figures: readonly string[];
  readonly tacit: Command;
  readonly peer: Command;
  /** Why the peer cannot run on this machine (with how to install it), or undefined. */
  peerMissing(): string | undefined;
  /** The figures from tacit's JSON line. */
  tacitFigures(json: Record<string, unknown>): Record<string, number>;
  /** The figures from the peer's JSON line. */
  peerFigures(json: Record<string, unknown>): Record<string, number>;
  /** Peer facts worth recording (versions, BLAS), from its JSON line. */
  peerInfo?(json: Record<string, unknown>): Record<string, unknown>;
}

/** Min, median, max. */
export interface Spread {
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

/** A section's outcome. */
export type SectionResult =
  | {
      readonly status: 'compared';
      readonly what: string;
      readonly rounds: number;
      readonly commands: { tacit: string; peer: string };
      readonly peer: Record<string, unknown>;
      readonly figures: Record<string, { tacit: Spread; peer: Spread; ratio: Spread; ratios: number[] }>;
    }
  | {
      readonly status: 'peer not installed';
      readonly what: string;
      readonly why: string;
      readonly tacitOnly: Record<string, Spread>;
      readonly commands: { tacit: string };
    };

/** Run a command; its last stdout line parsed as JSON. Throws with stderr on failure. */
export function runJson(c: Command): Record<string, unknown> {
  const r = spawnSync(c.cmd, c.args as string[], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...c.env }, maxBuffer: 64 << 20 });
  if (r.status !== 0)
    throw new Error(`${describe(c)} failed (exit ${r.status}): ${(r.stderr || r.error?.message || '').trim().split('\n').slice(-5).join(' | ')}`);
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
}

/** A command as a shell line. */
export function describe(c: Command): string {
  const env = Object.entries(c.env ?? {})
    .map(([k, v]) => `${k}=${v} `)
    .join('');
  return `${env}${c.cmd} ${c.args.join(' ')}`;
}

/** Whether `python` can import `module`; else the reason. */
export function pythonMissing(python: string, module: string, install: string): string | undefined {
  const r = spawnSync(python, ['-c', `import ${module}`], { encoding: 'utf8' });
  if (r.status === 0) return undefined;
  const why = r.error ? `${python} not found` : `${python} cannot import ${module}`;
  return `${why}; install the peer with: ${install}`;
}

function spread(xs: readonly number[]): Spread {
  const s = [...xs].sort((a, b) => a - b);
  const med = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  return { min: round(s[0]!), median: round(med), max: round(s[s.length - 1]!) };
}

function round(x: number): number {
  return Math.abs(x) >= 100 ? Math.round(x) : Math.round(x * 1000) / 1000;
}

/** Run one section for `rounds` alternating rounds. */
export function runSection(section: Section, rounds: number, log: (line: string) => void): SectionResult {
  const missing = section.peerMissing();
  const tacitRuns: Record<string, number>[] = [];
  const peerRuns: Record<string, number>[] = [];
  let peerInfo: Record<string, unknown> = {};
  for (let r = 0; r < rounds; r++) {
    tacitRuns.push(section.tacitFigures(runJson(section.tacit)));
    log(`${section.name} round ${r + 1}/${rounds}: tacit ${JSON.stringify(tacitRuns[r])}`);
    if (missing) continue;
    const json = runJson(section.peer);
    peerRuns.push(section.peerFigures(json));
    peerInfo = section.peerInfo?.(json) ?? {};
    log(`${section.name} round ${r + 1}/${rounds}: peer ${JSON.stringify(peerRuns[r])}`);
  }
  if (missing) {
    const tacitOnly = Object.fromEntries(section.figures.map((f) => [f, spread(tacitRuns.map((x) => x[f]!))]));
    return { status: 'peer not installed', what: section.what, why: missing, tacitOnly, commands: { tacit: describe(section.tacit) } };
  }
  const figures = Object.fromEntries(
    section.figures.map((f) => {
      const ratios = tacitRuns.map((t, k) => t[f]! / peerRuns[k]![f]!);
      return [f, { tacit: spread(tacitRuns.map((x) => x[f]!)), peer: spread(peerRuns.map((x) => x[f]!)), ratio: spread(ratios), ratios: ratios.map(round) }];
    }),
  );
  return {
    status: 'compared',
    what: section.what,
    rounds,
    commands: { tacit: describe(section.tacit), peer: describe(section.peer) },
    peer: peerInfo,
    figures,
  };
}
