import { basename } from 'node:path';

/**
 * True when `script` (e.g. 'engine' for bench/engine.ts) is the program being run. Comparing
 * `import.meta.url` with argv[1] does not work once bundled: `npm run bench` compiles every
 * benchmark module into bench/index's one file, where each module's `import.meta.url` is the
 * entry's, so every standalone main would fire and print its own JSON.
 */
export function isMainScript(script: string): boolean {
  const name = basename(process.argv[1] ?? '');
  return name === `${script}.js` || name === `${script}.ts` || name === `${script}.mjs`;
}
