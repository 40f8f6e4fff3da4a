import { describe, expect, it } from 'vitest';
import { build, chainWithPlayer, drive, pair, run, MOD32 } from './helpers.ts';
import type { TraceEvent } from '../../shared/protocols/sim/trace.ts';

const ISS = 1000;
const SERVER_ISS = (ISS + 0x40000000) % MOD32;
const DATA = 3000;
const CLIENT_FIN_SEQ = ISS + 1 + DATA;

function closeScenario(extra: object = {}) {
  return {
    durationMs: 5000,
    ...pair({ delayMs: 10 }),
    flows: [{ id: 'f', from: 'a', to: 'b', transport: 'tcp' as const, bytes: DATA, mss: 1000, iss: ISS, mslMs: 1000 }],
    ...extra,
  };
}

const segment = (e: TraceEvent) => ({ side: e.side, flags: e.type === 'ack' ? 'ACK' : e.flags, seq: e.seq, ack: e.ack });

describe('TCP four-way close (RFC 9293 §3.6)', () => {
  const r = run(closeScenario(), ['send', 'ack', 'state']);
  const segments = r.events.filter((e) => e.type === 'send' || e.type === 'ack');
  const finIndex = segments.findIndex((e) => e.flags === 'ACK|FIN');

  it('exchanges FIN, ACK, FIN, ACK with the exact sequence numbers', () => {
    const close = segments.slice(finIndex).map(segment).filter((s) => !(s.side === 'server' && (s.ack as number) < CLIENT_FIN_SEQ + 1));
    expect(close).toEqual([
      { side: 'client', flags: 'ACK|FIN', seq: CLIENT_FIN_SEQ, ack: SERVER_ISS + 1 },
      { side: 'server', flags: 'ACK', seq: SERVER_ISS + 1, ack: CLIENT_FIN_SEQ + 1 },
      { side: 'server', flags: 'ACK|FIN', seq: SERVER_ISS + 1, ack: CLIENT_FIN_SEQ + 1 },
      { side: 'client', flags: 'ACK', seq: CLIENT_FIN_SEQ + 1, ack: SERVER_ISS + 2 },
    ]);
  });

  it('walks both ends through FIN_WAIT_1/2, CLOSE_WAIT, LAST_ACK and TIME_WAIT for 2·MSL', () => {
    const states = r.of('state').map((e) => `${e.side}:${e.to}`);
    expect(states).toEqual([
      'client:SYN_SENT',
      'server:LISTEN',
      'server:SYN_RECEIVED',
      'client:ESTABLISHED',
      'client:FIN_WAIT_1', // the application closed right after writing; FIN follows the data
      'server:ESTABLISHED',
      'server:CLOSE_WAIT',
      'server:LAST_ACK',
      'client:FIN_WAIT_2',
      'client:TIME_WAIT',
      'server:CLOSED',
      'client:CLOSED',
    ]);
    const timeWait = r.of('state').find((e) => e.to === 'TIME_WAIT')!;
    const closed = r.of('state').find((e) => e.side === 'client' && e.to === 'CLOSED')!;
    expect(closed.t - timeWait.t).toBeCloseTo(2000, 9);
  });
});

describe('TIME_WAIT', () => {
  it('catches the peer FIN retransmitted after the last ACK was lost, re-acknowledges it and restarts 2·MSL', () => {
    // Lose exactly the client's final ACK (sent at 62.8688 ms) by making the a→b direction lossy for 0.1 ms.
    const r = run(
      closeScenario({
        faults: [
          { kind: 'link-loss', link: 'ab', atMs: 62.8, loss: { 'a->b': 1 } },
          { kind: 'link-loss', link: 'ab', atMs: 62.9, loss: { 'a->b': 0 } },
        ],
      }),
      ['send', 'ack', 'state', 'drop'],
    );
    // Sent at 62.8688 ms, clocked out by 62.9168 ms, lost halfway along the 10 ms link.
    expect(r.of('drop').map((e) => [e.t, e.kind, e.reason])).toEqual([[67.9168, 'ack', 'loss']]);
    const serverFins = r.of('send').filter((e) => e.side === 'server' && e.flags === 'ACK|FIN');
    expect(serverFins.map((e) => e.retransmit)).toEqual([false, true]);
    const retransmittedFin = serverFins[1]!;
    const clientAcks = r.of('ack').filter((e) => e.side === 'client' && e.ack === SERVER_ISS + 2);
    expect(clientAcks).toHaveLength(2);
    const reAck = clientAcks[1]!;
    expect(reAck.t).toBeCloseTo(retransmittedFin.t + 10.048, 9); // the FIN's flight time
    const clientStates = r.of('state').filter((e) => e.side === 'client').map((e) => e.to);
    expect(clientStates.slice(-2)).toEqual(['TIME_WAIT', 'CLOSED']); // no second entry, no RST
    const closed = r.of('state').find((e) => e.side === 'client' && e.to === 'CLOSED')!;
    expect(closed.t).toBeCloseTo(reAck.t + 2000, 9); // 2·MSL counted again from the retransmitted FIN
    expect(r.of('state').find((e) => e.side === 'server' && e.to === 'CLOSED')!.t).toBeCloseTo(reAck.t + 10.048, 9);
  });

  it('absorbs a delayed duplicate of the peer FIN that a router held back', () => {
    const engine = build({
      durationMs: 5000,
      ...chainWithPlayer(10),
      flows: [{ id: 'f', from: 'a', to: 'b', transport: 'tcp', bytes: DATA, mss: 1000, iss: ISS, mslMs: 1000 }],
    });
    const events: TraceEvent[] = [];
    engine.subscribe(['state', 'ack', 'deliver', 'drop'], (e) => events.push(e));
    let duplicated = false;
    drive(engine, 5000, 1, (p, node) => {
      if (p.kind === 'fin' && p.ip.src === engine.network.nodes.get('b')!.ip && !duplicated && p.duplicateOf === 0) {
        duplicated = true;
        const copy = engine.command({ action: 'duplicate', node, packet: p.id });
        if (!copy.ok || copy.packet === undefined) throw new Error('duplicate refused');
        const held = engine.command({ action: 'hold', node, packet: copy.packet, ms: 400 });
        if (!held.ok) throw new Error(held.reason);
        return 'route';
      }
      return 'route';
    });
    expect(duplicated).toBe(true);
    const clientStates = events.filter((e) => e.type === 'state' && e.side === 'client').map((e) => e.to);
    expect(clientStates.slice(-2)).toEqual(['TIME_WAIT', 'CLOSED']);
    const finAcks = events.filter((e) => e.type === 'ack' && e.side === 'client' && e.ack === SERVER_ISS + 2);
    expect(finAcks).toHaveLength(2); // the original FIN and the late copy, each acknowledged
    const timeWait = events.find((e) => e.type === 'state' && e.to === 'TIME_WAIT')!;
    expect(finAcks[1]!.t - timeWait.t).toBeGreaterThan(390);
    expect(finAcks[1]!.t - timeWait.t).toBeLessThan(420);
    const closed = events.find((e) => e.type === 'state' && e.side === 'client' && e.to === 'CLOSED')!;
    expect(closed.t).toBeCloseTo(finAcks[1]!.t + 2000, 9);
    // The server had closed, so it answered the late ACK with RST; TIME_WAIT ignores it (RFC 1337).
    expect(closed.t).toBeGreaterThan(finAcks[1]!.t + 1999);
    // The late segment delivered nothing twice.
    const delivered = events.filter((e) => e.type === 'deliver').reduce((n, e) => n + (e.bytes as number), 0);
    expect(delivered).toBe(DATA);
  });
});
