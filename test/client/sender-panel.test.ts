// How the sender's panel names a transfer's modes.

import { describe, expect, test } from 'vitest';
import { ccName, flowMode } from '../../client/ui/sender-panel.ts';
import type { FlowView } from '../../client/model/topology.ts';

const flow: FlowView = {
  id: 'file', from: 'you', to: 'probe', transport: 'tcp', app: 'bulk', label: null, cc: 'newreno', arq: 'tcp', mss: 1000, bytes: 30_000,
  rateBps: 0, rwndBytes: 0, readRateBps: null, windowSegments: 6, started: false, controllable: true,
};

describe('sender panel', () => {
  test('congestion controls go by their written names: NewReno, not NEWRENO', () => {
    expect(['aimd', 'tahoe', 'reno', 'newreno', 'cubic'].map(ccName)).toEqual(['AIMD', 'Tahoe', 'Reno', 'NewReno', 'CUBIC']);
    expect(flowMode(flow)).toBe('file transfer · TCP NewReno');
  });
});
