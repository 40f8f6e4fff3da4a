import { describe, expect, it } from 'vitest';
import { pair, run } from './helpers.ts';

const MSS = 1000;
const ISS = 0;

function arqRun(arq: 'go-back-n' | 'selective-repeat' | 'stop-and-wait') {
  return run(
    {
      durationMs: 5000,
      ...pair({ delayMs: 10 }),
      flows: [{ id: 'f', from: 'a', to: 'b', transport: 'tcp', bytes: 10 * MSS, mss: MSS, arq, windowSegments: 4, iss: ISS, verify: true }],
      faults: [{ kind: 'drop-segment', flow: 'f', segment: 3 }],
    },
    ['send', 'ack', 'rto'],
  );
}

const seqOfSegment = (n: number) => ISS + 1 + (n - 1) * MSS;

describe('ARQ teaching modes (the seed: stop-and-wait, Go-Back-N, Selective Repeat)', () => {
  it('Go-Back-N: the receiver discards what follows the hole; the timeout resends the whole window', () => {
    const r = arqRun('go-back-n');
    const serverAcks = r.of('ack').filter((e) => e.side === 'server');
    // Segments 4, 5 and 6 arrive after the hole and are answered with the same cumulative ACK.
    expect(serverAcks.filter((e) => e.ack === seqOfSegment(3)).length).toBe(4);
    const resent = r.of('send').filter((e) => e.retransmit);
    expect(resent.map((e) => e.seq)).toEqual([3, 4, 5, 6].map(seqOfSegment));
    expect(new Set(resent.map((e) => e.t)).size).toBe(1); // all at the timeout
    expect(r.of('rto')).toHaveLength(1);
    expect(r.engine.summary().flows.f).toMatchObject({ deliveredBytes: 10 * MSS, mismatchedBytes: 0, retransmits: 4, timeouts: 1 });
  });

  it('Selective Repeat: the receiver keeps later segments (SACK) and only the lost one is resent', () => {
    const r = arqRun('selective-repeat');
    const sacks = r.of('ack').filter((e) => e.side === 'server' && e.sack !== null).map((e) => e.sack);
    expect(sacks).toEqual([
      [[seqOfSegment(4), seqOfSegment(5)]],
      [[seqOfSegment(4), seqOfSegment(6)]],
      [[seqOfSegment(4), seqOfSegment(7)]],
    ]);
    const resent = r.of('send').filter((e) => e.retransmit);
    expect(resent.map((e) => e.seq)).toEqual([seqOfSegment(3)]);
    // Its ACK covers everything the receiver had kept.
    const after = r.of('ack').find((e) => e.side === 'server' && e.t > resent[0]!.t)!;
    expect(after.ack).toBe(seqOfSegment(7));
    expect(r.engine.summary().flows.f).toMatchObject({ deliveredBytes: 10 * MSS, mismatchedBytes: 0, retransmits: 1, timeouts: 1 });
  });

  it('stop-and-wait: never more than one segment in flight', () => {
    const r = arqRun('stop-and-wait');
    const sends = r.of('send').filter((e) => e.side === 'client' && (e.len as number) > 0);
    const acks = r.of('ack').filter((e) => e.side === 'server');
    for (const s of sends) {
      const end = (s.seq as number) + (s.len as number);
      // The next data segment leaves only after the ACK of the previous one was sent back.
      const next = sends.find((x) => (x.seq as number) === end);
      if (next === undefined) continue;
      const ackOfS = acks.find((a) => a.ack === end)!;
      expect(next.t).toBeGreaterThan(ackOfS.t);
    }
    expect(r.of('send').filter((e) => e.retransmit).map((e) => e.seq)).toEqual([seqOfSegment(3)]);
    expect(r.engine.summary().flows.f).toMatchObject({ deliveredBytes: 10 * MSS, mismatchedBytes: 0 });
  });

  it('the three modes move the same bytes; Go-Back-N pays for the loss with the most retransmissions', () => {
    const retrans = (['stop-and-wait', 'go-back-n', 'selective-repeat'] as const).map((m) => arqRun(m).engine.summary().flows.f!.retransmits);
    expect(retrans).toEqual([1, 4, 1]);
  });
});
