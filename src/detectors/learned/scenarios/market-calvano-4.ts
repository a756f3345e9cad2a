/** Positive: four Q-learning firms (the paper's parameters): Δ ≈ 0.55, deviations deterred, often by lasting price wars. Session, truth and detector: ../collusion-scenarios.ts. */
import { harnessScenario } from '../collusion-scenarios.js';

export const marketCalvano4 = harnessScenario('calvano-4');
