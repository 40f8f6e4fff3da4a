import { describe, expect, it } from 'vitest';
import { run } from './helpers.ts';

// Two Reno senders share a 4 Mbit/s bottleneck (the seed: AIMD flows converge to a fair share, the
// late starter at a disadvantage at first). A little random loss (0.1%) stands in for the randomness
// of real paths: with a perfectly regular drop-tail queue, the late flow's packets can keep arriving
// exactly when the queue is full (Floyd & Jacobson's traffic phase effects) and it is locked out.
describe('two Reno flows sharing a bottleneck converge to a fair share', () => {
  const r = run(
    {
      seed: 5,
      durationMs: 120_000,
      nodes: [
        { id: 's1', kind: 'host' },
        { id: 's2', kind: 'host' },
        { id: 'r1', kind: 'router' },
        { id: 'r2', kind: 'router' },
        { id: 'd1', kind: 'host' },
        { id: 'd2', kind: 'host' },
      ],
      links: [
        { id: 'a1', a: 's1', b: 'r1', bandwidthBps: 100e6, delayMs: 1 },
        { id: 'a2', a: 's2', b: 'r1', bandwidthBps: 100e6, delayMs: 1 },
        { id: 'neck', a: 'r1', b: 'r2', bandwidthBps: 4e6, delayMs: 20, queuePackets: 25, loss: { 'r1->r2': 0.001 } },
        { id: 'b1', a: 'r2', b: 'd1', bandwidthBps: 100e6, delayMs: 1 },
        { id: 'b2', a: 'r2', b: 'd2', bandwidthBps: 100e6, delayMs: 1 },
      ],
      flows: [
        { id: 'first', from: 's1', to: 'd1', transport: 'tcp', mss: 1000, cc: 'reno' },
        { id: 'late', from: 's2', to: 'd2', transport: 'tcp', mss: 1000, cc: 'reno', startMs: 10_000 },
      ],
    },
    ['deliver'],
  );

  const bytesIn = (flow: string, fromMs: number, toMs: number) =>
    r.of('deliver').filter((e) => e.flow === flow && e.t >= fromMs && e.t < toMs).reduce((n, e) => n + (e.bytes as number), 0);

  it('the late starter gets less at first', () => {
    expect(bytesIn('late', 10_000, 20_000)).toBeLessThan(bytesIn('first', 10_000, 20_000));
  });

  it('over the last minute the two shares are nearly equal (Jain index > 0.98) and fill the link', () => {
    const a = bytesIn('first', 60_000, 120_000);
    const b = bytesIn('late', 60_000, 120_000);
    const jain = (a + b) ** 2 / (2 * (a * a + b * b));
    expect(jain).toBeGreaterThan(0.98);
    const utilisation = ((a + b) * 8) / 60 / 4e6;
    expect(utilisation).toBeGreaterThan(0.85);
    expect(utilisation).toBeLessThanOrEqual(1);
  });
});
