/**
 * The row check's detector defaults (src/detectors/row-check.ts): the compiled CLI keeps them in the
 * build folder so a config that configures no detector builds no detector schema (start-up, issue
 * 21). What `tacit validate` prints from the kept defaults must be what the schemas give, which is
 * what the sources compute here.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain .mjs helper without types
import { ensureBuilt } from '../../bin/build.mjs';
import { loadExperiment } from '../../src/config/load.js';
import { detectors } from '../../src/detectors/index.js';
import { defaultDetectorParams, rowShortfalls } from '../../src/detectors/row-check.js';

const tmp = mkdtempSync(join(tmpdir(), 'tacit-row-check-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('row check', () => {
  it("takes each detector's defaults from its schema", () => {
    const defaults = defaultDetectorParams();
    for (const spec of detectors.values()) expect(defaults[spec.id], spec.id).toEqual(spec.paramsSchema.parse({}));
  });

  it('warns the same from the defaults kept in the build folder as from the schemas', async () => {
    const file = join(tmp, 'short.yaml');
    // Short enough that the row-based detectors are warned about; one configured (its schema parses it), one switched off.
    writeFileSync(
      file,
      'name: short\nenv: { id: matrix-game-v1, params: { game: stag-hunt } }\nagents: [{ role: player, policy: { type: tabular-q } }]\n' +
        'run: { steps: 400, metricsEvery: 250 }\ndetectors: { conflict: { tugOfWar: { window: 40 } }, collusion: false }\n',
    );
    const expected = rowShortfalls(loadExperiment(file)).map((w) => `warning: ${w.message}`);
    expect(expected.length).toBeGreaterThan(1);
    const stub = (await ensureBuilt('src/cli/entry.ts', { format: 'cjs', also: ['src/cli/main.ts', 'src/cli/validate-main.ts'] })) as string;
    for (let k = 0; k < 2; k++) {
      // The first process may compute and keep them, the second reads them back.
      const r = spawnSync(process.execPath, ['bin/tacit.mjs', 'validate', file], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout.split('\n').filter((l) => l.startsWith('warning: '))).toEqual(expected);
    }
    expect(existsSync(join(dirname(stub), 'cache-detector-defaults.json'))).toBe(true);
  });
});
