/**
 * The format of diagnosis.json, as a zod schema (the schema is the type and the validator).
 * `checkDiagnosis` round-trips the document through JSON first, so a non-finite number (a mean
 * over no seeds, an interval from one seed) is written as null, and then validates it: a diagnosis
 * that does not match its own format is an internal error, never a half-right file.
 */
import { z } from 'zod';

/** Format id written into every diagnosis.json. */
export const DIAGNOSIS_FORMAT = 'tacit-diagnosis/1';

const num = z.number().nullable();
const estimate = z.object({ mean: num, low: num, high: num }).strict();
const counts = z.object({ present: z.number().int(), absent: z.number().int(), untested: z.number().int(), n: z.number().int() }).strict();
const values = z.record(z.string(), z.unknown());
const comparison = z
  .object({
    metric: z.string(),
    candidate: estimate,
    baseline: estimate,
    diff: estimate,
    test: z.literal('welch'),
    pValue: num,
    pAdjusted: num,
    direction: z.union([z.literal(1), z.literal(-1), z.literal(0)]).describe('+1 significantly better, −1 worse, 0 neither (after Holm)'),
  })
  .strict();

const findingRef = {
  key: z.string(),
  detector: z.string(),
  kind: z.string(),
  agents: z.array(z.string()),
  kpi: z.string().optional(),
};

const candidateResult = z
  .object({
    label: z.string(),
    kind: z.enum(['team', 'mixed', 'difference', 'kpi-linked', 'myopic', 'share-observation', 'budget', 'circuit-breaker']),
    agents: z.array(z.string()),
    rationale: z.string(),
    values,
    status: counts,
    removes: z.boolean().nullable().describe('null: untested seeds leave it open'),
    team: comparison.nullable().describe('The team objective G against the baseline'),
    findingKpi: comparison.nullable().describe('The KPI the finding names against the baseline'),
    kpis: z.record(z.string(), z.object({ mean: num, diff: num, better: z.enum(['higher', 'lower']) }).strict()),
    verdict: z.enum(['fixes', 'removes-no-gain', 'removes-at-cost', 'does-not-remove', 'untested', 'no-runs']),
  })
  .strict();

const staleSource = z
  .object({
    source: z.string(),
    delay: z.number(),
    cadence: z.number(),
    noise: z.number(),
    loss: z.number(),
    slots: z.union([z.array(z.string()), z.literal('all')]),
  })
  .strict();

/** The diagnosis.json schema. */
export const diagnosisSchema = z
  .object({
    format: z.literal(DIAGNOSIS_FORMAT),
    experiment: z.string(),
    world: z.string(),
    seeds: z.array(z.number().int()),
    removeShare: z.number().describe('Share of seeds in which a candidate must remove a finding'),
    setup: z
      .object({
        experiment: z.string(),
        world: z.string(),
        agents: z.array(
          z
            .object({
              id: z.string(),
              role: z.string(),
              entry: z.number().int(),
              sharedEntry: z.boolean(),
              policy: z.string(),
              policyParams: values,
              learns: z.boolean(),
              scheme: z.string(),
              schemeParams: values,
              components: z.array(z.string()),
            })
            .strict(),
        ),
        kpis: z.array(z.object({ name: z.string(), better: z.enum(['higher', 'lower']), description: z.string(), weight: z.number() }).strict()),
        objective: z
          .object({
            source: z.enum(['world', 'experiment']).describe("world: the world's team objective; experiment: the config's diagnose.objective"),
            weights: z.record(z.string(), z.number()).describe('KPI → weight of the objective G the fixes were judged by'),
            worldWeights: z.record(z.string(), z.number()).describe("The world's own team objective"),
            reason: z.string().nullable(),
          })
          .strict()
          .describe('The objective G the diagnosis judged fixes by'),
        staleness: z.array(
          z
            .object({
              agent: z.string(),
              sources: z.array(staleSource),
              meanAge: z.number(),
              maxAge: z.number(),
              stale: z.boolean(),
              worldSetting: z.object({ paramPath: z.string(), setting: z.unknown() }).strict().nullable(),
            })
            .strict(),
        ),
        actionFaults: z.record(z.string(), z.array(z.string())),
        guarded: z.array(z.string()),
        detectorsOff: z.array(z.string()),
      })
      .strict(),
    interactions: z
      .object({
        componentKpi: z.array(
          z
            .object({
              agent: z.string(),
              component: z.string(),
              kpi: z.string(),
              r: num,
              low: num,
              high: num,
              seeds: z.number().int(),
              pAdjusted: num,
              relation: z.enum(['against', 'with', 'unclear']),
            })
            .strict(),
        ),
        influence: z.array(
          z.object({ actor: z.string(), affected: z.string(), mean: num, low: num, high: num, seeds: z.number().int(), harmSeeds: z.number().int() }).strict(),
        ),
        notes: z.array(z.string()),
      })
      .strict(),
    detectors: z.array(
      z.object({ detector: z.string(), fired: z.number().int(), clear: z.number().int(), untested: z.number().int(), off: z.number().int() }).strict(),
    ),
    findings: z.array(
      z
        .object({
          ...findingRef,
          text: z.string(),
          attribution: z.string().optional(),
          result: z
            .object({
              finding: z.object(findingRef).passthrough(),
              baseline: counts,
              candidates: z.array(candidateResult),
              recommended: z.string().nullable(),
              statement: z.string(),
            })
            .strict(),
        })
        .strict(),
    ),
    noCandidate: z.array(z.object({ finding: z.string(), reason: z.string() }).strict()),
    runs: z.array(z.object({ variant: z.string(), seed: z.number().int(), dir: z.string(), complete: z.boolean() }).strict()),
    notes: z.array(z.string()),
  })
  .strict();

/** A diagnosis.json document. */
export type Diagnosis = z.infer<typeof diagnosisSchema>;

/** Normalise (non-finite numbers → null) and validate a diagnosis before it is written. */
export function checkDiagnosis(doc: unknown): Diagnosis {
  const plain = JSON.parse(JSON.stringify(doc)) as unknown;
  const parsed = diagnosisSchema.safeParse(plain);
  if (!parsed.success)
    throw new Error(`diagnosis does not match ${DIAGNOSIS_FORMAT}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}
