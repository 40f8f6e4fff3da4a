import { describe, expect, it } from 'vitest';
import { pair, run } from './helpers.ts';

describe('link and node faults', () => {
  it('link-up brings a downed link back; traffic sent meanwhile was lost and TCP recovers it', () => {
    const r = run(
      {
        durationMs: 8000,
        ...pair({ delayMs: 10 }),
        flows: [{ id: 'f', from: 'a', to: 'b', transport: 'tcp', bytes: 40_000, mss: 1000, verify: true }],
        faults: [
          { kind: 'link-down', link: 'ab', atMs: 100 },
          { kind: 'link-up', link: 'ab', atMs: 1500 },
        ],
      },
      ['fault', 'drop', 'tx'],
    );
    expect(r.of('fault').map((e) => [e.t, e.kind, e.up])).toEqual([
      [100, 'link-down', false],
      [1500, 'link-up', true],
    ]);
    expect(r.of('drop').every((e) => e.reason === 'link-down' && e.t >= 100 && e.t < 1500)).toBe(true);
    const resent = r.of('tx').filter((e) => e.retransmit && e.t >= 1500);
    expect(resent.length).toBeGreaterThan(0);
    expect(resent.every((e) => e.kind === 'data')).toBe(true);
    expect(r.engine.summary().flows.f).toMatchObject({ deliveredBytes: 40_000, mismatchedBytes: 0, completed: true });
  });

  it('node-down drops what reaches the node; node-up lets it work again', () => {
    const r = run(
      {
        durationMs: 8000,
        nodes: [
          { id: 'a', kind: 'host' },
          { id: 'r', kind: 'router' },
          { id: 'b', kind: 'host' },
        ],
        links: [
          { id: 'ar', a: 'a', b: 'r', bandwidthBps: 10e6, delayMs: 5 },
          { id: 'rb', a: 'r', b: 'b', bandwidthBps: 10e6, delayMs: 5 },
        ],
        flows: [{ id: 'f', from: 'a', to: 'b', transport: 'tcp', bytes: 30_000, mss: 1000, verify: true }],
        faults: [
          { kind: 'node-down', node: 'r', atMs: 60 },
          { kind: 'node-up', node: 'r', atMs: 2000 },
        ],
      },
      ['drop', 'arrive'],
    );
    const downDrops = r.of('drop').filter((e) => e.reason === 'node-down');
    expect(downDrops.length).toBeGreaterThan(0);
    expect(downDrops.every((e) => e.node === 'r' && e.t >= 60 && e.t < 2000)).toBe(true);
    expect(r.engine.summary().flows.f).toMatchObject({ deliveredBytes: 30_000, completed: true });
    // Every packet that was not dropped ends its journey at a host, announced by an arrive event.
    const s = r.engine.summary().packets;
    expect(r.of('arrive').length).toBe(s.consumed);
    expect(new Set(r.of('arrive').map((e) => e.node))).toEqual(new Set(['a', 'b']));
  });
});
