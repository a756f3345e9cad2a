/**
 * The detectors' validation tables (src/detectors/validate.ts): planted scenarios, then learned
 * ones (src/detectors/learned/, run through the runner by src/run/learned-scenario.ts).
 *
 *   npm run validate-detectors [-- --seeds 200] [-- --learned-seeds 20] [-- --only goodhart,collusion] [-- --planted-only | --learned-only] [-- --scenario NAME]
 */
import { VALIDATION_CASES, formatValidation, pct, summarise, validate } from '../src/detectors/validate.js';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const seeds = Number(arg('--seeds') ?? 200);
const learnedSeeds = Number(arg('--learned-seeds') ?? 20);
const only = arg('--only')?.split(',');
const part = process.argv.includes('--learned-only') ? 'learned' : process.argv.includes('--planted-only') ? 'planted' : 'both';
if (part !== 'learned') {
  const cases = VALIDATION_CASES.filter((c) => !only || only.includes(c.detector));
  const results = validate(seeds, cases, (r) => process.stderr.write(`${r.detector} / ${r.name}: ${pct(r.rate)}\n`));
  console.log(`Planted-scenario validation, ${seeds} seeds per case\n`);
  console.log(formatValidation(results));
  if (!summarise(results).every((s) => s.met)) process.exitCode = 1;
}
if (part !== 'planted') {
  // Learned scenarios train agents: minutes, not seconds (src/detectors/learned/).
  const { LEARNED_SCENARIOS } = await import('../src/detectors/learned/registry.js');
  const { formatLearned, runLearnedScenario } = await import('../src/run/learned-scenario.js');
  const results = [];
  const named = arg('--scenario');
  for (const sc of LEARNED_SCENARIOS.filter((c) => (!only || only.includes(c.detector)) && (!named || c.name.includes(named)))) {
    results.push(
      await runLearnedScenario(sc, learnedSeeds, 'full', (r) =>
        process.stderr.write(
          `${sc.name} seed ${r.seed}: truth ${r.truthPositive ? '+' : '−'}, ${r.firedOnTarget ? 'fired on target' : r.fired ? 'fired' : 'silent'}\n`,
        ),
      ),
    );
  }
  console.log(`\nLearned-scenario validation, ${learnedSeeds} seeds per scenario\n`);
  console.log(formatLearned(results));
}
