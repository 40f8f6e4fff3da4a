// DNS over TCP (RFC 1035 §4.2.2, RFC 7766) and zone transfers (RFC 5936): a 600-byte answer is cut
// to 512 bytes with TC set and fetched again over TCP with a 2-byte length; AXFR brings SOA, records,
// SOA over TCP and is refused over UDP; a secondary server serves what it transferred.

import { describe, expect, it } from 'vitest';
import { encodeMessage } from '../../shared/protocols/app/dns/message.ts';
import { Engine } from '../../shared/protocols/engine.ts';
import type { Host } from '../../shared/protocols/net/host.ts';
import type { InspectedPacket } from '../../shared/protocols/net/layers.ts';
import type { TraceEvent } from '../../shared/protocols/sim/trace.ts';
import type { TcpConfig } from '../../shared/protocols/transport/tcp/connection.ts';
import { defaultTcpConfig } from '../../shared/protocols/transport/tcp/default-config.ts';
import { ByteSendBuffer } from '../../shared/protocols/transport/tcp/send-buffer.ts';
import { loadScenario } from '../../shared/scenario/load.ts';
import { build, run } from './helpers.ts';
import { captureFrames, dnsScenario, field, pick, ZONE_RECORDS } from './dns-helpers.ts';

const RAW_TCP: TcpConfig = defaultTcpConfig({ rcvBufBytes: 65_536, sndBufBytes: 65_536 });

/** One line per event: what happened, where, with the facts that matter for the TC → TCP story. */
function story(events: TraceEvent[]): string[] {
  return events.map((e) => {
    if (e.type === 'state') return `${e.side} ${e.from} → ${e.to}`;
    if (e.type === 'send') return `${e.side} sends ${e.flags} ${e.len}`;
    const facts = ['transport', 'tc', 'answers', 'bytes', 'reason'].filter((k) => k in e).map((k) => `${k}=${String(e[k])}`);
    return `${e.side} ${e.action} ${facts.join(' ')}`;
  });
}

describe('a 600-byte answer goes TC, then TCP', () => {
  const engine = build(dnsScenario({ dns: { queries: [{ name: 'big.example.com', type: 'TXT' }] } }));
  const events: TraceEvent[] = [];
  const frames = new Map<number, InspectedPacket>();
  captureFrames(engine, ['dns', 'state', 'send'], events, frames);
  engine.run();
  const traced = events.filter((e) => e.type !== 'tx');

  it('UDP query; the server cuts the answer to what fits in 512 bytes and sets TC; the resolver asks again over TCP', () => {
    expect(story(traced)).toEqual([
      'client query transport=udp bytes=33',
      'client sends UDP 33',
      // The full answer is 600 bytes; its one TXT record does not fit in 512, so none is sent.
      'server answer transport=udp tc=true answers=0 bytes=33',
      'client response transport=udp tc=true answers=0 bytes=33',
      'client tcp-fallback reason=truncated',
      'client CLOSED → SYN_SENT',
      'client sends SYN 0',
      'client query transport=tcp bytes=33',
      'server CLOSED → LISTEN',
      'server LISTEN → SYN_RECEIVED',
      'server sends ACK|SYN 0',
      'client SYN_SENT → ESTABLISHED',
      'client sends ACK|PSH 35', // 2-byte length + the 33-byte query
      'server SYN_RECEIVED → ESTABLISHED',
      'server sends ACK|PSH 602', // 2-byte length + the whole 600-byte answer
      'server answer transport=tcp tc=false answers=1 bytes=600',
      'client response transport=tcp tc=false answers=1 bytes=600',
      // The resolver needs the connection no more and closes it (RFC 7766 §6.2.1); the server follows.
      'client ESTABLISHED → FIN_WAIT_1',
      'client sends ACK|FIN 0',
      'server ESTABLISHED → CLOSE_WAIT',
      'server CLOSE_WAIT → LAST_ACK',
      'server sends ACK|FIN 0',
      'client FIN_WAIT_1 → FIN_WAIT_2',
      'client FIN_WAIT_2 → TIME_WAIT',
      'server LAST_ACK → CLOSED',
    ]);
    const dns = traced.filter((e) => e.type === 'dns');
    expect(new Set(dns.map((e) => e.id)).size).toBe(1);
    expect(dns[1]).toMatchObject({ fullAnswers: 1 });
  });

  it('on the wire: TC in the UDP reply, the length prefix in each TCP segment', () => {
    const dnsFrames = [...frames.values()].filter((p) => p.layers.at(-1)?.protocol === 'DNS');
    const udpReply = dnsFrames.find((p) => field(p, 'UDP', 'sourcePort') === 53)!;
    expect([field(udpReply, 'DNS', 'tc'), field(udpReply, 'DNS', 'ancount'), field(udpReply, 'DNS', 'flags')]).toEqual([true, 0, '0x8700']);
    const tcpQuery = dnsFrames.find((p) => field(p, 'TCP', 'destinationPort') === 53)!;
    expect([field(tcpQuery, 'DNS', 'length'), field(tcpQuery, 'DNS', 'question')]).toEqual([33, 'big.example.com. IN TXT']);
    const tcpReply = dnsFrames.find((p) => field(p, 'TCP', 'sourcePort') === 53)!;
    expect(tcpReply.layers.at(-1)!.length).toBe(602);
    expect([field(tcpReply, 'DNS', 'length'), field(tcpReply, 'DNS', 'tc'), field(tcpReply, 'DNS', 'ancount')]).toEqual([600, false, 1]);
    expect(String(field(tcpReply, 'DNS', 'answer 1'))).toMatch(/^big\.example\.com\. 3600 IN TXT "k{255}" "k{255}" "k{42}"$/);
  });

  it('the summary: one lookup, truncated once, one switch to TCP, answered', () => {
    expect(engine.summary().flows.q).toMatchObject({
      queries: 1,
      answered: 1,
      truncated: 1,
      tcpFallbacks: 1,
      tcpConnections: 1,
      retries: 0,
      lookups: [{ status: 'answered', transport: 'tcp', attempts: 2, truncated: true, answers: 1 }],
    });
    expect(engine.summary().dnsServers!.ns1).toMatchObject({ udpQueries: 1, tcpQueries: 1, truncated: 1, tcpConnections: 1 });
  });
});

describe('truncation keeps whole records, and the resolver may keep a truncated answer', () => {
  const pool = [...ZONE_RECORDS, ...Array.from({ length: 40 }, (_, i) => ({ name: 'pool', type: 'A' as const, value: `192.0.2.${100 + i}` }))];

  it('a 40-address answer: 29 fit in the UDP reply, all 40 come over TCP', () => {
    const r = run(dnsScenario({ records: pool, dns: { queries: ['pool.example.com'] } }), ['dns']);
    expect(pick(r.events, 'side', 'action', 'transport', 'tc', 'answers', 'fullAnswers', 'bytes').filter((e) => e.action !== 'query')).toEqual([
      { side: 'server', action: 'answer', transport: 'udp', tc: true, answers: 29, fullAnswers: 40, bytes: 498 },
      { side: 'client', action: 'response', transport: 'udp', tc: true, answers: 29, bytes: 498 },
      { side: 'client', action: 'tcp-fallback' },
      { side: 'server', action: 'answer', transport: 'tcp', tc: false, answers: 40, fullAnswers: 40, bytes: 674 },
      { side: 'client', action: 'response', transport: 'tcp', tc: false, answers: 40, bytes: 674 },
    ]);
  });

  it('with tcpFallback off the resolver takes the truncated reply as its answer', () => {
    const r = run(dnsScenario({ records: pool, dns: { queries: ['pool.example.com'], tcpFallback: false } }), ['dns']);
    expect(r.of('dns').map((e) => e.action)).toEqual(['query', 'answer', 'response']);
    expect(r.engine.summary().flows.q).toMatchObject({ answered: 1, answers: 29, truncated: 1, tcpFallbacks: 0, tcpConnections: 0 });
  });

  it('a small MSS splits the 600-byte answer over segments; the inspector says how much is still to come', () => {
    const engine = build(dnsScenario({ flow: { mss: 256 }, dns: { queries: [{ name: 'big.example.com', type: 'TXT', transport: 'tcp' }] } }));
    const frames = new Map<number, InspectedPacket>();
    captureFrames(engine, [], [], frames);
    engine.run();
    const fromServer = [...frames.values()].filter((p) => field(p, 'TCP', 'sourcePort') === 53 && p.kind === 'data');
    expect(fromServer.map((p) => [field(p, 'DNS', 'length') ?? null, field(p, 'DNS', 'continuesInNextSegment') ?? null, field(p, 'DNS', 'continuation') ?? null])).toEqual([
      [600, 346, null],
      [null, null, '256 bytes of a message begun in an earlier segment'],
      [null, null, '90 bytes of a message begun in an earlier segment'],
    ]);
    expect(engine.summary().flows.q).toMatchObject({ answered: 1, answers: 1, truncated: 0 });
  });
});

describe('zone transfer (AXFR, RFC 5936)', () => {
  const transfer = (o: Parameters<typeof dnsScenario>[0] = {}) =>
    run(dnsScenario({ server: { axfrRecordsPerMessage: 4 }, dns: { queries: [], transfer: 'example.com' }, ...o }), ['dns']);

  it('over TCP: the SOA, every record, the SOA again, in messages of at most 4 records', () => {
    const r = transfer();
    const zoneSize = ZONE_RECORDS.length; // the SOA is one of them
    const server = r.of('dns').filter((e) => e.side === 'server');
    expect(server.map((e) => [e.action, e.message, e.records, e.sent, e.last])).toEqual([
      ['axfr', 1, 4, 4, false],
      ['axfr', 2, 4, 8, false],
      ['axfr', 3, 3, 11, true],
    ]);
    expect(server[0]!.total).toBe(zoneSize + 1);
    const progress = r.of('dns').filter((e) => e.side === 'client' && e.action === 'axfr');
    expect(progress.map((e) => [e.message, e.records, e.total, e.done])).toEqual([
      [1, 4, 4, false],
      [2, 4, 8, false],
      [3, 3, 11, true],
    ]);
    const done = r.of('dns').find((e) => e.action === 'response')!;
    expect(done).toMatchObject({ transport: 'tcp', rcode: 'NOERROR', answers: zoneSize, messages: 3, serial: 2024010101 });
    expect((done.records as string[])[0]).toBe('example.com. 3600 IN SOA ns1.example.com. hostmaster.example.com. 2024010101 7200 900 1209600 300');
    expect(r.engine.summary().dnsServers!.ns1).toMatchObject({ transfers: 1, transferMessages: 3, transferRecords: zoneSize + 1, udpQueries: 0 });
  });

  it('over UDP it is refused; a zone the server does not have is NOTAUTH; a host not in allowTransfer is REFUSED', () => {
    const r = transfer({
      dns: { queries: [{ name: 'example.com', type: 'AXFR', transport: 'udp' }, { name: 'other.org', type: 'AXFR' }] },
    });
    expect(pick(r.events, 'side', 'action', 'transport', 'rcode').filter((e) => e.action === 'response')).toEqual([
      { side: 'client', action: 'response', transport: 'udp', rcode: 'REFUSED' },
      { side: 'client', action: 'response', transport: 'tcp', rcode: 'NOTAUTH' },
    ]);
    const locked = transfer({ server: { allowTransfer: ['r'] } });
    expect(pick(locked.events, 'side', 'action', 'rcode').filter((e) => e.side === 'server')).toEqual([{ side: 'server', action: 'answer', rcode: 'REFUSED' }]);
    expect(locked.engine.summary().flows.q).toMatchObject({ answered: 1, rcodes: { REFUSED: 1 } });
  });

  it('a secondary name server transfers the zone from the primary and then answers from it', () => {
    const r = run(
      dnsScenario({
        server: { allowTransfer: ['ns2'] },
        dns: { queries: [{ name: 'mail.example.com', type: 'AAAA', atMs: 500 }] },
        flow: { to: 'ns2' },
        extraNodes: [{ id: 'ns2', kind: 'dns' }],
        extraLinks: [{ id: 'l3', a: 'ns2', b: 'r', bandwidthBps: 10_000_000, delayMs: 5 }],
        extraFlows: [{ id: 'xfr', from: 'ns2', to: 'ns1', transport: 'tcp', app: 'dns', dns: { transfer: 'example.com' } }],
      }),
      ['dns'],
    );
    const answers = r.of('dns').filter((e) => e.side === 'server' && (e.action === 'answer' || e.action === 'axfr'));
    expect(answers.map((e) => [e.node, e.action, e.flow])).toEqual([
      ['ns1', 'axfr', 'xfr'],
      ['ns2', 'answer', 'q'],
    ]);
    expect(r.engine.summary().flows.q).toMatchObject({ lookups: [{ rcode: 'NOERROR', records: ['mail.example.com. 3600 IN AAAA 2001:db8::25'] }] });
    expect(r.engine.summary().dnsServers!.ns2).toMatchObject({ zones: ['example.com.'] });
    // What the game draws of the secondary: the zone it copied, record by record.
    const view = r.engine.dnsServer('ns2')!;
    expect(view).toMatchObject({ node: 'ns2', up: true, udpQueries: 1, openTcpConnections: 0 });
    expect(view.zoneData).toEqual([
      { origin: 'example.com.', serial: 2024010101, records: expect.arrayContaining(['mail.example.com. 3600 IN AAAA 2001:db8::25']), more: 0 },
    ]);
    expect(view.zoneData[0]!.records).toHaveLength(ZONE_RECORDS.length);
    expect(r.engine.dnsServer('pc')).toBeUndefined();
  });
});

describe('TCP connections of the resolver', () => {
  it('two lookups over TCP at the same moment share one connection (pipelined, answered by ID)', () => {
    const r = run(
      dnsScenario({ dns: { queries: [{ name: 'www.example.com', atMs: 0, transport: 'tcp' }, { name: 'mail.example.com', atMs: 0, transport: 'tcp' }] } }),
      ['dns', 'state'],
    );
    expect(r.of('state').filter((e) => e.side === 'client' && e.to === 'SYN_SENT')).toHaveLength(1);
    expect(r.of('dns').filter((e) => e.action === 'response').map((e) => e.name)).toEqual(['www.example.com.', 'mail.example.com.']);
    expect(r.engine.summary().flows.q).toMatchObject({ answered: 2, tcpConnections: 1 });
  });

  it('a server at its TCP connection limit answers the SYN with RST; the lookup gives up', () => {
    const r = run(
      dnsScenario({
        server: { maxTcpConnections: 1 },
        dns: { queries: [{ name: 'www.example.com', transport: 'tcp' }] },
        extraNodes: [{ id: 'pc2', kind: 'host' }],
        extraLinks: [{ id: 'l3', a: 'pc2', b: 'r', bandwidthBps: 10_000_000, delayMs: 1 }],
        extraFlows: [{ id: 'slow', from: 'pc2', to: 'ns1', transport: 'tcp', app: 'dns', dns: { queries: [{ name: 'example.com', type: 'AXFR' }] } }],
      }),
      ['dns'],
    );
    expect(pick(r.events, 'flow', 'action', 'reason').filter((e) => e.flow === 'q' && e.action === 'give-up')).toEqual([{ flow: 'q', action: 'give-up', reason: 'connection refused' }]);
    expect(r.engine.summary().dnsServers!.ns1).toMatchObject({ tcpConnections: 1, tcpRefused: 1 });
  });
});

describe('the server’s side of a TCP connection (RFC 7766)', () => {
  /** A host `x` that opens a raw TCP connection to ns1:53 and writes what it is given, when it is given. */
  function rawClient(writes: Array<{ atMs: number; bytes: Uint8Array }>, closeAtMs: number | null, durationMs = 30_000) {
    const loaded = loadScenario(
      dnsScenario({ durationMs, dns: { queries: [{ name: 'www.example.com', atMs: durationMs - 1 }] }, extraNodes: [{ id: 'x', kind: 'host' }], extraLinks: [{ id: 'l3', a: 'x', b: 'r', bandwidthBps: 10_000_000, delayMs: 1 }] }),
    );
    if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
    const engine = new Engine(loaded.scenario);
    const events: TraceEvent[] = [];
    engine.subscribe(['dns', 'state'], (e) => events.push(e));
    const x = engine.network.nodes.get('x') as Host;
    const sendBuffer = new ByteSendBuffer(1 << 16);
    const conn = x.tcp.connect({ localPort: 40000, remoteIp: engine.network.nodes.get('ns1')!.ip, remotePort: 53, config: RAW_TCP, flowId: null, sendBuffer });
    const received: number[] = [];
    conn.app = { readable: (c) => void c.read(Infinity, (b) => received.push(...b)), eof: (c) => c.close() };
    conn.connect();
    for (const w of writes) engine.sim.at(w.atMs * 1e6, () => { sendBuffer.write(w.bytes); conn.flush(); });
    if (closeAtMs !== null) engine.sim.at(closeAtMs * 1e6, () => { sendBuffer.finish(); conn.close(); });
    engine.run();
    const server = events.filter((e) => e.type === 'dns' && e.side === 'server' && String(e.client).startsWith('10.0.0.4:'));
    const serverStates = events.filter((e) => e.type === 'state' && e.flow === null && e.side === 'server');
    return { received: Uint8Array.from(received), server, serverStates, conn };
  }

  const framed = (m: Uint8Array) => Uint8Array.from([m.length >> 8, m.length & 0xff, ...m]);
  const query = (id: number, name: string) =>
    encodeMessage({ header: { id, qr: false, opcode: 0, aa: false, tc: false, rd: false, ra: false, z: 0, rcode: 0 }, questions: [{ name, type: 1, class: 1 }], answers: [], authority: [], additional: [] }).bytes;

  /** Split a received byte stream into its length-prefixed messages' IDs. */
  function ids(stream: Uint8Array): number[] {
    const out: number[] = [];
    for (let p = 0; p + 2 <= stream.length; ) {
      const len = (stream[p]! << 8) | stream[p + 1]!;
      out.push((stream[p + 2]! << 8) | stream[p + 3]!);
      p += 2 + len;
    }
    return out;
  }

  it('two queries in one segment, and one split over two writes 50 ms apart, are each answered', () => {
    const q3 = framed(query(3, 'mail.example.com.'));
    const r = rawClient(
      [
        { atMs: 20, bytes: Uint8Array.from([...framed(query(1, 'www.example.com.')), ...framed(query(2, 'nope.example.com.'))]) },
        { atMs: 40, bytes: q3.subarray(0, 7) },
        { atMs: 90, bytes: q3.subarray(7) },
      ],
      200,
    );
    expect(r.server.map((e) => [e.action, e.id, e.rcode])).toEqual([
      ['answer', 1, 'NOERROR'],
      ['answer', 2, 'NXDOMAIN'],
      ['answer', 3, 'NOERROR'],
    ]);
    expect(ids(r.received)).toEqual([1, 2, 3]);
  });

  it('a client that writes its query and closes at once still gets the answer before the server’s FIN', () => {
    const r = rawClient([{ atMs: 20, bytes: framed(query(7, 'www.example.com.')) }], 20);
    expect(ids(r.received)).toEqual([7]);
    expect(r.conn.state).toBe('TIME_WAIT');
  });

  it('an idle connection is closed by the server after tcpIdleTimeoutMs (10 s)', () => {
    const r = rawClient([{ atMs: 20, bytes: framed(query(9, 'www.example.com.')) }], null);
    const fin = r.serverStates.find((e) => e.to === 'FIN_WAIT_1')!;
    expect(fin.t).toBeCloseTo(20 + 1 + 5 + 0.1 + 10_000, -1); // the query's arrival plus the idle timeout
    expect(ids(r.received)).toEqual([9]);
  });

  it('a message too short for a header is dropped without an answer; the connection goes on', () => {
    const r = rawClient([{ atMs: 20, bytes: framed(new Uint8Array([1, 2, 3, 4, 5])) }, { atMs: 30, bytes: framed(query(4, 'www.example.com.')) }], 100);
    expect(r.server.map((e) => [e.action, e.reason ?? e.rcode])).toEqual([
      ['ignored', '5 bytes is shorter than the 12-byte header'],
      ['answer', 'NOERROR'],
    ]);
  });
});
