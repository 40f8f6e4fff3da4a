// RFC 9293 §3.10.7.4, seventh step: the acknowledgment of arriving data "should be piggybacked on a
// segment being transmitted if possible". A segment is processed whole (its ACK, then its data)
// before anything is sent, so data that goes out in answer carries the acknowledgment of the data
// that just came in, and no pure ACK follows it (as BSD's and Linux's input paths do).

import { describe, expect, it } from 'vitest';
import type { Host } from '../../shared/protocols/net/host.ts';
import type { TcpConnection } from '../../shared/protocols/transport/tcp/connection.ts';
import { defaultTcpConfig } from '../../shared/protocols/transport/tcp/default-config.ts';
import { ByteSendBuffer } from '../../shared/protocols/transport/tcp/send-buffer.ts';
import { build, pair } from './helpers.ts';

const A_ISS = 1000;
const B_ISS = 5000;

/** a writes three segments at once (one at a time, initial cwnd 1); b answers 500 bytes when it first reads. */
function requestAndReply() {
  const engine = build({ seed: 1, durationMs: 2000, ...pair({ bandwidthBps: 10_000_000, delayMs: 10 }) });
  const a = engine.network.nodes.get('a') as Host;
  const b = engine.network.nodes.get('b') as Host;
  const segments: string[] = [];
  engine.subscribe(['send', 'ack'], (e) => {
    const len = e.type === 'ack' ? 0 : (e.len as number);
    segments.push(`${e.side} ${e.type === 'ack' ? 'ACK' : String(e.flags)} seq=${String(e.seq)} ack=${String(e.ack)} len=${len}`);
  });

  const bBuffer = new ByteSendBuffer(1 << 16);
  let server: TcpConnection | null = null;
  b.tcp.listen(7000, () => ({
    flowId: 'rr',
    config: defaultTcpConfig({ mssBytes: 1000, iss: B_ISS }),
    sendBuffer: () => bBuffer,
    accept: (conn) => {
      server = conn;
      conn.app = {
        readable: (c) => {
          const first = c.stats.deliveredBytes === 0;
          c.read(Infinity);
          if (first) {
            bBuffer.write(new Uint8Array(500).fill(7));
            c.flush();
          }
        },
      };
    },
  }));
  const aBuffer = new ByteSendBuffer(1 << 16);
  const client = a.tcp.connect({
    localPort: 40000,
    remoteIp: b.ip,
    remotePort: 7000,
    config: defaultTcpConfig({ mssBytes: 1000, iss: A_ISS }),
    flowId: 'rr',
    sendBuffer: aBuffer,
  });
  client.app = {
    established: (c) => {
      aBuffer.write(new Uint8Array(3000).fill(1));
      c.flush();
    },
    readable: (c) => void c.read(Infinity),
  };
  client.connect();
  engine.run();
  return { client, server: server! as TcpConnection, segments };
}

describe('acknowledgments ride on data', () => {
  const r = requestAndReply();

  it('a reply written while the request is read carries its ACK, and no pure ACK repeats it', () => {
    expect(r.segments.slice(0, 5)).toEqual([
      'client SYN seq=1000 ack=0 len=0',
      'server ACK|SYN seq=5000 ack=1001 len=0',
      'client ACK seq=1001 ack=5001 len=0',
      'client ACK seq=1001 ack=5001 len=1000',
      // b's reply acknowledges a's first segment: nothing else is sent for it.
      'server ACK|PSH seq=5001 ack=2001 len=500',
    ]);
    expect(r.segments.filter((s) => s.includes('ack=2001') && s.endsWith('len=0'))).toEqual([]);
  });

  it('a segment bringing both an ACK and data is answered by data that acknowledges that data', () => {
    // The reply's ACK opens a's window; the segments it lets out acknowledge the reply (ack=5501)
    // instead of carrying the old acknowledgment followed by a separate pure ACK.
    expect(r.segments.slice(5)).toEqual([
      'client ACK seq=2001 ack=5501 len=1000',
      'client ACK|PSH seq=3001 ack=5501 len=1000',
      'server ACK seq=5501 ack=3001 len=0',
      'server ACK seq=5501 ack=4001 len=0',
    ]);
    // So a never sees an ACK repeat while its data is in flight: no duplicate ACK is counted.
    expect([r.client.stats.dupAcks, r.server.stats.dupAcks]).toEqual([0, 0]);
    expect([r.client.stats.deliveredBytes, r.server.stats.deliveredBytes]).toEqual([500, 3000]);
  });
});
