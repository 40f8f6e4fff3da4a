// A stub resolver (seed: "DNS과 UDP 통신 프로토콜", RFC 1035 §4.2, RFC 7766 §5, RFC 5936): each
// lookup is one UDP datagram to port 53 and one reply. UDP itself never resends, so the resolver
// does: no reply within `timeoutMs` and it sends the same query again, up to `retries` times, then
// gives up (or, with `tcpOnTimeout`, tries TCP once, as the seed notes). A reply with TC set was cut
// to 512 bytes, so the resolver asks again over TCP, where messages carry a 2-byte length and any
// size fits. A zone transfer (AXFR) runs over TCP: SOA, every record, SOA, in as many messages as
// the server sends. Replies are matched to queries by ID, source and question (RFC 5452 §9.1); a reply
// that does not match, or does not parse, is ignored. IDs come from the seeded PRNG.

import { DnsServer } from '../../net/dns-server.ts';
import type { Packet } from '../../net/packet.ts';
import { ipToString } from '../../net/addresses.ts';
import { Timer } from '../../sim/timer.ts';
import { msToNs } from '../../sim/time.ts';
import type { TcpConnection } from '../../transport/tcp/connection.ts';
import { ByteSendBuffer } from '../../transport/tcp/send-buffer.ts';
import { goodputBps, type FlowContext, type FlowRuntime, type FlowSummary } from '../flow.ts';
import { tcpConfigFor } from '../tcp-config.ts';
import {
  CLASS_IN,
  DNS_PORT,
  encodeMessage,
  OPCODE_QUERY,
  parseMessage,
  rcodeName,
  RCODE_NOERROR,
  TYPE_AXFR,
  TYPE_SOA,
  type DnsMessage,
  type DnsRecord,
} from './message.ts';
import { nameKey } from './name.ts';
import type { DnsFlowSpec, DnsQuerySpec, DnsTransport } from './spec.ts';
import { DnsTcpStream } from './tcp-stream.ts';
import { formatRecord, typeNumber } from './text.ts';
import './decoder.ts';

/** Records a lookup lists in the summary and its trace event; the rest are counted. */
const MAX_RECORDS_LISTED = 16;
/** Records a zone transfer may bring before the resolver gives up on it. */
export const MAX_TRANSFER_RECORDS = 100_000;

export type LookupStatus = 'waiting' | 'pending' | 'answered' | 'failed';

interface Transfer {
  messages: number;
  records: DnsRecord[];
  bytes: number;
}

class Lookup {
  readonly index: number;
  readonly spec: DnsQuerySpec;
  readonly qtype: number;
  status: LookupStatus = 'waiting';
  id = -1;
  transport: DnsTransport;
  /** Times it was sent: UDP datagrams, then the TCP try if any. */
  attempts = 0;
  /** UDP datagrams sent for it. */
  udpAttempts = 0;
  firstSentNs = -1;
  latencyNs = -1;
  truncated = false;
  rcode = -1;
  answers = 0;
  records: string[] = [];
  failure: string | null = null;
  query: Uint8Array | null = null;
  transfer: Transfer | null = null;
  channel: TcpChannel | null = null;
  timer: Timer | null = null;

  constructor(index: number, spec: DnsQuerySpec) {
    this.index = index;
    this.spec = spec;
    this.qtype = typeNumber(spec.type);
    this.transport = spec.transport;
  }
}

/** One TCP connection to the server, reused for the queries that need TCP while it stays open. */
interface TcpChannel {
  conn: TcpConnection;
  stream: DnsTcpStream;
  inflight: Map<number, Lookup>;
  closing: boolean;
}

export class DnsResolverFlow implements FlowRuntime {
  readonly spec: FlowContext['spec'];
  private readonly ctx: FlowContext;
  private readonly cfg: DnsFlowSpec;
  private readonly lookups: Lookup[];
  /** Queries waiting for a UDP reply, by ID. */
  private readonly udpOutstanding = new Map<number, Lookup>();
  private channel: TcpChannel | null = null;
  private readonly connections: TcpConnection[] = [];

  /** The resolver's newest TCP connection (a TCP query, a truncated answer asked again, a zone transfer), or null. */
  get clientTcp(): TcpConnection | null {
    return this.connections[this.connections.length - 1] ?? null;
  }
  started = false;
  private stopped = false;
  private startNs = 0;
  private lastAnswerNs = -1;
  private datagramsSent = 0;
  private udpBytesReceived = 0;
  private retries = 0;
  private timeouts = 0;
  private truncatedReplies = 0;
  private tcpFallbacks = 0;
  private ignored = 0;

  constructor(ctx: FlowContext) {
    this.ctx = ctx;
    this.spec = ctx.spec;
    if (ctx.spec.dns === null) throw new Error(`flow ${ctx.spec.id}: a dns flow needs its dns settings`);
    this.cfg = ctx.spec.dns;
    this.lookups = this.cfg.queries.map((q, i) => new Lookup(i, q));
    ctx.client.udp.bind(ctx.spec.clientPort, (p) => this.udpReply(p));
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    const sim = this.ctx.sim;
    this.startNs = sim.nowNs;
    for (const l of this.lookups) {
      if (l.spec.atMs !== null) sim.at(Math.max(msToNs(l.spec.atMs), sim.nowNs), () => this.begin(l));
    }
    const first = this.lookups[0];
    if (first !== undefined && first.spec.atMs === null) this.begin(first);
  }

  /** The application stops: queries not yet sent never will be, and nothing is resent. */
  stop(): void {
    this.stopped = true;
  }

  // ---------------------------------------------------------------------------------- lookups

  private begin(l: Lookup): void {
    if (this.stopped || l.status !== 'waiting') return;
    l.status = 'pending';
    l.firstSentNs = this.ctx.sim.nowNs;
    l.id = this.newId();
    l.query = encodeMessage({
      header: { id: l.id, qr: false, opcode: OPCODE_QUERY, aa: false, tc: false, rd: this.cfg.recursionDesired, ra: false, z: 0, rcode: 0 },
      questions: [{ name: l.spec.name, type: l.qtype, class: CLASS_IN }],
      answers: [],
      authority: [],
      additional: [],
    }).bytes;
    l.timer = new Timer(this.ctx.sim, () => this.expired(l));
    if (l.transport === 'tcp') this.sendTcp(l);
    else this.sendUdp(l);
  }

  /** A random ID no outstanding query of this flow uses (RFC 5452 §9.2: IDs must be unpredictable). */
  private newId(): number {
    const prng = this.ctx.sim.prng;
    const inUse = (id: number) => this.udpOutstanding.has(id) || (this.channel?.inflight.has(id) ?? false);
    for (let i = 0; i < 64; i++) {
      const id = prng.int(65536);
      if (!inUse(id)) return id;
    }
    for (let id = 0; id < 65536; id++) if (!inUse(id)) return id;
    throw new Error('invariant: at most 1000 lookups, so a free ID exists');
  }

  private finished(l: Lookup): void {
    l.timer?.cancel();
    this.udpOutstanding.delete(l.id);
    const ch = l.channel;
    if (ch !== null) {
      ch.inflight.delete(l.id);
      l.channel = null;
    }
    // The next query in the list without a time of its own goes now.
    const next = this.lookups[l.index + 1];
    if (next !== undefined && next.spec.atMs === null) this.begin(next);
    if (ch !== null) this.closeIfIdle(ch);
  }

  private answered(l: Lookup, m: DnsMessage, transport: DnsTransport, bytes: number): void {
    const sim = this.ctx.sim;
    l.status = 'answered';
    l.rcode = m.header.rcode;
    l.answers = m.answers.length;
    l.records = m.answers.slice(0, MAX_RECORDS_LISTED).map(formatRecord);
    l.latencyNs = sim.nowNs - l.firstSentNs;
    this.lastAnswerNs = sim.nowNs;
    this.trace('response', l, {
      transport,
      rcode: rcodeName(m.header.rcode),
      aa: m.header.aa,
      tc: m.header.tc,
      answers: m.answers.length,
      authority: m.authority.length,
      additional: m.additional.length,
      records: l.records,
      bytes,
      latencyMs: l.latencyNs / 1e6,
    });
    this.finished(l);
  }

  private failed(l: Lookup, reason: string): void {
    l.status = 'failed';
    l.failure = reason;
    this.trace('give-up', l, { transport: l.transport, reason, attempts: l.attempts });
    this.finished(l);
  }

  /** The application's timer: resend over UDP, switch to TCP, or give up. */
  private expired(l: Lookup): void {
    if (l.status !== 'pending') return;
    this.timeouts++;
    if (l.transport === 'tcp') {
      this.trace('timeout', l, { transport: 'tcp', attempt: l.attempts, timeoutMs: this.cfg.tcpTimeoutMs, next: 'give-up' });
      this.failed(l, 'timeout');
      return;
    }
    const canRetry = l.udpAttempts <= this.cfg.retries && !this.stopped;
    const next = canRetry ? 'retry' : this.cfg.tcpOnTimeout && !this.stopped ? 'tcp' : 'give-up';
    this.trace('timeout', l, { transport: 'udp', attempt: l.attempts, timeoutMs: this.cfg.timeoutMs, next });
    if (next === 'retry') {
      this.retries++;
      this.sendUdp(l);
    } else if (next === 'tcp') {
      this.switchToTcp(l, 'timeout');
    } else {
      this.failed(l, 'timeout');
    }
  }

  // ---------------------------------------------------------------------------------------- UDP

  private sendUdp(l: Lookup): void {
    const { sim, spec, client, serverIp } = this.ctx;
    const retry = l.udpAttempts > 0;
    l.attempts++;
    l.udpAttempts++;
    this.udpOutstanding.set(l.id, l);
    // Datagrams are numbered like a flow's data segments, so `drop-segment` can hit the n-th one.
    const p = client.udp.send(spec.clientPort, serverIp, DNS_PORT, l.query!, spec.id, 'dns', { dataSegmentIndex: ++this.datagramsSent, retransmit: retry });
    l.timer!.setIn(msToNs(this.cfg.timeoutMs));
    this.trace('query', l, { transport: 'udp', attempt: l.attempts, retry, bytes: l.query!.length, packet: p.id });
    if (sim.trace.enabled('send')) {
      sim.trace.emit({ type: 'send', t: sim.nowMs, flow: spec.id, side: 'client', seq: this.datagramsSent, len: l.query!.length, flags: 'UDP', retransmit: retry });
    }
  }

  private udpReply(p: Packet): void {
    const { sim, spec, serverIp } = this.ctx;
    const bytes = p.payload;
    const parsed = parseMessage(bytes);
    if (!parsed.ok) return this.ignore('udp', 'malformed', parsed.error, p);
    const m = parsed.message;
    const l = this.udpOutstanding.get(m.header.id);
    if (!m.header.qr) return this.ignore('udp', 'unmatched', 'a query, not a response', p);
    if (l === undefined) {
      const late = this.lookups.some((x) => x.id === m.header.id && x.status !== 'pending');
      return this.ignore('udp', late ? 'late' : 'unmatched', late ? 'the lookup with this ID already finished' : `no query with ID ${m.header.id}`, p);
    }
    if (p.ip.src !== serverIp || p.udp!.srcPort !== DNS_PORT || !sameQuestion(m, l)) {
      return this.ignore('udp', 'unmatched', 'source or question differs from the query', p);
    }
    this.udpBytesReceived += bytes.length;
    if (sim.trace.enabled('deliver')) {
      sim.trace.emit({ type: 'deliver', t: sim.nowMs, flow: spec.id, side: 'client', bytes: bytes.length, total: this.deliveredBytes() });
    }
    if (m.header.tc) {
      this.truncatedReplies++;
      l.truncated = true;
      if (this.cfg.tcpFallback && !this.stopped) {
        this.trace('response', l, {
          transport: 'udp',
          rcode: rcodeName(m.header.rcode),
          aa: m.header.aa,
          tc: true,
          answers: m.answers.length,
          authority: m.authority.length,
          additional: m.additional.length,
          records: m.answers.slice(0, MAX_RECORDS_LISTED).map(formatRecord),
          bytes: bytes.length,
          latencyMs: (sim.nowNs - l.firstSentNs) / 1e6,
        });
        this.switchToTcp(l, 'truncated');
        return;
      }
    }
    this.answered(l, m, 'udp', bytes.length);
  }

  private switchToTcp(l: Lookup, reason: 'truncated' | 'timeout'): void {
    this.tcpFallbacks++;
    l.timer!.cancel();
    this.udpOutstanding.delete(l.id);
    this.trace('tcp-fallback', l, { reason });
    this.sendTcp(l);
  }

  private ignore(transport: DnsTransport, reason: 'malformed' | 'unmatched' | 'late', detail: string, p: Packet | null): void {
    this.ignored++;
    this.emit('ignored', {
      transport,
      reason,
      detail,
      ...(p !== null ? { packet: p.id, from: `${ipToString(p.ip.src)}:${p.udp?.srcPort ?? p.tcp?.srcPort ?? 0}` } : {}),
    });
  }

  // ---------------------------------------------------------------------------------------- TCP

  private sendTcp(l: Lookup): void {
    l.transport = 'tcp';
    let ch = this.channel;
    if (ch === null || ch.closing) ch = this.openChannel();
    l.channel = ch;
    ch.inflight.set(l.id, l);
    l.attempts++;
    l.timer!.setIn(msToNs(this.cfg.tcpTimeoutMs));
    ch.stream.send(l.query!);
    this.trace('query', l, { transport: 'tcp', attempt: l.attempts, retry: false, bytes: l.query!.length, localPort: ch.conn.localPort });
  }

  private openChannel(): TcpChannel {
    const { spec, client, server, serverIp } = this.ctx;
    const localPort = this.freeLocalPort();
    const sendBuffer = new ByteSendBuffer(spec.sndBufBytes);
    if (server instanceof DnsServer) server.labelClient(client.ip, localPort, spec.id, tcpConfigFor(spec, 'server'));
    const conn = client.tcp.connect({ localPort, remoteIp: serverIp, remotePort: DNS_PORT, config: tcpConfigFor(spec, 'client'), flowId: spec.id, sendBuffer });
    conn.appKind = 'dns';
    const ch: TcpChannel = {
      conn,
      stream: new DnsTcpStream(conn, sendBuffer, (message) => this.tcpMessage(ch, message)),
      inflight: new Map(),
      closing: false,
    };
    conn.app = {
      readable: () => ch.stream.readable(),
      writable: () => ch.stream.writable(),
      // The server closed its half: whatever is still unanswered will not be.
      eof: () => {
        ch.closing = true;
        for (const l of [...ch.inflight.values()]) this.failed(l, 'connection closed by the server');
        ch.stream.close();
      },
      closed: (_c, error) => {
        ch.closing = true;
        if (this.channel === ch) this.channel = null;
        for (const l of [...ch.inflight.values()]) this.failed(l, error ?? 'connection closed');
      },
    };
    this.channel = ch;
    this.connections.push(conn);
    conn.connect();
    return ch;
  }

  /** The flow's client port, or the next one up that has no connection to the server (one may linger in TIME_WAIT). */
  private freeLocalPort(): number {
    const { spec, client, serverIp } = this.ctx;
    const used = new Set<number>();
    for (const c of client.tcp.all()) if (c.remoteIp === serverIp && c.remotePort === DNS_PORT) used.add(c.localPort);
    for (let k = 0; k < 65536; k++) {
      const port = 1024 + ((spec.clientPort - 1024 + this.connections.length + k) % (65536 - 1024));
      if (!used.has(port)) return port;
    }
    throw new Error('invariant: a host has fewer than 64 512 connections to one server port');
  }

  private tcpMessage(ch: TcpChannel, bytes: Uint8Array): void {
    const parsed = parseMessage(bytes);
    if (!parsed.ok) return this.ignore('tcp', 'malformed', parsed.error, null);
    const m = parsed.message;
    const l = ch.inflight.get(m.header.id);
    if (!m.header.qr || l === undefined) return this.ignore('tcp', 'unmatched', `no query with ID ${m.header.id} on this connection`, null);
    if (l.qtype === TYPE_AXFR) return this.transferMessage(l, m, bytes.length);
    if (!sameQuestion(m, l)) return this.ignore('tcp', 'unmatched', 'question differs from the query', null);
    this.answered(l, m, 'tcp', bytes.length);
  }

  /** One message of a zone transfer (RFC 5936 §2.2): the first record is the zone's SOA, the transfer ends at the SOA again. */
  private transferMessage(l: Lookup, m: DnsMessage, bytes: number): void {
    if (l.transfer === null) {
      // The first message answers the question: refused, not authoritative, or the zone's start.
      if (!sameQuestion(m, l)) return this.ignore('tcp', 'unmatched', 'question differs from the query', null);
      if (m.header.rcode !== RCODE_NOERROR) return this.answered(l, m, 'tcp', bytes);
      l.transfer = { messages: 0, records: [], bytes: 0 };
    } else if (m.header.rcode !== RCODE_NOERROR) {
      return this.failed(l, `transfer stopped with ${rcodeName(m.header.rcode)}`);
    }
    const t = l.transfer;
    t.messages++;
    t.bytes += bytes;
    l.timer!.setIn(msToNs(this.cfg.tcpTimeoutMs));
    const zone = nameKey(l.spec.name);
    let complete = false;
    for (const r of m.answers) {
      if (complete) return this.failed(l, 'records after the closing SOA');
      const isSoa = r.type === TYPE_SOA && nameKey(r.name) === zone;
      if (t.records.length === 0 && !isSoa) return this.failed(l, 'the transfer does not start with the zone’s SOA');
      t.records.push(r);
      if (t.records.length > 1 && isSoa) complete = true;
      if (t.records.length > MAX_TRANSFER_RECORDS) return this.failed(l, `more than ${MAX_TRANSFER_RECORDS} records`);
    }
    this.trace('axfr', l, { message: t.messages, records: m.answers.length, total: t.records.length, bytes, done: complete });
    if (!complete) return;
    const soa = t.records[0]!;
    const zoneRecords = t.records.slice(0, -1);
    // A name server that transferred a zone serves it from now on (a secondary).
    if (this.ctx.client instanceof DnsServer) this.ctx.client.loadTransferredZone(soa.name, zoneRecords);
    const sim = this.ctx.sim;
    l.status = 'answered';
    l.rcode = RCODE_NOERROR;
    l.answers = zoneRecords.length;
    l.records = zoneRecords.slice(0, MAX_RECORDS_LISTED).map(formatRecord);
    l.latencyNs = sim.nowNs - l.firstSentNs;
    this.lastAnswerNs = sim.nowNs;
    this.trace('response', l, {
      transport: 'tcp',
      rcode: 'NOERROR',
      aa: m.header.aa,
      tc: false,
      answers: zoneRecords.length,
      messages: t.messages,
      serial: soa.rdata.kind === 'SOA' ? soa.rdata.serial : null,
      records: l.records,
      bytes: t.bytes,
      latencyMs: l.latencyNs / 1e6,
    });
    this.finished(l);
  }

  private closeIfIdle(ch: TcpChannel): void {
    if (ch.closing || ch.inflight.size > 0) return;
    // RFC 7766 §6.2.1: a client closes a connection it no longer needs.
    ch.closing = true;
    if (this.channel === ch) this.channel = null;
    ch.stream.close();
  }

  // -------------------------------------------------------------------------------------- report

  private trace(action: string, l: Lookup, fields: Record<string, unknown>): void {
    this.emit(action, { query: l.index, id: l.id, name: l.spec.name, qtype: l.spec.type, ...fields });
  }

  /** A `dns` trace event of this resolver. */
  private emit(action: string, fields: Record<string, unknown>): void {
    const sim = this.ctx.sim;
    if (!sim.trace.enabled('dns')) return;
    sim.trace.emit({ type: 'dns', t: sim.nowMs, node: this.ctx.client.id, flow: this.spec.id, side: 'client', action, ...fields });
  }

  private deliveredBytes(): number {
    let n = this.udpBytesReceived;
    for (const c of this.connections) n += c.stats.deliveredBytes;
    return n;
  }

  summary(): FlowSummary {
    let tcpSegments = 0;
    let tcpRetransmits = 0;
    let fastRetransmits = 0;
    for (const c of this.connections) {
      tcpSegments += c.stats.sentSegments;
      tcpRetransmits += c.stats.retransmits;
      fastRetransmits += c.stats.fastRetransmits;
    }
    const answered = this.lookups.filter((l) => l.status === 'answered');
    const rcodes: Record<string, number> = {};
    for (const l of answered) rcodes[rcodeName(l.rcode)] = (rcodes[rcodeName(l.rcode)] ?? 0) + 1;
    const latencies = answered.map((l) => l.latencyNs / 1e6);
    const delivered = this.deliveredBytes();
    const endNs = this.lastAnswerNs >= 0 ? this.lastAnswerNs : this.ctx.sim.nowNs;
    return {
      sentSegments: this.datagramsSent + tcpSegments,
      retransmits: this.retries + tcpRetransmits,
      timeouts: this.timeouts,
      fastRetransmits,
      deliveredBytes: delivered,
      goodputBps: this.started ? goodputBps(delivered, this.startNs, endNs) : 0,
      queries: this.lookups.filter((l) => l.status !== 'waiting').length,
      answered: answered.length,
      failed: this.lookups.filter((l) => l.status === 'failed').length,
      answers: answered.reduce((n, l) => n + l.answers, 0),
      rcodes,
      retries: this.retries,
      truncated: this.truncatedReplies,
      tcpFallbacks: this.tcpFallbacks,
      tcpConnections: this.connections.length,
      ignored: this.ignored,
      meanLatencyMs: latencies.length === 0 ? null : round3(latencies.reduce((a, b) => a + b, 0) / latencies.length),
      maxLatencyMs: latencies.length === 0 ? null : round3(Math.max(...latencies)),
      lookups: this.lookups.map((l) => ({
        name: l.spec.name,
        type: l.spec.type,
        status: l.status,
        id: l.id < 0 ? null : l.id,
        transport: l.transport,
        attempts: l.attempts,
        truncated: l.truncated,
        rcode: l.rcode < 0 ? null : rcodeName(l.rcode),
        answers: l.answers,
        latencyMs: l.latencyNs < 0 ? null : round3(l.latencyNs / 1e6),
        records: l.records,
        failure: l.failure,
        ...(l.transfer !== null ? { messages: l.transfer.messages, transferBytes: l.transfer.bytes } : {}),
      })),
    };
  }
}

function sameQuestion(m: DnsMessage, l: Lookup): boolean {
  const q = m.questions[0];
  return m.questions.length === 1 && q !== undefined && q.type === l.qtype && q.class === CLASS_IN && nameKey(q.name) === nameKey(l.spec.name);
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
