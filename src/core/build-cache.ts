/**
 * Values that are a pure function of the sources, kept in the compiled build's folder so a process
 * reads them instead of recomputing them (issue 21): the listing commands' text (`envs`, `policies`,
 * `schema`: building it loads zod and every world, ~0.25 s of CPU) and the simulated AR(1) tables of
 * the trend tests (src/stats/ar1.ts, ~0.1–0.5 s per series length in every run). bin/build.mjs names
 * that folder by a fingerprint of the sources, package.json and the lockfile, so any edit gets a fresh
 * folder and each value is computed once again. The sources (tests, tsx) always compute.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { threadId } from 'node:worker_threads';
import { COMPILED } from './compiled.js';

/** The build folder (this module is compiled into it), with a trailing separator; found once per process. */
let folder: string | undefined;

function pathOf(name: string): string {
  if (!/^[\w.-]+$/.test(name)) throw new Error(`build cache: bad entry name ${name}`);
  // One URL parse per process rather than per entry (each cost ~0.1 ms, a few ms at start-up: CPU profile of validate).
  folder ??= fileURLToPath(new URL('./', import.meta.url));
  return `${folder}cache-${name}`;
}

/** The stored text of `name` on this build, if any (never when running the sources). */
export function readBuildCache(name: string): string | undefined {
  if (!COMPILED) return undefined;
  try {
    return readFileSync(pathOf(name), 'utf8');
  } catch {
    return undefined; // not computed yet on this build
  }
}

/** Store `text` as `name` on this build (whole or not at all; nothing when running the sources or on a read-only install). */
export function writeBuildCache(name: string, text: string): void {
  if (!COMPILED) return;
  const path = pathOf(name);
  const tmp = `${path}.${process.pid}.${threadId}.tmp`; // unique per process and worker thread
  try {
    // Renamed into place: a concurrent process (or worker thread) reads either no file or the whole text.
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch {
    rmSync(tmp, { force: true });
  }
}

/** The text of a listing command: from the build folder when there, else computed (and stored). */
export async function listingText(name: 'envs' | 'policies' | 'schema', compute: () => Promise<string>): Promise<string> {
  const cached = readBuildCache(`listing-${name}.txt`);
  if (cached !== undefined) return cached;
  const text = await compute();
  writeBuildCache(`listing-${name}.txt`, text);
  return text;
}
