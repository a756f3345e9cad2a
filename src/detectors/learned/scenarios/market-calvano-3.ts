/** Positive: three Q-learning firms (the paper's parameters): Δ ≈ 0.65, deviations deterred. Session, truth and detector: ../collusion-scenarios.ts. */
import { harnessScenario } from '../collusion-scenarios.js';

export const marketCalvano3 = harnessScenario('calvano-3');
