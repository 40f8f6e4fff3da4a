// DNS entries of a scenario (docs/scenario.md, "DNS"): the zod fields of a `dns` node (its zones and
// server settings) and of a `dns` flow's resolver, and the checks that need more than one field —
// zone text that must parse, names inside their zone, a CNAME alone at its name, transfer lists that
// name nodes, a resolver that asks a `dns` node — each with a message naming the field.

import { z } from 'zod';
import { DNS_PORT } from '../protocols/app/dns/message.ts';
import { canonicalName, MAX_NAME_BYTES } from '../protocols/app/dns/name.ts';
import type { DnsFlowSpec, DnsQuerySpec, DnsTransport } from '../protocols/app/dns/spec.ts';
import { ZONE_RECORD_TYPES } from '../protocols/app/dns/text.ts';
import { compileZone } from '../protocols/app/dns/zone.ts';

export const DNS_LIMITS = {
  zonesPerNode: 16,
  recordsPerZone: 2000,
  valueChars: 4000,
  queriesPerFlow: 1000,
  /** RFC 2181 §8: a TTL is 0 to 2^31 − 1 seconds. */
  ttlSeconds: 2_147_483_647,
} as const;

// The same rules as schema.ts's ids (kept here so this module does not import schema.ts, which imports it).
const id = z
  .string()
  .min(1, 'must not be empty')
  .max(32, 'must be at most 32 characters')
  .regex(/^[A-Za-z0-9_.-]+$/, 'may use only letters, digits, "_", "." and "-"');
const domainName = z.string().min(1, 'must not be empty').max(4 * MAX_NAME_BYTES, 'is too long for a domain name');
const ttl = z.number().int('must be a whole number').min(0, 'must not be negative').max(DNS_LIMITS.ttlSeconds, `must be at most ${DNS_LIMITS.ttlSeconds}`);
const ms = (max: number) => z.number().min(0, 'must not be negative').max(max, `must be at most ${max}`);

const recordSchema = z.strictObject({
  name: domainName.default('@'),
  type: z.enum(ZONE_RECORD_TYPES),
  ttl: ttl.optional(),
  value: z.string().max(DNS_LIMITS.valueChars, `must be at most ${DNS_LIMITS.valueChars} characters`),
});

const zoneSchema = z.strictObject({
  origin: domainName,
  ttl: ttl.default(3600),
  records: z.array(recordSchema).max(DNS_LIMITS.recordsPerZone, `may hold at most ${DNS_LIMITS.recordsPerZone} records`).default([]),
});

/** Fields of a `dns` node. */
export const dnsNodeFields = {
  zones: z.array(zoneSchema).max(DNS_LIMITS.zonesPerNode, `may hold at most ${DNS_LIMITS.zonesPerNode} zones`).default([]),
  allowTransfer: z.array(id).max(64, 'may name at most 64 nodes').optional(),
  processingUs: ms(1_000_000).default(20),
  tcpIdleTimeoutMs: z.number().positive('must be greater than 0').max(600_000, 'must be at most 600000').default(10_000),
  maxTcpConnections: z.number().int('must be a whole number').min(1, 'must be at least 1').max(4096, 'must be at most 4096').default(64),
  axfrRecordsPerMessage: z.number().int('must be a whole number').min(1, 'must be at least 1').max(1000, 'must be at most 1000').default(100),
};

const QUERY_TYPES = [...ZONE_RECORD_TYPES, 'ANY', 'AXFR'] as const;

/** A query: `{name, type?, atMs?, transport?, repeat?, everyMs?}`, or just the name (type A). */
const querySchema = z.preprocess(
  (v) => (typeof v === 'string' ? { name: v } : v),
  z.strictObject({
    name: domainName,
    type: z.enum(QUERY_TYPES).default('A'),
    atMs: ms(24 * 3600 * 1000).optional(),
    transport: z.enum(['udp', 'tcp']).optional(),
    /** Ask it this many times: at atMs + k·everyMs, or one after another without atMs. */
    repeat: z.number().int('must be a whole number').min(1, 'must be at least 1').max(DNS_LIMITS.queriesPerFlow, `must be at most ${DNS_LIMITS.queriesPerFlow}`).default(1),
    everyMs: ms(24 * 3600 * 1000).optional(),
  }),
);

/** `flows[].dns`: what the resolver asks and how it insists. */
export const flowDnsSchema = z.strictObject({
  queries: z.array(querySchema).max(DNS_LIMITS.queriesPerFlow, `may hold at most ${DNS_LIMITS.queriesPerFlow} queries`).default([]),
  transfer: domainName.optional(),
  timeoutMs: z.number().positive('must be greater than 0').max(60_000, 'must be at most 60000').default(1000),
  retries: z.number().int('must be a whole number').min(0, 'must not be negative').max(10, 'must be at most 10').default(2),
  tcpFallback: z.boolean().default(true),
  tcpOnTimeout: z.boolean().default(false),
  tcpTimeoutMs: z.number().positive('must be greater than 0').max(600_000, 'must be at most 600000').default(5000),
  recursionDesired: z.boolean().default(true),
});

type FlowDnsInput = z.output<typeof flowDnsSchema>;

interface NodeLike {
  id: string;
  kind: string;
  zones?: z.output<typeof zoneSchema>[];
  allowTransfer?: string[];
}

/** Zone text and transfer lists of every `dns` node. */
export function checkDnsNodes(nodes: readonly NodeLike[], errors: string[]): void {
  const kinds = new Map(nodes.map((n) => [n.id, n.kind]));
  nodes.forEach((n, i) => {
    if (n.kind !== 'dns') return;
    const origins = new Map<string, { index: number; origin: string }>();
    (n.zones ?? []).forEach((zone, j) => {
      const where = `nodes[${i}].zones[${j}]`;
      const compiled = compileZone(zone, where, errors);
      if (compiled === null) return;
      const key = compiled.origin.toLowerCase();
      const first = origins.get(key);
      if (first !== undefined) errors.push(`${where}.origin: zones[${first.index}] already has the origin ${first.origin}`);
      else origins.set(key, { index: j, origin: compiled.origin });
    });
    (n.allowTransfer ?? []).forEach((who, j) => {
      if (!kinds.has(who)) errors.push(`nodes[${i}].allowTransfer[${j}]: no node with id "${who}"`);
    });
  });
}

function absoluteQueryName(text: string): string | null {
  return canonicalName(text.endsWith('.') ? text : `${text}.`);
}

interface FlowLike {
  from: string;
  to: string;
  clientPort?: number;
  transport: DnsTransport;
  port?: number;
  dns?: FlowDnsInput;
}

/**
 * The resolver of a flow: for an `app: "dns"` flow its settings, defaulted (per-query transport: the
 * flow's, TCP for AXFR; names made absolute; `transfer` appended as an AXFR query); null for any other
 * application. Also checks that a dns flow asks a `dns` node on port 53 and that no other flow takes
 * a dns node's port 53.
 */
export function dnsFlowSpec(f: FlowLike, app: string, where: string, nodeKinds: ReadonlyMap<string, string>, errors: string[]): DnsFlowSpec | null {
  const toKind = nodeKinds.get(f.to);
  if (app !== 'dns') {
    if (f.dns !== undefined) errors.push(`${where}.dns: resolver settings belong to a flow with "app": "dns", not "${app}"`);
    if (toKind === 'dns' && f.port === DNS_PORT) errors.push(`${where}.port: port 53 of "${f.to}" is its name server's; only dns flows use it`);
    return null;
  }
  if (toKind !== undefined && toKind !== 'dns') errors.push(`${where}.to: "${f.to}" is a ${toKind}; a dns flow asks a dns node`);
  if (f.port !== undefined && f.port !== DNS_PORT) errors.push(`${where}.port: a dns node answers on port 53, not ${f.port}`);
  if (f.clientPort === DNS_PORT && nodeKinds.get(f.from) === 'dns') errors.push(`${where}.clientPort: port 53 of "${f.from}" is its name server's`);
  return resolverSpec(f.dns, f.transport, where, errors);
}

function resolverSpec(dns: FlowDnsInput | undefined, flowTransport: DnsTransport, where: string, errors: string[]): DnsFlowSpec | null {
  if (dns === undefined) {
    errors.push(`${where}.dns: a dns flow needs its resolver settings, e.g. "dns": {"queries": ["www.example.com"]}`);
    return null;
  }
  const before = errors.length;
  const queries: DnsQuerySpec[] = [];
  dns.queries.forEach((spec, k) => {
    const at = `${where}.dns.queries[${k}].name`;
    const name = absoluteQueryName(spec.name);
    if (name === null) {
      errors.push(`${at}: "${spec.name}" is not a domain name (labels of 1-63 ASCII characters, 255 bytes in all)`);
      return;
    }
    if (spec.repeat > 1 && spec.atMs === undefined && spec.everyMs !== undefined) {
      errors.push(`${where}.dns.queries[${k}].everyMs: give atMs too (repeats without atMs follow each other)`);
    }
    const transport = spec.transport ?? (spec.type === 'AXFR' ? 'tcp' : flowTransport);
    for (let r = 0; r < spec.repeat && queries.length <= DNS_LIMITS.queriesPerFlow; r++) {
      queries.push({ name, type: spec.type, atMs: spec.atMs === undefined ? null : spec.atMs + r * (spec.everyMs ?? 0), transport });
    }
  });
  if (dns.transfer !== undefined) {
    const zone = absoluteQueryName(dns.transfer);
    if (zone === null) errors.push(`${where}.dns.transfer: "${dns.transfer}" is not a domain name`);
    else queries.push({ name: zone, type: 'AXFR', atMs: null, transport: 'tcp' });
  }
  if (queries.length === 0 && errors.length === before) errors.push(`${where}.dns.queries: the resolver asks nothing (give queries or a transfer)`);
  if (queries.length > DNS_LIMITS.queriesPerFlow) errors.push(`${where}.dns.queries: at most ${DNS_LIMITS.queriesPerFlow} queries after repeat, with the transfer`);
  if (errors.length > before) return null;
  return {
    queries,
    timeoutMs: dns.timeoutMs,
    retries: dns.retries,
    tcpFallback: dns.tcpFallback,
    tcpOnTimeout: dns.tcpOnTimeout,
    tcpTimeoutMs: dns.tcpTimeoutMs,
    recursionDesired: dns.recursionDesired,
  };
}
