import { describe, expect, it } from 'vitest';
import { pair, run } from './helpers.ts';

// One NewReno bulk flow, 10 Mbit/s, 50 ms one way, 1000-packet queue, MSS 1000, initial cwnd 1, no
// delayed ACKs, random loss p on the data direction, 600 s. Mathis et al. (1997) predict
//   goodput ≈ MSS/RTT · sqrt(3/2) / sqrt(p)
// and the issue asks for goodput within 25 % of it (ns-3 3.37 lands 20 % and 12 % above).
describe('fidelity: NewReno goodput against the Mathis et al. estimate', () => {
  for (const p of [0.005, 0.01]) {
    it(`p = ${p}: within 25 %`, () => {
      const r = run(
        {
          seed: 1,
          durationMs: 600_000,
          ...pair({ bandwidthBps: 10e6, delayMs: 50, queuePackets: 1000, loss: { 'a->b': p } }),
          flows: [{ id: 'bulk', from: 'a', to: 'b', transport: 'tcp', app: 'bulk', mss: 1000, cc: 'newreno', initialCwndSegments: 1 }],
        },
        [],
      );
      const f = r.engine.summary().flows.bulk!;
      const rttS = (f.srttMs as number) / 1000;
      const mathisBps = ((1000 * 8) / rttS) * Math.sqrt(1.5 / p);
      const ratio = f.goodputBps / mathisBps;
      expect(ratio).toBeGreaterThan(0.75);
      expect(ratio).toBeLessThan(1.25);
      // The path's base RTT is 100 ms plus serialisation; no queue builds at these loss rates.
      expect(rttS).toBeGreaterThan(0.1);
      expect(rttS).toBeLessThan(0.11);
    });
  }
});
