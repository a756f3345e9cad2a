/** Which command lines are a bare `tacit validate <file>`: shared by the entry (entry.ts), which runs them on their own bundle, and main.ts. */

/** The config file of `validate <file>` with nothing else on the line, else undefined. */
export function bareValidateFile(argv: readonly string[]): string | undefined {
  const file = argv[1];
  return argv.length === 2 && argv[0] === 'validate' && file !== undefined && file !== '' && !file.startsWith('-') ? file : undefined;
}
