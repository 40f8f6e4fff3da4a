import { describe, expect, it } from 'vitest';
import { pair, run, MOD32 } from './helpers.ts';

const ISS = 1000;
const SERVER_ISS = (ISS + 0x40000000) % MOD32; // the server's ISS when the scenario fixes `iss`

describe('TCP three-way handshake (RFC 9293 §3.5)', () => {
  const r = run(
    {
      durationMs: 200,
      ...pair({ delayMs: 10 }),
      flows: [{ id: 'f', from: 'a', to: 'b', transport: 'tcp', iss: ISS, mss: 1000 }],
    },
    ['send', 'ack', 'state'],
    40,
  );

  it('sends SYN(seq x), SYN-ACK(seq y, ack x+1), ACK(ack y+1) in that order', () => {
    const segments = r.events.filter((e) => e.type === 'send' || e.type === 'ack').slice(0, 3);
    expect(segments.map((e) => ({ side: e.side, flags: e.flags ?? 'ACK', seq: e.seq, ack: e.ack }))).toEqual([
      { side: 'client', flags: 'SYN', seq: ISS, ack: 0 },
      { side: 'server', flags: 'ACK|SYN', seq: SERVER_ISS, ack: ISS + 1 },
      { side: 'client', flags: 'ACK', seq: ISS + 1, ack: SERVER_ISS + 1 },
    ]);
  });

  it('moves both ends through the handshake states at the arrival times', () => {
    // 10 ms of propagation plus serialisation at 10 Mbit/s: a SYN with MSS and window-scale options
    // is a 62-byte frame (49.6 µs), a bare ACK is padded to the 60-byte minimum (48 µs).
    expect(r.of('state').slice(0, 5).map((e) => [e.t, e.side, e.from, e.to])).toEqual([
      [0, 'client', 'CLOSED', 'SYN_SENT'],
      [10.0496, 'server', 'CLOSED', 'LISTEN'],
      [10.0496, 'server', 'LISTEN', 'SYN_RECEIVED'],
      [20.0992, 'client', 'SYN_SENT', 'ESTABLISHED'],
      [30.1472, 'server', 'SYN_RECEIVED', 'ESTABLISHED'],
    ]);
  });
});

describe('SYN retry', () => {
  it('retransmits a lost SYN after the initial RTO of 1 s, then backs off to 2 s', () => {
    const r = run(
      {
        durationMs: 5000,
        ...pair({ delayMs: 10 }),
        flows: [{ id: 'f', from: 'a', to: 'b', transport: 'tcp', bytes: 1000, iss: ISS }],
        faults: [{ kind: 'link-down', link: 'ab', atMs: 0, untilMs: 2500 }],
      },
      ['send', 'rto', 'state', 'drop'],
    );
    const syns = r.of('send').filter((e) => e.flags === 'SYN');
    expect(syns.map((e) => [e.t, e.seq, e.retransmit])).toEqual([
      [0, ISS, false],
      [1000, ISS, true],
      [3000, ISS, true],
    ]);
    expect(r.of('rto').map((e) => [e.t, e.rtoMs])).toEqual([
      [1000, 2000],
      [3000, 4000],
    ]);
    expect(r.of('drop').filter((e) => e.kind === 'syn').map((e) => e.reason)).toEqual(['link-down', 'link-down']);
    const established = r.of('state').find((e) => e.side === 'client' && e.to === 'ESTABLISHED');
    expect(established?.t).toBe(3020.0992);
  });

  it('gives up after synRetries and closes', () => {
    const r = run(
      {
        durationMs: 20_000,
        ...pair(),
        flows: [{ id: 'f', from: 'a', to: 'b', transport: 'tcp', bytes: 1000, synRetries: 2 }],
        faults: [{ kind: 'link-down', link: 'ab', atMs: 0 }],
      },
      ['send', 'state'],
    );
    expect(r.of('send').map((e) => e.t)).toEqual([0, 1000, 3000]);
    expect(r.of('state').at(-1)).toMatchObject({ t: 7000, side: 'client', from: 'SYN_SENT', to: 'CLOSED' });
  });
});
