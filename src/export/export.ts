/**
 * `tacit export <run or sweep...> --format csv|parquet`: the metrics and summaries of run folders
 * as two flat tables, for pandas, polars, DuckDB, spreadsheets and BI tools (docs/export.md).
 *
 *   metrics    one row per (run, seed, metrics window): run, experiment, variant, seed, then every
 *              metrics.jsonl key (`step`, `reward/<agent>`, `kpi/<name>`, `faults/…`, ...)
 *   summaries  one row per (run, seed): the same identifying columns, then every number of the
 *              seed's summary.json flattened with `/` (`kpis/<name>`, `agents/<id>/meanReward`,
 *              `metrics/…`) and each detector's `verdicts/<name>/fired`
 *
 * Columns are the union over all rows, identifying columns first and the rest sorted, so the same
 * folders always give the same bytes; a value a row lacks is empty (CSV) or null (Parquet).
 * Parquet is written with hyparquet-writer (numbers as DOUBLE, text as UTF-8 strings).
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { UsageError } from '../core/errors.js';
import { discoverRuns, loadRun, type RunRecord } from '../report/load.js';

import { EXPORT_FORMATS, type ExportFormat } from './formats.js';

export { EXPORT_FORMATS, type ExportFormat };

/** A table: column names and rows of values (null where a row has none). */
export interface Table {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (number | string | null)[])[];
}

const ID_COLUMNS = ['run', 'experiment', 'variant', 'seed'] as const;

/** What `exportRuns` wrote. */
export interface ExportResult {
  readonly files: readonly string[];
  readonly runs: number;
  readonly metricsRows: number;
  readonly summaryRows: number;
  readonly skipped: readonly { dir: string; reason: string }[];
}

/** Numbers (and booleans as 0/1) of a nested object, flattened with `/`; arrays and strings are left out. */
function flatten(value: unknown, prefix: string, out: Map<string, number>): void {
  if (typeof value === 'number') out.set(prefix, value);
  else if (typeof value === 'boolean') out.set(prefix, value ? 1 : 0);
  else if (value !== null && typeof value === 'object' && !Array.isArray(value))
    for (const [k, v] of Object.entries(value)) flatten(v, prefix === '' ? k : `${prefix}/${k}`, out);
}

/** The identifying values of one seed of one run. */
function ids(run: RunRecord, root: string, seed: number): (string | number)[] {
  const config = run.config as { name?: string; variant?: string };
  const summary = run.summary as { experiment?: string; variant?: string };
  // Sweeps record each run's variant label in run.json (src/sweep/sweep.ts).
  const variant = (run.run as { sweep?: { variant?: unknown } }).sweep?.variant ?? summary.variant ?? config.variant ?? '';
  return [relative(root, run.dir) || '.', summary.experiment ?? config.name ?? '', typeof variant === 'string' ? variant : JSON.stringify(variant), seed];
}

/** Build a table from rows keyed by column, with the identifying columns first and the rest sorted. */
function tableOf(records: readonly { id: (string | number)[]; values: Map<string, number> }[]): Table {
  const keys = new Set<string>();
  for (const r of records) for (const k of r.values.keys()) keys.add(k);
  const rest = [...keys].sort();
  return {
    columns: [...ID_COLUMNS, ...rest],
    rows: records.map((r) => [...r.id, ...rest.map((k) => r.values.get(k) ?? null)]),
  };
}

/** The metrics and summaries tables of the given runs (paths are run folders or folders holding them). */
export function buildTables(paths: readonly string[]): { metrics: Table; summaries: Table; runs: number; skipped: { dir: string; reason: string }[] } {
  const found = discoverRuns(paths);
  if (found.runs.length === 0)
    throw new UsageError(
      `no complete run folder (with summary.json) under ${paths.join(', ')}${found.skipped.length ? ` (skipped: ${found.skipped.map((s) => `${s.dir}: ${s.reason}`).join('; ')})` : ''}`,
    );
  const root = resolve(paths.length === 1 ? paths[0]! : '.');
  const metrics: { id: (string | number)[]; values: Map<string, number> }[] = [];
  const summaries: { id: (string | number)[]; values: Map<string, number> }[] = [];
  for (const dir of found.runs) {
    const run = loadRun(dir);
    for (const seed of run.seeds) {
      const id = ids(run, root, seed.seed);
      for (const row of seed.metrics()) {
        const values = new Map<string, number>();
        for (const [k, v] of Object.entries(row)) if (typeof v === 'number') values.set(k, v);
        metrics.push({ id, values });
      }
      const values = new Map<string, number>();
      const s = seed.summary;
      for (const key of ['steps', 'kpis', 'agents', 'metrics', 'verdicts'] as const) flatten(s[key], key, values);
      summaries.push({ id, values });
    }
  }
  return { metrics: tableOf(metrics), summaries: tableOf(summaries), runs: found.runs.length, skipped: found.skipped };
}

/** A CSV field (RFC 4180): quoted when it holds a comma, quote or line break. */
function csvField(v: number | string | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  return /[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

/** A table as CSV text (header line, `\n` line ends). */
export function toCsv(table: Table): string {
  const lines = [table.columns.map(csvField).join(',')];
  for (const row of table.rows) lines.push(row.map(csvField).join(','));
  return `${lines.join('\n')}\n`;
}

/** A table as Parquet bytes: DOUBLE columns for numbers, UTF-8 strings for text. */
export function toParquet(table: Table): ArrayBuffer {
  const columnData = table.columns.map((name, c) => {
    const data = table.rows.map((r) => r[c] ?? null);
    const text = c < 3; // run, experiment, variant
    return { name, data, type: text ? ('STRING' as const) : ('DOUBLE' as const), nullable: true };
  });
  return parquetWriteBuffer({ columnData, createdBy: 'tacit export' });
}

/** Write `metrics.<ext>` and `summaries.<ext>` of the runs under `paths` into `out` (each file written atomically). */
export function exportRuns(paths: readonly string[], format: ExportFormat, out: string): ExportResult {
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}, got '${format}'`);
  const { metrics, summaries, runs, skipped } = buildTables(paths);
  mkdirSync(out, { recursive: true });
  const files: string[] = [];
  for (const [name, table] of [
    ['metrics', metrics],
    ['summaries', summaries],
  ] as const) {
    const path = join(out, `${name}.${format}`);
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, format === 'csv' ? toCsv(table) : new Uint8Array(toParquet(table)));
    renameSync(tmp, path);
    files.push(path);
  }
  return { files, runs, metricsRows: metrics.rows.length, summaryRows: summaries.rows.length, skipped };
}
