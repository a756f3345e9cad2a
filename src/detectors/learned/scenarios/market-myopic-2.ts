/** Null: two Q-learning firms with δ = 0; prices can sit above Nash on the grid, but nothing in the future deters a myopic firm. Session, truth and detector: ../collusion-scenarios.ts. */
import { harnessScenario } from '../collusion-scenarios.js';

export const marketMyopic2 = harnessScenario('myopic-2');
