import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/serve/protocol.js';
import { sessionConfig } from '../../src/serve/session.js';

const badConfig = (msg: Record<string, unknown>): string => {
  try {
    sessionConfig(msg);
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err;
    expect(err.code).toBe('bad-config');
    return err.message;
  }
  throw new Error('expected a bad-config error');
};

describe('sessionConfig (the make message)', () => {
  it('names the first bad field', () => {
    expect(badConfig({ env: { id: 'market-v1' }, numEnvs: 0 })).toContain('numEnvs: expected an integer from 1 to 65536, got 0');
    expect(badConfig({ env: { id: 'market-v1' }, autoreset: 'never' })).toContain(`autoreset: expected 'disabled' or 'same-step', got "never"`);
    expect(badConfig({ env: 'market-v1' })).toContain('env: expected {id, params}');
    expect(badConfig({ env: { id: 'market-v1' }, agents: ['firm'] })).toContain('agents: expected a list of agent entries');
  });

  it('keeps what was given and fills the defaults', () => {
    expect(sessionConfig({ op: 'make', env: { id: 'market-v1' }, agents: null })).toEqual({ env: { id: 'market-v1', params: {} }, numEnvs: 1 });
    const full = { env: { id: 'm', params: { a: 1 } }, numEnvs: 4, autoreset: 'same-step', agents: [{ role: 'firm' }], faults: { injections: [] } };
    expect(sessionConfig(full)).toEqual(full);
  });
});
