/**
 * Whether this code runs compiled by bin/build.mjs (the CLI) or as sources (tests, tsx): worker
 * entries (src/workers/worker-url.ts) and the build cache (build-cache.ts) depend on it.
 */
declare const __TACIT_BUILD__: boolean | undefined;

/** True when this code was compiled by bin/build.mjs (esbuild replaces the marker). */
export const COMPILED: boolean = typeof __TACIT_BUILD__ !== 'undefined' && __TACIT_BUILD__ === true;
