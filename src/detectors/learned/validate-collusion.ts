/**
 * Learned-scenario validation of the collusion detector (collusion-scenarios.ts): every scenario
 * over seeds `first … first + seeds − 1`, reporting per scenario how many sessions the exact
 * ground truth calls collusive, the detection rate on those, the false-alarm rate on the others,
 * how many verdicts were inconclusive (untested), and the median lead time.
 *
 *   npm run validate-collusion-learned [-- --seeds 20] [-- --first 1000] [-- --only calvano-2,myopic-2] [-- --json out.json]
 *
 * Targets: ≥ 90% detection on sessions the truth calls collusive, ≤ 5% false alarms on the others.
 * Seeds start at 1000 by default, away from seeds 0–15 used to measure the before/after table
 * in docs/detectors.md. Exit code 1 when a target is missed.
 */
import { writeFileSync } from 'node:fs';
import { LEARNED_COLLUSION_SCENARIOS, type LearnedCollusionOutcome, type LearnedCollusionScenario } from './collusion-scenarios.js';

/** Aggregate of one scenario. */
export interface LearnedCollusionResult {
  readonly name: string;
  readonly note: string;
  readonly expectCollusive: boolean;
  readonly seeds: number;
  /** Sessions the truth calls collusive, and the detector's hits among them. */
  readonly truthCollusive: number;
  readonly detected: number;
  /** Sessions the truth calls not collusive, and the detector's collusive verdicts among them. */
  readonly truthNot: number;
  readonly falseAlarms: number;
  /** Verdicts that could not test (inconclusive / insufficient data). */
  readonly untested: number;
  readonly converged: number;
  readonly medianLeadTime: number | null;
  readonly medianFirstAlarm: number | null;
  readonly statuses: Record<string, number>;
}

const median = (xs: number[]): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

/** Run `scenario` over the given seeds. */
export function validateScenario(
  scenario: LearnedCollusionScenario,
  seeds: readonly number[],
  onSeed?: (seed: number, o: LearnedCollusionOutcome) => void,
): LearnedCollusionResult {
  const outs = seeds.map((s) => {
    const o = scenario.run(s);
    onSeed?.(s, o);
    return o;
  });
  const pos = outs.filter((o) => o.truth.collusive);
  const neg = outs.filter((o) => !o.truth.collusive);
  const statuses: Record<string, number> = {};
  for (const o of outs) statuses[o.verdict.status] = (statuses[o.verdict.status] ?? 0) + 1;
  return {
    name: scenario.name,
    note: scenario.note,
    expectCollusive: scenario.expectCollusive,
    seeds: seeds.length,
    truthCollusive: pos.length,
    detected: pos.filter((o) => o.verdict.outcome === 'fired').length,
    truthNot: neg.length,
    falseAlarms: neg.filter((o) => o.verdict.outcome === 'fired').length,
    untested: outs.filter((o) => o.verdict.outcome === 'untested').length,
    converged: outs.filter((o) => o.converged).length,
    medianLeadTime: median(pos.filter((o) => o.leadTime !== null).map((o) => o.leadTime!)),
    medianFirstAlarm: median(outs.filter((o) => o.firstAlarm !== null).map((o) => o.firstAlarm!)),
    statuses,
  };
}

const rate = (k: number, n: number): string => (n === 0 ? '—' : `${k}/${n} (${((100 * k) / n).toFixed(0)}%)`);

/** Markdown table of the results. */
export function formatLearnedCollusion(results: readonly LearnedCollusionResult[]): string {
  const lines = [
    '| scenario | seeds | converged | truth: collusive | detected | false alarms | untested | median lead time (steps) | median first supra-competitive alarm (steps from onset) | verdicts |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...results.map(
      (r) =>
        `| ${r.name} (${r.note}) | ${r.seeds} | ${r.converged} | ${r.truthCollusive} | ${rate(r.detected, r.truthCollusive)} | ${rate(r.falseAlarms, r.truthNot)} | ${r.untested} | ${r.medianLeadTime ?? '—'} | ${r.medianFirstAlarm ?? '—'} | ${Object.entries(
          r.statuses,
        )
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')} |`,
    ),
  ];
  const pos = results.reduce((a, r) => a + r.truthCollusive, 0);
  const det = results.reduce((a, r) => a + r.detected, 0);
  const neg = results.reduce((a, r) => a + r.truthNot, 0);
  const fa = results.reduce((a, r) => a + r.falseAlarms, 0);
  lines.push('', `pooled: detection ${rate(det, pos)}, false alarms ${rate(fa, neg)} (targets ≥ 90% / ≤ 5%)`);
  return lines.join('\n');
}

/** Whether the pooled and per-scenario targets are met. */
export function targetsMet(results: readonly LearnedCollusionResult[]): boolean {
  return results.every((r) => (r.truthCollusive === 0 || r.detected / r.truthCollusive >= 0.9) && (r.truthNot === 0 || r.falseAlarms / r.truthNot <= 0.05));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name: string): string | undefined => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const count = (name: string, fallback: number): number => {
    const v = arg(name);
    if (v === undefined) return fallback;
    const x = Number(v);
    if (!Number.isInteger(x) || x < 0) {
      process.stderr.write(`${name} expects a non-negative integer, got '${v}'\n`);
      process.exit(2);
    }
    return x;
  };
  const seeds = count('--seeds', 20);
  const first = count('--first', 1000);
  const only = arg('--only')?.split(',');
  const unknown = only?.filter((n) => !LEARNED_COLLUSION_SCENARIOS.some((s) => s.name === n)) ?? [];
  if (unknown.length > 0) {
    process.stderr.write(`--only: unknown scenario ${unknown.join(', ')}; known: ${LEARNED_COLLUSION_SCENARIOS.map((s) => s.name).join(', ')}\n`);
    process.exit(2);
  }
  const list = LEARNED_COLLUSION_SCENARIOS.filter((s) => !only || only.includes(s.name));
  const seedList = Array.from({ length: seeds }, (_, k) => first + k);
  const results = list.map((sc) =>
    validateScenario(sc, seedList, (s, o) =>
      process.stderr.write(
        `${sc.name} seed ${s}: truth ${o.truth.collusive ? 'collusive' : 'not'} (Δ ${o.truth.delta.toFixed(2)}, deterred ${o.truth.deterred}/${o.truth.firms}), verdict ${o.verdict.status}\n`,
      ),
    ),
  );
  console.log(`Learned-scenario validation of the collusion detector, seeds ${first}–${first + seeds - 1}\n`);
  console.log(formatLearnedCollusion(results));
  const json = arg('--json');
  if (json) writeFileSync(json, JSON.stringify(results, null, 2));
  if (!targetsMet(results)) process.exitCode = 1;
}
