// Authoritative data (RFC 1034 §4.3.2, RFC 1035 §6, RFC 2308): the zones a name server owns and how
// it answers one question from them. The zone whose origin is the longest suffix of the name answers;
// a name with records of the asked type gets them (AA set); a CNAME is followed (RFC 1034 §3.6.2);
// a name that exists without that type gets an empty NOERROR answer ("NODATA"), a name that does not
// exist NXDOMAIN — both with the zone's SOA in the authority section so a cache knows how long to
// remember the negative answer (RFC 2308 §3). A name outside every zone is REFUSED: this server
// does not recurse. Referrals to delegated subzones and wildcards are not modelled.

import {
  CLASS_ANY,
  CLASS_IN,
  RCODE_NOERROR,
  RCODE_NXDOMAIN,
  RCODE_REFUSED,
  TYPE_A,
  TYPE_AAAA,
  TYPE_ANY,
  TYPE_CNAME,
  TYPE_SOA,
  type DnsQuestion,
  type DnsRecord,
} from './message.ts';
import { absoluteName, canonicalName, isSubdomain, labelKeys, nameKey } from './name.ts';
import type { DnsZoneSpec } from './spec.ts';
import { formatRdata, parseRdataText, typeNumber } from './text.ts';

/** Longest CNAME chain followed inside the server's own zones. */
export const MAX_CNAME_CHAIN = 8;
/** RFC 1912 §2.2 values for the SOA a zone gets when its scenario gives none. */
export const DEFAULT_SOA_TIMERS = { serial: 1, refresh: 3600, retry: 600, expire: 86400, minimum: 300 } as const;

function existenceKey(labels: string[]): string {
  return labels.length === 0 ? '.' : `${labels.join('.')}.`;
}

export class Zone {
  /** Canonical origin ("example.com."). */
  readonly origin: string;
  readonly soa: DnsRecord & { rdata: { kind: 'SOA' } };
  /** Every record in zone order, the SOA first. */
  readonly records: DnsRecord[];
  private readonly byName = new Map<string, DnsRecord[]>();
  /** Names that exist: owners of records and every name between them and the origin (empty non-terminals). */
  private readonly existing = new Set<string>();

  constructor(origin: string, records: DnsRecord[]) {
    this.origin = origin;
    const soa = records.find((r) => r.type === TYPE_SOA);
    if (soa === undefined || soa.rdata.kind !== 'SOA' || nameKey(soa.name) !== nameKey(origin)) throw new Error(`zone ${origin} has no SOA at its origin`);
    this.soa = soa as DnsRecord & { rdata: { kind: 'SOA' } };
    this.records = [soa, ...records.filter((r) => r !== soa)];
    const depth = labelKeys(origin).length;
    for (const r of this.records) {
      const key = nameKey(r.name);
      let list = this.byName.get(key);
      if (list === undefined) this.byName.set(key, (list = []));
      list.push(r);
      const labels = labelKeys(r.name);
      for (let i = 0; i + depth <= labels.length; i++) this.existing.add(existenceKey(labels.slice(i)));
    }
  }

  /** Records owned by `name`, or undefined. */
  at(name: string): DnsRecord[] | undefined {
    return this.byName.get(nameKey(name));
  }

  exists(name: string): boolean {
    return this.existing.has(existenceKey(labelKeys(name)));
  }

  /** What an AXFR sends (RFC 5936 §2.2): the SOA, every other record, the SOA again. */
  transferRecords(): DnsRecord[] {
    return [...this.records, this.soa];
  }

  /** TTL of a negative answer: the smaller of the SOA's TTL and its MINIMUM (RFC 2308 §3). */
  negativeSoa(): DnsRecord {
    return { ...this.soa, ttl: Math.min(this.soa.ttl, this.soa.rdata.minimum) };
  }
}

export class ZoneSet {
  private zones: Zone[] = [];

  constructor(zones: Zone[]) {
    for (const z of zones) this.put(z);
  }

  get list(): readonly Zone[] {
    return this.zones;
  }

  /** Add a zone, or replace the one with the same origin (a secondary server loads a transfer). */
  put(zone: Zone): void {
    this.zones = this.zones.filter((z) => nameKey(z.origin) !== nameKey(zone.origin));
    this.zones.push(zone);
  }

  /** The zone with the longest origin that `name` is in, or null. */
  find(name: string): Zone | null {
    let best: Zone | null = null;
    let bestDepth = -1;
    for (const z of this.zones) {
      const depth = labelKeys(z.origin).length;
      if (depth > bestDepth && isSubdomain(name, z.origin)) {
        best = z;
        bestDepth = depth;
      }
    }
    return best;
  }

  /** The zone whose origin is exactly `name`, or null (what AXFR asks for). */
  byOrigin(name: string): Zone | null {
    return this.zones.find((z) => nameKey(z.origin) === nameKey(name)) ?? null;
  }
}

export interface AuthoritativeAnswer {
  rcode: number;
  /** Authoritative Answer bit. */
  aa: boolean;
  answers: DnsRecord[];
  authority: DnsRecord[];
  additional: DnsRecord[];
}

/** Answer one question (RFC 1034 §4.3.2 steps 3a–3c, without referrals or wildcards). */
export function answerQuestion(zones: ZoneSet, q: DnsQuestion): AuthoritativeAnswer {
  let zone = zones.find(q.name);
  if (zone === null || (q.class !== CLASS_IN && q.class !== CLASS_ANY)) {
    return { rcode: RCODE_REFUSED, aa: false, answers: [], authority: [], additional: [] };
  }
  const answers: DnsRecord[] = [];
  const negative = (z: Zone, rcode: number): AuthoritativeAnswer => ({ rcode, aa: true, answers, authority: [z.negativeSoa()], additional: [] });
  let name = q.name;
  const seen = new Set<string>();
  for (let step = 0; step <= MAX_CNAME_CHAIN; step++) {
    seen.add(nameKey(name));
    const here = zone.at(name);
    if (here === undefined) return zone.exists(name) ? negative(zone, RCODE_NOERROR) : negative(zone, RCODE_NXDOMAIN);
    const matching = q.type === TYPE_ANY ? here : here.filter((r) => r.type === q.type);
    if (matching.length > 0) {
      answers.push(...matching);
      return { rcode: RCODE_NOERROR, aa: true, answers, authority: [], additional: glue(zones, matching) };
    }
    const cname = here.find((r) => r.type === TYPE_CNAME);
    if (cname === undefined || cname.rdata.kind !== 'CNAME') return negative(zone, RCODE_NOERROR);
    answers.push(cname);
    name = cname.rdata.cname;
    const next = zones.find(name);
    // The target is elsewhere (or a loop): the resolver follows it itself.
    if (next === null || seen.has(nameKey(name))) break;
    zone = next;
  }
  return { rcode: RCODE_NOERROR, aa: true, answers, authority: [], additional: [] };
}

/** Addresses of the name servers and mail exchangers in an answer, when this server has them. */
function glue(zones: ZoneSet, answers: DnsRecord[]): DnsRecord[] {
  const out: DnsRecord[] = [];
  for (const r of answers) {
    const target = r.rdata.kind === 'NS' ? r.rdata.nsdname : r.rdata.kind === 'MX' ? r.rdata.exchange : null;
    if (target === null) continue;
    const addresses = zones.find(target)?.at(target)?.filter((a) => a.type === TYPE_A || a.type === TYPE_AAAA) ?? [];
    for (const a of addresses) if (!out.includes(a)) out.push(a);
  }
  return out;
}

/**
 * Turn a scenario's zone into records, pushing a message naming the field for every problem: a bad
 * origin or name, a name outside the zone, bad RDATA, a duplicate record, a CNAME beside other data,
 * more than one SOA or one not at the origin. A zone without SOA gets one (DEFAULT_SOA_TIMERS).
 */
export function compileZone(spec: DnsZoneSpec, where: string, errors: string[]): Zone | null {
  const origin = canonicalName(spec.origin.endsWith('.') ? spec.origin : `${spec.origin}.`);
  if (origin === null) {
    const r = absoluteName(spec.origin, '.');
    errors.push(`${where}.origin: ${r.ok ? 'not a name' : r.error}`);
    return null;
  }
  const before = errors.length;
  const records: DnsRecord[] = [];
  const seen = new Set<string>();
  const typesAt = new Map<string, Set<number>>();
  spec.records.forEach((rs, i) => {
    const at = `${where}.records[${i}]`;
    const owner = absoluteName(rs.name, origin);
    if (!owner.ok || owner.name === undefined) {
      errors.push(`${at}.name: ${owner.ok ? 'not a name' : owner.error}`);
      return;
    }
    if (!isSubdomain(owner.name, origin)) {
      errors.push(`${at}.name: "${owner.name}" is outside the zone ${origin}`);
      return;
    }
    const rdata = parseRdataText(rs.type, rs.value, origin);
    if (!rdata.ok) {
      errors.push(`${at}.value: ${rdata.error}`);
      return;
    }
    const type = typeNumber(rs.type);
    if (type === TYPE_SOA && nameKey(owner.name) !== nameKey(origin)) {
      errors.push(`${at}.name: the SOA record belongs at the zone's origin ${origin}`);
      return;
    }
    const record: DnsRecord = { name: owner.name, type, class: CLASS_IN, ttl: rs.ttl ?? spec.ttl, rdata: rdata.rdata };
    const key = `${nameKey(owner.name)} ${type} ${formatRdata(rdata.rdata).toLowerCase()}`;
    if (seen.has(key)) {
      errors.push(`${at}: the same ${rs.type} record is listed twice`);
      return;
    }
    seen.add(key);
    let types = typesAt.get(nameKey(owner.name));
    if (types === undefined) typesAt.set(nameKey(owner.name), (types = new Set()));
    if (type === TYPE_SOA && types.has(TYPE_SOA)) {
      errors.push(`${at}: a zone has one SOA record`);
      return;
    }
    if (type === TYPE_CNAME ? types.size > 0 : types.has(TYPE_CNAME)) {
      errors.push(`${at}: "${owner.name}" has a CNAME, and a CNAME cannot sit beside other records (RFC 1034 §3.6.2)`);
      return;
    }
    types.add(type);
    records.push(record);
  });
  if (errors.length > before) return null;
  if (!records.some((r) => r.type === TYPE_SOA)) {
    if (typesAt.get(nameKey(origin))?.has(TYPE_CNAME)) {
      errors.push(`${where}.records: the origin ${origin} cannot be a CNAME (it holds the zone's SOA)`);
      return null;
    }
    const t = DEFAULT_SOA_TIMERS;
    const below = (label: string) => (origin === '.' ? `${label}.` : `${label}.${origin}`);
    records.unshift({
      name: origin,
      type: TYPE_SOA,
      class: CLASS_IN,
      ttl: spec.ttl,
      rdata: { kind: 'SOA', mname: below('ns'), rname: below('hostmaster'), serial: t.serial, refresh: t.refresh, retry: t.retry, expire: t.expire, minimum: t.minimum },
    });
  }
  return new Zone(origin, records);
}
