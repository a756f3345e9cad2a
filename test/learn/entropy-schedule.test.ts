/**
 * PPO's opt-in entropy schedule: without it the loss coefficients are the config itself (so runs
 * without the option are untouched); with it the entropy coefficient moves linearly from
 * entropyCoef to entropyCoefFinal over entropyAnnealSteps and then stays there.
 */
import { describe, expect, it } from 'vitest';
import { ppoParamsSchema } from '../../policies/ppo-card.js';
import { lossCoefs } from '../../policies/ppo.js';

describe('entropy schedule', () => {
  it('is the identity without entropyAnnealSteps', () => {
    const cfg = ppoParamsSchema().parse({ entropyCoef: 0.02 });
    expect(lossCoefs(cfg, 0)).toBe(cfg);
    expect(lossCoefs(cfg, 1e6)).toBe(cfg);
  });

  it('interpolates linearly to entropyCoefFinal (default 0) and holds it', () => {
    const toZero = ppoParamsSchema().parse({ entropyCoef: 0.02, entropyAnnealSteps: 1000 });
    expect(lossCoefs(toZero, 0).entropyCoef).toBe(0.02);
    expect(lossCoefs(toZero, 250).entropyCoef).toBeCloseTo(0.015, 12);
    expect(lossCoefs(toZero, 1000).entropyCoef).toBe(0);
    expect(lossCoefs(toZero, 5000).entropyCoef).toBe(0);
    const up = ppoParamsSchema().parse({ entropyCoef: 0.01, entropyAnnealSteps: 100, entropyCoefFinal: 0.03 });
    expect(lossCoefs(up, 50).entropyCoef).toBeCloseTo(0.02, 12);
    // The other coefficients are untouched.
    expect(lossCoefs(up, 50)).toMatchObject({ clipCoef: up.clipCoef, valueCoef: up.valueCoef, clipValueLoss: up.clipValueLoss });
  });
});
