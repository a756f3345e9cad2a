import { describe, expect, it } from 'vitest';
import { Ledger, inferLedgerMeta, ledgerFromJsonl, ledgerFromRows } from '../../src/detectors/ledger.js';
import { rowAt } from '../../src/detectors/types.js';

const rows = [
  {
    window: 0,
    step: 100,
    episodes: 1,
    'reward/a/x': 1,
    'reward/a/y': 2,
    'reward/a': 3,
    'shaped/a': 2.5,
    'reward/b/x': 0,
    'reward/b': 0,
    'shaped/b': 0,
    'kpi/cost': 7,
    'kpi/fill': 0.9,
    'action/a': 1,
    'action/b': 0,
  },
  {
    window: 1,
    step: 200,
    episodes: 2,
    'reward/a/x': 2,
    'reward/a/y': 2,
    'reward/a': 4,
    'shaped/a': 3.5,
    'reward/b/x': 1,
    'reward/b': 1,
    'shaped/b': 1,
    'kpi/cost': 6,
    'kpi/fill': 0.8,
    'action/a': 2,
    'action/b': 1,
    'market/price/a': 1.6,
    'episodeReturn/a': 40,
  },
];

describe('ledger', () => {
  it('infers agents, components and KPIs, with directions from the world where given', () => {
    const meta = inferLedgerMeta(rows, [{ name: 'cost', better: 'lower', reference: 5 }]);
    expect(meta.agents).toEqual(['a', 'b']);
    expect(meta.components).toEqual([['x', 'y'], ['x']]);
    expect(meta.kpis).toEqual([
      { name: 'cost', better: 'lower', betterKnown: true, reference: 5 },
      { name: 'fill', better: 'higher', betterKnown: false },
    ]);
  });

  it('stores columns, NaN for missing values, and keeps other keys as extras aligned by row', () => {
    const ledger = ledgerFromRows(rows);
    expect(ledger.length).toBe(2);
    expect(ledger.steps).toEqual([100, 200]);
    expect(ledger.series('reward/a')).toEqual([3, 4]);
    expect(ledger.series('shaped/a')).toEqual([2.5, 3.5]);
    expect(ledger.series('reward/a/y')).toEqual([2, 2]);
    expect(ledger.series('kpi/fill')).toEqual([0.9, 0.8]);
    expect(ledger.series('action/b')).toEqual([0, 1]);
    expect(ledger.series('market/price/a')).toEqual([NaN, 1.6]);
    expect(ledger.series('episodeReturn/a')).toEqual([NaN, 40]);
    expect(ledger.series('reward/zz')).toBeUndefined();
    ledger.append({ step: 300 });
    expect(ledger.series('reward/a')).toEqual([3, 4, NaN]);
    expect(ledger.series('market/price/a')).toEqual([NaN, 1.6, NaN]);
  });

  it('round-trips rows (the replay used by post-hoc detection)', () => {
    const ledger = ledgerFromRows(rows);
    const replay = new Ledger(ledger.meta);
    replay.append(rowAt(ledger, 0));
    replay.append(rowAt(ledger, 1));
    expect(replay.local).toEqual(ledger.local);
    expect(replay.components).toEqual(ledger.components);
    expect(replay.series('market/price/a')).toEqual(ledger.series('market/price/a'));
  });

  it('parses JSON Lines and names the line of a malformed row', () => {
    const text = rows.map((r) => JSON.stringify(r)).join('\n') + '\n\n';
    expect(ledgerFromJsonl(text).length).toBe(2);
    expect(() => ledgerFromJsonl('{"step":1}\n{"step":\n')).toThrow(/line 2/);
    expect(() => ledgerFromJsonl('[1,2]\n')).toThrow(/line 1: not a JSON object/);
  });
});
