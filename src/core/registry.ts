/**
 * A registry of named specs (worlds, policies, reward schemes, detectors). Registration is what
 * enrols a world in the conformance suite and a policy in `tacit policies`.
 */
import { TacitError } from './errors.js';

/** Ids to specs, with an error listing the registered ids on a miss. */
export class Registry<T> {
  private readonly items = new Map<string, T>();
  constructor(
    private readonly kind: string,
    private readonly makeError: (id: string, known: readonly string[]) => Error = (id, known) =>
      new TacitError(`unknown ${kind} '${id}'. Registered: ${known.join(', ') || '(none)'}`),
  ) {}

  /** Add a spec; registering an id twice is a programming error. */
  register(id: string, item: T): void {
    if (this.items.has(id)) throw new Error(`${this.kind} '${id}' is registered twice`);
    this.items.set(id, item);
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
