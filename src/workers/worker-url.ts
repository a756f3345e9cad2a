/**
 * Where a worker thread's entry module is. The CLI runs tacit compiled (bin/build.mjs puts every
 * entry and shared chunk side by side in one folder); tests and tsx run the sources, where each
 * worker has a small plain-JS entry that registers tsx in the new thread first.
 */
import { COMPILED } from '../core/compiled.js';

/** The compiled entries' extension: .js (ES modules, scripts) or .cjs (the CLI's CommonJS bundles). */
declare const __TACIT_ENTRY_EXT__: string | undefined;

/**
 * The worker entry `name` (built file `<name>.js` or `.cjs`: the entry's file name in bin/build.mjs
 * WORKER_ENTRIES), or `sourceEntry` when running the sources.
 */
export function workerUrl(name: string, sourceEntry: URL): URL {
  return COMPILED ? new URL(`./${name}${typeof __TACIT_ENTRY_EXT__ === 'string' ? __TACIT_ENTRY_EXT__ : '.js'}`, import.meta.url) : sourceEntry;
}
