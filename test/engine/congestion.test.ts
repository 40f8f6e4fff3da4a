import { describe, expect, it } from 'vitest';
import { pair, run } from './helpers.ts';
import type { TraceEvent } from '../../shared/protocols/sim/trace.ts';

const MSS = 1000;
// A fast, clean path: 100 Mbit/s, 10 ms each way, so each round trip's ACKs arrive in one burst.
const path = pair({ bandwidthBps: 100e6, delayMs: 10, queuePackets: 1000 });

function flow(cc: string, extra: object = {}) {
  return { id: 'f', from: 'a', to: 'b', transport: 'tcp' as const, mss: MSS, cc: cc as 'reno', ...extra };
}

/** cwnd at the end of each round trip: ACK bursts separated by more than half an RTT. */
function cwndPerRound(events: TraceEvent[]): number[] {
  const rounds: number[] = [];
  let lastT = -Infinity;
  for (const e of events) {
    if (e.t - lastT > 10) rounds.push(e.cwnd as number);
    else rounds[rounds.length - 1] = e.cwnd as number;
    lastT = e.t;
  }
  return rounds;
}

describe('Reno congestion control (RFC 5681)', () => {
  it('grows by bytes of data acknowledged: the ACK of the FIN, which carries none, leaves cwnd alone', () => {
    const r = run({ durationMs: 500, ...path, flows: [flow('reno', { bytes: 5000 })] }, ['cwnd', 'state']);
    expect(r.of('cwnd').map((e) => e.cwnd)).toEqual([1000, 2000, 3000, 4000, 5000, 6000]);
    expect(r.of('state').some((e) => e.side === 'client' && e.to === 'TIME_WAIT')).toBe(true);
    expect(r.engine.summary().flows.f).toMatchObject({ cwnd: 6000, deliveredBytes: 5000 });
  });

  it('doubles cwnd every round trip in slow start', () => {
    const r = run({ durationMs: 130, ...path, flows: [flow('reno')] }, ['cwnd']);
    expect(r.of('cwnd')[0]).toMatchObject({ cwnd: MSS, reason: 'init' });
    expect(cwndPerRound(r.of('cwnd')).map((c) => c / MSS)).toEqual([1, 2, 4, 8, 16, 32]);
    expect(r.of('cwnd').slice(1).every((e) => e.reason === 'slow-start')).toBe(true);
  });

  it('grows by one MSS per round trip once cwnd reaches ssthresh', () => {
    const r = run({ durationMs: 250, ...path, flows: [flow('reno', { initialSsthreshSegments: 8 })] }, ['cwnd']);
    const avoidance = r.of('cwnd').filter((e) => e.reason === 'congestion-avoidance');
    expect(avoidance.slice(0, 7).map((e) => (e.cwnd as number) / MSS)).toEqual([9, 10, 11, 12, 13, 14, 15]);
    const gaps = avoidance.slice(1).map((e, i) => e.t - avoidance[i]!.t);
    // One increase per round trip: the RTT (20 ms plus serialisation and the queue the window builds).
    for (const g of gaps) expect(g).toBeGreaterThan(20);
    for (const g of gaps) expect(g).toBeLessThan(21);
  });

  it('halves on three duplicate ACKs: ssthresh = flight/2, fast retransmit, inflation, then cwnd = ssthresh', () => {
    const r = run(
      {
        durationMs: 400,
        ...path,
        flows: [flow('reno', { initialSsthreshSegments: 16, bytes: 300_000 })],
        faults: [{ kind: 'drop-segment', flow: 'f', segment: 100 }],
      },
      ['cwnd', 'send'],
    );
    const cwnd = r.of('cwnd');
    const fr = cwnd.findIndex((e) => e.reason === 'fast-retransmit');
    const before = cwnd[fr - 1]!.cwnd as number;
    expect(before).toBe(20 * MSS);
    expect(cwnd[fr]).toMatchObject({ cwnd: 13 * MSS, ssthresh: 10 * MSS }); // ssthresh + 3 segments
    const recovery = cwnd.slice(fr + 1, cwnd.findIndex((e) => e.reason === 'recovery-exit'));
    expect(recovery.every((e) => e.reason === 'fast-recovery')).toBe(true);
    expect(recovery.map((e) => (e.cwnd as number) - 13 * MSS)).toEqual(recovery.map((_, i) => (i + 1) * MSS));
    expect(cwnd.find((e) => e.reason === 'recovery-exit')).toMatchObject({ cwnd: 10 * MSS, ssthresh: 10 * MSS });
    const retransmits = r.of('send').filter((e) => e.retransmit);
    expect(retransmits).toHaveLength(1); // only the lost segment
    expect(retransmits[0]!.seq).toBe(r.of('send').filter((e) => e.len === MSS)[99]!.seq);
  });

  it('falls to one segment on a retransmission timeout', () => {
    // The last segment of the transfer is lost: nothing follows it, so no duplicate ACKs, only the RTO.
    const r = run(
      {
        durationMs: 3000,
        ...path,
        flows: [flow('reno', { bytes: 20 * MSS })],
        faults: [{ kind: 'drop-segment', flow: 'f', segment: 20 }],
      },
      ['cwnd', 'rto'],
    );
    const timeout = r.of('cwnd').find((e) => e.reason === 'timeout')!;
    const before = r.of('cwnd')[r.of('cwnd').indexOf(timeout) - 1]!;
    expect(timeout.cwnd).toBe(MSS);
    expect(timeout.ssthresh).toBe(2 * MSS); // max(FlightSize/2, 2·SMSS) with one segment outstanding
    expect(before.cwnd).toBe(20 * MSS); // slow start from 1 grew by one segment per ACK of the 19 others
    expect(r.of('rto')).toHaveLength(1);
    expect(r.engine.summary().flows.f).toMatchObject({ timeouts: 1, fastRetransmits: 0, deliveredBytes: 20 * MSS, completed: true });
  });
});

describe('Tahoe', () => {
  it('falls to one segment on three duplicate ACKs as well as on a timeout', () => {
    const r = run(
      {
        durationMs: 3000,
        ...path,
        flows: [flow('tahoe', { initialSsthreshSegments: 16, bytes: 150 * MSS })],
        faults: [
          { kind: 'drop-segment', flow: 'f', segment: 60 },
          { kind: 'drop-segment', flow: 'f', segment: 150 },
        ],
      },
      ['cwnd'],
    );
    const cwnd = r.of('cwnd');
    const fr = cwnd.find((e) => e.reason === 'fast-retransmit')!;
    expect(fr.cwnd).toBe(MSS);
    expect(fr.ssthresh).toBe(Math.floor((cwnd[cwnd.indexOf(fr) - 1]!.cwnd as number) / 2));
    expect(cwnd.some((e) => e.reason === 'fast-recovery' || e.reason === 'recovery-exit')).toBe(false);
    // After the loss it slow-starts again: doubling up to the new ssthresh.
    expect(cwnd[cwnd.indexOf(fr) + 1]).toMatchObject({ reason: 'slow-start', cwnd: 2 * MSS });
    const timeout = cwnd.find((e) => e.reason === 'timeout')!;
    expect(timeout.cwnd).toBe(MSS);
    expect(r.engine.summary().flows.f).toMatchObject({ fastRetransmits: 1, timeouts: 1, completed: true, deliveredBytes: 150 * MSS });
  });
});

describe('NewReno (RFC 6582) versus Reno with two losses in one window', () => {
  const twoLosses = (cc: string) =>
    run(
      {
        durationMs: 4000,
        ...path,
        flows: [flow(cc, { initialSsthreshSegments: 32, bytes: 200 * MSS })],
        faults: [
          { kind: 'drop-segment', flow: 'f', segment: 80 },
          { kind: 'drop-segment', flow: 'f', segment: 84 },
        ],
      },
      ['cwnd', 'send'],
    );

  it('NewReno repairs both holes in one recovery: a partial ACK retransmits the second hole', () => {
    const r = twoLosses('newreno');
    const cwnd = r.of('cwnd');
    expect(cwnd.filter((e) => e.reason === 'fast-retransmit')).toHaveLength(1);
    expect(cwnd.filter((e) => e.reason === 'recovery-exit')).toHaveLength(1);
    expect(cwnd.some((e) => e.reason === 'timeout')).toBe(false);
    const fr = cwnd.find((e) => e.reason === 'fast-retransmit')!;
    expect(cwnd.find((e) => e.reason === 'recovery-exit')!.ssthresh).toBe(fr.ssthresh); // halved once
    expect(r.of('send').filter((e) => e.retransmit)).toHaveLength(2);
    expect(r.engine.summary().flows.f).toMatchObject({ timeouts: 0, fastRetransmits: 1, completed: true });
  });

  it('Reno leaves recovery on the partial ACK and needs a second loss episode for the second hole', () => {
    const r = twoLosses('reno');
    const cwnd = r.of('cwnd');
    const episodes = cwnd.filter((e) => e.reason === 'fast-retransmit' || e.reason === 'timeout');
    expect(episodes).toHaveLength(2);
    // The first recovery ends at the partial ACK, before the second hole is repaired.
    const firstExit = cwnd.find((e) => e.reason === 'recovery-exit')!;
    expect(firstExit.t).toBeLessThan(episodes[1]!.t);
    expect(r.engine.summary().flows.f).toMatchObject({ completed: true, deliveredBytes: 200 * MSS });
  });
});

describe('AIMD (the seed: additive increase, multiplicative decrease)', () => {
  it('starts at one segment, adds one per round trip, and halves on loss', () => {
    const r = run(
      {
        durationMs: 1500,
        ...path,
        flows: [flow('aimd', { bytes: 150 * MSS })],
        faults: [{ kind: 'drop-segment', flow: 'f', segment: 60 }],
      },
      ['cwnd'],
    );
    const cwnd = r.of('cwnd');
    const increases = cwnd.filter((e) => e.reason === 'congestion-avoidance');
    expect(cwndPerRound([cwnd[0]!, ...increases.slice(0, 5)]).map((c) => c / MSS)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(cwnd.some((e) => e.reason === 'slow-start')).toBe(false);
    const loss = cwnd.find((e) => e.reason === 'fast-retransmit')!;
    const before = cwnd[cwnd.indexOf(loss) - 1]!.cwnd as number;
    expect(loss.cwnd).toBe(Math.floor(before / 2 / MSS) * MSS);
    expect(r.engine.summary().flows.f).toMatchObject({ completed: true, deliveredBytes: 150 * MSS });
  });
});
