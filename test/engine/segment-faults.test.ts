import { describe, expect, it } from 'vitest';
import { pair, run } from './helpers.ts';

const MSS = 1000;
const ISS = 0;
const seqOf = (segment: number) => ISS + 1 + (segment - 1) * MSS;

describe('scripted reordering and duplication (seed: why TCP — order and duplicates)', () => {
  it('a delayed segment arrives after later ones; the receiver buffers them and delivers in order', () => {
    const r = run(
      {
        durationMs: 2000,
        ...pair({ delayMs: 10 }),
        flows: [{ id: 'f', from: 'a', to: 'b', transport: 'tcp', bytes: 8 * MSS, mss: MSS, iss: ISS, initialCwndSegments: 8, verify: true }],
        faults: [{ kind: 'delay-segment', flow: 'f', segment: 2, delayMs: 5 }],
      },
      ['tx', 'ack'],
    );
    const acks = r.of('ack').filter((e) => e.side === 'server').map((e) => e.ack);
    // Frames take 0.8432 ms each: segment 2, 5 ms late, lands between segments 7 and 8. Segment 1 is
    // acknowledged, 3 to 7 each repeat "waiting for 2", then the ACK jumps past 7.
    expect(acks.slice(0, 8)).toEqual([seqOf(2), seqOf(2), seqOf(2), seqOf(2), seqOf(2), seqOf(2), seqOf(8), seqOf(9)]);
    // Three duplicate ACKs looked like a loss: a spurious fast retransmit of segment 2.
    expect(r.engine.summary().flows.f).toMatchObject({ deliveredBytes: 8 * MSS, mismatchedBytes: 0, completed: true, fastRetransmits: 1 });
  });

  it('a duplicated segment is acknowledged again but delivered once', () => {
    const r = run(
      {
        durationMs: 2000,
        ...pair({ delayMs: 10 }),
        flows: [{ id: 'f', from: 'a', to: 'b', transport: 'tcp', bytes: 4 * MSS, mss: MSS, iss: ISS, verify: true }],
        faults: [{ kind: 'duplicate-segment', flow: 'f', segment: 1 }],
      },
      ['ack', 'deliver'],
    );
    const acks = r.of('ack').filter((e) => e.side === 'server').map((e) => e.ack);
    expect(acks.slice(0, 2)).toEqual([seqOf(2), seqOf(2)]);
    const delivered = r.of('deliver').reduce((n, e) => n + (e.bytes as number), 0);
    expect(delivered).toBe(4 * MSS);
    expect(r.engine.summary().packets.duplicated).toBe(1);
  });
});
