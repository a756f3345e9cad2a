import { describe, expect, it } from 'vitest';
import { externality } from '../../envs/sanity/externality.js';
import { deriveSeedWords, nextInt } from '../../src/core/rng.js';
import type { World } from '../../src/core/world.js';
import { conflict, conflictParams, estimateInfluence, influenceFindings } from '../../src/detectors/conflict.js';
import { Forker } from '../../src/detectors/forks.js';
import { ledgerFromRows } from '../../src/detectors/ledger.js';
import { plantInfluence, plantTugOfWar } from '../../src/detectors/planted/conflict.js';
import { recordRun } from '../../src/detectors/planted/record.js';
import { runDetector } from '../../src/detectors/types.js';

const params = conflictParams().parse({});
const cell = (m: ReturnType<typeof estimateInfluence>, actor: string, affected: string) => m.cells.find((c) => c.actor === actor && c.affected === affected)!;

describe('fork-based influence', () => {
  it('finds that a0 lowers a1’s reward in the directed world, and nothing else', () => {
    const { source } = plantInfluence('directed', 0, { harm: 0.5 });
    const m = estimateInfluence(source);
    const harm = cell(m, 'a0', 'a1');
    expect(harm.ciHigh).toBeLessThan(0);
    // a0's units are drawn before a1's, so replacing a1's action leaves a0's reward untouched exactly.
    expect(cell(m, 'a1', 'a0')).toMatchObject({ mean: 0, sd: 0 });
    // Extracting pays the extractor.
    expect(cell(m, 'a0', 'a0').ciLow).toBeGreaterThan(0);
    const findings = influenceFindings(m, params);
    expect(findings.map((f) => f.agents)).toEqual([['a0', 'a1']]);
    expect(findings[0]!.evidence['interval']).toEqual([harm.ciLow, harm.ciHigh]);
  });

  it('flags no pair when nobody affects anybody', () => {
    for (const seed of [0, 1, 2, 3]) {
      const { source } = plantInfluence('none', seed);
      expect(influenceFindings(estimateInfluence(source), params)).toEqual([]);
    }
  });

  it('the detector forks the world itself at finish when given fork points', () => {
    const { source } = plantInfluence('directed', 1, { harm: 0.5 });
    const rep = runDetector(conflict, ledgerFromRows([]), params, { forks: source });
    expect(rep.verdict.status).toBe('conflict');
    expect(rep.findings[0]).toMatchObject({ detector: 'conflict', kind: 'harms', agents: ['a0', 'a1'] });
  });

  it('multi-step branches use the actor and see delayed effects; without an actor they are refused', () => {
    const world = externality.create(externality.paramsSchema.parse({ structure: 'mutual', harm: 0.3 })) as World;
    const rng = deriveSeedWords('conflict-test');
    const actor = (_o: readonly Float32Array[], out: readonly Float64Array[]): void => {
      for (const a of out) a[0] = nextInt(rng, 3);
    };
    const { points } = recordRun(world, actor, { steps: 40, metricsEvery: 40, seed: 1, pointEvery: 10, pointsFrom: 0 });
    const forker = new Forker(world);
    expect(() => forker.branch(points[0]!, 3)).toThrow(/joint actor/);
    const b = forker.branch(points[0]!, 3, undefined, () => undefined);
    expect(b.steps).toBe(3);
    expect(b.actions.length).toBe(3 * 2);
  });
});

describe('tug-of-war', () => {
  it('fires on anti-phase oscillating controls after the onset', () => {
    // The validation measures ≈ 99% detection at this amplitude; require 4 of 5 seeds here.
    const hits = [0, 1, 2, 3, 4].map((seed) => {
      const { rows, onsetStep } = plantTugOfWar('tug-of-war', seed, { amplitude: 3 });
      const rep = runDetector(conflict, ledgerFromRows(rows), params, { plannedRows: rows.length });
      const tug = rep.findings.find((f) => f.kind === 'tug-of-war');
      if (!tug) return false;
      expect(tug.agents).toEqual(['a0', 'a1']);
      expect(tug.endStep).toBeGreaterThan(onsetStep!);
      expect(tug.evidence['changeCorrelation']).toBeLessThan(-0.5);
      expect(rep.verdict.status).toBe('tug-of-war');
      return true;
    });
    expect(hits.filter(Boolean).length).toBeGreaterThanOrEqual(4);
  });

  it('does not fire on opposed but non-oscillating, in-phase, or random-walk actions', () => {
    for (const scenario of ['null-reactive', 'null-in-phase', 'null-random-walk'] as const) {
      const { rows } = plantTugOfWar(scenario, 1, { amplitude: 3 });
      const rep = runDetector(conflict, ledgerFromRows(rows), params, { plannedRows: rows.length });
      expect(rep.findings, scenario).toEqual([]);
      // Without fork points the influence half did not run, so no tug-of-war is not a clear verdict.
      expect(rep.verdict).toMatchObject({ outcome: 'untested', status: 'influence-not-checked' });
    }
  });
});

describe('the verdict says clear only when every enabled half ran', () => {
  it('tug-of-war scanned but no fork points: untested, with what was tested and how to test influence', () => {
    const { rows } = plantTugOfWar('null-reactive', 1, { amplitude: 3 });
    const rep = runDetector(conflict, ledgerFromRows(rows), params, { plannedRows: rows.length });
    expect(rep.verdict.outcome).toBe('untested');
    expect(rep.verdict.fired).toBe(false);
    expect(rep.verdict.summary).toMatch(/^untested: no fork points or influence matrix/);
    expect(rep.verdict.untestedReason).toMatch(/what was tested: no tug-of-war in \d+ windows/);
    expect(rep.verdict.toTest).toMatch(/run\.fastPath=false/);
    expect(rep.verdict.details).toMatchObject({ influenceChecked: false, tugOfWarChecked: true, influence: null });
  });

  it('fork points but too few rows for a tug-of-war window: untested, naming the run.steps that would do', () => {
    const { source } = plantInfluence('none', 0);
    const rep = runDetector(conflict, ledgerFromRows([]), params, { forks: source, metricsEvery: 100 });
    expect(rep.findings).toEqual([]);
    expect(rep.verdict).toMatchObject({ outcome: 'untested', status: 'tug-of-war-not-checked' });
    expect(rep.verdict.untestedReason).toMatch(
      /0 tug-of-war windows tested.*what was tested: no agent’s action shown to lower another’s reward at \d+ fork points/,
    );
    expect(rep.verdict.toTest).toMatch(/run\.steps ≥ 8000 with metricsEvery 100/);
    // The user switched the scan off: the claim narrows to influence, and the summary says so.
    const off = runDetector(conflict, ledgerFromRows([]), conflictParams().parse({ tugOfWar: { enabled: false } }), { forks: source });
    expect(off.verdict).toMatchObject({ outcome: 'clear', status: 'none' });
    expect(off.verdict.summary).toMatch(/tug-of-war scan switched off/);
  });

  it('neither half: untested with both reasons; a finding from one half still fires, naming what was not checked', () => {
    const none = runDetector(conflict, ledgerFromRows([]), params, {});
    expect(none.verdict).toMatchObject({ outcome: 'untested', status: 'untested' });
    expect(none.verdict.toTest).toMatch(/fastPath=false.*; and .*tugOfWar\.window=80/);
    const { rows } = plantTugOfWar('tug-of-war', 1, { amplitude: 3 });
    const tug = runDetector(conflict, ledgerFromRows(rows), params, { plannedRows: rows.length });
    expect(tug.verdict).toMatchObject({ outcome: 'fired', status: 'tug-of-war' });
    expect(tug.verdict.summary).toMatch(/influence not checked/);
  });

  it('both halves ran and found nothing: clear', () => {
    const { rows } = plantTugOfWar('null-reactive', 1, { amplitude: 3 });
    const { source } = plantInfluence('none', 0);
    const rep = runDetector(conflict, ledgerFromRows(rows), params, { plannedRows: rows.length, forks: source });
    expect(rep.verdict).toMatchObject({ outcome: 'clear', status: 'none' });
    expect(rep.verdict.summary).toBe('no agent’s action was shown to lower another’s reward, and no tug-of-war');
  });
});
