import { describe, expect, it } from 'vitest';
import { ledgerFromRows } from '../../src/detectors/ledger.js';
import { miscoordination, miscoordinationParams, probeUnilateral } from '../../src/detectors/miscoordination.js';
import { STAG_HUNT_REFERENCE, plantMiscoordination } from '../../src/detectors/planted/miscoordination.js';
import { runDetector } from '../../src/detectors/types.js';

const params = miscoordinationParams().parse({ references: { welfare: STAG_HUNT_REFERENCE } });
const run = (scenario: Parameters<typeof plantMiscoordination>[0], p = params, withForks = true) => {
  const { rows, source } = plantMiscoordination(scenario, 0, { steps: 6000, onset: 1000, points: 20 });
  return runDetector(miscoordination, ledgerFromRows(rows, { kpiSpecs: source.world.kpis }), p, {
    plannedRows: rows.length,
    ...(withForks ? { forks: source } : {}),
  });
};

describe('miscoordination detector', () => {
  it('a stag hunt stuck at hare–hare is miscoordination: below the reference, no unilateral fix', () => {
    const rep = run('miscoordinated');
    expect(rep.verdict).toMatchObject({ fired: true, status: 'miscoordination' });
    const f = rep.findings.find((x) => x.kind === 'miscoordination')!;
    expect(f.evidence['meanGap']).toBeGreaterThan(1);
    const best = f.evidence['unilateral'] as { ciLow: number }[];
    expect(best.every((u) => u.ciLow <= 0.2)).toBe(true);
  });

  it('one player short of the optimum is an individual shortfall, not miscoordination', () => {
    const rep = run('individual-shortfall');
    expect(rep.verdict).toMatchObject({ fired: false, status: 'individual-shortfall' });
    // Either player alone helps: col by joining the stag hunt (→ 8), row by giving it up (→ 6).
    expect(rep.findings.find((x) => x.kind === 'individual-shortfall')!.agents).toEqual(expect.arrayContaining(['row', 'col']));
  });

  it('a coordinated team at the reference raises nothing', () => {
    const rep = run('coordinated');
    expect(rep.verdict.status).toBe('at-reference');
    expect(rep.findings).toEqual([]);
  });

  it('says what it could not check', () => {
    expect(run('miscoordinated', params, false).verdict.status).toBe('below-reference-unilateral-not-checked');
    // Without experiment references the world's own (the stag hunt's best welfare) applies...
    expect(run('miscoordinated', miscoordinationParams().parse({}), false).verdict.status).toBe('below-reference-unilateral-not-checked');
    // ...and a world without any says so.
    const { rows, source } = plantMiscoordination('miscoordinated', 0, { steps: 6000, onset: 1000, points: 20 });
    const bare = source.world.kpis.map(({ reference: _r, ...k }) => k);
    expect(
      runDetector(miscoordination, ledgerFromRows(rows, { kpiSpecs: bare }), miscoordinationParams().parse({}), { plannedRows: rows.length }).verdict.status,
    ).toBe('no-reference');
  });

  it('takes the stag hunt world’s own reference, the payoff-dominant welfare', () => {
    const { source } = plantMiscoordination('miscoordinated', 0, { steps: 100, onset: 10, points: 2 });
    expect(source.world.kpis.find((k) => k.name === 'welfare')!.reference).toBe(STAG_HUNT_REFERENCE);
  });

  it('unilateral probes: switching the hare player to stag raises welfare by about 5 in the shortfall case', () => {
    const { source } = plantMiscoordination('individual-shortfall', 1, { steps: 4000, onset: 500, points: 20 });
    const res = probeUnilateral(source, { kpis: ['welfare'], horizon: 5 });
    const colStag = res.find((u) => u.agent === 'col' && u.alternative[0] === 0)!;
    expect(colStag.ciLow).toBeGreaterThan(3);
    const rowHare = res.find((u) => u.agent === 'row' && u.alternative[0] === 1)!;
    expect(rowHare.meanGain).toBeGreaterThan(0);
  });
});
