import { describe, expect, it } from 'vitest';
import { pair, run } from './helpers.ts';

const MSS = 1000;

describe('flow control (RFC 9293 §3.8.6): a slow reader closes the window', () => {
  // 12 KB into a 4 KB receive buffer drained at 4 kbit/s (500 B/s): the window must close and reopen.
  const r = run(
    {
      durationMs: 40_000,
      ...pair({ delayMs: 10 }),
      flows: [{ id: 'f', from: 'a', to: 'b', transport: 'tcp', bytes: 12 * MSS, mss: MSS, rwndBytes: 4 * MSS, readRateBps: 4000, verify: true }],
    },
    ['send', 'ack', 'window', 'probe', 'deliver'],
  );
  const windowEvents = r.of('window');
  const firstZero = windowEvents.find((e) => e.event === 'zero')!;
  const firstOpen = windowEvents.find((e) => e.event === 'open' && e.t > firstZero.t)!;

  it('advertises a zero window once the unread data fills the buffer', () => {
    expect(firstZero).toBeDefined();
    const acksBefore = r.of('ack').filter((e) => e.side === 'server' && e.t <= firstZero.t);
    expect(acksBefore.at(-1)).toMatchObject({ window: 0 });
    // At that moment exactly one buffer's worth was received and none of it read beyond the drain.
    const deliveredBefore = r.of('deliver').filter((e) => e.t <= firstZero.t).reduce((n, e) => n + (e.bytes as number), 0);
    expect(4 * MSS - deliveredBefore).toBeGreaterThan(0);
  });

  it('stalls the sender: only one-byte window probes leave it while the window is zero', () => {
    const arrivalOfZero = firstZero.t + 10.048; // the zero-window ACK reaches the sender
    const whileClosed = r.of('send').filter((e) => e.side === 'client' && e.t > arrivalOfZero && e.t < firstOpen.t);
    expect(whileClosed.length).toBeGreaterThan(0);
    expect(whileClosed.every((e) => e.len === 1)).toBe(true);
    expect(r.of('probe').filter((e) => e.t > arrivalOfZero && e.t < firstOpen.t).map((e) => e.seq)).toEqual(whileClosed.map((e) => e.seq));
  });

  it('does not advertise silly small windows: every offered window is zero or at least one MSS', () => {
    const windows = r.of('ack').filter((e) => e.side === 'server').map((e) => e.window as number);
    expect(windows.every((w) => w === 0 || w >= MSS)).toBe(true);
  });

  it('resumes when the reader frees a segment of space, and delivers every byte in order', () => {
    expect(firstOpen.rwnd).toBeGreaterThanOrEqual(MSS);
    const resumed = r.of('send').find((e) => e.side === 'client' && e.t > firstOpen.t && (e.len as number) > 1);
    expect(resumed).toBeDefined();
    const f = r.engine.summary().flows.f!;
    expect(f).toMatchObject({ deliveredBytes: 12 * MSS, verifiedBytes: 12 * MSS, mismatchedBytes: 0, completed: true });
    expect(f.probes as number).toBeGreaterThan(0);
    // The reader's pace sets the goodput: 12 KB at 500 B/s is about 24 s.
    expect(f.goodputBps).toBeGreaterThan(3500);
    expect(f.goodputBps).toBeLessThan(4100);
  });
});

describe('window scaling (RFC 7323)', () => {
  it('carries a 1 MiB receive window in a 16-bit field', () => {
    const r = run(
      {
        durationMs: 200,
        ...pair({ bandwidthBps: 1e9, delayMs: 10 }),
        flows: [{ id: 'f', from: 'a', to: 'b', transport: 'tcp', rwndBytes: 1 << 20, mss: MSS }],
      },
      ['ack'],
    );
    const serverAcks = r.of('ack').filter((e) => e.side === 'server');
    // 2^20 needs a shift of 5 (65535 << 4 is too small); the field then carries 32768 units of 32 bytes.
    expect(Math.max(...serverAcks.map((e) => e.window as number))).toBe(1 << 20);
    expect(serverAcks[0]!.window).toBe(1 << 20);
  });
});
