/**
 * The trap experiments (experiments/traps/, table in experiments/traps/traps.ts): every config and
 * its control validate, are sized so the detectors they rely on can test, and say in their header
 * what should emerge and which detector should fire; and a short run of the learning dynamics
 * (finance squeeze, one seed, a third of the shipped steps): finance paid its own metric learns the
 * squeeze and goodhart fires on it, paid the team objective it does not. The full measurement over
 * 5 seeds per trap is `npm run validate-traps` (docs/traps.md).
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TRAPS, trapPath } from '../../experiments/traps/traps.js';
import { loadExperiment } from '../../src/config/load.js';
import { rowShortfalls } from '../../src/detectors/row-check.js';
import { runExperiment } from '../../src/run/run-experiment.js';

describe('trap experiments', () => {
  it('lists every config in experiments/traps/ exactly once', () => {
    const files = readdirSync('experiments/traps')
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => f.replace(/\.yaml$/, ''));
    expect([...TRAPS.map((t) => t.id)].sort()).toEqual(files.sort());
  });

  for (const trap of TRAPS) {
    it(`${trap.id}: config and control validate, detectors can test, header says what emerges`, () => {
      const local = loadExperiment(trapPath(trap));
      const control = loadExperiment(trapPath(trap), [...trap.control]);
      const alt = trap.altControl ? [loadExperiment(trapPath(trap), [...trap.altControl.sets])] : [];
      for (const cfg of [local, control, ...alt]) expect(rowShortfalls(cfg).map((s) => s.message)).toEqual([]);
      // The trap's detector is on, and the learner is a learning policy under a local reward.
      expect(local.detectorParams[trap.detector]).not.toBe(false);
      const learners = local.assignments.filter((a) => a.agent.id === trap.learner || a.agent.role === trap.learner);
      expect(learners.length).toBeGreaterThan(0);
      for (const a of learners) {
        expect(a.policy.learns).toBe(true);
        expect(a.scheme.id).toBe('local');
        expect(control.assignments[a.agent.index]!.scheme.id).toBe('team');
      }
      const header = readFileSync(trapPath(trap), 'utf8');
      expect(header).toMatch(/# TRAP: /);
      expect(header).toMatch(/# What should emerge: /);
      expect(header).toMatch(new RegExp(`Detector: ${trap.detector}|${trap.detector} detector`));
      expect(header).toContain(`node bin/tacit.mjs run ${trapPath(trap)} --seeds 5`);
      // A collusion trap has diagnose judge fixes by the buyers' surplus, not the world's objective
      // (which counts the profit gain the cartel raises); its control pays the same objective.
      if (trap.trap === 'collusion') {
        expect(local.config.diagnose?.objective?.kpis).toEqual({ consumerSurplus: 1 });
        expect(control.assignments[0]!.schemeParams['kpis']).toEqual(local.config.diagnose!.objective!.kpis);
      }
    });
  }

  it('finance squeeze, short: the learner paid its own metric trips goodhart, paid the team objective it does not', { timeout: 300_000 }, async () => {
    const run = async (sets: string[]) => {
      const out = join(mkdtempSync(join(tmpdir(), 'tacit-trap-')), 'run');
      const r = await runExperiment(
        loadExperiment('experiments/traps/finance-squeeze.yaml', [
          'output.report=false',
          'run.steps=6000',
          'run.metricsEvery=100',
          'detectors.conflict=false',
          ...sets,
        ]),
        { out, quiet: true },
      );
      return r.summary as { verdicts: Record<string, { fired: boolean; summary: string }>; kpis: Record<string, number> };
    };
    const local = await run([]);
    expect(local.verdicts['goodhart']!.fired).toBe(true);
    expect(local.verdicts['goodhart']!.summary).toMatch(/^finance: reward rose while .*(fillRate|stockouts|serviceOk)/);
    const team = await run(['agents[3].reward={"scheme":"team"}']);
    expect(team.verdicts['goodhart']!.fired).toBe(false);
    // Paid the team objective, finance leaves the team a better fill rate.
    expect(team.kpis['fillRate']!).toBeGreaterThan(local.kpis['fillRate']! + 0.05);
  });
});
