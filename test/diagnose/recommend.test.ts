/** The recommendation on synthetic sweep results with known answers. */
import { describe, expect, it } from 'vitest';
import type { Candidate, FindingRef } from '../../src/diagnose/candidates.js';
import { recommend, removes, statusCounts, teamObjective, type SeedObservation, type SeedOutcome } from '../../src/diagnose/recommend.js';

const finding: FindingRef = {
  key: 'goodhart:reward-up-kpi-down:finance',
  detector: 'goodhart',
  kind: 'reward-up-kpi-down',
  agents: ['finance'],
  kpi: 'stockouts',
};
const weights = { profit: 0.01, stockouts: -0.04 };
const directions = { profit: 'higher', stockouts: 'lower' } as const;

/** Five seeds: the finding present in `present` of them, the detector untested in `untested`, G ≈ `profit`/100 with a little spread. */
function seeds(opts: { present: number; untested?: number; profit: number; off?: boolean; stockouts?: number; profitSpread?: number }): SeedObservation[] {
  return [0, 1, 2, 3, 4].map((seed) => {
    const isPresent = seed < opts.present;
    const isUntested = !isPresent && seed < opts.present + (opts.untested ?? 0);
    const outcome: SeedOutcome = opts.off ? 'off' : isPresent ? 'fired' : isUntested ? 'untested' : 'clear';
    return {
      seed,
      kpis: { profit: opts.profit + (opts.profitSpread ?? 10) * seed, stockouts: (opts.stockouts ?? 100) + seed },
      present: isPresent ? [finding.key] : [],
      outcomes: { goodhart: outcome },
    };
  });
}

function candidate(label: string): Candidate {
  return { label, kind: 'team', agents: ['finance'], rationale: 'test', values: { 'agents[3].reward': { scheme: label } }, findings: [finding.key] };
}

describe('recommendation', () => {
  it('counts untested seeds apart and never as absent; removal needs the share of seeds', () => {
    const c = statusCounts(finding, seeds({ present: 1, untested: 2, profit: 0 }));
    expect(c).toEqual({ present: 1, absent: 2, untested: 2, n: 5 });
    expect(removes(c, 0.8)).toBe(null); // 2 absent + 2 untested could reach 4 of 5: open
    expect(removes({ present: 1, absent: 4, untested: 0, n: 5 }, 0.8)).toBe(true);
    expect(removes({ present: 2, absent: 3, untested: 0, n: 5 }, 0.8)).toBe(false);
    expect(statusCounts(finding, seeds({ present: 0, profit: 0, off: true }))).toEqual({ present: 0, absent: 0, untested: 5, n: 5 });
  });

  it('G is the weighted sum of the KPIs', () => {
    expect(teamObjective({ profit: 1000, stockouts: 50, other: 9 }, weights)).toBeCloseTo(10 - 2);
    expect(teamObjective({ profit: 1000 }, weights)).toBeNaN();
  });

  it('recommends the remover with the best significant team gain, and grades the others', () => {
    const variants = new Map([
      ['baseline', seeds({ present: 5, profit: 1000 })],
      ['big-gain', seeds({ present: 0, profit: 3000 })],
      ['small-gain', seeds({ present: 1, profit: 2000 })],
      ['no-gain', seeds({ present: 0, profit: 1000 })],
      ['keeps-it', seeds({ present: 3, profit: 5000 })],
      ['cannot-tell', seeds({ present: 0, untested: 3, profit: 3000 })],
    ]);
    const cands = ['big-gain', 'small-gain', 'no-gain', 'keeps-it', 'cannot-tell'].map(candidate);
    const [r] = recommend([finding], cands, 'baseline', variants, weights, directions);
    const verdict = Object.fromEntries(r!.candidates.map((c) => [c.label, c.verdict]));
    expect(verdict).toEqual({
      'big-gain': 'fixes',
      'small-gain': 'fixes',
      'no-gain': 'removes-no-gain',
      'keeps-it': 'does-not-remove',
      'cannot-tell': 'untested',
    });
    expect(r!.recommended).toBe('big-gain');
    expect(r!.statement).toMatch(
      /^Adopt "big-gain": it removes it in 5 of 5 seeds and improves the team: team objective 20\.00 \[19\.86, 20\.14\] vs baseline, Welch p = 2\.9e-17 \(Holm\); stockouts 0\.0 \[-2\.31, 2\.31\] vs baseline, Welch p = 1\.0 \(Holm\)\.$/,
    );
    const big = r!.candidates.find((c) => c.label === 'big-gain')!;
    expect(big.team!.diff.mean).toBeCloseTo(20);
    // Welch interval: G = 0.06 · seed + const on each side (s² = 0.009), so se = √(2 · 0.009 / 5) = 0.06 and 20 ± t(0.975, 8) · 0.06.
    expect(big.team!.diff.low).toBeCloseTo(20 - 2.306 * 0.06, 3);
    expect(big.team!.pAdjusted!).toBeLessThan(1e-10);
    expect(big.kpis['profit']).toEqual({ mean: 3020, diff: 2000, better: 'higher' });
    expect(big.findingKpi).toMatchObject({ metric: 'stockouts', direction: 0 });
    expect(r!.baseline).toEqual({ present: 5, absent: 0, untested: 0, n: 5 });
  });

  it('says plainly when no candidate helps', () => {
    const variants = new Map([
      ['baseline', seeds({ present: 4, profit: 1000 })],
      ['a', seeds({ present: 2, profit: 3000 })],
      ['b', seeds({ present: 5, profit: 1000 })],
    ]);
    const [r] = recommend([finding], [candidate('a'), candidate('b')], 'baseline', variants, weights, directions);
    expect(r!.recommended).toBe(null);
    expect(r!.statement).toBe('No candidate helps: none removes the finding in 4 of 5 seeds.');
  });

  it('does not recommend a remover that costs the team, and names it', () => {
    const variants = new Map([
      ['baseline', seeds({ present: 5, profit: 3000 })],
      ['costly', seeds({ present: 0, profit: 1000 })],
    ]);
    const [r] = recommend([finding], [candidate('costly')], 'baseline', variants, weights, directions);
    expect(r!.candidates[0]!.verdict).toBe('removes-at-cost');
    expect(r!.recommended).toBe(null);
    expect(r!.statement).toMatch(/^No candidate helps: "costly" removes it in 5 of 5 seeds but costs the team \(team objective -20\.0/);
  });

  it('reports an untested candidate as untested, not as a fix, and recommends nothing on it', () => {
    const variants = new Map([
      ['baseline', seeds({ present: 5, profit: 1000 })],
      ['quiet-detector', seeds({ present: 0, profit: 3000, off: true })],
    ]);
    const [r] = recommend([finding], [candidate('quiet-detector')], 'baseline', variants, weights, directions);
    expect(r!.candidates[0]!.verdict).toBe('untested');
    expect(r!.candidates[0]!.removes).toBe(null);
    expect(r!.recommended).toBe(null);
    expect(r!.statement).toContain('"quiet-detector" could not be judged: the detector could not test in enough seeds (untested is not clear)');
  });

  it('recommends a remover without a team gain only as that, and prefers any significant gain', () => {
    const variants = new Map([
      ['baseline', seeds({ present: 5, profit: 1000 })],
      ['neutral', seeds({ present: 0, profit: 1000 })],
    ]);
    const [r] = recommend([finding], [candidate('neutral')], 'baseline', variants, weights, directions);
    expect(r!.recommended).toBe('neutral');
    expect(r!.statement).toContain('the team KPIs do not change significantly');
  });

  it("counts a significant improvement of the finding's own KPI as a fix when G is too noisy to show one", () => {
    const variants = new Map([
      ['baseline', seeds({ present: 5, profit: 1000, profitSpread: 5000, stockouts: 400 })],
      ['fewer-stockouts', seeds({ present: 0, profit: 1000, profitSpread: 5000, stockouts: 100 })],
    ]);
    const [r] = recommend([finding], [candidate('fewer-stockouts')], 'baseline', variants, weights, directions);
    const c = r!.candidates[0]!;
    expect(c.team!.direction).toBe(0);
    expect(c.findingKpi).toMatchObject({ metric: 'stockouts', direction: 1 });
    expect(c.findingKpi!.diff.mean).toBeCloseTo(-300);
    expect(c.verdict).toBe('fixes');
    expect(r!.recommended).toBe('fewer-stockouts');
  });
});
