/**
 * Progress where stderr is not a terminal (CI, cluster logs, workers): plain lines at most every
 * few seconds and one at the end, never silence for a whole run and never control characters.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { plainProgress } from '../../src/run/progress.js';

describe('plain progress lines', () => {
  it('prints at most one line per interval, with rate, ETA and findings, and a last line at stop', () => {
    let t = 0;
    const lines: string[] = [];
    const p = plainProgress('demo', 'steps', 10_000, { now: () => t, write: (l) => lines.push(l), everyMs: 5000 });
    for (let done = 100; done <= 3600; done += 100) {
      t += 250; // 100 steps every 250 ms: 400 steps/s
      p.update(done, { findings: done >= 2000 ? 1 : 0 });
    }
    expect(lines).toEqual(['demo: 2,000/10,000 steps (20%), 400 steps/s, ETA 0:20, findings 1, elapsed 0:05\n']);
    p.stop();
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe('demo: 3,600/10,000 steps (36%), 400 steps/s, ETA 0:16, findings 1, elapsed 0:09\n');
    p.stop(); // nothing moved since: no repeated line
    expect(lines).toHaveLength(2);
  });

  it('tacit run with stderr piped prints plain lines and no terminal control codes', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'tacit-progress-')), 'run');
    const r = spawnSync(
      process.execPath,
      ['bin/tacit.mjs', 'run', 'experiments/quickstart.yaml', '--seeds', '1', '--set', 'run.steps=400', '--no-report', '--out', out],
      { encoding: 'utf8' },
    );
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^quickstart: 400\/400 steps \(100%\), [\d,]+ steps\/s, findings \d+, elapsed \d+:\d\d$/m);
    expect(r.stderr).not.toMatch(/\x1b/);
  });
});
