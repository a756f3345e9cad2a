#!/usr/bin/env node
// Byte-identity check for refactors: runs every experiment under experiments/ at a small step
// budget with two checkouts of tacit (a baseline and a candidate), then `tacit eval` on each
// finished run, and compares every output file byte for byte. Only the JSON files' wall-clock and
// provenance fields (runId, times, duration, commit, command) are blanked before comparing, since
// they differ between any two runs.
//
//   node scripts/compare-outputs.mjs <baseRoot> <candidateRoot> <workDir> [steps=1500] [seeds=2]
//
// Prints one line per experiment and "N files byte-identical, M differ" at the end; exit 1 if any differ.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const [baseRoot, candRoot, work, stepsArg = '1500', seedsArg = '2'] = process.argv.slice(2);
if (!baseRoot || !candRoot || !work) {
  console.error('usage: compare-outputs.mjs <baseRoot> <candidateRoot> <workDir> [steps] [seeds]');
  process.exit(2);
}
const only = process.env.ONLY ? new RegExp(process.env.ONLY) : null;

function yamls(dir) {
  return readdirSync(dir)
    .flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? yamls(p) : f.endsWith('.yaml') ? [p] : [];
    })
    .sort();
}

function files(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

const VOLATILE = ['runId', 'startedAt', 'finishedAt', 'durationSeconds', 'gitCommit', 'gitDirty', 'command', 'createdAt', 'elapsedSeconds'];
function normalised(path) {
  const bytes = readFileSync(path);
  if (!path.endsWith('.json')) return bytes;
  try {
    const strip = (v) =>
      Array.isArray(v)
        ? v.map(strip)
        : v && typeof v === 'object'
          ? Object.fromEntries(
              Object.entries(v)
                .filter(([k]) => !VOLATILE.includes(k))
                .map(([k, x]) => [k, strip(x)]),
            )
          : v;
    return Buffer.from(JSON.stringify(strip(JSON.parse(bytes.toString('utf8')))));
  } catch {
    return bytes;
  }
}

/** Run tacit from `root`; 'ok' or the failure, and stdout. */
function tacit(root, args) {
  try {
    const stdout = execFileSync('node', [join(root, 'bin/tacit.mjs'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], timeout: 600_000 });
    return { status: 'ok', stdout };
  } catch (err) {
    return {
      status: `exit ${err.status ?? err.signal}: ${
        String(err.stderr ?? '')
          .split('\n')
          .filter(Boolean)
          .slice(-1)[0] ?? ''
      }`,
      stdout: null,
    };
  }
}

let same = 0;
let differ = 0;
const diffs = [];
for (const yaml of yamls(join(candRoot, 'experiments'))) {
  const rel = relative(join(candRoot, 'experiments'), yaml);
  if (only && !only.test(rel)) continue;
  const name = rel.replace(/[/.]/g, '_');
  const sweep = /^sweep:/m.test(readFileSync(yaml, 'utf8'));
  const status = {};
  for (const [side, root] of [
    ['base', baseRoot],
    ['cand', candRoot],
  ]) {
    // BASE_ONLY=1: only produce the baseline's outputs (to compare against later).
    if (side === 'cand' && process.env.BASE_ONLY) continue;
    const out = join(work, side, name);
    // The baseline's outputs of an earlier invocation are kept (delete <workDir>/base to redo them).
    if (side === 'base' && existsSync(out)) {
      status[side] = 'kept';
      continue;
    }
    mkdirSync(join(work, side), { recursive: true });
    const common = ['--set', `run.steps=${stepsArg}`, '--seeds', seedsArg, '--out', out, '--quiet', '--no-report'];
    const args = sweep ? ['sweep', join(root, 'experiments', rel), ...common, '--workers', '1'] : ['run', join(root, 'experiments', rel), ...common];
    status[side] = tacit(root, args).status;
    if (status[side] === 'ok' && !sweep) {
      // tacit eval prints its result; keep it as an output file too.
      const ev = tacit(root, ['eval', out, '--json', '--steps', '200']);
      if (ev.stdout) writeFileSync(join(out, 'eval.out.json'), ev.stdout);
      else status[side] += ` (eval ${ev.status})`;
    }
  }
  const a = join(work, 'base', name);
  const b = join(work, 'cand', name);
  const rels = new Set([...files(a).map((f) => relative(a, f)), ...files(b).map((f) => relative(b, f))]);
  let d = 0;
  for (const r of rels) {
    const fa = join(a, r);
    const fb = join(b, r);
    if (existsSync(fa) && existsSync(fb) && normalised(fa).equals(normalised(fb))) same++;
    else {
      differ++;
      d++;
      diffs.push(`${name}/${r}`);
    }
  }
  console.log(`${rel}: base ${status.base}, candidate ${status.cand}, ${rels.size} files, ${d} differ`);
}
for (const f of diffs) console.log(`DIFFERS ${f}`);
console.log(`${same} files byte-identical, ${differ} differ`);
process.exit(differ > 0 ? 1 : 0);
