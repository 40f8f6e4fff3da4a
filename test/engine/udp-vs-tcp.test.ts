import { describe, expect, it } from 'vitest';
import { pair, run } from './helpers.ts';

describe('UDP loses what the link loses; TCP delivers every byte (seed: UDP vs TCP)', () => {
  const r = run(
    {
      seed: 3,
      durationMs: 20_000,
      ...pair({ delayMs: 20, bandwidthBps: 5e6, loss: { 'a->b': 0.05 } }),
      flows: [
        { id: 'voice', from: 'a', to: 'b', transport: 'udp', app: 'cbr', rateBps: 64_000, packetBytes: 160, stopMs: 10_000 },
        { id: 'file', from: 'a', to: 'b', transport: 'tcp', app: 'bulk', bytes: 300_000, mss: 1000, verify: true },
      ],
    },
    ['send', 'drop', 'deliver'],
  );
  const s = r.engine.summary();

  it('sends each UDP datagram exactly once and never retransmits', () => {
    const sends = r.of('send').filter((e) => e.flow === 'voice');
    expect(sends).toHaveLength(500); // 10 s at one 160-byte datagram per 20 ms
    expect(sends.every((e) => e.retransmit === false)).toBe(true);
    expect(new Set(sends.map((e) => e.seq)).size).toBe(500);
    expect(s.flows.voice).toMatchObject({ sentSegments: 500, retransmits: 0, timeouts: 0 });
  });

  it('counts as lost exactly the datagrams the link dropped, and delivers the rest', () => {
    const lostOnLink = r.of('drop').filter((e) => e.flow === 'voice').length;
    expect(lostOnLink).toBeGreaterThan(10);
    expect(s.flows.voice!.lostDatagrams).toBe(lostOnLink);
    expect(s.flows.voice!.receivedDatagrams).toBe(500 - lostOnLink);
    expect(s.flows.voice!.deliveredBytes).toBe((500 - lostOnLink) * 160);
  });

  it('TCP, over the same losses, retransmits until every byte is delivered in order', () => {
    const tcpDrops = r.of('drop').filter((e) => e.flow === 'file' && e.kind === 'data').length;
    expect(tcpDrops).toBeGreaterThan(5);
    expect(s.flows.file!.retransmits).toBeGreaterThanOrEqual(tcpDrops);
    expect(s.flows.file).toMatchObject({ deliveredBytes: 300_000, verifiedBytes: 300_000, mismatchedBytes: 0, completed: true });
  });
});

describe('a video call over UDP and over TCP on the same lossy path', () => {
  const video = (transport: 'udp' | 'tcp') =>
    run(
      {
        durationMs: 20_000,
        ...pair({ delayMs: 30, bandwidthBps: 5e6, loss: { 'a->b': 0.02 } }),
        flows: [{ id: 'v', from: 'a', to: 'b', transport, app: 'video', rateBps: 1_000_000, fps: 30, mss: 1200, playoutDelayMs: 150, stopMs: 19_000 }],
      },
      ['video'],
    );

  it('UDP: frames with a lost piece never complete (missing), the rest play on time', () => {
    const r = video('udp');
    const v = r.engine.summary().flows.v!;
    expect(v.framesMissing as number).toBeGreaterThan(0);
    expect(v.framesLate).toBe(0);
    expect((v.framesPlayed as number) + (v.framesMissing as number)).toBe(r.of('video').filter((e) => e.status !== 'late').length);
    expect(v.framesMissing as number).toBeLessThanOrEqual(v.lostDatagrams as number);
  });

  it('TCP: nothing is missing, but retransmissions stall the stream and frames arrive late', () => {
    const v = video('tcp').engine.summary().flows.v!;
    expect(v.framesMissing).toBe(0);
    expect(v.framesLate as number).toBeGreaterThan(0);
    expect(v.retransmits as number).toBeGreaterThan(0);
  });
});
