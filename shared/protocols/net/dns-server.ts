// An authoritative name server (seed: "DNS(Domain Name Service)에서 UDP를 사용하는 이유", RFC 1035 §4.2,
// RFC 7766, RFC 5936): a host that answers queries for its zones on UDP and TCP port 53. Over UDP a
// query is one datagram and its answer one datagram of at most 512 bytes; an answer that does not fit
// is cut to the records that do and the TC bit is set, so the resolver asks again over TCP, where
// each message carries a 2-byte length. A zone transfer (AXFR: the SOA, every record, the SOA again,
// in as many messages as it takes) is served over TCP only and refused over UDP. A message that cannot
// be parsed is answered FORMERR when its header could be read, and otherwise dropped. Every query
// costs `processingUs` of the node's CPU; a full CPU queue drops the query (the server is overloaded).

import { encodeMessage, DNS_PORT, MAX_MESSAGE_BYTES, OPCODE_QUERY, parseMessage, RCODE_FORMERR, RCODE_NOTAUTH, RCODE_NOTIMP, RCODE_REFUSED, rcodeName, TYPE_AXFR, TYPE_IXFR, typeName, UDP_MESSAGE_LIMIT_BYTES, type DnsHeader, type DnsMessage, type DnsQuestion, type DnsRecord } from '../app/dns/message.ts';
import { DnsTcpStream } from '../app/dns/tcp-stream.ts';
import { formatRecord } from '../app/dns/text.ts';
import { answerQuestion, compileZone, Zone, ZoneSet } from '../app/dns/zone.ts';
import '../app/dns/decoder.ts'; // the packet inspector learns to show DNS messages
import type { DnsNodeSpec } from '../scenario.ts';
import { Timer } from '../sim/timer.ts';
import { msToNs } from '../sim/time.ts';
import type { TcpConfig, TcpConnection } from '../transport/tcp/connection.ts';
import { defaultTcpConfig } from '../transport/tcp/default-config.ts';
import type { Acceptor } from '../transport/tcp/socket-table.ts';
import { ByteSendBuffer } from '../transport/tcp/send-buffer.ts';
import { ipToString } from './addresses.ts';
import { Cpu } from './cpu.ts';
import { Host } from './host.ts';
import type { Network } from './network.ts';
import type { Packet } from './packet.ts';

/** TCP settings of a connection from a client no scenario flow describes (the schema's defaults). */
const DEFAULT_DNS_TCP: TcpConfig = defaultTcpConfig({ rcvBufBytes: 65_536, sndBufBytes: 262_144 });

/** An AXFR message stays under this size (BIND's default is 16 KiB too); a larger single record gets a message of its own. */
export const AXFR_MESSAGE_BYTES = 16_384;
/** Clients whose flow the server knows (for labelling its packets), at most. */
const MAX_CLIENT_LABELS = 4096;

export type DnsTransportName = 'udp' | 'tcp';

type Decision =
  | { kind: 'ignore'; reason: string }
  | { kind: 'answer'; message: DnsMessage }
  | { kind: 'transfer'; zone: Zone; query: DnsMessage };

export interface DnsServerSummary {
  zones: string[];
  udpQueries: number;
  tcpQueries: number;
  /** Responses sent, by RCODE name. */
  rcodes: Record<string, number>;
  /** UDP responses cut to 512 bytes with TC set. */
  truncated: number;
  /** Messages dropped without an answer (unreadable header, a response, CPU overloaded). */
  ignored: number;
  overloaded: number;
  transfers: number;
  transferMessages: number;
  transferRecords: number;
  tcpConnections: number;
  tcpRefused: number;
}

/** What the game draws of a name server: its zones in zone-file form, its figures, its open connections. */
export interface DnsServerView extends DnsServerSummary {
  node: string;
  up: boolean;
  zoneData: Array<{ origin: string; serial: number; records: string[]; more: number }>;
  openTcpConnections: number;
  cpuBacklog: number;
}

/** Records a view lists per zone; the rest are counted in `more`. */
const VIEW_RECORDS_PER_ZONE = 200;

export class DnsServer extends Host {
  override readonly kind: string = 'dns';
  readonly zones: ZoneSet;
  readonly cpu: Cpu;
  private readonly spec: DnsNodeSpec;
  private readonly allowTransfer: Set<string> | null;
  private readonly processingNs: number;
  private readonly idleNs: number;
  /** "ip:port" of a resolver's TCP connection → its flow and TCP settings (labels only: never on the wire). */
  private readonly clientLabels = new Map<string, { flowId: string; config: TcpConfig }>();
  private openTcp = 0;
  readonly stats = {
    udpQueries: 0,
    tcpQueries: 0,
    rcodes: {} as Record<string, number>,
    truncated: 0,
    ignored: 0,
    overloaded: 0,
    transfers: 0,
    transferMessages: 0,
    transferRecords: 0,
    tcpConnections: 0,
    tcpRefused: 0,
  };

  constructor(network: Network, spec: DnsNodeSpec, index: number, ip: number) {
    super(network, spec.id, index, ip);
    this.spec = spec;
    const errors: string[] = [];
    const zones = spec.zones.map((z, i) => compileZone(z, `nodes.${spec.id}.zones[${i}]`, errors));
    // The loader compiled the same zones and reported every problem; here they can only be right.
    if (errors.length > 0) throw new Error(`dns node ${spec.id}: ${errors.join('; ')}`);
    this.zones = new ZoneSet(zones.filter((z): z is Zone => z !== null));
    this.allowTransfer = spec.allowTransfer === undefined ? null : new Set(spec.allowTransfer);
    this.processingNs = Math.round(spec.processingUs * 1000);
    this.idleNs = msToNs(spec.tcpIdleTimeoutMs);
    this.cpu = new Cpu(network.sim);
    this.udp.bind(DNS_PORT, (p) => this.udpQuery(p));
    this.tcp.listen(DNS_PORT, (remoteIp, remotePort) => this.acceptTcp(remoteIp, remotePort));
  }

  /** A resolver says which flow its TCP connection from (ip, port) belongs to, so the replies carry the flow's id. */
  labelClient(ip: number, port: number, flowId: string, config: TcpConfig): void {
    if (this.clientLabels.size >= MAX_CLIENT_LABELS) {
      const oldest = this.clientLabels.keys().next();
      if (!oldest.done) this.clientLabels.delete(oldest.value);
    }
    this.clientLabels.set(`${ip}:${port}`, { flowId, config });
  }

  /** A secondary server loads the zone it transferred (records as received, the closing SOA left out). */
  loadTransferredZone(origin: string, records: DnsRecord[]): void {
    this.zones.put(new Zone(origin, records));
  }

  // ------------------------------------------------------------------------------------------ UDP

  private udpQuery(p: Packet): void {
    this.stats.udpQueries++;
    const payload = p.payload;
    const client = { ip: p.ip.src, port: p.udp!.srcPort };
    const flowId = p.flowId;
    const done = () => {
      const d = this.decide(payload, 'udp', client.ip);
      if (d.kind === 'ignore') return this.traceIgnored(flowId, 'udp', client, d.reason);
      if (d.kind === 'transfer') throw new Error('invariant: AXFR over UDP is refused in decide()');
      const enc = encodeMessage(d.message, { limitBytes: UDP_MESSAGE_LIMIT_BYTES });
      if (enc.truncated) this.stats.truncated++;
      this.countRcode(d.message.header.rcode);
      this.udp.send(DNS_PORT, client.ip, client.port, enc.bytes, flowId, 'dns');
      this.traceAnswer(flowId, 'udp', client, d.message, enc);
    };
    this.work(flowId, 'udp', client, done);
  }

  // ------------------------------------------------------------------------------------------ TCP

  private acceptTcp(remoteIp: number, remotePort: number): Acceptor | null {
    if (this.openTcp >= this.spec.maxTcpConnections) {
      this.stats.tcpRefused++;
      return null; // answered with RST
    }
    const label = this.clientLabels.get(`${remoteIp}:${remotePort}`);
    const config = label?.config ?? DEFAULT_DNS_TCP;
    return {
      flowId: label?.flowId ?? null,
      config,
      sendBuffer: () => new ByteSendBuffer(config.sndBufBytes),
      accept: (conn) => this.accepted(conn),
    };
  }

  private accepted(conn: TcpConnection): void {
    conn.appKind = 'dns';
    this.openTcp++;
    this.stats.tcpConnections++;
    const client = { ip: conn.remoteIp, port: conn.remotePort };
    // Queries read but not yet answered: the server closes only after answering them.
    let working = 0;
    let peerDone = false;
    const closeIfDone = () => {
      if (peerDone && working === 0) stream.close();
    };
    const stream: DnsTcpStream = new DnsTcpStream(conn, conn.sendBuffer as ByteSendBuffer, (message) => {
      idle.setIn(this.idleNs);
      this.stats.tcpQueries++;
      working++;
      const accepted = this.work(conn.flowId, 'tcp', client, () => {
        working--;
        this.tcpQuery(stream, client, message);
        closeIfDone();
      });
      if (!accepted) working--;
    });
    // RFC 7766 §6.2.3: a server closes a connection that stays idle — no query being answered, no answer unsent.
    const idle: Timer = new Timer(this.network.sim, () => {
      if (working > 0 || stream.sending) idle.setIn(this.idleNs);
      else stream.close();
    });
    idle.setIn(this.idleNs);
    conn.app = {
      readable: () => stream.readable(),
      writable: () => stream.writable(),
      eof: () => {
        peerDone = true;
        closeIfDone();
      },
      closed: () => {
        this.openTcp--;
        idle.cancel();
        this.clientLabels.delete(`${client.ip}:${client.port}`);
      },
    };
  }

  private tcpQuery(stream: DnsTcpStream, client: { ip: number; port: number }, message: Uint8Array): void {
    const flowId = stream.conn.flowId;
    const d = this.decide(message, 'tcp', client.ip);
    if (d.kind === 'ignore') return this.traceIgnored(flowId, 'tcp', client, d.reason);
    if (d.kind === 'transfer') return this.transfer(stream, client, d.zone, d.query);
    const enc = encodeMessage(d.message, { limitBytes: MAX_MESSAGE_BYTES });
    this.countRcode(d.message.header.rcode);
    stream.send(enc.bytes);
    this.traceAnswer(flowId, 'tcp', client, d.message, enc);
  }

  /** RFC 5936 §2.2: SOA, the zone's records, SOA; the question only in the first message. */
  private transfer(stream: DnsTcpStream, client: { ip: number; port: number }, zone: Zone, query: DnsMessage): void {
    const records = zone.transferRecords();
    const q = query.questions[0]!;
    const perMessage = this.spec.axfrRecordsPerMessage;
    this.stats.transfers++;
    this.countRcode(0);
    let sent = 0;
    for (let n = 1; sent < records.length; n++) {
      const message: DnsMessage = {
        header: responseHeader(query.header, 0, true),
        questions: n === 1 ? [q] : [],
        answers: records.slice(sent, sent + perMessage),
        authority: [],
        additional: [],
      };
      let enc = encodeMessage(message, { limitBytes: AXFR_MESSAGE_BYTES });
      if (enc.answers === 0) enc = encodeMessage({ ...message, answers: message.answers.slice(0, 1) }, { limitBytes: MAX_MESSAGE_BYTES });
      // A message holds whole records only; what did not fit goes in the next one (TC stays clear).
      const bytes = enc.truncated ? clearTc(enc.bytes) : enc.bytes;
      sent += enc.answers;
      if (!stream.send(bytes)) {
        this.traceIgnored(stream.conn.flowId, 'tcp', client, 'transfer larger than the output queue');
        stream.close();
        return;
      }
      this.stats.transferMessages++;
      this.stats.transferRecords += enc.answers;
      const sim = this.network.sim;
      if (sim.trace.enabled('dns')) {
        sim.trace.emit({
          type: 'dns',
          t: sim.nowMs,
          node: this.id,
          flow: stream.conn.flowId,
          side: 'server',
          action: 'axfr',
          transport: 'tcp',
          client: `${ipToString(client.ip)}:${client.port}`,
          id: query.header.id,
          zone: zone.origin,
          message: n,
          records: enc.answers,
          sent,
          total: records.length,
          bytes: bytes.length,
          last: sent >= records.length,
        });
      }
    }
  }

  // ------------------------------------------------------------------------------------ answering

  /** Run a query's processing on the CPU, then `done`; a full CPU queue drops it (returns false). */
  private work(flowId: string | null, transport: DnsTransportName, client: { ip: number; port: number }, done: () => void): boolean {
    if (this.cpu.run(this.processingNs, done) >= 0) return true;
    this.stats.overloaded++;
    this.traceIgnored(flowId, transport, client, 'overloaded');
    return false;
  }

  private decide(bytes: Uint8Array, transport: DnsTransportName, clientIp: number): Decision {
    const parsed = parseMessage(bytes);
    if (!parsed.ok) {
      const h = parsed.header;
      if (h === null || h.qr) return { kind: 'ignore', reason: parsed.error };
      return { kind: 'answer', message: errorResponse(h, RCODE_FORMERR, []) };
    }
    const m = parsed.message;
    const h = m.header;
    if (h.qr) return { kind: 'ignore', reason: 'a response, not a query' };
    if (h.opcode !== OPCODE_QUERY) return { kind: 'answer', message: errorResponse(h, RCODE_NOTIMP, m.questions.slice(0, 1)) };
    if (m.questions.length !== 1) return { kind: 'answer', message: errorResponse(h, RCODE_FORMERR, []) };
    const q = m.questions[0]!;
    if (q.type === TYPE_AXFR) {
      // RFC 5936 §4.2: zone transfers run over TCP.
      if (transport === 'udp') return { kind: 'answer', message: errorResponse(h, RCODE_REFUSED, [q]) };
      const zone = this.zones.byOrigin(q.name);
      if (zone === null) return { kind: 'answer', message: errorResponse(h, RCODE_NOTAUTH, [q]) };
      const from = this.network.byIp.get(clientIp)?.id;
      if (this.allowTransfer !== null && (from === undefined || !this.allowTransfer.has(from))) {
        return { kind: 'answer', message: errorResponse(h, RCODE_REFUSED, [q]) };
      }
      return { kind: 'transfer', zone, query: m };
    }
    if (q.type === TYPE_IXFR) return { kind: 'answer', message: errorResponse(h, RCODE_NOTIMP, [q]) };
    const a = answerQuestion(this.zones, q);
    return {
      kind: 'answer',
      message: { header: responseHeader(h, a.rcode, a.aa), questions: [q], answers: a.answers, authority: a.authority, additional: a.additional },
    };
  }

  private countRcode(rcode: number): void {
    const name = rcodeName(rcode);
    this.stats.rcodes[name] = (this.stats.rcodes[name] ?? 0) + 1;
  }

  private traceAnswer(
    flowId: string | null,
    transport: DnsTransportName,
    client: { ip: number; port: number },
    m: DnsMessage,
    enc: { bytes: Uint8Array; truncated: boolean; answers: number; authority: number; additional: number },
  ): void {
    const sim = this.network.sim;
    if (!sim.trace.enabled('dns')) return;
    const q: DnsQuestion | undefined = m.questions[0];
    sim.trace.emit({
      type: 'dns',
      t: sim.nowMs,
      node: this.id,
      flow: flowId,
      side: 'server',
      action: 'answer',
      transport,
      client: `${ipToString(client.ip)}:${client.port}`,
      id: m.header.id,
      name: q?.name ?? null,
      qtype: q === undefined ? null : typeName(q.type),
      rcode: rcodeName(m.header.rcode),
      aa: m.header.aa,
      tc: enc.truncated,
      answers: enc.answers,
      authority: enc.authority,
      additional: enc.additional,
      fullAnswers: m.answers.length,
      bytes: enc.bytes.length,
    });
  }

  private traceIgnored(flowId: string | null, transport: DnsTransportName, client: { ip: number; port: number }, reason: string): void {
    this.stats.ignored++;
    const sim = this.network.sim;
    if (sim.trace.enabled('dns')) {
      sim.trace.emit({ type: 'dns', t: sim.nowMs, node: this.id, flow: flowId, side: 'server', action: 'ignored', transport, client: `${ipToString(client.ip)}:${client.port}`, reason });
    }
  }

  view(): DnsServerView {
    return {
      node: this.id,
      up: this.up,
      ...this.summary(),
      zoneData: this.zones.list.map((z) => ({
        origin: z.origin,
        serial: z.soa.rdata.serial,
        records: z.records.slice(0, VIEW_RECORDS_PER_ZONE).map(formatRecord),
        more: Math.max(0, z.records.length - VIEW_RECORDS_PER_ZONE),
      })),
      openTcpConnections: this.openTcp,
      cpuBacklog: this.cpu.backlog,
    };
  }

  summary(): DnsServerSummary {
    return {
      zones: this.zones.list.map((z) => z.origin),
      ...this.stats,
      rcodes: { ...this.stats.rcodes },
    };
  }
}

function responseHeader(q: DnsHeader, rcode: number, aa: boolean): DnsHeader {
  // RA stays clear: an authoritative-only server offers no recursion. RD is copied (RFC 1035 §4.1.1).
  return { id: q.id, qr: true, opcode: q.opcode, aa, tc: false, rd: q.rd, ra: false, z: 0, rcode };
}

function errorResponse(q: DnsHeader, rcode: number, questions: DnsQuestion[]): DnsMessage {
  return { header: responseHeader(q, rcode, false), questions, answers: [], authority: [], additional: [] };
}

/** An AXFR message cut at a record boundary is complete as it is: the rest follows in the next message. */
function clearTc(bytes: Uint8Array): Uint8Array {
  bytes[2] = bytes[2]! & ~0x02;
  return bytes;
}
