/**
 * `tacit export`: the metrics and summaries of a two-seed run as CSV and Parquet. The CSV is parsed
 * back and compared value for value with metrics.jsonl and summary.json; the Parquet files are
 * read back with hyparquet (a separate reader library) and with Python's pyarrow (in the interop
 * venv), and must hold exactly the same table.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTables, toCsv } from '../../src/export/export.js';
import { ensureVenv, runPython } from '../serve/python-venv.js';

const tmp = mkdtempSync(join(tmpdir(), 'tacit-export-'));
const runDir = join(tmp, 'run');

function tacit(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ['bin/tacit.mjs', ...args], { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
}

/** Parse RFC 4180 CSV (quoted fields with "" escapes). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') ((field += '"'), i++);
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') (row.push(field), (field = ''));
    else if (ch === '\n') (row.push(field), rows.push(row), (row = []), (field = ''));
    else field += ch;
  }
  return rows;
}

beforeAll(() => {
  const r = tacit([
    'run',
    'experiments/quickstart.yaml',
    '--quiet',
    '--no-report',
    '--out',
    runDir,
    '--seeds',
    '2',
    '--set',
    'run.steps=1000',
    '--set',
    'run.metricsEvery=250',
  ]);
  expect(r.status).toBe(0);
}, 120_000);

describe('tacit export', () => {
  it('writes CSV tables holding exactly the metrics and summary numbers', () => {
    const r = tacit(['export', runDir, '--format', 'csv', '--out', join(tmp, 'csv')]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('exported 1 run(s): 8 metrics rows, 2 summary rows');
    const metrics = parseCsv(readFileSync(join(tmp, 'csv', 'metrics.csv'), 'utf8'));
    const header = metrics[0]!;
    expect(header.slice(0, 4)).toEqual(['run', 'experiment', 'variant', 'seed']);
    const jsonl = [0, 1].flatMap((s) =>
      readFileSync(join(runDir, 'seeds', `seed-${s}`, 'metrics.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => ({ seed: s, row: JSON.parse(l) as Record<string, number> })),
    );
    expect(metrics.length - 1).toBe(jsonl.length);
    jsonl.forEach(({ seed, row }, k) => {
      const line = metrics[k + 1]!;
      expect(Number(line[3])).toBe(seed);
      for (const [key, v] of Object.entries(row)) expect(Number(line[header.indexOf(key)])).toBe(v);
    });
    const summaries = parseCsv(readFileSync(join(tmp, 'csv', 'summaries.csv'), 'utf8'));
    const sh = summaries[0]!;
    const seed0 = JSON.parse(readFileSync(join(runDir, 'seeds', 'seed-0', 'summary.json'), 'utf8')) as {
      kpis: Record<string, number>;
      agents: Record<string, { meanReward: number }>;
    };
    for (const [k, v] of Object.entries(seed0.kpis)) expect(Number(summaries[1]![sh.indexOf(`kpis/${k}`)])).toBe(v);
    for (const [id, a] of Object.entries(seed0.agents)) expect(Number(summaries[1]![sh.indexOf(`agents/${id}/meanReward`)])).toBe(a.meanReward);
    expect(sh.some((c) => c.startsWith('verdicts/') && c.endsWith('/fired'))).toBe(true);
  });

  it('quotes text fields that hold commas, quotes or line breaks', () => {
    const csv = toCsv({
      columns: ['run', 'x'],
      rows: [
        ['a,"b"\nc', 1.5],
        ['plain', null],
      ],
    });
    expect(csv).toBe('run,x\n"a,""b""\nc",1.5\nplain,\n');
    expect(parseCsv(csv)).toEqual([
      ['run', 'x'],
      ['a,"b"\nc', '1.5'],
      ['plain', ''],
    ]);
  });

  it('writes Parquet that hyparquet and pyarrow read back as the same table', async () => {
    const r = tacit(['export', runDir, '--format', 'parquet', '--out', join(tmp, 'pq')]);
    expect(r.status).toBe(0);
    const expected = buildTables([runDir]);
    for (const [name, table] of [
      ['metrics', expected.metrics],
      ['summaries', expected.summaries],
    ] as const) {
      const bytes = readFileSync(join(tmp, 'pq', `${name}.parquet`));
      const rows = await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) });
      expect(rows.length).toBe(table.rows.length);
      rows.forEach((row, k) => table.columns.forEach((c, j) => expect(row[c] ?? null).toEqual(table.rows[k]![j])));
    }
    const python = await ensureVenv();
    const script = join(tmp, 'read.py');
    writeFileSync(
      script,
      [
        'import json, sys',
        'import pyarrow.parquet as pq',
        'out = {}',
        'for name in ("metrics", "summaries"):',
        '    t = pq.read_table(sys.argv[1] + "/" + name + ".parquet")',
        '    out[name] = {"columns": t.column_names, "rows": [list(r.values()) for r in t.to_pylist()]}',
        'print(json.dumps(out))',
      ].join('\n'),
    );
    const { stdout } = await runPython(python, [script, join(tmp, 'pq')]);
    const fromPython = JSON.parse(stdout) as Record<string, { columns: string[]; rows: unknown[][] }>;
    expect(fromPython.metrics).toEqual({ columns: expected.metrics.columns, rows: expected.metrics.rows });
    expect(fromPython.summaries).toEqual({ columns: expected.summaries.columns, rows: expected.summaries.rows });
  }, 900_000);

  it('rejects an unknown format and a folder without runs (exit 2)', () => {
    const bad = tacit(['export', runDir, '--format', 'xlsx']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("--format must be one of csv, parquet, got 'xlsx'");
    const empty = tacit(['export', mkdtempSync(join(tmpdir(), 'tacit-empty-'))]);
    expect(empty.status).toBe(2);
    expect(empty.stderr).toContain('no complete run folder');
  });
});
