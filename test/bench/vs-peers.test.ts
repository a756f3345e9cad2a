/**
 * bench:vs-peers' machinery with stand-in programs (node one-liners printing JSON): rounds
 * alternate tacit and peer, ratios are tacit ÷ peer per round, and a missing peer is reported as
 * such with tacit's figures alone.
 */
import { describe, expect, it } from 'vitest';
import { pythonMissing, runSection, type Section } from '../../bench/vs-peers/index.js';

/** A section whose commands are node one-liners and whose figures come from the given lists, recording the run order. */
function fakeSection(tacitValues: number[], peerValues: number[], missing?: string): Section & { order: string[] } {
  const order: string[] = [];
  let t = 0;
  let p = 0;
  return {
    order,
    name: 'fake',
    what: 'a stand-in',
    figures: ['x'],
    tacit: { cmd: process.execPath, args: ['-e', 'console.log("progress");console.log(JSON.stringify({x: 1}))'] },
    peer: { cmd: process.execPath, args: ['-e', 'console.log(JSON.stringify({y: 2}))'] },
    peerMissing: () => missing,
    tacitFigures: () => (order.push('tacit'), { x: tacitValues[t++]! }),
    peerFigures: () => (order.push('peer'), { x: peerValues[p++]! }),
  };
}

describe('bench:vs-peers sections', () => {
  it('alternates tacit and peer and reports per-round ratios with min / median / max', () => {
    const s = fakeSection([30, 10, 20], [10, 10, 40]);
    const r = runSection(s, 3, () => {});
    expect(s.order).toEqual(['tacit', 'peer', 'tacit', 'peer', 'tacit', 'peer']);
    expect(r.status).toBe('compared');
    if (r.status !== 'compared') return;
    expect(r.figures.x!.ratios).toEqual([3, 1, 0.5]);
    expect(r.figures.x!.ratio).toEqual({ min: 0.5, median: 1, max: 3 });
    expect(r.figures.x!.tacit).toEqual({ min: 10, median: 20, max: 30 });
  });

  it('says plainly when the peer is not installed and reports tacit alone', () => {
    const s = fakeSection([5, 7], []);
    const r = runSection({ ...s, peerMissing: () => 'python3 cannot import torch; install …' }, 2, () => {});
    expect(r.status).toBe('peer not installed');
    if (r.status !== 'peer not installed') return;
    expect(r.why).toMatch(/cannot import torch/);
    expect(r.tacitOnly.x).toEqual({ min: 5, median: 6, max: 7 });
  });

  it('reports a missing peer interpreter with the install command', () => {
    expect(pythonMissing('/nonexistent/python3', 'torch', 'apt-get install -y python3-torch')).toMatch(
      /\/nonexistent\/python3 not found; install the peer with: apt-get install -y python3-torch/,
    );
  });
});
