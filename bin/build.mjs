// Compiles tacit's TypeScript to plain ES modules with esbuild before a command runs, and caches
// the result by a fingerprint of the sources (node_modules/.cache/tacit/<fingerprint>/), so an
// edited file is always picked up and an unchanged tree costs one walk of src, envs and policies
// (~5 ms; bench and experiments too when the entry is a script there).
//
// Why not run the sources through tsx as before: tsx's loader parses imported packages with a
// WebAssembly lexer whose memory growth detaches an ArrayBuffer, and V8 then gives up its
// "no buffer was ever detached" guarantee for the whole process: every typed-array access in every
// hot loop (world kernels, policies, the engine) gains a detached-buffer check. Measured on the
// beer game with 1024 copies: kernel 24 → 40–50 M agent-steps per CPU second, random policy
// 47 → 180–220 M, the same code, only loaded differently. Tests still run the sources (vitest).
//
// Two formats. The CLI (bin/tacit.mjs) is built as CommonJS, one self-contained bundle per entry,
// and run through bin/code-cache.cjs so V8 reuses the bytecode of earlier runs (start-up, issue 21).
// Scripts (bin/run.mjs: benchmarks, experiments) are built as ES modules with shared chunks, as they
// may use top-level await, which CommonJS has not. Both bundle the small pure-JS packages every
// command loads (zod, yaml, yargs, immer: see BUNDLED) so Node does not resolve, read and compile
// their hundreds of files one by one.
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

// The fast check and what it shares with the build (bin/build-check.cjs: bin/tacit.mjs runs it without this module).
const check = createRequire(import.meta.url)('./build-check.cjs');
const { ROOT, stampOf, hashText, cacheDirOf, entriesOf, inputsPointer, builtName, touchBuild, vouchedBuild } = check;
export const { startCompileCache } = check;
export { builtName };
/** What the library and the CLI are compiled from; scripts (bench, experiments) may import from these. */
const LIBRARY_DIRS = ['src', 'envs', 'policies'];
const SCRIPT_DIRS = ['bench', 'experiments'];
const KEEP_BUILDS = 6; // both formats: the CLI (cjs) and scripts (esm) build side by side
/** A build used this recently is kept whatever their number (see pruneOldBuilds). */
const RECENT_MS = 10 * 60_000;
/**
 * CommonJS packages loaded with require() instead of an ESM import. Importing CommonJS from ESM
 * makes Node scan the package's source for its export names (cjs-module-lexer), which for tfjs's
 * large bundles took a fifth of every command's start-up (CPU profile of `tacit validate`; 8 runs
 * each, median 0.70 s before, 0.50 s after).
 */
const REQUIRED_CJS = ['@tensorflow/tfjs'];

/**
 * Packages compiled into the bundle: small, pure JavaScript, and loaded by nearly every command
 * (validate: zod and yaml; any flag: yargs; --set: immer). Loaded from node_modules they cost Node a
 * resolve, read and compile of each of their files (zod alone ~300; CPU profile of `tacit validate`:
 * about a third of its start-up). What they import is bundled with them (yargs' cliui, y18n, ...).
 * Everything else stays in node_modules: tfjs, the queue and browser packages and the rest are
 * large, native or read their own files, and only some commands load them.
 */
const BUNDLED = ['zod', 'yaml', 'yargs', 'immer'];
const packageOf = (spec) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
const inNodeModules = (file) => /[\\/]node_modules[\\/]/.test(file);
/** The package a file in node_modules belongs to: the path after its last node_modules/ (nested copies count as themselves). */
function packageOfFile(file) {
  const parts = file.split(/[\\/]/);
  const at = parts.lastIndexOf('node_modules');
  return parts[at + 1]?.startsWith('@') ? `${parts[at + 1]}/${parts[at + 2]}` : parts[at + 1];
}

/**
 * esbuild plugin: which packages are bundled (BUNDLED and what their files import) and which stay
 * outside. In the ES module format, `import * as x from '<pkg>'` of the REQUIRED_CJS packages becomes
 * a require() through createRequire.
 */
const packagesOutside = (format) => ({
  name: 'packages-outside',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:')) return { path: args.path, external: true };
      if (BUNDLED.includes(packageOf(args.path)) || (args.importer && inNodeModules(args.importer))) return undefined; // bundled
      if (format === 'esm' && REQUIRED_CJS.includes(args.path) && args.namespace !== 'require-cjs') return { path: args.path, namespace: 'require-cjs' };
      return { path: args.path, external: true };
    });
    build.onLoad({ filter: /.*/, namespace: 'require-cjs' }, (args) => ({
      // CommonJS (so esbuild wraps it and `import * as` sees every export); __tacitRequire comes
      // from the banner every output file starts with.
      contents: `module.exports = __tacitRequire(${JSON.stringify(args.path)});\n`,
      loader: 'js',
      resolveDir: ROOT,
    }));
  },
});

/**
 * yargs lays out the help text of every command it runs, after the handler starts (cacheHelpMessage,
 * so a later showHelp works), measuring each string with string-width: Intl.Segmenter, a 10 kB
 * emoji regular expression and East Asian width tables, ~0.1 s of CPU for `tacit run` (CPU profile).
 * Two edits: a string of printable ASCII is as wide as it is long (what string-width computes for
 * it: no escape codes, no wide or zero-width characters), and the segmenter is made on first use
 * instead of at load (ICU's break data). A package version without these lines is bundled as is.
 */
function stringWidthPatched(text) {
  return text
    .replace(
      'const segmenter = new Intl.Segmenter();',
      'let lazySegmenter;\nconst segmenter = { segment: (s) => (lazySegmenter ??= new Intl.Segmenter()).segment(s) };',
    )
    .replace(
      /export default function stringWidth\((\w+), options = \{\}\) \{/,
      (head, arg) => `${head}\n\tif (typeof ${arg} === 'string' && /^[\\x20-\\x7e]*$/.test(${arg})) return ${arg}.length;`,
    );
}

/**
 * esbuild plugin for the bundled packages' own files:
 * - `import.meta.url` is the file's real URL in node_modules, as if loaded from there (yargs finds
 *   its English messages in ../../../locales relative to it; inside a bundle it would point at the
 *   build folder and print message keys instead);
 * - zod's index of ~50 locales is replaced by English alone (the only one tacit uses; the others are
 *   a third of zod's code);
 * - string-width (yargs' and cliui's copies) gets a fast path, see stringWidthPatched;
 * - each file's last line adds its package to `globalThis.__tacitLoaded` when a test defines it (a
 *   bundled package no longer shows in Node's module cache: test/cli/lazy-imports.test.ts).
 */
const bundledPackageFiles = {
  name: 'bundled-package-files',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/].*\.(c|m)?js$/ }, (args) => {
      const pkg = packageOfFile(args.path);
      const zodLocales = pkg === 'zod' && /[\\/]v4[\\/]locales[\\/]index\.js$/.test(args.path);
      let text = zodLocales ? 'export { default as en } from "./en.js";\n' : readFileSync(args.path, 'utf8');
      if (pkg === 'string-width') text = stringWidthPatched(text);
      // Appended, not prepended: a statement before 'use strict' would turn the directive off.
      const trace = `\n;globalThis.__tacitLoaded?.add(${JSON.stringify(pkg)});\n`;
      return { contents: text.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)) + trace, loader: 'js' };
    });
  },
};

/** Every .ts/.json/.mjs source under `dir` with its stamp, by path relative to ROOT: what the fingerprint hashes. */
function listSources(dir, out) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) listSources(path, out);
    else if (entry.name.endsWith('.ts') || entry.name.endsWith('.json') || entry.name.endsWith('.mjs'))
      out.set(path.slice(ROOT.length + 1), stampOf(statSync(path)));
  }
  return out;
}

/** Build inputs that are not sources: their edits change every build. */
const BUILD_FILES = ['package.json', 'package-lock.json', 'tsconfig.json', 'bin/build.mjs', 'bin/build-check.cjs', 'bin/code-cache.cjs'];

/** The stamps the fingerprint of a build of `entries` covers (walks the source folders). */
function sourceStamps(entries) {
  // The CLI's entries import only the library folders; a script entry (bench/, experiments/) may
  // import its neighbours too. Walking only what a build can read keeps start-up's walk short.
  const library = entries.every((e) => LIBRARY_DIRS.some((d) => e.startsWith(`${d}/`)));
  const stamps = new Map();
  for (const dir of library ? LIBRARY_DIRS : [...LIBRARY_DIRS, ...SCRIPT_DIRS]) if (existsSync(join(ROOT, dir))) listSources(join(ROOT, dir), stamps);
  for (const file of BUILD_FILES) if (existsSync(join(ROOT, file))) stamps.set(file, stampOf(statSync(join(ROOT, file))));
  // An entry outside the source folders (a scratch script) counts too, with the sources beside it
  // (what it imports from its own folder).
  for (const entry of entries) {
    stamps.set(entry, stampOf(statSync(join(ROOT, entry))));
    const folder = dirname(entry);
    if (folder !== '.' && ![...LIBRARY_DIRS, ...SCRIPT_DIRS].some((d) => entry.startsWith(`${d}/`)))
      for (const name of readdirSync(join(ROOT, folder)))
        if (name.endsWith('.ts') || name.endsWith('.mjs')) stamps.set(`${folder}/${name}`, stampOf(statSync(join(ROOT, folder, name))));
  }
  return stamps;
}

function fingerprintOf(stamps, entries) {
  // The build bakes absolute paths in (the code cache loader, bundled packages' file URLs): a moved
  // checkout builds afresh. The entries count on their own: two builds of the same sources from
  // different entries (the CLI's main.ts, the library's api.ts) hold different files, and sharing one
  // folder made the second find the folder complete without its entry.
  return hashText([ROOT, `entries:${entries.join(',')}`, ...[...stamps].map(([path, stamp]) => `${path}:${stamp}`)].join('\n'));
}

function writePointer(pointer, outDir, stamps) {
  let inputs;
  try {
    inputs = JSON.parse(readFileSync(join(outDir, 'inputs.json'), 'utf8'));
  } catch {
    return; // no list of inputs: keep walking
  }
  const recorded = new Map();
  for (const path of [...inputs, ...BUILD_FILES]) {
    // A file the walk did not cover (imported from outside the source folders) is stamped now.
    const stamp = stamps.get(path) ?? (existsSync(join(ROOT, path)) ? stampOf(statSync(join(ROOT, path))) : undefined);
    if (stamp !== undefined) recorded.set(path, stamp);
    else if (!BUILD_FILES.includes(path)) return; // an input is gone: the next command walks
  }
  for (const folder of new Set(inputs.map((p) => dirname(p)))) recorded.set(folder, stampOf(statSync(join(ROOT, folder))));
  const tmp = `${pointer}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, JSON.stringify({ folder: basename(outDir), stamps: [...recorded] }));
    renameSync(tmp, pointer);
  } catch {
    rmSync(tmp, { force: true }); // a read-only install: walk every time
  }
}

const ESM_BANNER =
  "import { createRequire as __tacitCreateRequire } from 'node:module';\nconst __tacitRequire = __tacitCreateRequire(import.meta.url);\n" +
  // Bundled CommonJS packages (yaml) call require(); esbuild's shim uses the one in scope.
  'const require = __tacitRequire;';

/** A CommonJS bundle's `import.meta.url` (esbuild leaves import.meta empty there): the bundle's own file. */
const CJS_BANNER = "const __tacitImportMetaUrl = require('node:url').pathToFileURL(__filename).href;";

/**
 * The CommonJS format's small entry file `<name>.cjs`, what Node and worker threads start: it runs the
 * bundle `<name>.bundle.cjs` beside it through the code cache (bin/code-cache.cjs).
 */
function cjsEntryStub(name) {
  return `'use strict';\nrequire(${JSON.stringify(join(ROOT, 'bin', 'code-cache.cjs'))}).runBundle(require('node:path').join(__dirname, ${JSON.stringify(`${name}.bundle.cjs`)}), module);\n`;
}

/**
 * Compile `entry` (a path relative to the repository root) with the worker entries (and the entries
 * `also` names, which it loads by file name as the worker entries are) and return the
 * absolute path of its compiled module. format 'esm' (the default): ES modules with shared chunks,
 * `<folder>/<name>.js`, to import(). format 'cjs': for each entry a CommonJS bundle
 * `<name>.bundle.cjs` and a stub `<name>.cjs` that runs it with V8's code cache, to require(); an
 * entry may not use top-level await. Concurrent callers race safely: each
 * builds into its own temporary folder and renames it into place; the loser discards its copy.
 */
export async function ensureBuilt(entry, { format = 'esm', also = [] } = {}) {
  const entries = entriesOf(entry, also);
  const names = entries.map((e) => builtName(e, format));
  if (new Set(names).size !== names.length) throw new Error(`tacit build: entry ${entry} has the same file name as a worker entry`);
  const vouched = vouchedBuild(entry, { format, also });
  if (vouched !== undefined) return vouched;
  const cacheDir = cacheDirOf();
  const pointer = inputsPointer(cacheDir, format, entries);
  const stamps = sourceStamps(entries);
  const outDir = join(cacheDir, `${format}-${fingerprintOf(stamps, entries)}`);
  const target = join(outDir, builtName(entry, format));
  if (existsSync(join(outDir, '.complete'))) {
    touchBuild(outDir);
    writePointer(pointer, outDir, stamps);
    return target;
  }
  const { build } = await import('esbuild');
  const tmp = `${outDir}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  const cjs = format === 'cjs';
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: entries,
    outdir: tmp,
    entryNames: cjs ? '[name].bundle' : '[name]',
    outExtension: cjs ? { '.js': '.cjs' } : {},
    chunkNames: 'chunk-[hash]',
    bundle: true,
    splitting: !cjs,
    format,
    platform: 'node',
    target: 'node20',
    // A code-cached bundle runs in vm.Script, whose import() would need an experimental flag on Node
    // 20: every import() becomes require() (the packages left outside all load with require()).
    // Regular expressions with the v flag stay literals (Node 20 has it; esbuild's node20 table says
    // not): as `new RegExp(...)` calls, yargs' string-width built four Unicode-set expressions (one
    // of every RGI emoji) each time it loaded, ~10 ms, for help text that never needs them.
    supported: { 'regexp-set-notation': true, 'regexp-unicode-property-escapes': true, ...(cjs ? { 'dynamic-import': false } : {}) },
    sourcemap: 'linked',
    // Lets the code tell compiled from source mode (worker file names, the repository root).
    define: {
      __TACIT_BUILD__: 'true',
      __TACIT_ENTRY_EXT__: JSON.stringify(cjs ? '.cjs' : '.js'),
      ...(cjs ? { 'import.meta.url': '__tacitImportMetaUrl' } : {}),
    },
    plugins: [packagesOutside(format), bundledPackageFiles],
    banner: { js: cjs ? CJS_BANNER : ESM_BANNER },
    logLevel: 'error',
    metafile: true,
  });
  // What the build read, sources only (packages are covered by package-lock.json): the fast check's list.
  const inputs = Object.keys(result.metafile.inputs).filter((p) => !p.startsWith('node_modules/') && !inNodeModules(p) && !p.includes(':'));
  writeFileSync(join(tmp, 'inputs.json'), JSON.stringify(inputs));
  if (cjs)
    for (const name of names) {
      writeFileSync(join(tmp, name), cjsEntryStub(basename(name, '.cjs')));
      asciiComments(join(tmp, `${basename(name, '.cjs')}.bundle.cjs`));
    }
  writeFileSync(join(tmp, '.complete'), '');
  mkdirSync(cacheDir, { recursive: true });
  try {
    renameSync(tmp, outDir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another process finished the same build first
  }
  pruneOldBuilds(cacheDir, outDir);
  writePointer(pointer, outDir, stamps);
  return target;
}

/**
 * Make a CommonJS bundle pure ASCII by replacing the non-ASCII characters of its comments (`−`, `×`,
 * `μ` in the sources' doc comments; esbuild already escapes them in strings and regular expressions)
 * with `?`. One such character makes Node decode the whole 2 MB file the slow way and V8 keep it as a
 * two-byte string: reading the CLI bundle took twice as long (issue 21, start-up). Each UTF-16 unit
 * becomes one `?`, so the source map's columns still hold. A line of code
 * (not a comment) with such a character leaves the file as it is: slower, never wrong.
 */
function asciiComments(file) {
  const text = readFileSync(file, 'utf8');
  if (!/[^\x00-\x7f]/.test(text)) return;
  const lines = text.split('\n');
  const commentLine = /^\s*(\*|\/\/|\/\*)/;
  if (lines.some((line) => /[^\x00-\x7f]/.test(line) && !commentLine.test(line))) return;
  writeFileSync(file, text.replace(/[^\x00-\x7f]/g, '?')); // per UTF-16 unit (no u flag)
}

/**
 * Keep the newest few builds and any used in the last RECENT_MS (ensureBuilt touches the folder it
 * returns: a command or a test started before an edit may still be reading its build), and drop
 * temporary folders a killed build left behind (older than an hour: a build takes about a second)
 * and build-check files (.inputs) not written for a day.
 */
function pruneOldBuilds(cacheDir, keep) {
  const now = Date.now();
  const entries = [];
  for (const name of readdirSync(cacheDir)) {
    try {
      entries.push({ name, path: join(cacheDir, name), mtime: statSync(join(cacheDir, name)).mtimeMs });
    } catch {
      // Removed by a concurrent command between the listing and the stat.
    }
  }
  for (const e of entries) if (e.name.endsWith('.tmp') && now - e.mtime > 3_600_000) rmSync(e.path, { recursive: true, force: true });
  for (const e of entries) if (e.name.endsWith('.inputs') && now - e.mtime > 86_400_000) rmSync(e.path, { force: true });
  const builds = entries
    .filter((e) => !e.name.endsWith('.tmp') && !e.name.endsWith('.inputs'))
    .filter((b) => b.path !== keep)
    .sort((a, b) => b.mtime - a.mtime);
  for (const old of builds.slice(KEEP_BUILDS - 1)) if (now - old.mtime > RECENT_MS) rmSync(old.path, { recursive: true, force: true });
}
