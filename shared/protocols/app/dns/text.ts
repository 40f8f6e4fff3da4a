// Records as people read and write them: the master-file presentation form of RFC 1035 §5.1
// ("www.example.com. 300 IN A 192.0.2.1"), RFC 3596 §2.2 AAAA addresses in RFC 5952 text, and the
// RDATA a scenario's zone gives as text, checked and turned into wire data.

import { ipToString, parseIp } from '../../net/addresses.ts';
import {
  className,
  MAX_CHARACTER_STRING_BYTES,
  TYPE_NUMBERS,
  typeName,
  type DnsQuestion,
  type DnsRdata,
  type DnsRecord,
} from './message.ts';
import { absoluteName } from './name.ts';

// ------------------------------------------------------------------------------------------- IPv6

/** RFC 4291 §2.2 text (hex groups, one "::"); embedded IPv4 dotted quads are not accepted. */
export function parseIpv6(text: string): Uint8Array | null {
  if (text.length > 39 || !/^[0-9a-fA-F:]+$/.test(text)) return null;
  const gap = text.indexOf('::');
  if (gap >= 0 && text.indexOf('::', gap + 1) >= 0) return null;
  const split = (s: string): string[] => (s === '' ? [] : s.split(':'));
  const head = gap >= 0 ? split(text.slice(0, gap)) : split(text);
  const tail = gap >= 0 ? split(text.slice(gap + 2)) : [];
  if (gap >= 0 ? head.length + tail.length > 7 : head.length !== 8) return null;
  const groups = [...head, ...new Array<string>(8 - head.length - tail.length).fill('0'), ...tail];
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    const g = groups[i]!;
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    const v = parseInt(g, 16);
    out[2 * i] = v >>> 8;
    out[2 * i + 1] = v & 0xff;
  }
  return out;
}

/** RFC 5952 §4: lower case, no leading zeros, the longest run of two or more zero groups as "::". */
export function formatIpv6(b: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(((b[2 * i] ?? 0) << 8) | (b[2 * i + 1] ?? 0));
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (g: number[]) => g.map((v) => v.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}

// ------------------------------------------------------------------------------------ presentation

function characterString(s: Uint8Array): string {
  let out = '"';
  for (const b of s) {
    if (b === 0x22 || b === 0x5c) out += `\\${String.fromCharCode(b)}`;
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\${String(b).padStart(3, '0')}`;
  }
  return `${out}"`;
}

function hex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** RDATA in master-file form. */
export function formatRdata(d: DnsRdata): string {
  switch (d.kind) {
    case 'A':
      return ipToString(d.address);
    case 'AAAA':
      return formatIpv6(d.address);
    case 'NS':
      return d.nsdname;
    case 'CNAME':
      return d.cname;
    case 'MX':
      return `${d.preference} ${d.exchange}`;
    case 'SOA':
      return `${d.mname} ${d.rname} ${d.serial} ${d.refresh} ${d.retry} ${d.expire} ${d.minimum}`;
    case 'TXT':
      return d.strings.map(characterString).join(' ');
    case 'unknown':
      return `\\# ${d.bytes.length}${d.bytes.length > 0 ? ` ${hex(d.bytes)}` : ''}`; // RFC 3597 §5
  }
}

/** "www.example.com. 300 IN A 192.0.2.1" */
export function formatRecord(r: DnsRecord): string {
  return `${r.name} ${r.ttl} ${className(r.class)} ${typeName(r.type)} ${formatRdata(r.rdata)}`;
}

/** "www.example.com. IN A" */
export function formatQuestion(q: DnsQuestion): string {
  return `${q.name} ${className(q.class)} ${typeName(q.type)}`;
}

// ------------------------------------------------------------------------------ zone data as text

/** The record types a scenario's zone may hold. */
export const ZONE_RECORD_TYPES = ['A', 'AAAA', 'NS', 'CNAME', 'MX', 'SOA', 'TXT'] as const;
export type ZoneRecordType = (typeof ZONE_RECORD_TYPES)[number];

export type RdataResult = { ok: true; rdata: DnsRdata } | { ok: false; error: string };

const U32_MAX = 4294967295;
const encoder = new TextEncoder();

function nameIn(text: string, origin: string, what: string): { name: string } | { error: string } {
  const r = absoluteName(text, origin);
  return r.ok && r.name !== undefined ? { name: r.name } : { error: `${what}: ${r.ok ? 'not a name' : r.error}` };
}

function u32(text: string, what: string): number | string {
  if (!/^\d{1,10}$/.test(text) || Number(text) > U32_MAX) return `${what} "${text}" is not a whole number from 0 to ${U32_MAX}`;
  return Number(text);
}

/**
 * RDATA from a zone's `value` text, names relative to `origin` unless they end in a dot. A: dotted
 * quad; AAAA: IPv6 text; NS, CNAME: a name; MX: "preference exchange"; SOA: "mname rname serial
 * refresh retry expire minimum"; TXT: the text itself, cut into character-strings of 255 bytes.
 */
export function parseRdataText(type: ZoneRecordType, text: string, origin: string): RdataResult {
  const bad = (error: string): RdataResult => ({ ok: false, error });
  const value = text.trim();
  switch (type) {
    case 'A': {
      const address = parseIp(value);
      return address === null ? bad(`"${text}" is not an IPv4 address`) : { ok: true, rdata: { kind: 'A', address } };
    }
    case 'AAAA': {
      const address = parseIpv6(value);
      return address === null ? bad(`"${text}" is not an IPv6 address`) : { ok: true, rdata: { kind: 'AAAA', address } };
    }
    case 'NS':
    case 'CNAME': {
      const n = nameIn(value, origin, type === 'NS' ? 'the name server' : 'the canonical name');
      if ('error' in n) return bad(n.error);
      return { ok: true, rdata: type === 'NS' ? { kind: 'NS', nsdname: n.name } : { kind: 'CNAME', cname: n.name } };
    }
    case 'MX': {
      const parts = value.split(/\s+/);
      if (parts.length !== 2) return bad(`"${text}" is not "preference exchange" (e.g. "10 mail")`);
      const preference = u32(parts[0]!, 'the preference');
      if (typeof preference === 'string' || preference > 0xffff) return bad(`the preference "${parts[0]}" is not a whole number from 0 to 65535`);
      const n = nameIn(parts[1]!, origin, 'the exchange');
      return 'error' in n ? bad(n.error) : { ok: true, rdata: { kind: 'MX', preference, exchange: n.name } };
    }
    case 'SOA': {
      const parts = value.split(/\s+/);
      if (parts.length !== 7) return bad(`"${text}" is not "mname rname serial refresh retry expire minimum"`);
      const mname = nameIn(parts[0]!, origin, 'mname');
      if ('error' in mname) return bad(mname.error);
      const rname = nameIn(parts[1]!, origin, 'rname');
      if ('error' in rname) return bad(rname.error);
      const fields = ['serial', 'refresh', 'retry', 'expire', 'minimum'];
      const nums: number[] = [];
      for (let i = 0; i < 5; i++) {
        const v = u32(parts[2 + i]!, fields[i]!);
        if (typeof v === 'string') return bad(v);
        nums.push(v);
      }
      return {
        ok: true,
        rdata: { kind: 'SOA', mname: mname.name, rname: rname.name, serial: nums[0]!, refresh: nums[1]!, retry: nums[2]!, expire: nums[3]!, minimum: nums[4]! },
      };
    }
    case 'TXT': {
      const bytes = encoder.encode(text);
      const strings: Uint8Array[] = [];
      for (let i = 0; i < bytes.length; i += MAX_CHARACTER_STRING_BYTES) strings.push(bytes.slice(i, i + MAX_CHARACTER_STRING_BYTES));
      if (strings.length === 0) strings.push(new Uint8Array(0));
      return { ok: true, rdata: { kind: 'TXT', strings } };
    }
  }
}

/** The type number of a zone record type or query type mnemonic. */
export function typeNumber(name: string): number {
  const n = TYPE_NUMBERS[name];
  if (n === undefined) throw new RangeError(`unknown type ${name}`);
  return n;
}
