/**
 * Message–action dependence: does a receiver's action depend on the word it received from a
 * sender, beyond what the rest of its observation explains? This is what tells explicit
 * coordination (acting on what was said) from tacit coordination (acting on what was seen).
 *
 * Data: for each (sender, receiver) pair, counts of (stratum, word, action) over the receiver's
 * decisions, where the word is what the receiver's observation showed from that sender and the
 * stratum is the rest of its observation (the price history in a market) read as a state number
 * (src/coordination/layer.ts collects them). Statistic: the conditional mutual information
 * I(word; action | stratum) in bits, i.e. the mean over strata of the mutual information inside
 * each, weighted by stratum size. Under independence within strata (the receiver ignores words),
 * G = 2·N·I (in nats) is asymptotically χ² with Σ_s (words_s − 1)(actions_s − 1) degrees of
 * freedom (non-empty rows and columns of stratum s). With at most `exactBelow` decisions the
 * p-value is a stratified permutation test instead (words shuffled within each stratum, which
 * keeps every margin; `permutations` draws from a seeded stream), since the χ² approximation
 * needs large cells.
 *
 * Converged play is deterministic, so this observational test mostly sees the learning phase;
 * the verdict of converged play comes from message probes (`probeChannelVerdict`) when the run's
 * analysis produced them, and this test is then kept as evidence of what happened while learning.
 *
 * Verdict (three-valued, used by the collusion detector's `channel` part): untested without a
 * channel, with fewer than `minMessages` non-silent words seen, or with no stratum where both the
 * word and the action varied; fired ("explicit") when some pair's Holm-adjusted p-value is below
 * `alpha` and its information is at least `minInformation` bits (with millions of decisions a
 * negligible dependence is significant, so an effect size is required too); clear ("tacit")
 * otherwise.
 */
import { z } from 'zod';
import { deriveSeedWords, nextInt } from '../core/rng.js';
import { untestedVerdict, testedVerdict, type Verdict } from './types.js';
import { lazySchema } from '../core/lazy-schema.js';

/** Counts of one (sender, receiver) pair: counts[(s·words + w)·actions + a]. */
export interface DependenceTable {
  readonly sender: string;
  readonly receiver: string;
  readonly strata: number;
  readonly words: number;
  readonly actions: number;
  readonly counts: ArrayLike<number>;
}

/** The test of one pair. */
export interface DependenceResult {
  readonly sender: string;
  readonly receiver: string;
  /** Decisions counted. */
  readonly n: number;
  /** Decisions made on a non-silent word. */
  readonly messages: number;
  /** Conditional mutual information I(word; action | stratum), bits. */
  readonly information: number;
  readonly df: number;
  readonly pValue: number;
  readonly method: 'chi-square' | 'permutation' | 'none';
}

/** What counterfactual words did to one receiver's greedy action on the greedy path (src/coordination/analysis.ts). */
export interface MessageProbe {
  readonly sender: string;
  readonly receiver: string;
  /** Periods probed. */
  readonly periods: number;
  /** Periods on which the receiver saw a non-silent word from the sender. */
  readonly spoken: number;
  /** (period, other word) probes, and how many of them changed the receiver's greedy action. */
  readonly probes: number;
  readonly changed: number;
}

/** Params of the channel test (`detectors.collusion.channel`). */
export const channelParams = lazySchema(() =>
  z
    .object({
      alpha: z.number().gt(0).max(0.5).default(0.01).describe('False-alarm level of the message–action dependence test, over all sender–receiver pairs (Holm)'),
      minInformation: z
        .number()
        .min(0)
        .default(0.01)
        .describe('Smallest conditional mutual information (bits) between a word and the receiver’s next action that counts as acting on messages'),
      minMessages: z.number().int().positive().default(100).describe('Non-silent words a receiver must have seen for the test to run'),
      exactBelow: z.number().int().positive().default(20000).describe('Decisions below which the p-value is a stratified permutation test instead of χ²'),
      permutations: z.number().int().positive().default(199).describe('Permutations of the exact test'),
    })
    .strict(),
);

/** Resolved channel params. */
export type ChannelParams = z.infer<ReturnType<typeof channelParams>>;

/** Conditional mutual information (nats), decisions and degrees of freedom of a table. */
export function conditionalInformation(t: DependenceTable): { nats: number; n: number; df: number } {
  const { strata, words: W, actions: A, counts } = t;
  let total = 0;
  let sum = 0;
  let df = 0;
  const rows = new Float64Array(W);
  const cols = new Float64Array(A);
  for (let s = 0; s < strata; s++) {
    rows.fill(0);
    cols.fill(0);
    let n = 0;
    for (let w = 0; w < W; w++)
      for (let a = 0; a < A; a++) {
        const c = counts[(s * W + w) * A + a]!;
        rows[w]! += c;
        cols[a]! += c;
        n += c;
      }
    if (n === 0) continue;
    total += n;
    let r = 0;
    let k = 0;
    for (let w = 0; w < W; w++) if (rows[w]! > 0) r++;
    for (let a = 0; a < A; a++) if (cols[a]! > 0) k++;
    df += (r - 1) * (k - 1);
    for (let w = 0; w < W; w++)
      for (let a = 0; a < A; a++) {
        const c = counts[(s * W + w) * A + a]!;
        if (c > 0) sum += c * Math.log((c * n) / (rows[w]! * cols[a]!));
      }
  }
  return { nats: total > 0 ? sum / total : 0, n: total, df };
}

/** Upper tail of χ² with `df` degrees of freedom at x (regularised upper incomplete gamma Q(df/2, x/2)). */
export function chiSquareSf(x: number, df: number): number {
  if (df <= 0) return 1;
  if (x <= 0) return 1;
  const a = df / 2;
  const z = x / 2;
  const lnPre = a * Math.log(z) - z - logGamma(a);
  if (z < a + 1) {
    // Series for the lower tail P(a, z).
    let term = 1 / a;
    let sum = term;
    for (let k = 1; k < 10000; k++) {
      term *= z / (a + k);
      sum += term;
      if (term < sum * 1e-15) break;
    }
    return Math.max(0, 1 - sum * Math.exp(lnPre));
  }
  // Continued fraction for the upper tail Q(a, z) (modified Lentz).
  let b = z + 1 - a;
  let c = 1 / 1e-300;
  let d = 1 / b;
  let h = d;
  for (let k = 1; k < 10000; k++) {
    const an = -k * (k - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return Math.min(1, Math.exp(lnPre) * h);
}

function logGamma(x: number): number {
  // Lanczos approximation (g = 7, n = 9), accurate to ~1e-15 for x > 0.
  const g = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
    9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const y = x - 1;
  let a = g[0]!;
  const t = y + 7.5;
  for (let k = 1; k < 9; k++) a += g[k]! / (y + k);
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Stratified permutation p-value: words shuffled within strata (margins kept). */
function permutationP(t: DependenceTable, observed: number, permutations: number, seed: string): number {
  const { strata, words: W, actions: A, counts } = t;
  const rng = deriveSeedWords(seed, 'message-dependence');
  const perm = new Float64Array(counts.length);
  const groups: { words: Int32Array; actions: Int32Array }[] = [];
  for (let s = 0; s < strata; s++) {
    const ws: number[] = [];
    const as: number[] = [];
    for (let w = 0; w < W; w++) for (let a = 0; a < A; a++) for (let c = counts[(s * W + w) * A + a]!; c > 0; c--) (ws.push(w), as.push(a));
    if (ws.length > 0) groups.push({ words: Int32Array.from(ws), actions: Int32Array.from(as) });
  }
  let atLeast = 0;
  const stratumOf = groups.map((_, g) => g);
  for (let p = 0; p < permutations; p++) {
    perm.fill(0);
    groups.forEach((grp, g) => {
      const w = grp.words;
      for (let k = w.length - 1; k > 0; k--) {
        const j = nextInt(rng, k + 1);
        const tmp = w[k]!;
        w[k] = w[j]!;
        w[j] = tmp;
      }
      for (let k = 0; k < w.length; k++) perm[(stratumOf[g]! * W + w[k]!) * A + grp.actions[k]!]!++;
    });
    if (conditionalInformation({ ...t, strata: groups.length, counts: perm }).nats >= observed - 1e-12) atLeast++;
  }
  return (1 + atLeast) / (1 + permutations);
}

/** The dependence test of one pair. */
export function dependenceTest(t: DependenceTable, params: Pick<ChannelParams, 'exactBelow' | 'permutations'>, seed = 0): DependenceResult {
  const { nats, n, df } = conditionalInformation(t);
  let messages = 0;
  for (let s = 0; s < t.strata; s++)
    for (let w = 1; w < t.words; w++) for (let a = 0; a < t.actions; a++) messages += t.counts[(s * t.words + w) * t.actions + a]!;
  const base = { sender: t.sender, receiver: t.receiver, n, messages, information: nats / Math.LN2, df };
  if (df === 0) return { ...base, pValue: 1, method: 'none' };
  if (n < params.exactBelow) return { ...base, pValue: permutationP(t, nats, params.permutations, `${seed}/${t.sender}/${t.receiver}`), method: 'permutation' };
  return { ...base, pValue: chiSquareSf(2 * n * nats, df), method: 'chi-square' };
}

/**
 * The channel verdict of converged play, from message probes (exact for deterministic greedy
 * policies): explicit when some receiver that hears non-silent words on the greedy path changes
 * its action when a word is changed; tacit when no probed word changes an action, or when no
 * word is spoken on the path (the channel is unused or cut). `learning`, the dependence tests over
 * the whole run, is kept as evidence of what the firms did while they learned.
 */
export function probeChannelVerdict(probes: readonly MessageProbe[], learning: readonly DependenceResult[] | null, params: ChannelParams): Verdict {
  if (probes.length === 0) return untestedVerdict('no-channel', 'the run had no message channel', 'a run with coordination.messages');
  const during = learning ? channelVerdict(learning, params) : null;
  const details = { probes, learning: during ? { outcome: during.outcome, status: during.status, summary: during.summary } : null };
  const acting = probes.filter((p) => p.spoken > 0 && p.changed > 0);
  const share = (p: MessageProbe): string => `${p.changed} of ${p.probes}`;
  if (acting.length > 0)
    return testedVerdict(
      true,
      'explicit',
      `explicit: in converged play ${acting.map((p) => `${p.receiver}'s action changes in ${share(p)} probes when ${p.sender}'s word is changed (${p.sender} speaks in ${p.spoken} of ${p.periods} periods)`).join('; ')}`,
      details,
    );
  const silent = probes.every((p) => p.spoken === 0);
  return testedVerdict(
    false,
    'tacit',
    silent
      ? `tacit: no non-silent word reaches anyone in converged play (the channel is unused or cut)${during?.outcome === 'fired' ? '; during learning the firms did act on words' : ''}`
      : `tacit: words are spoken in converged play, but changing them changes no action (${probes.map((p) => `${p.receiver} ← ${p.sender}: ${share(p)}`).join(', ')})`,
    details,
  );
}

/** The channel verdict from the pairs' results (see the module header); `null` results: the run had no channel. */
export function channelVerdict(results: readonly DependenceResult[] | null, params: ChannelParams): Verdict {
  if (results === null) return untestedVerdict('no-channel', 'the run had no message channel', 'a run with coordination.messages');
  const messages = results.reduce((a, r) => a + r.messages, 0);
  if (messages < params.minMessages)
    return untestedVerdict(
      'too-few-messages',
      `receivers saw ${messages} non-silent words, fewer than ${params.minMessages}`,
      `a cheaper or more reliable channel, a longer run, or a lower detectors.collusion.channel.minMessages`,
      { messages, pairs: results },
    );
  const tested = results.filter((r) => r.df > 0);
  if (tested.length === 0)
    return untestedVerdict(
      'no-variation',
      'no receiver state in which both the word and the action varied',
      'a run with more exploration or more varied words',
      { messages, pairs: results },
    );
  // Holm over the tested pairs.
  const order = tested.map((r, k) => [r.pValue, k] as const).sort((a, b) => a[0] - b[0]);
  const adjusted = new Float64Array(tested.length);
  let running = 0;
  order.forEach(([p, k], rank) => {
    running = Math.max(running, Math.min(1, p * (tested.length - rank)));
    adjusted[k] = running;
  });
  const pairs = tested.map((r, k) => ({ ...r, adjustedP: adjusted[k]!, acts: adjusted[k]! < params.alpha && r.information >= params.minInformation }));
  const acting = pairs.filter((p) => p.acts);
  const top = [...pairs].sort((a, b) => b.information - a.information)[0]!;
  return acting.length > 0
    ? testedVerdict(
        true,
        'explicit',
        `explicit: ${acting.map((p) => `${p.receiver}'s actions depend on ${p.sender}'s words (${p.information.toFixed(3)} bits, adjusted p = ${p.adjustedP.toPrecision(2)})`).join('; ')}`,
        { messages, pairs },
      )
    : testedVerdict(
        false,
        'tacit',
        `tacit: no receiver's actions shown to depend on the words it saw (largest ${top.information.toFixed(3)} bits, adjusted p = ${top.adjustedP.toPrecision(2)}; needs < ${params.alpha} and ≥ ${params.minInformation} bits)`,
        { messages, pairs },
      );
}
