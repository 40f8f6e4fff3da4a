// The T13 topic scenarios (DNS over UDP and TCP), each run through the `sim` command as a teacher or a
// tool would, checking the protocol facts the scenario exists to show.

import { describe, expect, it } from 'vitest';
import { simTopic, type SimRun } from './run-sim.ts';


interface Run extends SimRun {
  dns(flow: string, side?: 'client' | 'server'): Array<Record<string, any>>;
}

function sim(file: string, trace = 'dns'): Run {
  const r = simTopic(file, trace);
  return { ...r, dns: (flow, side) => r.events.filter((e) => e.type === 'dns' && e.flow === flow && (side === undefined || e.side === side)) };
}

describe('T13 DNS over UDP with a lossy link (t13-dns-udp.json)', () => {
  const r = sim('t13-dns-udp.json', 'dns,drop,send');

  it('each lookup is one datagram and one reply, with the same ID, when nothing is lost', () => {
    const www = r.dns('wifi-lookups').filter((e) => e.name === 'www.school.example.');
    expect(www.map((e) => [e.side, e.action, e.transport])).toEqual([
      ['client', 'query', 'udp'],
      ['server', 'answer', 'udp'],
      ['client', 'response', 'udp'],
    ]);
    expect(new Set(www.map((e) => e.id)).size).toBe(1);
    expect(www[2]).toMatchObject({ rcode: 'NOERROR', aa: true, answers: 1, records: ['www.school.example. 3600 IN A 192.0.2.80'] });
  });

  it('a lost query or answer is noticed only by the resolver’s timer: the same query (same ID) goes again 400 ms later', () => {
    const wiki = r.dns('wifi-lookups').filter((e) => e.name === 'wiki.school.example.');
    expect(wiki.map((e) => [e.t, e.side, e.action, e.attempt ?? null, e.next ?? null])).toEqual([
      [1340.54112, 'client', 'query', 1, null],
      [1354.59904, 'server', 'answer', null, null], // answered, but the answer is lost on the Wi-Fi
      [1740.54112, 'client', 'timeout', 1, 'retry'],
      [1740.54112, 'client', 'query', 2, null], // this time the query is lost
      [2140.54112, 'client', 'timeout', 2, 'retry'],
      [2140.54112, 'client', 'query', 3, null],
      [2154.59904, 'server', 'answer', null, null],
      [2168.64464, 'client', 'response', null, null],
    ]);
    expect(new Set(wiki.map((e) => e.id)).size).toBe(1);
    // Every loss is on the lossy Wi-Fi link; UDP never resent anything itself: each resend is the application's.
    expect(r.of('drop').every((e) => e.link === 'wifi' && e.reason === 'loss')).toBe(true);
    const sends = r.of('send').filter((e) => e.flow === 'wifi-lookups');
    expect(sends.filter((e) => e.retransmit)).toHaveLength(r.summary.flows['wifi-lookups'].retries);
  });

  it('after the last retry the resolver gives up; the summary counts it all', () => {
    const lms = r.dns('wifi-lookups', 'client').filter((e) => e.name === 'lms.school.example.');
    expect(lms.map((e) => e.action)).toEqual(['query', 'timeout', 'query', 'timeout', 'query', 'timeout', 'give-up']);
    expect(lms.at(-1)).toMatchObject({ reason: 'timeout', attempts: 3 });
    expect(r.summary.flows['wifi-lookups']).toMatchObject({
      queries: 8,
      answered: 7,
      failed: 1,
      retries: 5,
      timeouts: 6,
      sentSegments: 13,
      rcodes: { NOERROR: 6, NXDOMAIN: 1 },
    });
    expect(r.summary.drops).toEqual({ loss: 6 });
  });

  it('on a clean path UDP takes one round trip per lookup, TCP two (the handshake first): the seed’s overhead', () => {
    const udp = r.summary.flows['desk-udp'];
    const tcp = r.summary.flows['desk-tcp'];
    expect(udp).toMatchObject({ answered: 4, timeouts: 0, tcpConnections: 0, meanLatencyMs: 22.048 });
    expect(tcp).toMatchObject({ answered: 4, timeouts: 0, tcpConnections: 4, meanLatencyMs: 44.077 });
    expect(tcp.meanLatencyMs / udp.meanLatencyMs).toBeCloseTo(2, 2);
  });
});

describe('T13 a large answer goes TC, then TCP (t13-dns-truncated-tcp.json)', () => {
  const r = sim('t13-dns-truncated-tcp.json', 'dns,state');

  it('the 600-byte TXT answer: truncated to its header and question over UDP, whole over TCP', () => {
    const txt = r.dns('browser-dns').filter((e) => e.qtype === 'TXT');
    expect(txt.map((e) => [e.side, e.action, e.transport ?? null, e.tc ?? null, e.answers ?? null, e.bytes ?? null])).toEqual([
      ['client', 'query', 'udp', null, null, 30],
      ['server', 'answer', 'udp', true, 0, 30],
      ['client', 'response', 'udp', true, 0, 30],
      ['client', 'tcp-fallback', null, null, null, null],
      ['client', 'query', 'tcp', null, null, 30],
      ['server', 'answer', 'tcp', false, 1, 600],
      ['client', 'response', 'tcp', false, 1, 600],
    ]);
    expect(txt[1]).toMatchObject({ fullAnswers: 1 });
    expect(txt[3]).toMatchObject({ reason: 'truncated' });
    expect(new Set(txt.map((e) => e.id)).size).toBe(1);
    // The TCP connection is opened for the retry and closed by the resolver once answered.
    const states = r.of('state').filter((e) => e.flow === 'browser-dns' && e.side === 'client' && e.t >= txt[3]!.t);
    expect(states.map((e) => e.to)).toEqual(['SYN_SENT', 'ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2', 'TIME_WAIT']);
  });

  it('the 36-address answer: 29 whole records fit in 512 bytes; over TCP all 36', () => {
    const img = r.dns('browser-dns', 'server').filter((e) => e.name === 'img.shop.example.');
    expect(img.map((e) => [e.transport, e.tc, e.answers, e.fullAnswers, e.bytes])).toEqual([
      ['udp', true, 29, 36, 498],
      ['tcp', false, 36, 36, 610],
    ]);
  });

  it('the small answer never needs TCP; the old resolver without TCP fallback keeps the cut answers', () => {
    expect(r.summary.flows['browser-dns']).toMatchObject({ answered: 3, answers: 1 + 36 + 1, truncated: 2, tcpFallbacks: 2, tcpConnections: 2 });
    expect(r.summary.flows['browser-dns'].lookups.map((l: any) => [l.name, l.transport, l.answers])).toEqual([
      ['www.shop.example.', 'udp', 1],
      ['img.shop.example.', 'tcp', 36],
      ['shop.example.', 'tcp', 1],
    ]);
    expect(r.summary.flows['old-resolver']).toMatchObject({ answered: 3, answers: 1 + 29 + 0, truncated: 2, tcpFallbacks: 0, tcpConnections: 0 });
    expect(r.summary.dnsServers.ns1).toMatchObject({ udpQueries: 6, tcpQueries: 2, truncated: 4 });
  });
});

describe('T13 zone transfer over TCP (t13-zone-transfer.json)', () => {
  const r = sim('t13-zone-transfer.json');
  const ZONE_RECORDS = 16;

  it('AXFR over UDP is refused; over TCP the primary sends SOA … SOA, five records per message', () => {
    const server = r.dns('xfr', 'server');
    expect(server.map((e) => [e.action, e.transport, e.rcode ?? null, e.message ?? null, e.records ?? null, e.last ?? null])).toEqual([
      ['answer', 'udp', 'REFUSED', null, null, null],
      ['axfr', 'tcp', null, 1, 5, false],
      ['axfr', 'tcp', null, 2, 5, false],
      ['axfr', 'tcp', null, 3, 5, false],
      ['axfr', 'tcp', null, 4, 2, true],
    ]);
    expect(server[1]).toMatchObject({ zone: 'corp.example.', total: ZONE_RECORDS + 1 });
    const progress = r.dns('xfr', 'client').filter((e) => e.action === 'axfr');
    expect(progress.map((e) => [e.message, e.total, e.done])).toEqual([
      [1, 5, false],
      [2, 10, false],
      [3, 15, false],
      [4, 17, true],
    ]);
    const done = r.dns('xfr', 'client').filter((e) => e.action === 'response');
    expect(done.map((e) => [e.transport, e.rcode])).toEqual([
      ['udp', 'REFUSED'],
      ['tcp', 'NOERROR'],
    ]);
    expect(done[1]).toMatchObject({ answers: ZONE_RECORDS, messages: 4, serial: 2024060301 });
    expect(done[1]!.records[0]).toBe('corp.example. 3600 IN SOA ns1.corp.example. hostmaster.corp.example. 2024060301 3600 600 1209600 300');
  });

  it('a host not allowed to transfer gets REFUSED, and no record', () => {
    expect(r.dns('snoop-axfr').map((e) => [e.side, e.action, e.rcode ?? null])).toEqual([
      ['client', 'query', null],
      ['server', 'answer', 'REFUSED'],
      ['client', 'response', 'REFUSED'],
    ]);
    expect(r.summary.flows['snoop-axfr']).toMatchObject({ answers: 0, rcodes: { REFUSED: 1 } });
  });

  it('the secondary answers for the zone it copied', () => {
    const laptop = r.dns('laptop-dns').filter((e) => e.action === 'answer' || e.action === 'response');
    expect(laptop.map((e) => [e.node, e.action, e.aa, e.rcode])).toEqual([
      ['ns2', 'answer', true, 'NOERROR'],
      ['laptop', 'response', true, 'NOERROR'],
      ['ns2', 'answer', true, 'NOERROR'],
      ['laptop', 'response', true, 'NOERROR'],
    ]);
    expect(r.summary.flows['laptop-dns'].lookups[0].records).toEqual(['portal.corp.example. 3600 IN CNAME www.corp.example.', 'www.corp.example. 3600 IN A 198.51.100.80']);
    expect(r.summary.dnsServers).toMatchObject({
      ns1: { transfers: 1, transferMessages: 4, transferRecords: ZONE_RECORDS + 1, rcodes: { REFUSED: 2, NOERROR: 1 } },
      ns2: { zones: ['corp.example.'], udpQueries: 2 },
    });
  });

  it('the same run twice prints the same bytes', () => {
    const a = simTopic('t13-zone-transfer.json', 'all');
    const b = simTopic('t13-zone-transfer.json', 'all');
    expect(a.events.length).toBeGreaterThan(0);
    expect(a.stdout).toBe(b.stdout);
  });
});
