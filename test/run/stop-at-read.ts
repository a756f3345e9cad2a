/** A stop flag that turns true at its `n`-th read (the runner reads it once per metrics window): interrupts a run at a chosen window. */
export function stopAtRead(n: number): { stop: boolean } {
  let reads = 0;
  return {
    get stop() {
      return ++reads >= n;
    },
    set stop(_v: boolean) {},
  };
}
