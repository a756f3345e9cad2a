/**
 * Letting a long synchronous run loop give the event loop a turn, so signal handlers (Ctrl-C,
 * SIGTERM) and messages are heard while a run is going.
 *
 * Run loops are written as generators that `yield` at every metrics window. `driveSync` runs one to
 * the end without pausing (tests, benchmarks, library use); `drivePausing` gives the event loop a
 * turn at a window when some time has passed since the last turn, so a run with tiny windows does
 * not pay a macrotask per window. The clock only decides *when* the loop pauses, never what it
 * computes: results are identical either way.
 */

const TURN_MS = 20;

/** A run loop: yields at metrics windows, returns its result. */
export type RunLoop<T> = Generator<void, T, void>;

/** Run a loop to its end without pausing. */
export function driveSync<T>(loop: RunLoop<T>): T {
  for (;;) {
    const r = loop.next();
    if (r.done) return r.value;
  }
}

/** Run a loop to its end, giving the event loop a turn every ~20 ms (at window ends). */
export async function drivePausing<T>(loop: RunLoop<T>): Promise<T> {
  let last = performance.now();
  for (;;) {
    const r = loop.next();
    if (r.done) return r.value;
    if (performance.now() - last >= TURN_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      last = performance.now();
    }
  }
}
