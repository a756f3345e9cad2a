/**
 * Where a worker thread's entry module is. The CLI runs tacit compiled (bin/build.mjs puts every
 * entry and shared chunk side by side in one folder); tests and tsx run the sources, where each
 * worker has a small plain-JS entry that registers tsx in the new thread first.
 */
declare const __TACIT_BUILD__: boolean | undefined;

/** True when this code was compiled by bin/build.mjs (esbuild replaces the marker). */
export const COMPILED: boolean = typeof __TACIT_BUILD__ !== 'undefined' && __TACIT_BUILD__ === true;

/** The worker entry `name` (built file `<name>.js`), or `sourceEntry` when running the sources. */
export function workerUrl(name: 'seed-worker' | 'session-worker', sourceEntry: URL): URL {
  return COMPILED ? new URL(`./${name}.js`, import.meta.url) : sourceEntry;
}
