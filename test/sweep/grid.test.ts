/** Sweep grids: path parsing, [*] expansion with immer, labels, --grid flags. */
import { describe, expect, it } from 'vitest';
import { applyPoint, axisNames, expandGrid, parseGridFlag, parseGridPath, setPath, toAxes } from '../../src/config/sweep-grid.js';

const base = {
  name: 'x',
  agents: [
    { id: 'a', reward: { scheme: 'local' }, policy: { type: 'random', params: {} } },
    { id: 'b', reward: { scheme: 'local' }, policy: { type: 'random', params: {} } },
  ],
  run: { steps: 10 },
};

describe('paths', () => {
  it('parses keys, indices and [*]', () => {
    expect(parseGridPath('agents[*].reward.scheme')).toEqual(['agents', '*', 'reward', 'scheme']);
    expect(parseGridPath('agents[1].policy.params.learningRate')).toEqual(['agents', 1, 'policy', 'params', 'learningRate']);
    expect(() => parseGridPath('agents..x')).toThrow(/bad sweep path 'agents..x'/);
    expect(() => parseGridPath('[0].x')).toThrow(/bad sweep path/);
  });

  it('sets every list element for [*] without touching the base', () => {
    const out = setPath(base, 'agents[*].reward.scheme', 'team');
    expect(out.agents.map((a) => a.reward.scheme)).toEqual(['team', 'team']);
    expect(base.agents[0]!.reward.scheme).toBe('local');
    expect(setPath(base, 'agents[1].policy.params.learningRate', 0.2).agents[1]!.policy.params).toEqual({ learningRate: 0.2 });
    expect(setPath(base, 'env.params.horizon', 5)).toMatchObject({ env: { params: { horizon: 5 } } });
    expect(() => setPath(base, 'run.steps.x', 1)).toThrow(/'run.steps' is 10, not an object or list/);
    expect(() => setPath(base, 'name[*]', 1)).toThrow(/'name' is "x", not an object or list/);
    expect(() => setPath(base, 'run[*]', 1)).toThrow(/\[\*\] needs a list at 'run'/);
  });
});

describe('grid expansion', () => {
  it('takes the cartesian product, first axis slowest, with short unique labels', () => {
    const points = expandGrid(toAxes({ 'agents[*].reward.scheme': ['local', 'team'], 'agents[0].policy.params.learningRate': [0.1, 0.2, 0.3] }));
    expect(points.map((p) => p.label)).toEqual([
      'scheme=local, learningRate=0.1',
      'scheme=local, learningRate=0.2',
      'scheme=local, learningRate=0.3',
      'scheme=team, learningRate=0.1',
      'scheme=team, learningRate=0.2',
      'scheme=team, learningRate=0.3',
    ]);
    const cfg = applyPoint(base, points[4]!);
    expect(cfg.agents.map((a) => a.reward.scheme)).toEqual(['team', 'team']);
    expect((cfg.agents[0]!.policy.params as { learningRate: number }).learningRate).toBe(0.2);
  });

  it('labels composite values by their scheme, or by the mapping key given', () => {
    const listed = toAxes({ 'agents[*].reward': [{ scheme: 'local' }, { scheme: 'potential', params: { features: { f: 1 } } }] });
    expect(listed[0]!.values.map((v) => v.label)).toEqual(['local', 'potential']);
    const colliding = toAxes({
      'agents[*].reward': [
        { scheme: 'mixed', params: { w: 0.2 } },
        { scheme: 'mixed', params: { w: 0.8 } },
      ],
    });
    expect(colliding[0]!.values.map((v) => v.label)).toEqual(['{"scheme":"mixed","params":{"w":0.2}}', '{"scheme":"mixed","params":{"w":0.8}}']);
    const named = toAxes({ 'agents[*].reward': { 'mixed-0.2': { scheme: 'mixed' }, 'mixed-0.8': { scheme: 'mixed' } } });
    expect(named[0]!.values.map((v) => v.label)).toEqual(['mixed-0.2', 'mixed-0.8']);
  });

  it('lengthens ambiguous axis names', () => {
    // Same keys, different indices: only the full paths tell them apart.
    expect(axisNames(['agents[0].policy.params.learningRate', 'agents[1].policy.params.learningRate'])).toEqual([
      'agents[0].policy.params.learningRate',
      'agents[1].policy.params.learningRate',
    ]);
    expect(axisNames(['agents[*].reward.scheme', 'env.params.scheme'])).toEqual(['reward.scheme', 'params.scheme']);
  });
});

describe('--grid flags', () => {
  it('parses comma lists as YAML scalars and YAML flow lists', () => {
    expect(parseGridFlag('agents[*].reward.scheme=local,team')).toEqual(['agents[*].reward.scheme', ['local', 'team']]);
    expect(parseGridFlag('run.numEnvs=1, 4')).toEqual(['run.numEnvs', [1, 4]]);
    expect(parseGridFlag('agents[*].reward=[{scheme: local}, {scheme: team}]')).toEqual(['agents[*].reward', [{ scheme: 'local' }, { scheme: 'team' }]]);
    expect(() => parseGridFlag('nothing')).toThrow(/expected path=v1,v2/);
  });
});
