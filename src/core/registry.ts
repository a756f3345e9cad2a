/**
 * A registry of named specs (worlds, policies, reward schemes, detectors). Registration is what
 * enrols a world in the world conformance suite, a policy in the policy conformance suite and
 * `tacit policies`, and makes each usable in experiment configs.
 *
 * Every spec is keyed by its `id`, whatever the config calls the field that names it (`env.id`,
 * `agents[i].policy.type`, `agents[i].reward.scheme`, the keys of `detectors:`): one key name in
 * the code, the users' config names unchanged.
 */
import { TacitError } from './errors.js';

/** What a registry holds: a spec with the stable id configs name it by. */
export interface Registered {
  /** The id configs use (e.g. `market-v1`, `tabular-q`, `team`, `collusion`). */
  readonly id: string;
}

/** Ids to specs, with an error listing the registered ids on a miss. */
export class Registry<T extends Registered> {
  private readonly items = new Map<string, T>();
  constructor(
    private readonly kind: string,
    private readonly makeError: (id: string, known: readonly string[]) => Error = (id, known) =>
      new TacitError(`unknown ${kind} '${id}'. Registered: ${known.join(', ') || '(none)'}`),
  ) {}

  /** Add a spec under its id; registering an id twice is a programming error. */
  register(spec: T): void {
    if (this.items.has(spec.id)) throw new Error(`${this.kind} '${spec.id}' is registered twice`);
    this.items.set(spec.id, spec);
  }

  /** The spec for `id`, or a named error listing the registered ids. */
  get(id: string): T {
    const item = this.items.get(id);
    if (item === undefined) throw this.makeError(id, this.ids());
    return item;
  }

  /** Whether `id` is registered. */
  has(id: string): boolean {
    return this.items.has(id);
  }

  /** Registered ids in registration order. */
  ids(): string[] {
    return [...this.items.keys()];
  }

  /** Registered specs in registration order. */
  values(): T[] {
    return [...this.items.values()];
  }
}

/**
 * The one way a registry is made: `kind` names it in errors, `specs` are registered in order.
 * Specs are generic in their params type (`PolicySpec<P>`); each is stored as its erased form
 * `T` (`PolicySpec`), which its methods accept because the registry only ever hands a spec the
 * params its own schema parsed.
 */
export function createRegistry<T extends Registered>(
  kind: string,
  specs: readonly T[],
  makeError?: (id: string, known: readonly string[]) => Error,
): Registry<T> {
  const registry = new Registry<T>(kind, makeError);
  for (const spec of specs) registry.register(spec);
  return registry;
}
