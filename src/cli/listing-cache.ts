/**
 * The listing commands (`envs`, `policies`, `schema`) print text that is a pure function of the
 * sources: the registries, their zod schemas and the worlds built with default params. Building it
 * loads zod, every world and policy and converts each schema to JSON Schema, ~0.25 s of CPU, the
 * bulk of these commands' start-up (issue 21). The compiled CLI therefore keeps the text in its build
 * folder (bin/build.mjs names that folder by a fingerprint of the sources, package.json and the
 * lockfile, so any edit gets a fresh folder and the text is rebuilt once); the sources (tests, tsx)
 * always compute it.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { COMPILED } from '../run/worker-url.js';

/** The text of listing `name`: from the build folder when there, else computed (and stored when compiled). */
export async function listingText(name: 'envs' | 'policies' | 'schema', compute: () => Promise<string>): Promise<string> {
  if (!COMPILED) return compute();
  const path = fileURLToPath(new URL(`./listing-${name}.txt`, import.meta.url));
  try {
    return readFileSync(path, 'utf8');
  } catch {
    // Not listed yet on this build.
  }
  const text = await compute();
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    // Whole or not at all: a concurrent command reads either no file or the complete text.
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch {
    rmSync(tmp, { force: true }); // a read-only install: list without storing
  }
  return text;
}
