/** Null at a known optimum: one Q-learning firm against a firm frozen at the Nash price, whose best response is the Nash price. Session, truth and detector: ../collusion-scenarios.ts. */
import { harnessScenario } from '../collusion-scenarios.js';

export const marketNashRivals2 = harnessScenario('nash-rivals-2');
