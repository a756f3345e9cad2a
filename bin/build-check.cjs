// The part of bin/build.mjs every command runs: whether the compiled build of an entry is already
// there and still matches the sources (the fast check), and where its files are. CommonJS, so that
// bin/tacit.mjs finds an up-to-date build without loading build.mjs as an ES module: Node's ES module
// loader reads each module asynchronously, and importing node:fs from one sets up its every export,
// loading fs streams and fs/promises (~4 ms of each command's start-up on a quiet machine, issue 21;
// `node -e 0` is ~60 ms). build.mjs (which compiles, when this check fails) takes these from here.
'use strict';
const nodeModule = require('node:module');
const { existsSync, readFileSync, statSync, utimesSync } = require('node:fs');
const { basename, extname, join, resolve, sep } = require('node:path');

const ROOT = resolve(__dirname, '..');
/** Worker threads load these by file name next to the code that starts them (see src/workers/worker-url.ts). */
const WORKER_ENTRIES = ['src/run/seed-worker.ts', 'envs/market/calvano/session-worker.ts'];

/** Size and mtime of a file or folder: what tells an edit. */
const stampOf = (st) => `${st.size}:${st.mtimeMs}`;

/**
 * 64-bit FNV-1a of a string (two 32-bit halves with different offsets). Not cryptographic and need
 * not be: it names a cache folder. Loading node:crypto for sha256 cost ~4 ms of every command's start-up.
 */
function hashText(text) {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (a >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/** Where builds live. */
const cacheDirOf = () => join(ROOT, 'node_modules', '.cache', 'tacit');

/** Everything one build of `entry` holds: the entry, the `also` entries and the worker entries. */
const entriesOf = (entry, also = []) => [...new Set([entry, ...also, ...WORKER_ENTRIES])];

/**
 * The fast check (start-up, issue 21). Walking every source folder to fingerprint them cost ~10–30 ms
 * of every command; instead, after a build is found or made, `<cacheDir>/<format>-<key>.inputs`
 * records its folder and the stamps of the files esbuild read for it (the build's own `inputs.json`,
 * packages aside: package-lock.json stands for them), of the folders holding them (a file added
 * next to them changes the folder's mtime) and of build.mjs's BUILD_FILES. The next command stats
 * just those and uses the folder when all are unchanged; anything else falls back to the walk. The
 * stamps recorded are those the fingerprint saw, so an edit made during a build is never vouched for.
 */
function inputsPointer(cacheDir, format, entries) {
  return join(cacheDir, `${format}-${hashText([ROOT, ...entries].join('\n'))}.inputs`);
}

/** The build folder the pointer vouches for, if every stamp it records still holds. */
function checkedFolder(pointer) {
  let recorded;
  try {
    recorded = JSON.parse(readFileSync(pointer, 'utf8'));
  } catch {
    return undefined;
  }
  // The recorded paths are relative and normalized (build.mjs writes them): a plain concatenation
  // instead of path.join, whose normalizing of ~300 paths was ~1 ms of every command.
  const prefix = ROOT + sep;
  for (const [path, stamp] of recorded.stamps) {
    let st;
    try {
      st = statSync(prefix + path);
    } catch {
      return undefined;
    }
    if (stampOf(st) !== stamp) return undefined;
  }
  return recorded.folder;
}

/**
 * Output file name of an entry: its base name (entries land side by side) with .js for ES modules
 * (the repository's package.json says "type": "module") and .cjs for CommonJS.
 */
function builtName(entry, format = 'esm') {
  return `${basename(entry, extname(entry))}${format === 'cjs' ? '.cjs' : '.js'}`;
}

/** Mark a build folder as used now (see build.mjs pruneOldBuilds); nothing on a read-only install. */
function touchBuild(folder) {
  try {
    const now = new Date();
    utimesSync(folder, now, now);
  } catch {
    // read-only: pruning then goes by build time alone
  }
}

/**
 * The compiled `entry` (absolute path) when the fast check vouches for its build (marking the build
 * used), else undefined: then build.mjs's ensureBuilt, with the same arguments, finds or makes it.
 */
function vouchedBuild(entry, { format = 'esm', also = [] } = {}) {
  const cacheDir = cacheDirOf();
  const folder = checkedFolder(inputsPointer(cacheDir, format, entriesOf(entry, also)));
  if (folder === undefined || !existsSync(join(cacheDir, folder, '.complete'))) return undefined;
  touchBuild(join(cacheDir, folder));
  return join(cacheDir, folder, builtName(entry, format));
}

/**
 * Cache V8's compiled code of every module loaded from here on (node_modules/.cache/tacit-v8), where
 * Node has module.enableCompileCache (22.1+; Node 20 lacks it and simply compiles every time). Most of
 * a command's start-up is compiling the bundle and its packages (zod, yargs, yaml).
 */
function startCompileCache() {
  if (typeof nodeModule.enableCompileCache !== 'function') return;
  try {
    nodeModule.enableCompileCache(join(ROOT, 'node_modules', '.cache', 'tacit-v8'));
  } catch {
    // A read-only install: run without the cache.
  }
}

module.exports = { ROOT, WORKER_ENTRIES, stampOf, hashText, cacheDirOf, entriesOf, inputsPointer, builtName, touchBuild, vouchedBuild, startCompileCache };
