/**
 * The market's two static benchmarks (one-shot Nash, joint-profit maximum; model.ts) for a demand
 * system, solved once per demand system and process, and kept in the compiled build's folder
 * (src/core/build-cache.ts) for the next process. Solving them by bisection was ~5–10 ms of every
 * `tacit validate` and of every world a run builds (a run of the Calvano market builds its world
 * four times: resolving, the memory estimate, the runner, the fast path). The stored text is JSON
 * of the demand system and both profiles; doubles print and parse back to the same bits, and a
 * stored entry is used only when its demand system is the one asked for (never on a mere hash match).
 */
import { readBuildCache, writeBuildCache } from '../../src/core/build-cache.js';
import { bertrandNash, jointProfitMaximum, type DemandSystem, type PriceProfile } from './model.js';

/** Both benchmarks of one demand system. */
export interface MarketBenchmarks {
  readonly nash: PriceProfile;
  readonly monopoly: PriceProfile;
}

const solved = new Map<string, MarketBenchmarks>();

/** The demand system as a key: every field, in a fixed order. */
function keyOf(d: DemandSystem): string {
  return JSON.stringify([d.n, d.a, d.a0, d.mu, d.cost, d.shock]);
}

/** 64-bit FNV-1a of a string as 16 hex digits (names a cache entry; bin/build.mjs hashes the same way). */
function hashOf(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (a >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

const copy = (p: PriceProfile): PriceProfile => ({ prices: [...p.prices], profits: [...p.profits] });

/** Whether JSON keeps every number of the profile exactly (it writes −0 as 0; NaN and infinities as null). */
const jsonExact = (p: PriceProfile): boolean => [...p.prices, ...p.profits].every((v) => Number.isFinite(v) && !Object.is(v, -0));

/** Nash and joint-profit-maximum profiles of `d` (fresh arrays each call: callers may keep or change them). */
export function marketBenchmarks(d: DemandSystem): MarketBenchmarks {
  const key = keyOf(d);
  let found = solved.get(key);
  if (!found) {
    const name = `market-benchmarks-${hashOf(key)}.json`;
    const stored = readBuildCache(name);
    let parsed: ({ key: string } & MarketBenchmarks) | undefined;
    try {
      parsed = stored === undefined ? undefined : (JSON.parse(stored) as { key: string } & MarketBenchmarks);
    } catch {
      parsed = undefined; // not ours or damaged: solve again (and store a whole entry)
    }
    if (parsed?.key === key) found = { nash: parsed.nash, monopoly: parsed.monopoly };
    else {
      found = { nash: bertrandNash(d), monopoly: jointProfitMaximum(d) };
      if (jsonExact(found.nash) && jsonExact(found.monopoly)) writeBuildCache(name, JSON.stringify({ key, ...found }));
    }
    solved.set(key, found);
  }
  return { nash: copy(found.nash), monopoly: copy(found.monopoly) };
}
