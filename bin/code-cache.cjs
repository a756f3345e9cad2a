// Runs a CommonJS bundle built by build.mjs with V8's code cache (issue 21, start-up).
//
// Why: most of a command's start-up was V8 compiling JavaScript: the CLI bundle (tacit with zod,
// yaml and yargs inside) is ~2 MB that V8 pre-parses on every start, then compiles each function
// it calls. vm.Script can hand V8 the bytecode a previous process produced (cachedData) and skip
// both. Node's own compile cache (module.enableCompileCache) does this only from Node 22.1; this
// works on Node 20 as well.
//
// The cache file sits next to the bundle, in the build folder named by the sources' fingerprint, so
// an edit gets a new folder and a new cache. It is used only when its header matches the bundle it
// was made from (size, mtime, inode) and this V8 (version, architecture); V8 itself refuses data
// made with other flags or for another source (cachedDataRejected), and then this process compiles
// from source and writes a fresh cache when it exits. Writes go to a temporary file renamed into
// place, so a reader sees a whole cache or none.
'use strict';
const { readFileSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname } = require('node:path');
const vm = require('node:vm');
const { isMainThread, threadId } = require('node:worker_threads');

const FORMAT = 'tacit-v8-code-cache 1';

/** The cache file of `bundle` for `profile` on this V8. */
function cacheFileOf(bundle, profile) {
  return `${bundle}.${profile}.${process.versions.v8}-${process.arch}.v8cache`;
}

/**
 * Which cache a process uses: one per CLI command, as a cache holds the bytecode of every function
 * its process ran and V8 deserializes all of it on load (a cache made by `validate`, zod inside, made
 * `tacit envs` slower than no cache at all). Worker threads have their own.
 */
function profileOf() {
  if (!isMainThread) return 'worker';
  const command = process.argv[2];
  return command !== undefined && /^[a-z][a-z-]{0,31}$/.test(command) ? command : 'other';
}

/** What a cache made from `bundle` now must say: any rebuild changes the size, mtime or inode. */
function headerOf(bundle) {
  const st = statSync(bundle);
  return `${FORMAT} ${process.versions.v8} ${process.arch} ${st.size} ${st.mtimeMs} ${st.ino}\n`;
}

/** The stored code cache of `bundle`, or undefined when there is none or it was made for something else. */
function readCache(file, header) {
  let bytes;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  const end = bytes.indexOf(10); // the header's newline
  if (end < 0 || bytes.toString('latin1', 0, end + 1) !== header) return undefined;
  return bytes.subarray(end + 1);
}

function writeCache(file, header, data) {
  const tmp = `${file}.${process.pid}.${threadId}.tmp`;
  try {
    writeFileSync(tmp, Buffer.concat([Buffer.from(header, 'latin1'), data]));
    renameSync(tmp, file);
  } catch {
    rmSync(tmp, { force: true }); // a read-only install: run without the cache
  }
}

/**
 * Run `bundle` (an absolute path) as a CommonJS module of `parent`. Returns 'used' when V8 took the
 * stored code, 'written' when there was no usable cache (this process writes one at exit), 'off' with
 * TACIT_CODE_CACHE=off (compile from source, leave the cache alone). TACIT_CODE_CACHE_TRACE=1 prints
 * which to stderr.
 */
function runBundle(bundle, parent) {
  const source = readFileSync(bundle, 'utf8');
  const enabled = process.env.TACIT_CODE_CACHE !== 'off';
  const header = enabled ? headerOf(bundle) : '';
  const file = cacheFileOf(bundle, profileOf());
  const cachedData = enabled ? readCache(file, header) : undefined;
  const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData });
  const used = cachedData !== undefined && !script.cachedDataRejected;
  if (enabled && !used) {
    // At exit, so the cache also holds the functions this command compiled while it ran.
    process.once('exit', () => writeCache(file, header, script.createCachedData()));
  }
  if (process.env.TACIT_CODE_CACHE_TRACE) process.stderr.write(`tacit code cache: ${used ? 'used' : enabled ? 'written' : 'off'} ${file}\n`);
  const mod = new Module(bundle, parent);
  mod.filename = bundle;
  const wrapper = script.runInThisContext({ displayErrors: true });
  wrapper.call(mod.exports, mod.exports, Module.createRequire(bundle), mod, bundle, dirname(bundle));
  mod.loaded = true;
  return used ? 'used' : enabled ? 'written' : 'off';
}

module.exports = { runBundle, cacheFileOf };
