// Scenario mistakes about DNS get a loader message naming the field; what is right gets its defaults.

import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../shared/scenario/load.ts';
import type { DnsNodeSpec } from '../../shared/protocols/scenario.ts';
import { dnsScenario } from './dns-helpers.ts';

function errors(input: unknown): string[] {
  const r = loadScenario(input);
  return r.ok ? [] : r.errors;
}

const withRecords = (records: unknown[]) => dnsScenario({ records: records as never });

describe('zones', () => {
  it.each([
    [[{ name: 'www', type: 'A', value: '10.0.0.300' }], 'nodes[2].zones[0].records[0].value: "10.0.0.300" is not an IPv4 address'],
    [[{ name: 'www.other.org.', type: 'A', value: '10.0.0.1' }], 'nodes[2].zones[0].records[0].name: "www.other.org." is outside the zone example.com.'],
    [[{ name: 'x'.repeat(64), type: 'A', value: '10.0.0.1' }], 'nodes[2].zones[0].records[0].name: "' + 'x'.repeat(64) + '.example.com." has a label of 64 bytes (at most 63)'],
    [
      [{ name: 'www', type: 'A', value: '10.0.0.1' }, { name: 'www', type: 'CNAME', value: 'web' }],
      'nodes[2].zones[0].records[1]: "www.example.com." has a CNAME, and a CNAME cannot sit beside other records (RFC 1034 §3.6.2)',
    ],
    [[{ name: 'www', type: 'A', value: '10.0.0.1' }, { name: 'WWW', type: 'A', value: '10.0.0.1' }], 'nodes[2].zones[0].records[1]: the same A record is listed twice'],
    [[{ name: 'sub', type: 'SOA', value: 'ns hostmaster 1 2 3 4 5' }], "nodes[2].zones[0].records[0].name: the SOA record belongs at the zone's origin example.com."],
    [[{ name: '@', type: 'MX', value: 'mail' }], 'nodes[2].zones[0].records[0].value: "mail" is not "preference exchange" (e.g. "10 mail")'],
    [[{ name: 'www', type: 'AAAA', value: '2001:db8::g' }], 'nodes[2].zones[0].records[0].value: "2001:db8::g" is not an IPv6 address'],
    [[{ name: 'www', type: 'SRV', value: 'x' }], 'nodes[2].zones[0].records[0].type'],
  ])('%j', (records, message) => {
    expect(errors(withRecords(records)).join('\n')).toContain(message);
  });

  it('two zones with one origin, an unknown node in allowTransfer', () => {
    const s = dnsScenario({ server: { allowTransfer: ['nobody'], zones: [{ origin: 'example.com' }, { origin: 'EXAMPLE.com.' }] } });
    expect(errors(s)).toEqual(['nodes[2].zones[1].origin: zones[0] already has the origin example.com.', 'nodes[2].allowTransfer[0]: no node with id "nobody"']);
  });

  it('defaults: TTL 3600, an SOA made for a zone without one, server settings', () => {
    const r = loadScenario(dnsScenario({ records: [{ name: 'www', type: 'A', value: '192.0.2.1' }] as never }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const ns = r.scenario.nodes[2] as DnsNodeSpec;
    expect(ns).toMatchObject({ kind: 'dns', processingUs: 20, tcpIdleTimeoutMs: 10_000, maxTcpConnections: 64, axfrRecordsPerMessage: 100 });
    expect(ns.zones[0]).toMatchObject({ origin: 'example.com', ttl: 3600 });
    expect(r.scenario.flows[0]!.dns).toEqual({
      queries: [{ name: 'www.example.com.', type: 'A', atMs: null, transport: 'udp' }],
      timeoutMs: 1000,
      retries: 2,
      tcpFallback: true,
      tcpOnTimeout: false,
      tcpTimeoutMs: 5000,
      recursionDesired: true,
    });
    expect(r.scenario.flows[0]!.port).toBe(53);
  });
});

describe('dns flows', () => {
  const base = dnsScenario();
  const flow = (f: Record<string, unknown>) => ({ ...base, flows: [{ ...base.flows![0]!, ...f }] });

  it.each([
    [{ to: 'pc', from: 'ns1' }, 'flows[0].to: "pc" is a host; a dns flow asks a dns node'],
    [{ dns: undefined }, 'flows[0].dns: a dns flow needs its resolver settings'],
    [{ dns: { queries: [] } }, 'flows[0].dns.queries: the resolver asks nothing (give queries or a transfer)'],
    [{ dns: { queries: [`${'a'.repeat(64)}.example.com`] } }, 'flows[0].dns.queries[0].name: "' + 'a'.repeat(64) + '.example.com" is not a domain name'],
    [{ dns: { queries: [{ name: 'a..b' }] } }, 'flows[0].dns.queries[0].name: "a..b" is not a domain name'],
    [{ dns: { queries: [{ name: 'www.example.com', type: 'PTR' }] } }, 'flows[0].dns.queries[0].type'],
    [{ port: 5353 }, 'flows[0].port: a dns node answers on port 53, not 5353'],
    [{ dns: { queries: ['x'], retries: 11 } }, 'flows[0].dns.retries: must be at most 10'],
    [{ dns: { queries: ['x'], timeoutMs: 0 } }, 'flows[0].dns.timeoutMs: must be greater than 0'],
    [{ app: 'cbr' }, 'flows[0].dns: resolver settings belong to a flow with "app": "dns", not "cbr"'],
  ])('%j', (f, message) => {
    expect(errors(flow(f)).join('\n')).toContain(message);
  });

  it('a secondary server’s resolver cannot answer on its own port 53', () => {
    const s = dnsScenario({ extraNodes: [{ id: 'ns2', kind: 'dns' }], extraLinks: [{ id: 'l3', a: 'ns2', b: 'r', bandwidthBps: 1e7, delayMs: 1 }] });
    expect(errors({ ...s, flows: [{ ...s.flows![0]!, from: 'ns2', clientPort: 53 }] })).toEqual(['flows[0].clientPort: port 53 of "ns2" is its name server\'s']);
  });

  it('another application cannot take a name server’s port 53', () => {
    expect(errors(flow({ app: 'cbr', dns: undefined, port: 53 }))).toEqual(['flows[0].port: port 53 of "ns1" is its name server\'s; only dns flows use it']);
  });

  it('several resolvers may ask one server; two on one host need their own client ports', () => {
    const two = { ...base, flows: [base.flows![0]!, { ...base.flows![0]!, id: 'q2' }] };
    expect(errors(two)).toEqual([]);
    const clash = { ...base, flows: [base.flows![0]!, { ...base.flows![0]!, id: 'q2', clientPort: 49152 }] };
    expect(errors(clash)).toContain('flows[1].clientPort: UDP port 49152 of "pc" is taken by another flow');
  });

  it('transfer is an AXFR over TCP after the queries; AXFR queries default to TCP', () => {
    const r = loadScenario(flow({ dns: { queries: [{ name: 'example.com', type: 'AXFR' }, 'www.example.com'], transfer: 'example.com.' } }));
    expect(r.ok && r.scenario.flows[0]!.dns!.queries).toEqual([
      { name: 'example.com.', type: 'AXFR', atMs: null, transport: 'tcp' },
      { name: 'www.example.com.', type: 'A', atMs: null, transport: 'udp' },
      { name: 'example.com.', type: 'AXFR', atMs: null, transport: 'tcp' },
    ]);
  });

  it('repeat asks a name again, everyMs apart from atMs, or one after another; everyMs needs atMs', () => {
    const r = loadScenario(flow({ dns: { queries: [{ name: 'www.example.com', atMs: 1000, repeat: 3, everyMs: 500 }, { name: 'mail.example.com', type: 'MX', repeat: 2 }] } }));
    expect(r.ok && r.scenario.flows[0]!.dns!.queries).toEqual([
      { name: 'www.example.com.', type: 'A', atMs: 1000, transport: 'udp' },
      { name: 'www.example.com.', type: 'A', atMs: 1500, transport: 'udp' },
      { name: 'www.example.com.', type: 'A', atMs: 2000, transport: 'udp' },
      { name: 'mail.example.com.', type: 'MX', atMs: null, transport: 'udp' },
      { name: 'mail.example.com.', type: 'MX', atMs: null, transport: 'udp' },
    ]);
    expect(errors(flow({ dns: { queries: [{ name: 'www.example.com', repeat: 2, everyMs: 500 }] } }))).toEqual([
      'flows[0].dns.queries[0].everyMs: give atMs too (repeats without atMs follow each other)',
    ]);
    expect(errors(flow({ dns: { queries: [{ name: 'www.example.com', atMs: 0, repeat: 600, everyMs: 10 }, { name: 'mail.example.com', atMs: 0, repeat: 600, everyMs: 10 }] } }))).toEqual([
      'flows[0].dns.queries: at most 1000 queries after repeat, with the transfer',
    ]);
    expect(errors(flow({ dns: { queries: [{ name: 'www.example.com', repeat: 0 }] } }))).toEqual(['flows[0].dns.queries[0].repeat: must be at least 1']);
  });
});
