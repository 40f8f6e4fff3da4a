// Delayed ACKs (RFC 9293 §3.8.6.3, RFC 5681 §4.2), a flow option that is off by default: the ACK of
// in-order data waits for a second segment with data or for `delayedAckMs`, whichever comes first;
// data that arrives out of order, or fills a gap, is acknowledged at once.

import { describe, expect, it } from 'vitest';
import type { Host } from '../../shared/protocols/net/host.ts';
import { msToNs } from '../../shared/protocols/sim/time.ts';
import type { TraceEvent } from '../../shared/protocols/sim/trace.ts';
import type { TcpConnection } from '../../shared/protocols/transport/tcp/connection.ts';
import { defaultTcpConfig } from '../../shared/protocols/transport/tcp/default-config.ts';
import { ByteSendBuffer } from '../../shared/protocols/transport/tcp/send-buffer.ts';
import { loadScenario } from '../../shared/scenario/load.ts';
import { build, pair, run } from './helpers.ts';

const ISS = 1000;
const SERVER_ISS = 5000;
const DELAY_MS = 200;

/** a writes `bytes` at once (and does not close); b acknowledges with delayed ACKs. */
function upload(bytes: number, dropSegment?: number) {
  const engine = build({ seed: 1, durationMs: 3000, ...pair({ bandwidthBps: 10_000_000, delayMs: 10 }) });
  const a = engine.network.nodes.get('a') as Host;
  const b = engine.network.nodes.get('b') as Host;
  const events: TraceEvent[] = [];
  engine.subscribe(['ack', 'deliver'], (e) => {
    if (e.side === 'server') events.push(e);
  });
  if (dropSegment !== undefined) engine.network.scheduleSegmentFault('up', dropSegment, { action: 'drop' });
  b.tcp.listen(7000, () => ({
    flowId: 'up',
    config: defaultTcpConfig({ mssBytes: 1000, iss: SERVER_ISS, delayedAckNs: msToNs(DELAY_MS) }),
    sendBuffer: () => new ByteSendBuffer(1000),
    accept: (conn) => {
      conn.app = { readable: (c) => void c.read(Infinity) };
    },
  }));
  const buffer = new ByteSendBuffer(1 << 16);
  const client: TcpConnection = a.tcp.connect({
    localPort: 40000,
    remoteIp: b.ip,
    remotePort: 7000,
    config: defaultTcpConfig({ mssBytes: 1000, iss: ISS, initialCwndSegments: 10 }),
    flowId: 'up',
    sendBuffer: buffer,
  });
  client.app = {
    established: (c) => {
      buffer.write(new Uint8Array(bytes).fill(3));
      c.flush();
    },
  };
  client.connect();
  engine.run();
  // The server's pure ACKs as (time, acknowledged data offset), and when data reached its reader.
  const acks = events.filter((e) => e.type === 'ack').map((e) => [e.t, (e.ack as number) - (ISS + 1)]);
  const delivered = events.filter((e) => e.type === 'deliver').map((e) => [e.t, e.total]);
  return { client, acks, delivered };
}

describe('delayed ACKs', () => {
  it('acknowledge every second segment at once, and a lone segment after the delay', () => {
    const r = upload(3000);
    // Frames of 1054 bytes (Ethernet, IPv4 and TCP headers, 1000 bytes of data) follow each other
    // every 0.8432 ms.
    expect(r.delivered).toEqual([
      [30.9904, 1000],
      [31.8336, 2000],
      [32.6768, 3000],
    ]);
    // The first segment's ACK waits; the second's goes at once and covers both; the third waits
    // the whole delay (200 ms), for a fourth segment that never comes.
    expect(r.acks).toEqual([
      [31.8336, 2000],
      [232.6768, 3000],
    ]);
  });

  it('acknowledge data out of order at once, and the segment that fills the gap', () => {
    const r = upload(6000, 2);
    // Segment 1 waits for a partner; segment 3 arrives out of order: an immediate ACK (which also
    // covers segment 1), then duplicates for 4, 5 and 6, so the sender retransmits segment 2 fast.
    expect(r.acks.map(([, ack]) => ack)).toEqual([1000, 1000, 1000, 1000, 6000]);
    expect([r.client.stats.fastRetransmits, r.client.stats.timeouts]).toEqual([1, 0]);
    // The retransmission fills the gap: everything becomes readable and is acknowledged that instant.
    const [tFill] = r.delivered[r.delivered.length - 1] as number[];
    expect(r.delivered[r.delivered.length - 1]).toEqual([tFill, 6000]);
    expect(r.acks[r.acks.length - 1]).toEqual([tFill, 6000]);
  });

  it('are a flow option of scenario files, and halve the pure ACKs of a bulk transfer', () => {
    const flow = { id: 'f', from: 'a', to: 'b', transport: 'tcp' as const, bytes: 20_000, mss: 1000, initialCwndSegments: 20 };
    const acksOf = (extra: object) =>
      run({ seed: 1, durationMs: 5000, ...pair(), flows: [{ ...flow, ...extra }] }, ['ack'])
        .of('ack')
        .filter((e) => e.side === 'server').length;
    // 20 segments with data, then the client's FIN: one ACK each, or one per pair of segments.
    expect(acksOf({})).toBe(21);
    expect(acksOf({ delayedAckMs: 100 })).toBe(11);
  });

  it('wait less than half a second, as RFC 9293 requires', () => {
    const scenario = (delayedAckMs: number) => ({ seed: 1, durationMs: 1000, ...pair(), flows: [{ id: 'f', from: 'a', to: 'b', transport: 'tcp', delayedAckMs }] });
    const errorsOf = (ms: number) => {
      const r = loadScenario(scenario(ms));
      return r.ok ? [] : r.errors;
    };
    expect(errorsOf(500)).toEqual(['flows[0].delayedAckMs: must be below 500 (RFC 9293 §3.8.6.3)']);
    expect(errorsOf(0)).toEqual(['flows[0].delayedAckMs: must be greater than 0']);
    const ok = loadScenario(scenario(200));
    expect(ok.ok && ok.scenario.flows[0]!.delayedAckMs).toBe(200);
  });
});
