/**
 * Determinism rule, enforced: no source file under src/, envs/ or policies/ calls the unseeded
 * global generator or reads the clock inside code that produces results. (The clock is allowed only
 * where run.json records timings and the progress bar measures speed, and in the external-agent
 * bridge's reply timeout, whose every outcome is recorded so the run replays without the clock.)
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const ALLOWED_CLOCK = ['src/run/', 'src/config/cost.ts', 'src/sweep/', 'src/report/', 'src/cli/', 'src/stats/size-study.ts', 'src/external/bridge.ts'];

describe('no ambient randomness', () => {
  const sources = ['src', 'envs', 'policies'].flatMap(files);

  it('never calls Math.random', () => {
    const offenders = sources.filter((f) => /Math\s*\.\s*random\s*\(/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('reads the clock only in run bookkeeping, never in worlds, policies or reward schemes', () => {
    const offenders = sources
      .filter((f) => !ALLOWED_CLOCK.some((a) => f.startsWith(a)))
      .filter((f) => /\bDate\.now\s*\(|\bnew Date\s*\(|performance\.now\s*\(/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
