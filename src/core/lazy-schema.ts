/**
 * Zod schemas built on first use. Building a zod schema allocates a tree of objects (each
 * `.int()`, `.min()`, `.default()`, `.describe()` is a new schema), and tacit has hundreds: every
 * world's, policy's and reward scheme's params. Built at import, they were most of what
 * `tacit validate` spent before reading the config, and most of its garbage collection (CPU profile,
 * issue 21). A registered spec exposes its schema through a getter over one of these, so a command
 * builds only the schemas of the world, policies and schemes its config names.
 */

/** A function returning the schema `build` makes, built on the first call and the same object after. */
export function lazySchema<S>(build: () => S): () => S {
  let schema: S | undefined;
  return () => (schema ??= build());
}
