// A host's TCP layer: listening sockets, the connection table keyed by (local port, remote address,
// remote port), and what happens to a segment that matches nothing (RFC 9293 §3.10.7.1: answer with
// RST unless it is one). It also turns a connection's outgoing segments into IP packets.

import type { Host } from '../../net/host.ts';
import * as ipv4 from '../../net/ipv4.ts';
import * as ethernet from '../../net/ethernet.ts';
import * as packet from '../../net/packet.ts';
import * as header from './header.ts';
import type { TcpHeader } from './header.ts';
import { TcpConnection, type TcpConfig, type TcpHostPort } from './connection.ts';
import type { PayloadSource } from '../../net/payload.ts';
import type { SendBuffer } from './send-buffer.ts';
import { seqAdd } from './seq.ts';

// Local copies of imported values the per-packet path uses (docs/performance.md: imported values).
const { IP_PROTOCOL_TCP, originatedIpv4 } = ipv4;
const { UNADDRESSED_FRAME } = ethernet;
const { Packet } = packet;
type Packet = packet.Packet;
const { ACK, RST, SYN, FIN } = header;

/** Who takes a new connection: its flow (for tracing), its settings and its application. */
export interface Acceptor {
  flowId: string | null;
  config: TcpConfig;
  sendBuffer(): SendBuffer;
  accept(conn: TcpConnection): void;
}

/** Picks the acceptor for a SYN from (remoteIp, remotePort), or null if this one does not take it. */
export type AcceptorMatch = (remoteIp: number, remotePort: number) => Acceptor | null;

interface Listener {
  port: number;
  /** Limit of connections in SYN_RECEIVED (the listen backlog). */
  backlog: number;
  matches: AcceptorMatch[];
}

export interface ConnectOptions {
  localPort: number;
  remoteIp: number;
  remotePort: number;
  config: TcpConfig;
  flowId: string | null;
  sendBuffer: SendBuffer;
}

const MAX_CONNECTIONS = 4096;

export class TcpSocketTable implements TcpHostPort {
  readonly host: Host;
  private readonly listeners = new Map<number, Listener>();
  /**
   * local port → remote port → connections (usually one; several when remote hosts share a port).
   * Keys stay small integers: a combined (address, port) key would be a float, which Maps hash slowly.
   */
  private readonly connections = new Map<number, Map<number, TcpConnection[]>>();
  private count = 0;
  /**
   * The connection the last segment went to. A bulk flow sends every segment to the same one, so
   * checking it first skips two Map lookups per segment. Cleared whenever the table changes.
   */
  private lastHit: TcpConnection | null = null;
  resetsSent = 0;

  constructor(host: Host) {
    this.host = host;
  }

  get nodeId(): string {
    return this.host.id;
  }

  /**
   * Listen on `port` (passive OPEN). Several services may share a port: each SYN goes to the first
   * whose match takes it; a SYN nobody takes is answered with RST.
   */
  listen(port: number, match: AcceptorMatch, backlog = 128): void {
    const existing = this.listeners.get(port);
    if (existing !== undefined) existing.matches.push(match);
    else this.listeners.set(port, { port, backlog, matches: [match] });
  }

  isListening(port: number): boolean {
    return this.listeners.has(port);
  }

  connect(opts: ConnectOptions): TcpConnection {
    const conn = new TcpConnection({
      sim: this.host.network.sim,
      host: this,
      cfg: opts.config,
      flowId: opts.flowId,
      side: 'client',
      localIp: this.host.ip,
      localPort: opts.localPort,
      remoteIp: opts.remoteIp,
      remotePort: opts.remotePort,
      sendBuffer: opts.sendBuffer,
    });
    this.insert(conn);
    return conn;
  }

  /** Every connection, for inspection. */
  all(): TcpConnection[] {
    const out: TcpConnection[] = [];
    for (const m of this.connections.values()) for (const list of m.values()) out.push(...list);
    return out;
  }

  private insert(conn: TcpConnection): void {
    if (this.count >= MAX_CONNECTIONS) throw new RangeError(`${this.host.id} has too many TCP connections`);
    let byRemote = this.connections.get(conn.localPort);
    if (byRemote === undefined) {
      byRemote = new Map();
      this.connections.set(conn.localPort, byRemote);
    }
    let list = byRemote.get(conn.remotePort);
    if (list === undefined) {
      list = [];
      byRemote.set(conn.remotePort, list);
    }
    if (list.some((c) => c.remoteIp === conn.remoteIp)) {
      throw new Error(`${this.host.id}: TCP connection to port ${conn.remotePort} already exists`);
    }
    list.push(conn);
    this.count++;
    this.lastHit = null;
  }

  closed(conn: TcpConnection): void {
    this.lastHit = null;
    const list = this.connections.get(conn.localPort)?.get(conn.remotePort);
    const i = list === undefined ? -1 : list.indexOf(conn);
    if (i >= 0) {
      list!.splice(i, 1);
      this.count--;
    }
  }

  private lookup(localPort: number, remoteIp: number, remotePort: number): TcpConnection | undefined {
    const last = this.lastHit;
    if (last !== null && last.localPort === localPort && last.remotePort === remotePort && last.remoteIp === remoteIp) return last;
    const found = this.find(localPort, remoteIp, remotePort);
    if (found !== undefined) this.lastHit = found;
    return found;
  }

  private find(localPort: number, remoteIp: number, remotePort: number): TcpConnection | undefined {
    const list = this.connections.get(localPort)?.get(remotePort);
    if (list === undefined) return undefined;
    for (let i = 0; i < list.length; i++) if (list[i]!.remoteIp === remoteIp) return list[i];
    return undefined;
  }

  segmentArrives(p: Packet): void {
    const h = p.tcp!;
    const conn = this.lookup(h.dstPort, p.ip.src, h.srcPort);
    if (conn !== undefined) {
      conn.segmentArrives(p);
      return;
    }
    const listener = this.listeners.get(h.dstPort);
    if (listener !== undefined) {
      // LISTEN (§3.10.7.2): RST ignored, ACK answered by RST, SYN opens a connection.
      if (h.flags & RST) return;
      if (h.flags & ACK) {
        this.reset(p, h);
        return;
      }
      if (h.flags & SYN) {
        if (this.halfOpen(h.dstPort) >= listener.backlog) return; // backlog full: the SYN is ignored
        let acceptor: Acceptor | null = null;
        for (const m of listener.matches) {
          acceptor = m(p.ip.src, h.srcPort);
          if (acceptor !== null) break;
        }
        if (acceptor === null) {
          this.reset(p, h);
          return;
        }
        const conn = new TcpConnection({
          sim: this.host.network.sim,
          host: this,
          cfg: acceptor.config,
          flowId: acceptor.flowId,
          side: 'server',
          localIp: this.host.ip,
          localPort: h.dstPort,
          remoteIp: p.ip.src,
          remotePort: h.srcPort,
          sendBuffer: acceptor.sendBuffer(),
        });
        this.insert(conn);
        acceptor.accept(conn);
        conn.acceptSyn(p);
      }
      return;
    }
    this.reset(p, h); // CLOSED: nothing listens on that port
  }

  private halfOpen(port: number): number {
    let n = 0;
    for (const list of this.connections.get(port)?.values() ?? []) for (const c of list) if (c.state === 'SYN_RECEIVED') n++;
    return n;
  }

  /** Answer a segment that has no connection with RST (unless it is itself an RST). */
  private reset(p: Packet, h: TcpHeader): void {
    if (h.flags & RST) return;
    const segLen = p.payloadLength + (h.flags & SYN ? 1 : 0) + (h.flags & FIN ? 1 : 0);
    const header: TcpHeader =
      h.flags & ACK
        ? { srcPort: h.dstPort, dstPort: h.srcPort, seq: h.ack, ack: 0, flags: RST, window: 0, urgentPointer: 0, options: null }
        : {
            srcPort: h.dstPort,
            dstPort: h.srcPort,
            seq: 0,
            ack: seqAdd(h.seq, segLen),
            flags: RST | ACK,
            window: 0,
            urgentPointer: 0,
            options: null,
          };
    this.resetsSent++;
    this.sendSegment(p.ip.src, p.flowId, header, 0, null, null, 0, false, 0, null);
  }

  transmit(
    conn: TcpConnection,
    header: TcpHeader,
    payloadLength: number,
    bytes: Uint8Array | null,
    source: PayloadSource | null,
    sourceOffset: number,
    retransmit: boolean,
    dataSegmentIndex: number,
  ): void {
    this.sendSegment(conn.remoteIp, conn.flowId, header, payloadLength, bytes, source, sourceOffset, retransmit, dataSegmentIndex, conn.appKind);
  }

  private sendSegment(
    dstIp: number,
    flowId: string | null,
    header: TcpHeader,
    payloadLength: number,
    bytes: Uint8Array | null,
    source: PayloadSource | null,
    sourceOffset: number,
    retransmit: boolean,
    dataSegmentIndex: number,
    appKind: string | null,
  ): void {
    const host = this.host;
    const net = host.network;
    const p = new Packet(
      net.nextPacketId(),
      net.sim.nowNs,
      UNADDRESSED_FRAME,
      originatedIpv4(host.nextIpId(), IP_PROTOCOL_TCP, host.ip, dstIp),
      header,
      null,
      payloadLength,
      bytes,
      source,
      sourceOffset,
    );
    p.flowId = flowId;
    p.appKind = appKind;
    p.retransmit = retransmit;
    p.dataSegmentIndex = dataSegmentIndex;
    host.sendIp(p);
  }
}
