// The DNS settings a scenario gives (docs/scenario.md, "DNS"): the zones a `dns` node serves and its
// server settings, and what a `dns` flow's resolver asks. The loader (shared/scenario/dns.ts) checks
// them and fills in defaults; zone.ts turns zone text into records.

import type { ZoneRecordType } from './text.ts';

export interface DnsRecordSpec {
  /** Owner name: "@" is the origin, a name ending in "." is absolute, any other is relative to the origin. */
  name: string;
  type: ZoneRecordType;
  /** Seconds; absent: the zone's `ttl`. */
  ttl?: number;
  /** RDATA in master-file form (TXT: the text itself). */
  value: string;
}

export interface DnsZoneSpec {
  /** The zone's apex ("example.com"). */
  origin: string;
  /** Default TTL of its records, in seconds. */
  ttl: number;
  records: DnsRecordSpec[];
}

/** Fields of a `dns` node (an authoritative name server). */
export interface DnsServerFields {
  zones: DnsZoneSpec[];
  /** Node ids allowed to transfer a zone (AXFR); absent: anyone. */
  allowTransfer?: string[];
  /** CPU time to answer one query, in µs. */
  processingUs: number;
  /** A TCP connection with nothing to do for this long is closed by the server (RFC 7766 §6.2.3). */
  tcpIdleTimeoutMs: number;
  /** Concurrent TCP connections it accepts; a SYN beyond is answered with RST. */
  maxTcpConnections: number;
  /** Records per AXFR message (each message also stays under 16 KiB). */
  axfrRecordsPerMessage: number;
}

export type DnsQueryType = ZoneRecordType | 'ANY' | 'AXFR';
export type DnsTransport = 'udp' | 'tcp';

export interface DnsQuerySpec {
  /** Absolute name, canonical ("www.example.com."). */
  name: string;
  type: DnsQueryType;
  /** Simulated time to send it; null: when the query before it in the list has finished. */
  atMs: number | null;
  /** The transport it is first sent over (AXFR: TCP unless a scenario asks for UDP to show the refusal). */
  transport: DnsTransport;
}

/** A `dns` flow's resolver (`flows[].dns`). */
export interface DnsFlowSpec {
  queries: DnsQuerySpec[];
  /** Application timeout for a UDP reply, in ms. */
  timeoutMs: number;
  /** UDP resends after a timeout before giving up. */
  retries: number;
  /** A truncated (TC) UDP reply makes the resolver ask again over TCP. */
  tcpFallback: boolean;
  /** After the last UDP timeout, one more try over TCP (the seed: "or when no reply came"). */
  tcpOnTimeout: boolean;
  /** How long a query over TCP (connection set-up included) or a zone transfer may take, in ms. */
  tcpTimeoutMs: number;
  /** The RD bit of its queries (an authoritative server answers without recursion either way). */
  recursionDesired: boolean;
}
