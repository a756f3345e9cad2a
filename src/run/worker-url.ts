/**
 * Where a worker thread's entry module is. The CLI runs tacit compiled (bin/build.mjs puts every
 * entry and shared chunk side by side in one folder); tests and tsx run the sources, where each
 * worker has a small plain-JS entry that registers tsx in the new thread first.
 */
declare const __TACIT_BUILD__: boolean | undefined;
/** The compiled entries' extension: .js (ES modules, scripts) or .cjs (the CLI's CommonJS bundles). */
declare const __TACIT_ENTRY_EXT__: string | undefined;

/** True when this code was compiled by bin/build.mjs (esbuild replaces the marker). */
export const COMPILED: boolean = typeof __TACIT_BUILD__ !== 'undefined' && __TACIT_BUILD__ === true;

/** The worker entry `name` (built file `<name>.js` or `.cjs`), or `sourceEntry` when running the sources. */
export function workerUrl(name: 'seed-worker' | 'session-worker', sourceEntry: URL): URL {
  return COMPILED ? new URL(`./${name}${typeof __TACIT_ENTRY_EXT__ === 'string' ? __TACIT_ENTRY_EXT__ : '.js'}`, import.meta.url) : sourceEntry;
}
