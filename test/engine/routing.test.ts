import { describe, expect, it } from 'vitest';
import { build } from './helpers.ts';
import type { TraceEvent } from '../../shared/protocols/sim/trace.ts';

// Host a reaches host b over two equal paths, through r1 or r2.
const scenario = {
  durationMs: 100,
  nodes: [
    { id: 'a', kind: 'host' as const },
    { id: 'r1', kind: 'router' as const },
    { id: 'r2', kind: 'router' as const },
    { id: 'b', kind: 'host' as const },
  ],
  links: [
    { id: 'a-r1', a: 'a', b: 'r1', bandwidthBps: 10e6, delayMs: 1 },
    { id: 'r1-b', a: 'r1', b: 'b', bandwidthBps: 10e6, delayMs: 1 },
    { id: 'a-r2', a: 'a', b: 'r2', bandwidthBps: 10e6, delayMs: 1 },
    { id: 'r2-b', a: 'r2', b: 'b', bandwidthBps: 10e6, delayMs: 1 },
  ],
  // One 160-byte datagram every 20 ms, from 0 ms on.
  flows: [{ id: 'voice', from: 'a', to: 'b', transport: 'udp' as const, app: 'cbr' as const, rateBps: 64_000 }],
};

describe('routes', () => {
  it('a host sends on the route computed last, also after routes change mid-run', () => {
    const engine = build(scenario);
    const sent: TraceEvent[] = [];
    engine.subscribe(['tx'], (e) => {
      if (e.from === 'a') sent.push(e);
    });
    engine.runUntilMs(50);
    // Ties between equal paths keep the first found: the link listed first.
    expect(sent.map((e) => [e.t, e.link])).toEqual([[0, 'a-r1'], [20, 'a-r1'], [40, 'a-r1']]);

    engine.network.routeOverrides = [{ node: 'a', to: 'b', via: 'a-r2' }];
    engine.network.recomputeRoutes();
    engine.runUntilMs(100);
    expect(sent.slice(3).map((e) => [e.t, e.link])).toEqual([[60, 'a-r2'], [80, 'a-r2'], [100, 'a-r2']]);
    // Every datagram but the one just sent has arrived, whichever way it went.
    expect(engine.summary().flows.voice).toMatchObject({ sentSegments: 6, receivedDatagrams: 5 });
  });
});
