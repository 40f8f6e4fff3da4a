import { describe, expect, it } from 'vitest';
import { RtoEstimator } from '../../shared/protocols/transport/tcp/rto.ts';
import { pair, run } from './helpers.ts';

const MS = 1_000_000;
const cfg = { initialRtoNs: 1000 * MS, minRtoNs: 200 * MS, maxRtoNs: 60_000 * MS, granularityNs: 1 * MS };

describe('RFC 6298 RTO estimator', () => {
  it('starts at 1 s, initialises SRTT = R and RTTVAR = R/2 on the first sample', () => {
    const e = new RtoEstimator(cfg);
    expect(e.rtoNs).toBe(1000 * MS);
    e.sample(100 * MS);
    expect(e.srttNs).toBe(100 * MS);
    expect(e.rttvarNs).toBe(50 * MS);
    expect(e.rtoNs).toBe(300 * MS); // 100 + 4·50
  });

  it('updates RTTVAR before SRTT with beta 1/4 and alpha 1/8', () => {
    const e = new RtoEstimator(cfg);
    e.sample(100 * MS);
    e.sample(200 * MS);
    expect(e.rttvarNs).toBe(0.75 * 50 * MS + 0.25 * 100 * MS); // uses the old SRTT
    expect(e.srttNs).toBe(0.875 * 100 * MS + 0.125 * 200 * MS);
    expect(e.rtoNs).toBe(Math.ceil(112.5 * MS + 4 * 62.5 * MS));
  });

  it('clamps to the minimum and backs off exponentially to the maximum', () => {
    const e = new RtoEstimator(cfg);
    e.sample(10 * MS);
    expect(e.rtoNs).toBe(200 * MS);
    const seen: number[] = [];
    for (let i = 0; i < 12; i++) {
      e.backoff();
      seen.push(e.rtoNs / MS);
    }
    expect(seen).toEqual([400, 800, 1600, 3200, 6400, 12800, 25600, 51200, 60000, 60000, 60000, 60000]);
    e.sample(10 * MS); // a valid sample ends the backoff
    expect(e.rtoNs).toBe(200 * MS);
  });
});

describe("Karn's rule in a connection", () => {
  it('takes no RTT sample from a retransmitted segment', () => {
    const r = run(
      {
        durationMs: 10_000,
        ...pair({ delayMs: 50 }),
        flows: [{ id: 'f', from: 'a', to: 'b', transport: 'tcp', bytes: 1000, mss: 1000 }],
        faults: [{ kind: 'drop-segment', flow: 'f', segment: 1 }],
      },
      ['rtt', 'rto', 'send'],
    );
    const samples = r.of('rtt').filter((e) => e.side === 'client');
    // Only the handshake was timed: the data segment's ACK answers a retransmission.
    expect(samples).toHaveLength(1);
    expect(samples[0]!.sampleMs).toBeCloseTo(100.0992, 6);
    const rto = r.of('rto');
    expect(rto).toHaveLength(1);
    expect(rto[0]!.rtoMs).toBe(2000); // min RTO 1 s, doubled
    const retransmit = r.of('send').find((e) => e.retransmit)!;
    expect(retransmit.t - r.of('send').find((e) => e.len === 1000)!.t).toBeCloseTo(1000, 9);
  });
});
