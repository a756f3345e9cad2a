/**
 * Compact letter display of pairwise test results (Piepho 2004, "An algorithm for a letter-based
 * representation of all-pairwise comparisons", insert-and-absorb): every item gets one or more
 * letters so that two items share a letter exactly when they are not significantly different.
 * Letters are assigned in order of the best-ranked member of each group, so the top group is 'a'.
 */

/**
 * Letters for `items` (given best first) from the significant pairs. Returns a letter string per
 * item, in the order of `items`.
 */
export function compactLetters(items: readonly string[], significant: readonly (readonly [string, string])[]): string[] {
  const index = new Map(items.map((it, i) => [it, i]));
  let groups: Set<number>[] = [new Set(items.map((_, i) => i))];
  for (const [x, y] of significant) {
    const i = index.get(x);
    const j = index.get(y);
    if (i === undefined || j === undefined || i === j) continue;
    const next: Set<number>[] = [];
    for (const g of groups) {
      if (g.has(i) && g.has(j)) {
        const gi = new Set(g);
        gi.delete(j);
        const gj = new Set(g);
        gj.delete(i);
        next.push(gi, gj);
      } else next.push(g);
    }
    // Absorb: drop groups contained in another (and duplicates).
    groups = next.filter((g, a) => !next.some((h, b) => b !== a && isSubset(g, h) && (g.size < h.size || b < a)));
  }
  groups.sort((g, h) => Math.min(...g) - Math.min(...h) || Math.max(...g) - Math.max(...h));
  const letters = items.map(() => '');
  groups.forEach((g, k) => {
    const letter = letterName(k);
    for (const i of [...g].sort((a, b) => a - b)) letters[i] += letter;
  });
  return letters;
}

function isSubset(a: Set<number>, b: Set<number>): boolean {
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

/** a..z, then aa, ab, ... */
function letterName(k: number): string {
  return k < 26 ? String.fromCharCode(97 + k) : letterName(Math.floor(k / 26) - 1) + letterName(k % 26);
}
