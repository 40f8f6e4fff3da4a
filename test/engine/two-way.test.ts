// Both ends of one TCP connection sending at once: every data segment also carries the ACK for the
// other direction (piggybacking), so acknowledgment, duplicate-ACK counting, window updates and loss
// recovery all run on segments that carry data, not only on pure ACKs.

import { describe, expect, it } from 'vitest';
import type { Host } from '../../shared/protocols/net/host.ts';
import { RateLimitedReader } from '../../shared/protocols/app/reader.ts';
import { PatternSource } from '../../shared/protocols/net/payload.ts';
import type { TcpConnection } from '../../shared/protocols/transport/tcp/connection.ts';
import { defaultTcpConfig } from '../../shared/protocols/transport/tcp/default-config.ts';
import { ByteSendBuffer } from '../../shared/protocols/transport/tcp/send-buffer.ts';
import { build, pair } from './helpers.ts';

const BYTES = 300_000;
const CONFIG = defaultTcpConfig({ mssBytes: 1000, rcvBufBytes: 16_000, sndBufBytes: 1 << 20 });

function streamOf(salt: number): Uint8Array {
  const out = new Uint8Array(BYTES);
  new PatternSource(salt).fill(0, out);
  return out;
}

/**
 * a and b each write BYTES into one connection at the start and close when done; a reads everything
 * at once, b at `bReadBps` (null: at once too).
 */
function exchange(loss: number, seed: number, bReadBps: number | null = null) {
  const engine = build({ seed, durationMs: 120_000, ...pair({ bandwidthBps: 2_000_000, delayMs: 20, queuePackets: 30, loss }) });
  const a = engine.network.nodes.get('a') as Host;
  const b = engine.network.nodes.get('b') as Host;
  const fromA = streamOf(1);
  const fromB = streamOf(2);
  const got = { a: [] as number[], b: [] as number[] };
  const states = { client: [] as string[], server: [] as string[] };
  engine.subscribe(['state'], (e) => {
    if (e.type === 'state') states[e.side as 'client' | 'server'].push(String(e.to));
  });

  function app(side: 'a' | 'b', out: ByteSendBuffer, data: Uint8Array, conn: TcpConnection) {
    const reader = new RateLimitedReader(conn, side === 'b' ? bReadBps : null, (bytes) => got[side].push(...bytes));
    return {
      established: (c: TcpConnection) => {
        out.write(data);
        out.finish();
        c.flush();
        c.close();
      },
      readable: () => reader.readable(),
      eof: () => {},
    };
  }

  const bBuffer = new ByteSendBuffer(1 << 20);
  let server: TcpConnection | null = null;
  b.tcp.listen(7000, () => ({
    flowId: 'two-way',
    config: CONFIG,
    sendBuffer: () => bBuffer,
    accept: (conn) => {
      server = conn;
      conn.app = app('b', bBuffer, fromB, conn);
    },
  }));
  const aBuffer = new ByteSendBuffer(1 << 20);
  const client = a.tcp.connect({ localPort: 40000, remoteIp: b.ip, remotePort: 7000, config: CONFIG, flowId: 'two-way', sendBuffer: aBuffer });
  client.app = app('a', aBuffer, fromA, client);
  client.connect();
  engine.run();
  return { client, server: server! as TcpConnection, got, fromA, fromB, states };
}

describe('two-way transfer on one connection', () => {
  it('without loss, each side reads exactly what the other wrote, and both close', () => {
    const r = exchange(0, 1);
    expect(Uint8Array.from(r.got.b)).toEqual(r.fromA);
    expect(Uint8Array.from(r.got.a)).toEqual(r.fromB);
    // Both FINs cross on the wire: the simultaneous close of RFC 9293 §3.6 (Figure 13).
    expect(r.states).toEqual({
      client: ['SYN_SENT', 'ESTABLISHED', 'FIN_WAIT_1', 'CLOSING', 'TIME_WAIT', 'CLOSED'],
      server: ['LISTEN', 'SYN_RECEIVED', 'ESTABLISHED', 'FIN_WAIT_1', 'CLOSING', 'TIME_WAIT', 'CLOSED'],
    });
    expect([r.client.stats.sentSegments, r.server.stats.sentSegments]).toEqual([300, 300]);
    expect([r.client.stats.retransmits, r.server.stats.retransmits]).toEqual([0, 0]);
  });

  it('with 2% loss both ways, each side still reads exactly what the other wrote, recovering by fast retransmit', () => {
    const r = exchange(0.02, 7);
    expect(Uint8Array.from(r.got.b)).toEqual(r.fromA);
    expect(Uint8Array.from(r.got.a)).toEqual(r.fromB);
    // Here the client's FIN is acknowledged before the server's arrives, so it closes the usual way.
    expect(r.states).toEqual({
      client: ['SYN_SENT', 'ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2', 'TIME_WAIT', 'CLOSED'],
      server: ['LISTEN', 'SYN_RECEIVED', 'ESTABLISHED', 'FIN_WAIT_1', 'CLOSING', 'TIME_WAIT', 'CLOSED'],
    });
    const recovery = (c: TcpConnection) => [c.stats.retransmits, c.stats.fastRetransmits, c.stats.timeouts, c.stats.dupAcks];
    expect(recovery(r.client)).toEqual([2, 1, 0, 14]);
    expect(recovery(r.server)).toEqual([5, 3, 0, 56]);
  });

  it('when b reads slowly, b’s window holds a back while b’s own data still flows at full speed', () => {
    const r = exchange(0, 1, 400_000);
    expect(Uint8Array.from(r.got.b)).toEqual(r.fromA);
    expect(Uint8Array.from(r.got.a)).toEqual(r.fromB);
    // a never sent beyond b's window (b would have discarded it and a resent it) ...
    expect([r.client.stats.retransmits, r.server.stats.retransmits]).toEqual([0, 0]);
    // ... so b's reading rate paced a: 300 kB at 400 kbit/s is 6 s of reading, after the handshake.
    expect(r.server.stats.lastDeliveryNs).toBe(6_098_080_000);
    // b's data was not held back by its own slow reading: a had it all within 1.5 s.
    expect(r.client.stats.lastDeliveryNs).toBe(1_491_800_000);
  });
});
