/**
 * Writing a run folder atomically. Files are written into `<dir>.partial/`, which is renamed to
 * `<dir>/` only when the run completes; an interrupted or failed run keeps the suffix and says so in
 * run.json. JSONL files are buffered and flushed in large chunks.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '../core/errors.js';

const FLUSH_BYTES = 1 << 16;

/** An append-only JSON-lines file with a write buffer. */
export class JsonlWriter {
  private fd: number;
  private buffer = '';
  lines = 0;
  constructor(path: string, keepLines?: number) {
    if (keepLines === undefined) this.fd = openSync(path, 'w');
    else {
      // Resuming: keep what was written up to the checkpoint, drop anything after it.
      const kept = existsSync(path) ? readFileSync(path, 'utf8').split('\n').slice(0, keepLines) : [];
      writeFileSync(path, kept.length ? `${kept.join('\n')}\n` : '');
      this.fd = openSync(path, 'a');
      this.lines = kept.length;
    }
  }
  /** Append one object as a line. */
  write(obj: unknown): void {
    this.buffer += `${JSON.stringify(obj)}\n`;
    this.lines++;
    if (this.buffer.length > FLUSH_BYTES) this.flush();
  }
  /** Write buffered lines to disk. */
  flush(): void {
    if (this.buffer.length === 0 || this.fd < 0) return;
    writeSync(this.fd, this.buffer);
    this.buffer = '';
  }
  /** Flush and close. */
  close(): void {
    if (this.fd < 0) return;
    this.flush();
    closeSync(this.fd);
    this.fd = -1;
  }
}

/** Pretty JSON with a trailing newline. */
export function jsonText(obj: unknown): string {
  return `${JSON.stringify(obj, null, 2)}\n`;
}

/**
 * What is at run folder `dir`: 'complete' (the folder with its summary.json), 'resumable' (an
 * unfinished `<dir>.partial` with a checkpoint), 'unfinished' (a `.partial` without one: nothing to
 * continue from) or 'absent'. Only meaningful while holding the folder's lock (folder-lock.ts).
 */
export function runFolderState(dir: string): 'complete' | 'resumable' | 'unfinished' | 'absent' {
  if (existsSync(`${dir}/summary.json`) && !existsSync(`${dir}.partial`)) return 'complete';
  if (existsSync(`${dir}.partial/checkpoint.bin`)) return 'resumable';
  if (existsSync(`${dir}.partial`)) return 'unfinished';
  return 'absent';
}

/** A run folder being written. */
export class RunFolder {
  /** The folder's final path (valid once `complete` has run). */
  readonly dir: string;
  /** Where files are written until completion. */
  readonly partialDir: string;
  private done = false;

  /** Create `<dir>.partial/`; `dir` must not exist already (or be an empty folder). With `reopen`, continue writing an existing `<dir>.partial/`. */
  constructor(dir: string, reopen = false) {
    this.dir = dir;
    this.partialDir = `${dir}.partial`;
    if (reopen) {
      if (!existsSync(this.partialDir)) throw new UsageError(`cannot resume: ${this.partialDir} does not exist`);
      return;
    }
    if (existsSync(dir) && readdirSync(dir).length > 0)
      throw new UsageError(`output folder ${dir} already exists and is not empty: choose another --out or remove it`);
    if (existsSync(this.partialDir))
      throw new UsageError(`an unfinished run is already in ${this.partialDir}: resume it with 'tacit run --resume ${this.partialDir}' or remove it`);
    mkdirSync(dirname(dir), { recursive: true });
    mkdirSync(this.partialDir, { recursive: true });
  }

  /** Write a binary file atomically (temp file, then rename): a crash never leaves half a checkpoint. */
  writeBinaryAtomic(name: string, data: Uint8Array): void {
    const tmp = this.path(`${name}.tmp`);
    writeFileSync(tmp, data);
    renameSync(tmp, this.path(name));
  }

  /** Path of a file inside the folder being written. */
  path(name: string): string {
    return `${this.partialDir}/${name}`;
  }

  /** Write a JSON file into the folder. */
  writeJson(name: string, obj: unknown): void {
    writeFileSync(this.path(name), jsonText(obj));
  }

  /** Rename `<dir>.partial` to `<dir>`: the folder is now complete. */
  complete(): void {
    if (this.done) return;
    if (existsSync(this.dir)) renameSync(this.dir, `${this.dir}.replaced-empty`);
    renameSync(this.partialDir, this.dir);
    this.done = true;
  }

  /** Whether `complete` has run. */
  get completed(): boolean {
    return this.done;
  }
}
