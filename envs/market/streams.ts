/**
 * The random streams of one market session with seed k, as the runner derives them for a seed run
 * (so the fused kernel, the reference session and a generic `tacit run` of the same seed draw the
 * same numbers): the world reset's seed words, as VecEngine derives them, and each firm's learner
 * stream, as the runner gives policy i.
 */
import { RNG_WORDS, deriveSeedWords, nextUint32 } from '../../src/core/rng.js';

/** The streams of session `seed`: the world reset's seed words (as VecEngine derives them) and each firm's learner stream. */
export function sessionStreams(seed: number, nFirms: number): { worldSeed: Uint32Array; agentRng: Uint32Array[] } {
  const resetRng = deriveSeedWords(seed, 'world', 0);
  const worldSeed = new Uint32Array(RNG_WORDS);
  for (let k = 0; k < RNG_WORDS; k++) worldSeed[k] = nextUint32(resetRng);
  const agentRng = Array.from({ length: nFirms }, (_, i) => deriveSeedWords(seed, 'policy', `firm${i}`));
  return { worldSeed, agentRng };
}
