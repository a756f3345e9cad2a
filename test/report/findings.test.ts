/**
 * Findings with their evidence in the report, from a real run of experiments/warehouse-goodhart.yaml
 * (a planted drift: procurement's reward rises while costToServe worsens): the goodhart verdict
 * carries a reward-vs-KPI panel on shared time with the flagged windows shaded; detectors that could
 * not test are shown as untested with their reason, never as clear.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadExperiment } from '../../src/config/load.js';
import { writeReport } from '../../src/report/report.js';
import { runExperiment } from '../../src/run/run-experiment.js';

describe('findings and evidence panels', () => {
  it('draws the goodhart evidence beside its verdict and shows untested detectors as untested', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'tacit-findings-')), 'run');
    await runExperiment(loadExperiment('experiments/warehouse-goodhart.yaml', ['output.report=false']), { out, quiet: true });
    const r = await writeReport([out]);
    const html = readFileSync(r.path, 'utf8');
    const figs = JSON.parse(/<script id="tacit-figures" type="application\/json">([\s\S]*?)<\/script>/.exec(html)![1]!) as {
      id: string;
      data: { name: string; yaxis?: string; x: number[] }[];
      layout: { shapes: { x0: number; x1: number }[] };
    }[];
    const ev = figs.find((f) => f.id.startsWith('evidence-goodhart-0-procurement-'))!;
    expect(ev.data.map((t) => [t.name, t.yaxis ?? 'y'])).toEqual([
      ['procurement reward', 'y'],
      [expect.stringMatching(/\(team KPI\)$/), 'y2'],
    ]);
    expect(ev.data[0]!.x).toEqual(ev.data[1]!.x); // shared time
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as {
      detections: { detector: string; agents: string[]; startStep: number; endStep: number; evidence: { kpi: string } }[];
      verdicts: Record<string, { outcome: string; untestedReason?: string }>;
    };
    const kpi = ev.id.replace('evidence-goodhart-0-procurement-', '');
    const windows = summary.detections.filter(
      (d) => d.detector === 'goodhart' && d.agents[0] === 'procurement' && d.evidence.kpi.toLowerCase() === kpi.toLowerCase(),
    );
    expect(ev.layout.shapes.map((s) => s.x0)).toEqual(windows.map((w) => w.startStep));
    // The panel sits inside the goodhart verdict's list item.
    expect(html).toMatch(new RegExp(`<li data-detector="goodhart" data-outcome="fired">[\\s\\S]*?id="${ev.id}"[\\s\\S]*?</li>`));
    const untested = Object.entries(summary.verdicts).filter(([, v]) => v.outcome === 'untested');
    expect(untested.length).toBeGreaterThan(0);
    for (const [name, v] of untested) {
      expect(html).toContain(`<li data-detector="${name}" data-outcome="untested">`);
      expect(html).toContain(
        v.untestedReason!.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;'),
      );
    }
  });
});
