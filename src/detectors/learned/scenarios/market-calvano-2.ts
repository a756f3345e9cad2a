/** Positive: two Q-learning firms (Calvano et al. 2020 baseline) learn supra-competitive prices sustained by punishment. Session, truth and detector: ../collusion-scenarios.ts. */
import { harnessScenario } from '../collusion-scenarios.js';

export const marketCalvano2 = harnessScenario('calvano-2');
