import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, UsageError } from '../../src/core/errors.js';
import { detectRun } from '../../src/detectors/detect-run.js';
import { plantGoodhart } from '../../src/detectors/planted/goodhart.js';
import { STAG_HUNT_REFERENCE, plantMiscoordination } from '../../src/detectors/planted/miscoordination.js';

const root = mkdtempSync(join(tmpdir(), 'tacit-detect-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function writeRun(dir: string, rows: readonly object[], resolved: object): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'metrics.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  writeFileSync(join(dir, 'config.resolved.json'), JSON.stringify(resolved));
  writeFileSync(
    join(dir, 'events.jsonl'),
    `${JSON.stringify({ type: 'event', step: 3, copy: 0, event: { type: 'stockout', agents: [], data: {} } })}\n${JSON.stringify({ type: 'finding', detector: 'stale' })}\n`,
  );
  writeFileSync(join(dir, 'summary.json'), JSON.stringify({ experiment: 'x', kpis: { teamScore: 1 } }));
}

describe('tacit detect on a results folder', () => {
  it('writes findings to events.jsonl (replacing old ones, keeping world events) and verdicts to summary.json', () => {
    const dir = join(root, 'single');
    const { rows } = plantGoodhart('goodhart', 3);
    writeRun(dir, rows, {
      env: { id: 'not-registered-v1', params: {} },
      run: { steps: 200000, metricsEvery: 1000 },
      detectors: { goodhart: { kpis: ['teamScore'] }, conflict: false },
    });
    const res = detectRun(dir, { write: true });
    expect(res.verdicts['goodhart']!.fired).toBe(true);
    expect(Object.keys(res.verdicts)).toEqual(['goodhart', 'collusion', 'miscoordination']);
    const lines = readFileSync(join(dir, 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]!['type']).toBe('event');
    expect(lines.some((l) => l['detector'] === 'stale')).toBe(false);
    expect(lines.filter((l) => l['type'] === 'finding').every((l) => l['detector'] === 'goodhart' && l['evidence'] !== undefined)).toBe(true);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Record<string, unknown>;
    expect(summary['kpis']).toEqual({ teamScore: 1 });
    expect((summary['verdicts'] as Record<string, { status: string }>)['goodhart']!.status).toBe('reward-up-kpi-down');
    // Detection is deterministic: a second pass writes byte-identical files.
    const before = readFileSync(join(dir, 'events.jsonl'), 'utf8');
    detectRun(dir, { write: true });
    expect(readFileSync(join(dir, 'events.jsonl'), 'utf8')).toBe(before);
  });

  it('reads KPI directions and references from the registered world, and per-seed folders', () => {
    const dir = join(root, 'multi');
    for (const k of [0, 1]) {
      const { rows } = plantMiscoordination('miscoordinated', k, { steps: 6000, onset: 1000 });
      writeRun(join(dir, 'seeds', `seed-${k}`), rows, {
        env: { id: 'matrix-game-v1', params: { game: 'stag-hunt', payoffNoise: 1 } },
        run: { steps: 6000, metricsEvery: 100 },
      });
    }
    const res = detectRun(dir, { write: true, config: { miscoordination: { references: { welfare: STAG_HUNT_REFERENCE } } } });
    expect(res.seeds).toHaveLength(2);
    expect(res.verdicts['miscoordination']).toMatchObject({ status: 'below-reference-unilateral-not-checked', details: { seeds: 2 } });
    const top = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { detections: { seed: string }[] };
    expect(top.detections.map((d) => d.seed)).toContain('seed-1');
  });

  it('takes KPI references from summary.json kpiSpecs, and from the world for summaries without them', () => {
    const { rows } = plantMiscoordination('miscoordinated', 0, { steps: 6000, onset: 1000 });
    const spec = { better: 'higher', aggregate: 'mean', description: 'welfare' };
    // The summary's reference is used without the world: this env id is not registered.
    const fromSummary = join(root, 'ref-summary');
    writeRun(fromSummary, rows, { env: { id: 'not-registered-v1', params: {} }, run: { steps: 6000, metricsEvery: 100 } });
    writeFileSync(join(fromSummary, 'summary.json'), JSON.stringify({ kpiSpecs: { welfare: { ...spec, reference: STAG_HUNT_REFERENCE } } }));
    expect(detectRun(fromSummary).verdicts['miscoordination']!.status).toBe('below-reference-unilateral-not-checked');
    // A summary written before references (no `reference` key): the registered world supplies it.
    const old = join(root, 'ref-old');
    writeRun(old, rows, { env: { id: 'matrix-game-v1', params: { game: 'stag-hunt', payoffNoise: 1 } }, run: { steps: 6000, metricsEvery: 100 } });
    writeFileSync(join(old, 'summary.json'), JSON.stringify({ kpiSpecs: { welfare: spec } }));
    expect(detectRun(old).verdicts['miscoordination']!.status).toBe('below-reference-unilateral-not-checked');
    // Neither: no reference, so the gap cannot be measured.
    const none = join(root, 'ref-none');
    writeRun(none, rows, { env: { id: 'not-registered-v1', params: {} }, run: { steps: 6000, metricsEvery: 100 } });
    writeFileSync(join(none, 'summary.json'), JSON.stringify({ kpiSpecs: { welfare: spec } }));
    expect(detectRun(none).verdicts['miscoordination']!.status).toBe('no-reference');
  });

  it('explains bad input', () => {
    expect(() => detectRun(join(root, 'nope'))).toThrow(UsageError);
    const dir = join(root, 'bad');
    writeRun(dir, plantGoodhart('null-ar1', 0, { rows: 30 }).rows, { detectors: {} });
    expect(() => detectRun(dir, { config: { goodhart: { window: 5 } } })).toThrow(ConfigError);
    expect(() => detectRun(dir, { config: { goodhart: { window: 5 } } })).toThrow(/detectors\.goodhart\.window/);
  });
});
