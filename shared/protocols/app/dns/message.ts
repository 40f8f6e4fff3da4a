// DNS messages on the wire (RFC 1035 §4.1): a 12-byte header — ID, the flags QR, Opcode, AA, TC, RD,
// RA, Z, RCODE, and the counts QDCOUNT, ANCOUNT, NSCOUNT, ARCOUNT — then the question section
// (QNAME, QTYPE, QCLASS) and the answer, authority and additional sections of resource records (NAME,
// TYPE, CLASS, TTL, RDLENGTH, RDATA). Names are compressed when encoded (§4.1.4: a suffix already
// written becomes a 2-byte pointer to it) and pointers are followed when parsed, only ever backwards
// so a malicious loop cannot hang the parser. Record data is decoded for A, NS, CNAME, SOA, MX, TXT
// (RFC 1035 §3.3, §3.4) and AAAA (RFC 3596); other types are kept as opaque bytes (RFC 3597).
// Encoding can stop at a size limit and set TC (§4.2.1: UDP messages are limited to 512 bytes).
// Parsing never throws on bad input: it returns what was wrong, and the header if it was readable,
// so a server can still answer FORMERR with the query's ID.

import { labelsToName, MAX_NAME_BYTES, nameLabels } from './name.ts';

export const DNS_PORT = 53;
export const DNS_HEADER_BYTES = 12;
/** RFC 1035 §2.3.4 / §4.2.1: the largest message carried over UDP (without EDNS(0), which is not modelled). */
export const UDP_MESSAGE_LIMIT_BYTES = 512;
/** The largest message at all: TCP's 2-byte length prefix (§4.2.2). */
export const MAX_MESSAGE_BYTES = 65535;
/** A character-string (TXT) is one length byte and at most 255 bytes (§3.3). */
export const MAX_CHARACTER_STRING_BYTES = 255;

export const TYPE_A = 1;
export const TYPE_NS = 2;
export const TYPE_CNAME = 5;
export const TYPE_SOA = 6;
export const TYPE_MX = 15;
export const TYPE_TXT = 16;
export const TYPE_AAAA = 28;
export const TYPE_IXFR = 251;
export const TYPE_AXFR = 252;
export const TYPE_ANY = 255;

/** Mnemonics of the types this engine names (RFC 1035 §3.2.2, §3.2.3; RFC 3596; RFC 6891 OPT). */
export const TYPE_NAMES: Readonly<Record<number, string>> = {
  1: 'A',
  2: 'NS',
  5: 'CNAME',
  6: 'SOA',
  12: 'PTR',
  15: 'MX',
  16: 'TXT',
  28: 'AAAA',
  33: 'SRV',
  41: 'OPT',
  251: 'IXFR',
  252: 'AXFR',
  255: 'ANY',
};
export const TYPE_NUMBERS: Readonly<Record<string, number>> = Object.fromEntries(Object.entries(TYPE_NAMES).map(([n, name]) => [name, Number(n)]));

export const CLASS_IN = 1;
export const CLASS_ANY = 255;
const CLASS_NAMES: Readonly<Record<number, string>> = { 1: 'IN', 3: 'CH', 4: 'HS', 254: 'NONE', 255: 'ANY' };

export const OPCODE_QUERY = 0;
const OPCODE_NAMES: Readonly<Record<number, string>> = { 0: 'QUERY', 1: 'IQUERY', 2: 'STATUS', 4: 'NOTIFY', 5: 'UPDATE' };

export const RCODE_NOERROR = 0;
export const RCODE_FORMERR = 1;
export const RCODE_SERVFAIL = 2;
export const RCODE_NXDOMAIN = 3;
export const RCODE_NOTIMP = 4;
export const RCODE_REFUSED = 5;
export const RCODE_NOTAUTH = 9;
/** RFC 1035 §4.1.1 (0–5), RFC 2136 §2.2 (6–10). */
export const RCODE_NAMES: Readonly<Record<number, string>> = {
  0: 'NOERROR',
  1: 'FORMERR',
  2: 'SERVFAIL',
  3: 'NXDOMAIN',
  4: 'NOTIMP',
  5: 'REFUSED',
  6: 'YXDOMAIN',
  7: 'YXRRSET',
  8: 'NXRRSET',
  9: 'NOTAUTH',
  10: 'NOTZONE',
};

/** RFC 3597 §5: an unknown type or class is written TYPE<n> / CLASS<n>. */
export const typeName = (t: number): string => TYPE_NAMES[t] ?? `TYPE${t}`;
export const className = (c: number): string => CLASS_NAMES[c] ?? `CLASS${c}`;
export const opcodeName = (o: number): string => OPCODE_NAMES[o] ?? String(o);
export const isKnownOpcode = (o: number): boolean => OPCODE_NAMES[o] !== undefined;
export const rcodeName = (r: number): string => RCODE_NAMES[r] ?? `RCODE${r}`;

export interface DnsHeader {
  id: number;
  /** false: a query; true: a response. */
  qr: boolean;
  opcode: number;
  /** Authoritative Answer: the responding server owns the zone. */
  aa: boolean;
  /** TrunCation: the message was cut to fit the transport. */
  tc: boolean;
  /** Recursion Desired (copied into the response). */
  rd: boolean;
  /** Recursion Available. */
  ra: boolean;
  /** Reserved, three bits; must be zero. */
  z: number;
  rcode: number;
}

export interface DnsQuestion {
  /** Absolute name in presentation form ("www.example.com."). */
  name: string;
  type: number;
  class: number;
}

/** RDATA by type, with RFC 1035's field names. */
export type DnsRdata =
  | { kind: 'A'; address: number }
  | { kind: 'AAAA'; address: Uint8Array }
  | { kind: 'NS'; nsdname: string }
  | { kind: 'CNAME'; cname: string }
  | { kind: 'MX'; preference: number; exchange: string }
  | { kind: 'SOA'; mname: string; rname: string; serial: number; refresh: number; retry: number; expire: number; minimum: number }
  | { kind: 'TXT'; strings: Uint8Array[] }
  | { kind: 'unknown'; bytes: Uint8Array };

export interface DnsRecord {
  name: string;
  type: number;
  class: number;
  /** Seconds a cache may keep it (32-bit unsigned on the wire). */
  ttl: number;
  rdata: DnsRdata;
}

export interface DnsMessage {
  header: DnsHeader;
  questions: DnsQuestion[];
  answers: DnsRecord[];
  authority: DnsRecord[];
  additional: DnsRecord[];
}

const KIND_OF_TYPE: Readonly<Record<number, DnsRdata['kind']>> = {
  [TYPE_A]: 'A',
  [TYPE_AAAA]: 'AAAA',
  [TYPE_NS]: 'NS',
  [TYPE_CNAME]: 'CNAME',
  [TYPE_MX]: 'MX',
  [TYPE_SOA]: 'SOA',
  [TYPE_TXT]: 'TXT',
};

// ------------------------------------------------------------------------------------------ encoding

class Writer {
  buf = new Uint8Array(512);
  len = 0;

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
  u8(v: number): void {
    this.ensure(1);
    this.buf[this.len++] = v & 0xff;
  }
  u16(v: number): void {
    this.ensure(2);
    this.buf[this.len++] = (v >>> 8) & 0xff;
    this.buf[this.len++] = v & 0xff;
  }
  u32(v: number): void {
    this.u16(Math.floor(v / 65536) & 0xffff);
    this.u16(v & 0xffff);
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  setU16(at: number, v: number): void {
    this.buf[at] = (v >>> 8) & 0xff;
    this.buf[at + 1] = v & 0xff;
  }
}

/** Where each name suffix was first written (lower-cased key → offset), for compression pointers. */
class CompressionTable {
  private readonly offsets = new Map<string, number>();

  lookup(key: string): number | undefined {
    return this.offsets.get(key);
  }
  remember(key: string, offset: number): void {
    // A pointer holds a 14-bit offset: suffixes written beyond 16 383 bytes cannot be pointed to.
    if (offset < 0x4000 && !this.offsets.has(key)) this.offsets.set(key, offset);
  }
  /** Forget suffixes written at or after `offset` (a record that did not fit was taken back). */
  forgetFrom(offset: number): void {
    for (const [k, v] of this.offsets) if (v >= offset) this.offsets.delete(k);
  }
}

function labelKey(label: Uint8Array): string {
  let s = '';
  for (const b of label) s += String.fromCharCode(b >= 0x41 && b <= 0x5a ? b + 0x20 : b);
  return s;
}

function writeName(w: Writer, table: CompressionTable | null, name: string): void {
  const r = nameLabels(name);
  if (!r.ok) throw new RangeError(`cannot encode name: ${r.error}`);
  const labels = r.labels;
  // keys[i]: the lower-cased suffix from label i, each label prefixed by its length (labels may hold any byte).
  const keys: string[] = new Array(labels.length);
  let suffix = '';
  for (let i = labels.length - 1; i >= 0; i--) {
    const k = labelKey(labels[i]!);
    suffix = `${String.fromCharCode(k.length)}${k}${suffix}`;
    keys[i] = suffix;
  }
  for (let i = 0; i < labels.length; i++) {
    if (table !== null) {
      const at = table.lookup(keys[i]!);
      if (at !== undefined) {
        w.u16(0xc000 | at);
        return;
      }
      table.remember(keys[i]!, w.len);
    }
    w.u8(labels[i]!.length);
    w.bytes(labels[i]!);
  }
  w.u8(0);
}

function writeRdata(w: Writer, table: CompressionTable | null, type: number, d: DnsRdata): void {
  const expected = KIND_OF_TYPE[type] ?? 'unknown';
  if (d.kind !== expected) throw new RangeError(`record of type ${typeName(type)} carries ${d.kind} data`);
  switch (d.kind) {
    case 'A':
      w.u32(d.address >>> 0);
      return;
    case 'AAAA':
      if (d.address.length !== 16) throw new RangeError('an AAAA address is 16 bytes');
      w.bytes(d.address);
      return;
    case 'NS':
      writeName(w, table, d.nsdname);
      return;
    case 'CNAME':
      writeName(w, table, d.cname);
      return;
    case 'MX':
      w.u16(d.preference);
      writeName(w, table, d.exchange);
      return;
    case 'SOA':
      writeName(w, table, d.mname);
      writeName(w, table, d.rname);
      w.u32(d.serial);
      w.u32(d.refresh);
      w.u32(d.retry);
      w.u32(d.expire);
      w.u32(d.minimum);
      return;
    case 'TXT':
      if (d.strings.length === 0) throw new RangeError('TXT data holds at least one character-string');
      for (const s of d.strings) {
        if (s.length > MAX_CHARACTER_STRING_BYTES) throw new RangeError(`a character-string holds at most ${MAX_CHARACTER_STRING_BYTES} bytes`);
        w.u8(s.length);
        w.bytes(s);
      }
      return;
    case 'unknown':
      w.bytes(d.bytes);
      return;
  }
}

function writeRecord(w: Writer, table: CompressionTable | null, r: DnsRecord): void {
  writeName(w, table, r.name);
  w.u16(r.type);
  w.u16(r.class);
  w.u32(r.ttl);
  const lengthAt = w.len;
  w.u16(0);
  // RFC 3597 §4: names inside the data of types that are not well known are never compressed.
  writeRdata(w, KIND_OF_TYPE[r.type] === undefined ? null : table, r.type, r.rdata);
  const rdlength = w.len - lengthAt - 2;
  if (rdlength > 0xffff) throw new RangeError(`RDATA of ${rdlength} bytes does not fit RDLENGTH`);
  w.setU16(lengthAt, rdlength);
}

function headerFlags(h: DnsHeader): number {
  return (
    (h.qr ? 0x8000 : 0) |
    ((h.opcode & 0xf) << 11) |
    (h.aa ? 0x0400 : 0) |
    (h.tc ? 0x0200 : 0) |
    (h.rd ? 0x0100 : 0) |
    (h.ra ? 0x0080 : 0) |
    ((h.z & 0x7) << 4) |
    (h.rcode & 0xf)
  );
}

export interface EncodeOptions {
  /** Largest message to produce: records that do not fit are left out and TC is set (RFC 1035 §4.2.1). */
  limitBytes?: number;
  /** Compress names (default true). */
  compress?: boolean;
}

export interface EncodedMessage {
  bytes: Uint8Array;
  /** Records were left out to respect the limit, and the TC bit is set. */
  truncated: boolean;
  /** How many records of each section the message holds. */
  answers: number;
  authority: number;
  additional: number;
}

/**
 * Encode a message. Records are added whole, in order, while they fit under the limit; the first
 * that does not ends the message (RFC 2181 §9: later sections are left out too) with TC set.
 */
export function encodeMessage(m: DnsMessage, opts: EncodeOptions = {}): EncodedMessage {
  const limit = Math.min(opts.limitBytes ?? MAX_MESSAGE_BYTES, MAX_MESSAGE_BYTES);
  if (limit < DNS_HEADER_BYTES) throw new RangeError(`limit of ${limit} bytes is below the header size`);
  const table = opts.compress === false ? null : new CompressionTable();
  const w = new Writer();
  w.u16(m.header.id);
  w.u16(0); // flags, written last (TC depends on what fits)
  w.u16(m.questions.length);
  w.u16(0);
  w.u16(0);
  w.u16(0);
  for (const q of m.questions) {
    writeName(w, table, q.name);
    w.u16(q.type);
    w.u16(q.class);
  }
  if (w.len > limit) throw new RangeError(`the question section alone needs ${w.len} bytes, over the limit of ${limit}`);
  const counts = [0, 0, 0];
  let truncated = false;
  const sections = [m.answers, m.authority, m.additional];
  outer: for (let s = 0; s < 3; s++) {
    for (const r of sections[s]!) {
      const mark = w.len;
      writeRecord(w, table, r);
      if (w.len > limit) {
        w.len = mark;
        table?.forgetFrom(mark);
        truncated = true;
        break outer;
      }
      counts[s]!++;
    }
  }
  w.setU16(2, headerFlags({ ...m.header, tc: m.header.tc || truncated }));
  w.setU16(6, counts[0]!);
  w.setU16(8, counts[1]!);
  w.setU16(10, counts[2]!);
  return { bytes: w.buf.slice(0, w.len), truncated, answers: counts[0]!, authority: counts[1]!, additional: counts[2]! };
}

// ------------------------------------------------------------------------------------------- parsing

/** What a parser reports about a malformed message (internal: it never leaves parseMessage). */
class FormatError extends Error {}

function fail(message: string): never {
  throw new FormatError(message);
}

export type ParseResult =
  | { ok: true; message: DnsMessage }
  | {
      ok: false;
      error: string;
      /** The header, when at least 12 bytes were there to read (a server answers FORMERR with its ID). */
      header: DnsHeader | null;
    };

export function parseHeader(b: Uint8Array): DnsHeader | null {
  if (b.length < DNS_HEADER_BYTES) return null;
  const flags = (b[2]! << 8) | b[3]!;
  return {
    id: (b[0]! << 8) | b[1]!,
    qr: (flags & 0x8000) !== 0,
    opcode: (flags >>> 11) & 0xf,
    aa: (flags & 0x0400) !== 0,
    tc: (flags & 0x0200) !== 0,
    rd: (flags & 0x0100) !== 0,
    ra: (flags & 0x0080) !== 0,
    z: (flags >>> 4) & 0x7,
    rcode: flags & 0xf,
  };
}

/** The four section counts of a message at least 12 bytes long. */
export function sectionCounts(b: Uint8Array): { qdcount: number; ancount: number; nscount: number; arcount: number } {
  return { qdcount: (b[4]! << 8) | b[5]!, ancount: (b[6]! << 8) | b[7]!, nscount: (b[8]! << 8) | b[9]!, arcount: (b[10]! << 8) | b[11]! };
}

class Reader {
  readonly b: Uint8Array;
  pos: number;

  constructor(b: Uint8Array, pos: number) {
    this.b = b;
    this.pos = pos;
  }
  need(n: number, end: number, what: string): void {
    if (this.pos + n > end) fail(`${what} runs past the end of the message (byte ${this.pos})`);
  }
  u8(end: number, what: string): number {
    this.need(1, end, what);
    return this.b[this.pos++]!;
  }
  u16(end: number, what: string): number {
    this.need(2, end, what);
    const v = (this.b[this.pos]! << 8) | this.b[this.pos + 1]!;
    this.pos += 2;
    return v;
  }
  u32(end: number, what: string): number {
    this.need(4, end, what);
    const b = this.b;
    const p = this.pos;
    this.pos += 4;
    return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
  }
  take(n: number, end: number, what: string): Uint8Array {
    this.need(n, end, what);
    const out = this.b.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

/**
 * Read a possibly compressed name at r.pos. Its own bytes must lie before `end`; a pointer may jump
 * to any earlier byte of the message, and each jump must land before the previous one, so there is
 * no loop (and at most one jump per byte). The name's wire form is checked against 255 bytes.
 */
function readName(r: Reader, end: number): string {
  const b = r.b;
  const labels: Uint8Array[] = [];
  let wireBytes = 1;
  let pos = r.pos;
  let bound = end;
  let jumpLimit = Infinity;
  let jumped = false;
  for (;;) {
    if (pos >= bound) fail(`a name runs past the end of its field (byte ${pos})`);
    const len = b[pos]!;
    const top = len & 0xc0;
    if (top === 0xc0) {
      if (pos + 1 >= bound) fail(`a compression pointer is cut short (byte ${pos})`);
      const target = ((len & 0x3f) << 8) | b[pos + 1]!;
      if (target >= Math.min(pos, jumpLimit)) fail(`a compression pointer at byte ${pos} points forward or into a loop (to ${target})`);
      if (!jumped) r.pos = pos + 2;
      jumped = true;
      jumpLimit = target;
      pos = target;
      bound = b.length;
      continue;
    }
    if (top !== 0) fail(`label type 0x${top.toString(16)} at byte ${pos} is not a length or a pointer`);
    if (len === 0) {
      if (!jumped) r.pos = pos + 1;
      return labelsToName(labels);
    }
    // The two top bits are zero, so len ≤ 63 = MAX_LABEL_BYTES.
    wireBytes += 1 + len;
    if (wireBytes > MAX_NAME_BYTES) fail(`a name longer than ${MAX_NAME_BYTES} bytes (byte ${pos})`);
    if (pos + 1 + len > bound) fail(`a label runs past the end of its field (byte ${pos})`);
    labels.push(b.slice(pos + 1, pos + 1 + len));
    pos += 1 + len;
  }
}

function readRdata(r: Reader, type: number, end: number): DnsRdata {
  const start = r.pos;
  const done = <T extends DnsRdata>(d: T): T => {
    if (r.pos !== end) fail(`${typeName(type)} data is ${end - start} bytes but its fields take ${r.pos - start}`);
    return d;
  };
  switch (type) {
    case TYPE_A:
      return done({ kind: 'A', address: r.u32(end, 'an A address') });
    case TYPE_AAAA:
      return done({ kind: 'AAAA', address: r.take(16, end, 'an AAAA address') });
    case TYPE_NS:
      return done({ kind: 'NS', nsdname: readName(r, end) });
    case TYPE_CNAME:
      return done({ kind: 'CNAME', cname: readName(r, end) });
    case TYPE_MX: {
      const preference = r.u16(end, 'MX preference');
      return done({ kind: 'MX', preference, exchange: readName(r, end) });
    }
    case TYPE_SOA: {
      const mname = readName(r, end);
      const rname = readName(r, end);
      return done({
        kind: 'SOA',
        mname,
        rname,
        serial: r.u32(end, 'SOA serial'),
        refresh: r.u32(end, 'SOA refresh'),
        retry: r.u32(end, 'SOA retry'),
        expire: r.u32(end, 'SOA expire'),
        minimum: r.u32(end, 'SOA minimum'),
      });
    }
    case TYPE_TXT: {
      if (end === start) fail('TXT data holds no character-string');
      const strings: Uint8Array[] = [];
      while (r.pos < end) {
        const n = r.u8(end, 'a TXT string length');
        strings.push(r.take(n, end, 'a TXT string'));
      }
      return done({ kind: 'TXT', strings });
    }
    default:
      return { kind: 'unknown', bytes: r.take(end - start, end, 'record data') };
  }
}

function readRecord(r: Reader): DnsRecord {
  const b = r.b;
  const name = readName(r, b.length);
  const type = r.u16(b.length, 'a record TYPE');
  const cls = r.u16(b.length, 'a record CLASS');
  const ttl = r.u32(b.length, 'a record TTL');
  const rdlength = r.u16(b.length, 'RDLENGTH');
  const end = r.pos + rdlength;
  if (end > b.length) fail(`RDLENGTH ${rdlength} runs past the end of the message`);
  const rdata = readRdata(r, type, end);
  r.pos = end;
  return { name, type, class: cls, ttl, rdata };
}

/** Parse a whole message (a UDP payload, or one message from a TCP stream without its length prefix). */
export function parseMessage(b: Uint8Array): ParseResult {
  const header = parseHeader(b);
  if (header === null) return { ok: false, error: `${b.length} bytes is shorter than the ${DNS_HEADER_BYTES}-byte header`, header: null };
  if (b.length > MAX_MESSAGE_BYTES) return { ok: false, error: `${b.length} bytes is over the ${MAX_MESSAGE_BYTES}-byte limit`, header };
  const { qdcount, ancount, nscount, arcount } = sectionCounts(b);
  const r = new Reader(b, DNS_HEADER_BYTES);
  try {
    const questions: DnsQuestion[] = [];
    // Every count is bounded by the bytes: each entry consumes at least 5 bytes or parsing fails.
    for (let i = 0; i < qdcount; i++) {
      const name = readName(r, b.length);
      questions.push({ name, type: r.u16(b.length, 'QTYPE'), class: r.u16(b.length, 'QCLASS') });
    }
    const section = (count: number): DnsRecord[] => {
      const out: DnsRecord[] = [];
      for (let i = 0; i < count; i++) out.push(readRecord(r));
      return out;
    };
    const answers = section(ancount);
    const authority = section(nscount);
    const additional = section(arcount);
    if (r.pos !== b.length) fail(`${b.length - r.pos} bytes follow the last record`);
    return { ok: true, message: { header, questions, answers, authority, additional } };
  } catch (e) {
    if (e instanceof FormatError) return { ok: false, error: e.message, header };
    throw e;
  }
}
