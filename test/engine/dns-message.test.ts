// DNS message codec (RFC 1035 §4.1): exact wire bytes, name compression both ways, every record type
// the engine decodes, truncation at the UDP limit, and malformed input reported, never thrown.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CLASS_IN,
  encodeMessage,
  parseMessage,
  TYPE_A,
  TYPE_AAAA,
  TYPE_CNAME,
  TYPE_MX,
  TYPE_NS,
  TYPE_SOA,
  TYPE_TXT,
  UDP_MESSAGE_LIMIT_BYTES,
  type DnsMessage,
  type DnsRecord,
} from '../../shared/protocols/app/dns/message.ts';
import { absoluteName, canonicalName, isSubdomain, nameLabels } from '../../shared/protocols/app/dns/name.ts';
import { formatIpv6, formatRecord, parseIpv6, parseRdataText } from '../../shared/protocols/app/dns/text.ts';
import { parseIp } from '../../shared/protocols/net/addresses.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const fromHex = (s: string) => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const text = (s: string) => new TextEncoder().encode(s);

function query(id: number, name: string, type = TYPE_A): DnsMessage {
  return {
    header: { id, qr: false, opcode: 0, aa: false, tc: false, rd: true, ra: false, z: 0, rcode: 0 },
    questions: [{ name, type, class: CLASS_IN }],
    answers: [],
    authority: [],
    additional: [],
  };
}

const a = (name: string, ip: string, ttl = 3600): DnsRecord => ({ name, type: TYPE_A, class: CLASS_IN, ttl, rdata: { kind: 'A', address: parseIp(ip)! } });

describe('DNS header and question on the wire', () => {
  it('a query for www.example.com A is the textbook 33 bytes', () => {
    const enc = encodeMessage(query(0x1234, 'www.example.com.'));
    expect(hex(enc.bytes)).toBe(
      '1234' + '0100' + '0001' + '0000' + '0000' + '0000' + // ID, flags (RD), QDCOUNT 1, AN/NS/AR 0
        '03777777' + '076578616d706c65' + '03636f6d' + '00' + // 3www 7example 3com 0
        '0001' + '0001', // QTYPE A, QCLASS IN
    );
    expect(enc.bytes.length).toBe(33);
  });

  it('every header flag lands on its bit (QR, Opcode, AA, TC, RD, RA, Z, RCODE)', () => {
    const m: DnsMessage = { ...query(0xbeef, '.'), header: { id: 0xbeef, qr: true, opcode: 2, aa: true, tc: true, rd: false, ra: true, z: 5, rcode: 3 } };
    const b = encodeMessage(m).bytes;
    // 1 0010 1 1 0 | 1 101 0011
    expect(hex(b.subarray(0, 4))).toBe('beef' + '96' + 'd3');
    const back = parseMessage(b);
    expect(back.ok && back.message.header).toEqual({ id: 0xbeef, qr: true, opcode: 2, aa: true, tc: true, rd: false, ra: true, z: 5, rcode: 3 });
  });
});

describe('name compression (RFC 1035 §4.1.4)', () => {
  it('an answer for the question name is a pointer to byte 12 (0xc00c)', () => {
    const m: DnsMessage = { ...query(1, 'www.example.com.'), answers: [a('www.example.com.', '192.0.2.10')] };
    m.header = { ...m.header, qr: true, aa: true };
    const b = encodeMessage(m).bytes;
    expect(hex(b.subarray(33))).toBe('c00c' + '0001' + '0001' + '00000e10' + '0004' + 'c000020a');
    expect(b.length).toBe(49);
  });

  it('suffixes are shared, inside RDATA of NS, CNAME, MX and SOA too, regardless of case', () => {
    const m: DnsMessage = {
      ...query(7, 'Example.COM.', TYPE_NS),
      answers: [
        { name: 'example.com.', type: TYPE_NS, class: CLASS_IN, ttl: 60, rdata: { kind: 'NS', nsdname: 'ns1.example.com.' } },
        { name: 'web.example.com.', type: TYPE_CNAME, class: CLASS_IN, ttl: 60, rdata: { kind: 'CNAME', cname: 'www.example.com.' } },
        { name: 'example.com.', type: TYPE_MX, class: CLASS_IN, ttl: 60, rdata: { kind: 'MX', preference: 10, exchange: 'mail.example.com.' } },
      ],
    };
    const b = encodeMessage(m).bytes;
    // ns1 + pointer to the question's "Example.COM" at byte 12: 03 6e7331 c00c
    expect(hex(b)).toContain('036e7331c00c');
    // MX: preference 10, then "mail" + pointer to byte 12
    expect(hex(b)).toContain('000a046d61696cc00c');
    const uncompressed = encodeMessage(m, { compress: false }).bytes;
    expect(b.length).toBeLessThan(uncompressed.length - 30);
    const p = parseMessage(b);
    const q = parseMessage(uncompressed);
    expect(p.ok && q.ok).toBe(true);
    const lower = (rs: DnsRecord[]) => rs.map((r) => formatRecord(r).toLowerCase());
    if (p.ok && q.ok) expect(lower(p.message.answers)).toEqual(lower(q.message.answers));
    if (p.ok) {
      // A pointer brings back the bytes it points to: the question's case.
      expect(p.message.answers.map(formatRecord)).toEqual([
        'Example.COM. 60 IN NS ns1.Example.COM.',
        'web.Example.COM. 60 IN CNAME www.Example.COM.',
        'Example.COM. 60 IN MX 10 mail.Example.COM.',
      ]);
    }
  });

  it('follows a chain of pointers (a name pointing into a name that points further back)', () => {
    // 12: 7example 3com 0 (question 1) | 29: 3www → 12 (question 2) | 39: 1a → 29 (the answer's name)
    const b = fromHex('0001 8000 0002 0001 0000 0000' + '076578616d706c6503636f6d00 0001 0001' + '03777777c00c 0001 0001' + '0161c01d 0001 0001 00000000 0004 01020304');
    const r = parseMessage(b);
    expect(r.ok && r.message.questions[1]!.name).toBe('www.example.com.');
    expect(r.ok && formatRecord(r.message.answers[0]!)).toBe('a.www.example.com. 0 IN A 1.2.3.4');
  });
});

describe('record data round trips', () => {
  const records: DnsRecord[] = [
    a('example.com.', '192.0.2.1', 300),
    { name: 'example.com.', type: TYPE_AAAA, class: CLASS_IN, ttl: 300, rdata: { kind: 'AAAA', address: parseIpv6('2001:db8::1')! } },
    { name: 'example.com.', type: TYPE_NS, class: CLASS_IN, ttl: 86400, rdata: { kind: 'NS', nsdname: 'ns1.example.com.' } },
    { name: 'example.com.', type: TYPE_MX, class: CLASS_IN, ttl: 3600, rdata: { kind: 'MX', preference: 10, exchange: 'mail.example.com.' } },
    {
      name: 'example.com.',
      type: TYPE_SOA,
      class: CLASS_IN,
      ttl: 3600,
      rdata: { kind: 'SOA', mname: 'ns1.example.com.', rname: 'hostmaster.example.com.', serial: 2024010101, refresh: 7200, retry: 900, expire: 1209600, minimum: 300 },
    },
    { name: 'example.com.', type: TYPE_TXT, class: CLASS_IN, ttl: 60, rdata: { kind: 'TXT', strings: [text('v=spf1 -all'), text('say "hi"\\')] } },
    { name: 'x.example.com.', type: 99, class: CLASS_IN, ttl: 1, rdata: { kind: 'unknown', bytes: new Uint8Array([1, 2, 3]) } },
  ];

  it('each type parses back to what was encoded, in master-file form', () => {
    const m: DnsMessage = { ...query(9, 'example.com.', 255), answers: records.slice(0, 4), authority: [records[4]!], additional: records.slice(5) };
    const r = parseMessage(encodeMessage(m).bytes);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect([...r.message.answers, ...r.message.authority, ...r.message.additional].map(formatRecord)).toEqual([
      'example.com. 300 IN A 192.0.2.1',
      'example.com. 300 IN AAAA 2001:db8::1',
      'example.com. 86400 IN NS ns1.example.com.',
      'example.com. 3600 IN MX 10 mail.example.com.',
      'example.com. 3600 IN SOA ns1.example.com. hostmaster.example.com. 2024010101 7200 900 1209600 300',
      'example.com. 60 IN TXT "v=spf1 -all" "say \\"hi\\"\\\\"',
      'x.example.com. 1 IN TYPE99 \\# 3 010203',
    ]);
    expect(r.message.questions).toEqual([{ name: 'example.com.', type: 255, class: CLASS_IN }]);
  });

  it('zone text becomes RDATA (relative names complete with the origin; long TXT cut in 255-byte strings)', () => {
    const o = 'example.com.';
    expect(parseRdataText('MX', '10 mail', o)).toEqual({ ok: true, rdata: { kind: 'MX', preference: 10, exchange: 'mail.example.com.' } });
    expect(parseRdataText('CNAME', 'www.other.org.', o)).toEqual({ ok: true, rdata: { kind: 'CNAME', cname: 'www.other.org.' } });
    const txt = parseRdataText('TXT', 'x'.repeat(600), o);
    expect(txt.ok && txt.rdata.kind === 'TXT' && txt.rdata.strings.map((s) => s.length)).toEqual([255, 255, 90]);
    expect(parseRdataText('A', '10.0.0.256', o)).toEqual({ ok: false, error: '"10.0.0.256" is not an IPv4 address' });
    expect(parseRdataText('SOA', 'ns1 hostmaster 1 2 3', o)).toMatchObject({ ok: false });
    expect(parseRdataText('MX', '70000 mail', o)).toMatchObject({ ok: false, error: expect.stringContaining('0 to 65535') });
  });

  it('IPv6 text as RFC 5952 writes it', () => {
    expect(formatIpv6(parseIpv6('2001:0db8:0000:0000:0000:0000:0002:0001')!)).toBe('2001:db8::2:1');
    expect(formatIpv6(parseIpv6('2001:db8:0:0:1:0:0:1')!)).toBe('2001:db8::1:0:0:1');
    expect(formatIpv6(parseIpv6('2001:db8:0:1:1:1:1:1')!)).toBe('2001:db8:0:1:1:1:1:1');
    expect(formatIpv6(parseIpv6('::1')!)).toBe('::1');
    expect(formatIpv6(parseIpv6('::')!)).toBe('::');
    for (const bad of ['1::2::3', '12345::', '1:2:3:4:5:6:7', 'g::1', '1:2:3:4:5:6:7:8:9']) expect(parseIpv6(bad)).toBeNull();
  });
});

describe('names: labels, escapes and limits (RFC 1035 §2.3.4)', () => {
  it('a 63-byte label is allowed, 64 is not; a name is at most 255 bytes on the wire', () => {
    expect(nameLabels(`${'a'.repeat(63)}.com`).ok).toBe(true);
    expect(nameLabels(`${'a'.repeat(64)}.com`)).toEqual({ ok: false, error: expect.stringContaining('label of 64 bytes') });
    const label = 'b'.repeat(63);
    expect(nameLabels(`${label}.${label}.${label}.${'c'.repeat(61)}.`).ok).toBe(true); // 4·64 − 2 + 1 = 255
    expect(nameLabels(`${label}.${label}.${label}.${'c'.repeat(62)}.`)).toEqual({ ok: false, error: expect.stringContaining('256 bytes') });
    expect(nameLabels('a..b').ok).toBe(false);
    expect(nameLabels('café.fr').ok).toBe(false);
  });

  it('escapes: \\. inside a label, \\DDD for any byte', () => {
    expect(canonicalName('a\\.b.example.com')).toBe('a\\.b.example.com.');
    expect(canonicalName('\\065bc.example')).toBe('Abc.example.');
    expect(canonicalName('\\000.x')).toBe('\\000.x.');
    const r = parseMessage(encodeMessage(query(1, 'a\\.b.example.com.')).bytes);
    expect(r.ok && r.message.questions[0]!.name).toBe('a\\.b.example.com.');
    // "a\.example" is one label: the name is in com., not in example.com.
    expect(isSubdomain('a\\.example.com.', 'example.com.')).toBe(false);
    expect(isSubdomain('x.a\\.b.example.com.', 'a\\.b.example.com.')).toBe(true);
    expect(isSubdomain('xexample.com.', 'example.com.')).toBe(false);
    expect(isSubdomain('WWW.EXAMPLE.com.', 'example.COM.')).toBe(true);
  });

  it('zone-file names: @ is the origin, a trailing dot is absolute, others are relative', () => {
    expect(absoluteName('@', 'example.com.').name).toBe('example.com.');
    expect(absoluteName('www', 'example.com.').name).toBe('www.example.com.');
    expect(absoluteName('ns.other.org.', 'example.com.').name).toBe('ns.other.org.');
  });
});

describe('truncation at the UDP limit (RFC 1035 §4.2.1)', () => {
  const pool = Array.from({ length: 40 }, (_, i) => a('pool.example.com.', `192.0.2.${i + 1}`));
  const response: DnsMessage = { ...query(5, 'pool.example.com.'), answers: pool };

  it('keeps whole records that fit in 512 bytes, sets TC and the count of what it kept', () => {
    const full = encodeMessage(response);
    expect(full.bytes.length).toBe(12 + 22 + 40 * 16);
    expect(full.truncated).toBe(false);
    const cut = encodeMessage(response, { limitBytes: UDP_MESSAGE_LIMIT_BYTES });
    expect(cut.truncated).toBe(true);
    expect(cut.answers).toBe(29); // 34 + 29·16 = 498; a 30th would make 514
    expect(cut.bytes.length).toBe(498);
    const r = parseMessage(cut.bytes);
    expect(r.ok && r.message.header.tc).toBe(true);
    expect(r.ok && r.message.answers.length).toBe(29);
  });

  it('a record that does not fit leaves out the sections after it (RFC 2181 §9)', () => {
    const m: DnsMessage = { ...response, answers: pool.slice(0, 20), additional: pool.slice(20) };
    const cut = encodeMessage(m, { limitBytes: UDP_MESSAGE_LIMIT_BYTES });
    expect([cut.answers, cut.authority, cut.additional]).toEqual([20, 0, 9]);
    // A taken-back record's name must not stay in the compression table: the next message part still parses.
    expect(parseMessage(cut.bytes).ok).toBe(true);
  });
});

describe('malformed messages are reported, never thrown', () => {
  const header = '0102 8180 0001 0001 0000 0000';
  const question = '03777777 076578616d706c65 03636f6d 00 0001 0001';
  const cases: Array<[string, string, string]> = [
    ['shorter than a header', '0102 0100 0001', 'shorter than the 12-byte header'],
    ['a count larger than what follows', '0102 0100 0002 0000 0000 0000' + question, 'past the end'],
    ['a pointer to itself', header + 'c00c 0001 0001', 'points forward or into a loop'],
    ['a pointer forward', header + 'c020 0001 0001' + '0000', 'points forward or into a loop'],
    ['a loop of two pointers', header + question + '01 61 c021 0001 0001 00000000 0004 01020304', 'points forward or into a loop'],
    ['an extended label type (0x40)', header + '41 00 0001 0001', 'label type 0x40'],
    ['RDLENGTH past the end', header + question + 'c00c 0001 0001 00000000 0010 01020304', 'RDLENGTH 16'],
    ['an A record of 5 bytes', header + question + 'c00c 0001 0001 00000000 0005 0102030405', 'A data is 5 bytes'],
    ['bytes after the last record', header + question + 'c00c 0001 0001 00000000 0004 01020304 ff', '1 bytes follow the last record'],
    ['an empty TXT', header + question + 'c00c 0010 0001 00000000 0000', 'no character-string'],
    ['a TXT string longer than its RDATA', header + question + 'c00c 0010 0001 00000000 0002 0561', 'a TXT string'],
    ['a label running past the end', '0102 0100 0001 0000 0000 0000 0577', 'a label runs past'],
  ];
  it.each(cases)('%s', (_what, wire, message) => {
    const r = parseMessage(fromHex(wire));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(message);
    if (!r.ok && wire.replace(/\s+/g, '').length >= 24) expect(r.header?.id).toBe(0x0102);
  });

  it('a name made over 255 bytes by pointers is refused', () => {
    // Four 63-byte labels one after another, each name pointing to the one before: 4·64 + 1 > 255.
    let wire = '0001 0000 0004 0000 0000 0000'.replace(/ /g, '');
    const label = '3f' + '61'.repeat(63);
    wire += label + '00' + '0001' + '0001'; // question 1 at byte 12: 63a. (root)
    wire += label + 'c00c' + '0001' + '0001'; // question 2 at byte 81
    wire += label + 'c051' + '0001' + '0001'; // question 3 at byte 151, pointing to question 2
    wire += label + 'c097' + '0001' + '0001'; // question 4 at byte 221: 4 labels of 63 make 257 bytes
    const r = parseMessage(fromHex(wire));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain('longer than 255 bytes');
  });

  it('random bytes and damaged messages never make the parser throw', () => {
    const valid = encodeMessage({
      ...query(3, 'www.example.com.'),
      answers: [a('www.example.com.', '192.0.2.1')],
      authority: [{ name: 'example.com.', type: TYPE_NS, class: CLASS_IN, ttl: 60, rdata: { kind: 'NS', nsdname: 'ns1.example.com.' } }],
    }).bytes;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        const r = parseMessage(bytes);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), fc.nat(valid.length), (flips, cut) => {
        const b = valid.slice(0, Math.max(cut, 1));
        for (const [i, v] of flips) if (i < b.length) b[i] = v;
        const r = parseMessage(b);
        if (r.ok) expect(parseMessage(encodeMessage(r.message).bytes).ok).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('any message of valid names and records survives encode → parse unchanged', () => {
    const label = fc.stringMatching(/^[a-z0-9-]{1,12}$/);
    const name = fc.array(label, { minLength: 0, maxLength: 4 }).map((ls) => (ls.length === 0 ? '.' : `${ls.join('.')}.`));
    const record = fc.oneof(
      fc.record({ name, ip: fc.nat(0xffffffff), ttl: fc.nat(86400) }).map((r): DnsRecord => ({ name: r.name, type: TYPE_A, class: CLASS_IN, ttl: r.ttl, rdata: { kind: 'A', address: r.ip } })),
      fc.record({ name, target: name }).map((r): DnsRecord => ({ name: r.name, type: TYPE_CNAME, class: CLASS_IN, ttl: 5, rdata: { kind: 'CNAME', cname: r.target } })),
      fc.record({ name, pref: fc.nat(65535), target: name }).map((r): DnsRecord => ({ name: r.name, type: TYPE_MX, class: CLASS_IN, ttl: 5, rdata: { kind: 'MX', preference: r.pref, exchange: r.target } })),
    );
    fc.assert(
      fc.property(name, fc.array(record, { maxLength: 12 }), fc.nat(65535), (qname, answers, id) => {
        const m: DnsMessage = { ...query(id, qname), answers };
        const r = parseMessage(encodeMessage(m).bytes);
        expect(r.ok).toBe(true);
        if (r.ok) expect(r.message.answers.map(formatRecord)).toEqual(answers.map(formatRecord));
      }),
      { numRuns: 500 },
    );
  });
});
