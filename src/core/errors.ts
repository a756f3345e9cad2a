/**
 * Named errors. Every error a user can cause by a mistake (bad config, bad flag, misuse of the env
 * API) is a `TacitError`: the CLI prints its message without a stack trace and exits with code 2.
 * Anything else is an internal failure (exit 1). Messages say what rule broke, the value seen, and
 * the usual fix, in the manner of Gymnasium's env checker.
 */

/** Base class for errors caused by user input or API misuse; the CLI exits 2 on these. */
export class TacitError extends Error {
  /** Process exit code the CLI uses for this error. */
  readonly exitCode: number = 2;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** One problem found in an experiment config, with its dotted field path. */
export interface ConfigIssue {
  /** Dotted path such as `agents[1].policy.params.learningRate`; empty for the root. */
  readonly path: string;
  /** What was wrong and what is allowed. */
  readonly message: string;
}

/** An experiment config (file, `--set` override or flag) failed validation; lists every issue. */
export class ConfigError extends TacitError {
  readonly issues: readonly ConfigIssue[];
  constructor(issues: readonly ConfigIssue[], header = 'invalid experiment config') {
    super(`${header}:\n${issues.map((i) => `  ${i.path || '(root)'}: ${i.message}`).join('\n')}`);
    this.issues = issues;
  }
}

/** A command-line flag or path is wrong (missing file, bad --set syntax, ...). */
export class UsageError extends TacitError {}

/** A world id that is not registered. */
export class UnknownEnvError extends TacitError {
  constructor(id: string, known: readonly string[]) {
    super(`unknown env id '${id}'. Registered envs: ${known.join(', ')} (run 'tacit envs' for their params)`);
  }
}

/** A policy type that is not registered. */
export class UnknownPolicyError extends TacitError {
  constructor(type: string, known: readonly string[]) {
    super(`unknown policy type '${type}'. Registered policies: ${known.join(', ')} (run 'tacit policies' for their params)`);
  }
}

/** The env API was used out of order (step before reset, stepping a finished agent, ...). */
export class EnvUsageError extends TacitError {}

/** An action outside its agent's action space was passed to `step`. */
export class ActionOutOfSpaceError extends TacitError {}

/** An agent id that the world does not have. */
export class UnknownAgentError extends TacitError {
  constructor(id: string, known: readonly string[]) {
    super(`unknown agent id '${id}'. This world's agents are: ${known.join(', ')}`);
  }
}

/** A world broke its own contract (obs outside its space, state mutated in place, ...): a bug in the world. */
export class EnvContractError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvContractError';
  }
}

/** Describe a value for an error message without dumping large objects. */
export function showValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  try {
    const json = JSON.stringify(value);
    return json.length > 80 ? `${json.slice(0, 77)}...` : json;
  } catch {
    return Object.prototype.toString.call(value);
  }
}
