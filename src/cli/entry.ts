/**
 * The compiled CLI's first module (bin/tacit.mjs runs it; bin/build.mjs bundles it apart from
 * main.ts). `tacit envs` and `tacit policies` print text kept in the build folder
 * (src/core/build-cache.ts) once any process has listed it on this build, and need nothing else; so
 * this small bundle prints it and only loads the CLI itself (main.ts, a 2 MB bundle with zod, yaml
 * and yargs, whose code cache alone costs more than the listing) for anything else but a bare
 * `validate <file>`, which has a smaller bundle of its own (validate-main.ts). Start-up, issue 21.
 */
import { createRequire } from 'node:module';
import { readBuildCache } from '../core/build-cache.js';
import { COMPILED } from '../core/compiled.js';
import { bareValidateFile } from './bare-validate.js';

const argv = process.argv.slice(2);
const listing = argv.length === 1 && (argv[0] === 'envs' || argv[0] === 'policies') ? readBuildCache(`listing-${argv[0]}.txt`) : undefined;
if (listing !== undefined) {
  // Output piped into `head` and the like closes early: stop quietly instead of printing EPIPE (as main.ts).
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
  process.stdout.write(listing);
} else {
  // The CLI's own stubs beside this bundle (bin/build.mjs), which run their bundles with their code
  // cache. Not imports of main.ts or validate-main.ts: the bundler would put all of them in this bundle.
  if (!COMPILED) throw new Error('src/cli/entry.ts runs compiled only (bin/tacit.mjs); run src/cli/main.ts from the sources');
  createRequire(import.meta.url)(bareValidateFile(argv) !== undefined ? './validate-main.cjs' : './main.cjs');
}
