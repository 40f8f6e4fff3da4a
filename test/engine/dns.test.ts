// DNS over UDP (seed: "DNS(Domain Name Service)에서 UDP를 사용하는 이유"; RFC 1035 §4.2.1): one query
// datagram, one reply datagram, the same ID in both; the authoritative answers (NXDOMAIN, NODATA,
// CNAME, REFUSED, FORMERR); and the application's own timeout and retry when UDP loses a query.

import { describe, expect, it } from 'vitest';
import { Engine } from '../../shared/protocols/engine.ts';
import type { InspectedPacket } from '../../shared/protocols/net/layers.ts';
import type { TraceEvent } from '../../shared/protocols/sim/trace.ts';
import { encodeMessage } from '../../shared/protocols/app/dns/message.ts';
import { loadScenario } from '../../shared/scenario/load.ts';
import { build, drive, run } from './helpers.ts';
import { captureFrames, dnsScenario, field, pick } from './dns-helpers.ts';

describe('one UDP query, one UDP reply', () => {
  const engine = build(dnsScenario({ dns: { queries: ['www.example.com'] } }));
  const events: TraceEvent[] = [];
  const frames = new Map<number, InspectedPacket>();
  captureFrames(engine, ['dns', 'send', 'deliver'], events, frames);
  engine.run();
  const dns = events.filter((e) => e.type === 'dns');

  it('the query, the answer and the response carry the same random ID and the facts of each side', () => {
    expect(dns.map((e) => [e.t, e.side, e.action])).toEqual([
      [0, 'client', 'query'],
      [10.14, 'server', 'answer'], // two hops of 5 ms + 60 µs to clock 75 bytes out, then 20 µs of CPU
      [20.2856, 'client', 'response'], // the 91-byte reply: two hops of 5 ms + 72.8 µs
    ]);
    const id = dns[0]!.id;
    expect(id).toBe(27895); // the first draw of seed 1
    expect(dns.every((e) => e.id === id)).toBe(true);
    expect(dns[0]).toMatchObject({ node: 'pc', flow: 'q', name: 'www.example.com.', qtype: 'A', transport: 'udp', attempt: 1, retry: false, bytes: 33 });
    expect(dns[1]).toMatchObject({ node: 'ns1', client: '10.0.0.1:49152', rcode: 'NOERROR', aa: true, tc: false, answers: 1, bytes: 49 });
    expect(dns[2]).toMatchObject({ rcode: 'NOERROR', aa: true, tc: false, answers: 1, records: ['www.example.com. 300 IN A 192.0.2.10'], latencyMs: 20.2856 });
  });

  it('on the wire: UDP port 49152 → 53 and back, a DNS layer with the header flags, question and answer', () => {
    const [query, reply] = [...frames.values()].filter((p) => p.layers.some((l) => l.protocol === 'DNS') && p.layers[0] !== undefined);
    expect(query!.layers.map((l) => `${l.osi} ${l.protocol}`)).toEqual(['2 Ethernet II', '3 IPv4', '4 UDP', '7 DNS']);
    expect([field(query!, 'UDP', 'sourcePort'), field(query!, 'UDP', 'destinationPort'), field(query!, 'UDP', 'length')]).toEqual([49152, 53, 8 + 33]);
    expect(field(query!, 'DNS', 'transactionId')).toBe('0x6cf7'); // 27895
    expect(field(query!, 'DNS', 'qr')).toBe('query (0)');
    expect(field(query!, 'DNS', 'rd')).toBe(true);
    expect(field(query!, 'DNS', 'question')).toBe('www.example.com. IN A');
    expect([field(reply!, 'UDP', 'sourcePort'), field(reply!, 'UDP', 'destinationPort')]).toEqual([53, 49152]);
    expect(field(reply!, 'DNS', 'flags')).toBe('0x8500'); // QR, AA, RD; RA clear: no recursion here
    expect(field(reply!, 'DNS', 'rcode')).toBe('NOERROR (0)');
    expect(field(reply!, 'DNS', 'ancount')).toBe(1);
    expect(field(reply!, 'DNS', 'answer 1')).toBe('www.example.com. 300 IN A 192.0.2.10');
  });

  it('the summary counts one query, one answer, no retry', () => {
    expect(engine.summary().flows.q).toMatchObject({
      sentSegments: 1,
      queries: 1,
      answered: 1,
      failed: 0,
      answers: 1,
      retries: 0,
      timeouts: 0,
      truncated: 0,
      tcpFallbacks: 0,
      rcodes: { NOERROR: 1 },
      meanLatencyMs: 20.286,
      deliveredBytes: 49,
      lookups: [{ name: 'www.example.com.', type: 'A', status: 'answered', id: 27895, transport: 'udp', attempts: 1, rcode: 'NOERROR', answers: 1 }],
    });
    expect(engine.summary().dnsServers).toEqual({
      ns1: expect.objectContaining({ zones: ['example.com.'], udpQueries: 1, tcpQueries: 0, rcodes: { NOERROR: 1 }, truncated: 0 }),
    });
  });

  it('DNS packets carry appKind "dns", over UDP and over TCP', () => {
    const tcp = build(dnsScenario({ dns: { queries: ['www.example.com', { name: 'mail.example.com', transport: 'tcp' }] } }));
    const kinds = new Set<string>();
    tcp.subscribe(['tx'], (e) => {
      const p = tcp.findPacket(e.packet as number)!;
      kinds.add(`${p.kind} ${p.appKind}`);
    });
    tcp.run();
    expect([...kinds].sort()).toEqual(['ack dns', 'data dns', 'fin dns', 'syn dns', 'syn-ack dns', 'udp dns']);
  });
});

describe('what an authoritative server answers', () => {
  const r = run(
    dnsScenario({
      dns: {
        queries: [
          'web.example.com', // a CNAME, followed to the A record
          { name: 'nope.example.com' }, // no such name
          { name: 'www.example.com', type: 'MX' }, // the name exists, not that type
          { name: 'sub.example.com' }, // exists only as the parent of deep.sub: NODATA, not NXDOMAIN
          { name: 'example.com', type: 'MX' }, // with the exchange's addresses as additional data
          { name: 'www.other.org' }, // not this server's zone
          { name: 'WWW.EXAMPLE.COM' }, // names compare without case
        ],
      },
    }),
    ['dns'],
  );
  const responses = r.of('dns').filter((e) => e.action === 'response');

  it('answers each as RFC 1034 §4.3.2 and RFC 2308 say', () => {
    expect(responses.map((e) => [e.name, e.rcode, e.aa, e.answers, e.authority, e.additional])).toEqual([
      ['web.example.com.', 'NOERROR', true, 2, 0, 0],
      ['nope.example.com.', 'NXDOMAIN', true, 0, 1, 0],
      ['www.example.com.', 'NOERROR', true, 0, 1, 0],
      ['sub.example.com.', 'NOERROR', true, 0, 1, 0],
      ['example.com.', 'NOERROR', true, 1, 0, 2],
      ['www.other.org.', 'REFUSED', false, 0, 0, 0],
      ['WWW.EXAMPLE.COM.', 'NOERROR', true, 1, 0, 0],
    ]);
    expect(responses[0]!.records).toEqual(['web.example.com. 3600 IN CNAME www.example.com.', 'www.example.com. 300 IN A 192.0.2.10']);
  });

  it('queries without a time go one after another, each when the one before is answered', () => {
    const queries = r.of('dns').filter((e) => e.action === 'query');
    for (let i = 1; i < queries.length; i++) expect(queries[i]!.t).toBe(responses[i - 1]!.t);
    expect(new Set(queries.map((e) => e.id)).size).toBe(7);
  });

  it('a negative answer carries the SOA with the smaller of its TTL and MINIMUM (RFC 2308 §3)', () => {
    const engine = build(dnsScenario({ dns: { queries: ['nope.example.com'] } }));
    const frames = new Map<number, InspectedPacket>();
    captureFrames(engine, [], [], frames);
    engine.run();
    const reply = [...frames.values()].find((p) => field(p, 'DNS', 'qr') === 'response (1)')!;
    expect(field(reply, 'DNS', 'rcode')).toBe('NXDOMAIN (3)');
    expect(field(reply, 'DNS', 'authority 1')).toBe('example.com. 300 IN SOA ns1.example.com. hostmaster.example.com. 2024010101 7200 900 1209600 300');
  });
});

describe('UDP loses a query: the application times out and asks again', () => {
  it('a query dropped by the router is sent again with the same ID after timeoutMs, and answered', () => {
    const engine = build(dnsScenario({ playerRouter: true, dns: { queries: ['www.example.com'], timeoutMs: 400, retries: 2 } }));
    const events: TraceEvent[] = [];
    engine.subscribe(['dns', 'drop', 'send'], (e) => events.push(e));
    let dropped = 0;
    drive(engine, 2000, 1, (p, node) => (p.udp?.dstPort === 53 && dropped++ === 0 ? { action: 'drop', node, packet: p.id } : 'route'));
    expect(events.filter((e) => e.type === 'drop').map((e) => [e.node, e.reason, e.kind])).toEqual([['r', 'player', 'udp']]);
    // The router player decides once a millisecond, so each hop through it waits for the next tick.
    expect(pick(events, 't', 'side', 'action', 'attempt', 'retry', 'next', 'id')).toEqual([
      { t: 0, side: 'client', action: 'query', attempt: 1, retry: false, id: 27895 },
      { t: 400, side: 'client', action: 'timeout', attempt: 1, next: 'retry', id: 27895 },
      { t: 400, side: 'client', action: 'query', attempt: 2, retry: true, id: 27895 },
      { t: 411.08, side: 'server', action: 'answer', id: 27895 },
      { t: 422.0728, side: 'client', action: 'response', id: 27895 },
    ]);
    // UDP itself resent nothing: the second datagram is the application's.
    expect(events.filter((e) => e.type === 'send').map((e) => [e.seq, e.retransmit])).toEqual([[1, false], [2, true]]);
    expect(engine.summary().flows.q).toMatchObject({ sentSegments: 2, retransmits: 1, retries: 1, timeouts: 1, answered: 1, meanLatencyMs: 422.073 });
  });

  it('drop-segment hits the resolver’s n-th datagram; after the last retry it gives up', () => {
    const r = run(
      dnsScenario({
        dns: { queries: ['www.example.com', 'mail.example.com'], timeoutMs: 300, retries: 2 },
        faults: [1, 2, 3].map((segment) => ({ kind: 'drop-segment' as const, flow: 'q', segment })),
      }),
      ['dns', 'drop'],
    );
    expect(r.of('drop').map((e) => [e.link, e.reason])).toEqual([['l1', 'loss'], ['l1', 'loss'], ['l1', 'loss']]);
    expect(pick(r.events, 't', 'action', 'name', 'attempt', 'next', 'reason')).toEqual([
      { t: 0, action: 'query', name: 'www.example.com.', attempt: 1 },
      { t: 300, action: 'timeout', name: 'www.example.com.', attempt: 1, next: 'retry' },
      { t: 300, action: 'query', name: 'www.example.com.', attempt: 2 },
      { t: 600, action: 'timeout', name: 'www.example.com.', attempt: 2, next: 'retry' },
      { t: 600, action: 'query', name: 'www.example.com.', attempt: 3 },
      { t: 900, action: 'timeout', name: 'www.example.com.', attempt: 3, next: 'give-up' },
      { t: 900, action: 'give-up', name: 'www.example.com.', attempt: undefined, reason: 'timeout' },
      { t: 900, action: 'query', name: 'mail.example.com.', attempt: 1 },
      { t: 910.1416, action: 'answer', name: 'mail.example.com.' },
      { t: 920.2888, action: 'response', name: 'mail.example.com.' },
    ].map((e) => Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined))));
    expect(r.engine.summary().flows.q).toMatchObject({ queries: 2, answered: 1, failed: 1, retries: 2, timeouts: 3 });
  });

  it('tcpOnTimeout: after the last UDP timeout the resolver tries TCP once (the seed: "or when no reply came")', () => {
    const r = run(
      dnsScenario({
        dns: { queries: ['www.example.com'], timeoutMs: 300, retries: 1, tcpOnTimeout: true },
        faults: [1, 2].map((segment) => ({ kind: 'drop-segment' as const, flow: 'q', segment })),
      }),
      ['dns'],
    );
    expect(pick(r.events, 'action', 'transport', 'next', 'reason').filter((e) => e.action !== 'answer')).toEqual([
      { action: 'query', transport: 'udp' },
      { action: 'timeout', transport: 'udp', next: 'retry' },
      { action: 'query', transport: 'udp' },
      { action: 'timeout', transport: 'udp', next: 'tcp' },
      { action: 'tcp-fallback', reason: 'timeout' },
      { action: 'query', transport: 'tcp' },
      { action: 'response', transport: 'tcp' },
    ]);
    expect(r.engine.summary().flows.q).toMatchObject({ answered: 1, tcpFallbacks: 1, tcpConnections: 1 });
  });
});

describe('bad messages on the wire', () => {
  /** A rogue host that sends raw bytes to ns1:53 and records what comes back. */
  function rogue(payloads: Uint8Array[]) {
    const loaded = loadScenario(dnsScenario({ extraNodes: [{ id: 'x', kind: 'host' }], extraLinks: [{ id: 'l3', a: 'x', b: 'r', bandwidthBps: 10_000_000, delayMs: 1 }] }));
    if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
    const engine = new Engine(loaded.scenario);
    const events: TraceEvent[] = [];
    engine.subscribe(['dns', 'drop'], (e) => events.push(e));
    const x = engine.network.nodes.get('x') as import('../../shared/protocols/net/host.ts').Host;
    const replies: Uint8Array[] = [];
    x.udp.bind(5353, (p) => replies.push(p.payload));
    const ns = engine.network.nodes.get('ns1')!.ip;
    payloads.forEach((b, i) => engine.sim.at(i * 1_000_000, () => void x.udp.send(5353, ns, 53, b, null, 'dns')));
    engine.runUntilMs(100);
    // Only what concerns the rogue host (10.0.0.4), not the scenario's own lookup.
    return { engine, events: events.filter((e) => e.side === 'server' && String(e.client).startsWith('10.0.0.4:')), replies };
  }

  it('a query that does not parse is answered FORMERR with its ID; one without a header is dropped', () => {
    const q = encodeMessage({
      header: { id: 0xabcd, qr: false, opcode: 0, aa: false, tc: false, rd: true, ra: false, z: 0, rcode: 0 },
      questions: [{ name: 'www.example.com.', type: 1, class: 1 }],
      answers: [],
      authority: [],
      additional: [],
    }).bytes;
    const looped = q.slice();
    looped.set([0xc0, 0x0c], 12); // QNAME: a pointer to itself
    const { events, replies } = rogue([looped, q.slice(0, 7), q]);
    expect(replies.map((b) => [((b[0]! << 8) | b[1]!).toString(16), b[3]! & 0xf])).toEqual([
      ['abcd', 1], // FORMERR
      ['abcd', 0], // the intact query: NOERROR
    ]);
    expect(pick(events, 'side', 'action', 'rcode', 'reason')).toEqual([
      { side: 'server', action: 'answer', rcode: 'FORMERR' },
      { side: 'server', action: 'ignored', reason: '7 bytes is shorter than the 12-byte header' },
      { side: 'server', action: 'answer', rcode: 'NOERROR' },
    ]);
  });

  it('other opcodes get NOTIMP; two questions FORMERR; a response is never answered', () => {
    const base = {
      questions: [{ name: 'www.example.com.', type: 1, class: 1 }],
      answers: [],
      authority: [],
      additional: [],
    };
    const h = { id: 1, qr: false, opcode: 0, aa: false, tc: false, rd: false, ra: false, z: 0, rcode: 0 };
    const { events } = rogue([
      encodeMessage({ ...base, header: { ...h, opcode: 2 } }).bytes,
      encodeMessage({ ...base, questions: [...base.questions, ...base.questions], header: h }).bytes,
      encodeMessage({ ...base, header: { ...h, qr: true } }).bytes,
    ]);
    expect(pick(events, 'action', 'rcode', 'reason')).toEqual([
      { action: 'answer', rcode: 'NOTIMP' },
      { action: 'answer', rcode: 'FORMERR' },
      { action: 'ignored', reason: 'a response, not a query' },
    ]);
  });

  it('the resolver ignores a forged reply with the wrong ID and still takes the real one', () => {
    const engine = build(dnsScenario({ extraNodes: [{ id: 'x', kind: 'host' }], extraLinks: [{ id: 'l3', a: 'x', b: 'r', bandwidthBps: 10_000_000, delayMs: 1 }] }));
    const events: TraceEvent[] = [];
    engine.subscribe(['dns'], (e) => events.push(e));
    const x = engine.network.nodes.get('x') as import('../../shared/protocols/net/host.ts').Host;
    const pc = engine.network.nodes.get('pc')!.ip;
    const forged = encodeMessage({
      header: { id: 1234, qr: true, opcode: 0, aa: true, tc: false, rd: true, ra: false, z: 0, rcode: 0 },
      questions: [{ name: 'www.example.com.', type: 1, class: 1 }],
      answers: [{ name: 'www.example.com.', type: 1, class: 1, ttl: 99999, rdata: { kind: 'A', address: 0x0a0a0a0a } }],
      authority: [],
      additional: [],
    }).bytes;
    engine.sim.at(1_000_000, () => void x.udp.send(53, pc, 49152, forged, null, 'dns'));
    engine.sim.at(2_000_000, () => void x.udp.send(53, pc, 49152, new Uint8Array([1, 2, 3]), null, 'dns'));
    engine.runUntilMs(100);
    expect(pick(events, 'side', 'action', 'reason')).toEqual([
      { side: 'client', action: 'query' },
      { side: 'client', action: 'ignored', reason: 'unmatched' },
      { side: 'client', action: 'ignored', reason: 'malformed' },
      { side: 'server', action: 'answer' },
      { side: 'client', action: 'response' },
    ]);
    expect(engine.summary().flows.q).toMatchObject({ ignored: 2, lookups: [{ records: ['www.example.com. 300 IN A 192.0.2.10'] }] });
  });
});

describe('determinism', () => {
  it('the same scenario and seed give the same trace; another seed other IDs', () => {
    const scenario = dnsScenario({ dns: { queries: ['www.example.com', 'big.example.com', { name: 'example.com', type: 'AXFR' }], timeoutMs: 200 } });
    const a = run({ ...scenario, links: scenario.links!.map((l) => ({ ...l, loss: 0.2 })) });
    const b = run({ ...scenario, links: scenario.links!.map((l) => ({ ...l, loss: 0.2 })) });
    const c = run({ ...scenario, seed: 2, links: scenario.links!.map((l) => ({ ...l, loss: 0.2 })) });
    expect(JSON.stringify(a.events)).toBe(JSON.stringify(b.events));
    expect(JSON.stringify(a.engine.summary())).toBe(JSON.stringify(b.engine.summary()));
    const ids = (x: typeof a) => x.of('dns').filter((e) => e.action === 'query').map((e) => e.id);
    expect(ids(c)).not.toEqual(ids(a));
  });
});
