import { describe, expect, it } from 'vitest';
import { pair, run, MOD32 } from './helpers.ts';

describe('32-bit sequence numbers wrap around (RFC 9293 §3.4)', () => {
  const ISS = MOD32 - 20_500; // the stream crosses 2^32 after 20.5 KB
  const r = run(
    {
      durationMs: 10_000,
      ...pair({ delayMs: 5, loss: { 'a->b': 0.03 } }),
      flows: [{ id: 'f', from: 'a', to: 'b', transport: 'tcp', bytes: 100_000, mss: 1000, iss: ISS, cc: 'newreno', verify: true }],
    },
    ['send', 'ack'],
  );

  it('sends sequence numbers past 2^32 - 1 as small numbers again', () => {
    const seqs = r.of('send').filter((e) => e.side === 'client' && (e.len as number) > 0).map((e) => e.seq as number);
    expect(seqs[0]).toBe(ISS + 1);
    expect(seqs).toContain(MOD32 - 20_500 + 1 + 20_000);
    expect(seqs).toContain(501); // ISS + 1 + 21000 − 2^32
    expect(Math.max(...seqs)).toBeLessThan(MOD32);
  });

  it('acknowledges across the wrap and delivers every byte in order despite losses', () => {
    const acks = r.of('ack').filter((e) => e.side === 'server').map((e) => e.ack as number);
    expect(acks.some((a) => a > MOD32 - 10_000)).toBe(true);
    expect(acks.some((a) => a < 10_000)).toBe(true);
    const f = r.engine.summary().flows.f!;
    expect(f.retransmits as number).toBeGreaterThan(0);
    expect(f).toMatchObject({ deliveredBytes: 100_000, verifiedBytes: 100_000, mismatchedBytes: 0, completed: true });
  });
});
