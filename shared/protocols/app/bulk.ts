// A bulk transfer over TCP (like iperf, or a file upload): the client writes `bytes` (or without
// end) as fast as TCP takes them, then closes; the server reads at its read rate and closes when it
// has read everything before the peer's FIN. With `verify`, the server checks every byte it reads
// against what the client wrote.

import { PatternSource } from '../net/payload.ts';
import type { TcpConnection } from '../transport/tcp/connection.ts';
import { PatternSendBuffer } from '../transport/tcp/send-buffer.ts';
import { TcpState } from '../transport/tcp/state.ts';
import { goodputBps, type FlowContext, type FlowRuntime, type FlowSummary } from './flow.ts';
import { RateLimitedReader } from './reader.ts';
import { tcpConfigFor } from './tcp-config.ts';

export class BulkFlow implements FlowRuntime {
  private readonly ctx: FlowContext;
  private readonly pattern: PatternSource;
  client: TcpConnection | null = null;
  server: TcpConnection | null = null;
  reader: RateLimitedReader | null = null;
  private sendBuffer: PatternSendBuffer | null = null;
  started = false;
  private startNs = 0;
  private completedNs = -1;
  verifiedBytes = 0;
  mismatchedBytes = 0;
  private peerClosed = false;
  private readRate: number | null;

  constructor(ctx: FlowContext) {
    this.ctx = ctx;
    this.readRate = ctx.spec.readRateBps;
    // The salt ties the byte pattern to the flow, so bytes from another flow would not verify.
    this.pattern = new PatternSource(hashString(ctx.spec.id));
    const spec = ctx.spec;
    const clientIp = ctx.client.ip;
    const match = (ip: number, port: number) =>
      ip === clientIp && port === spec.clientPort && this.server === null
        ? {
            flowId: spec.id,
            // The modes as configured when the SYN arrives (a sender may have chosen them at start).
            config: tcpConfigFor(this.spec, 'server'),
            sendBuffer: () => new PatternSendBuffer(new PatternSource(0), 0, 1),
            accept: (conn: TcpConnection) => this.accepted(conn),
          }
        : null;
    // Behind a load balancer any backend may get the connection: each listens for it.
    for (const host of ctx.serverHosts) host.tcp.listen(spec.port, match);
  }

  get spec(): FlowContext['spec'] {
    return this.ctx.spec;
  }

  get clientTcp(): TcpConnection | null {
    return this.client;
  }

  /** Before the start: the same flow in other modes (the sender's choice among the scenario's `choices`). */
  configure(spec: FlowContext['spec']): void {
    if (this.started) throw new Error(`flow ${spec.id}: modes are chosen before the start`);
    if (spec.id !== this.ctx.spec.id || spec.clientPort !== this.ctx.spec.clientPort || spec.port !== this.ctx.spec.port) {
      throw new Error(`flow ${spec.id}: only its modes may change`);
    }
    this.ctx.spec = spec;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    const { spec, client, serverIp } = this.ctx;
    this.startNs = this.ctx.sim.nowNs;
    this.sendBuffer = new PatternSendBuffer(this.pattern, spec.bytes ?? Infinity, spec.sndBufBytes);
    const conn = client.tcp.connect({
      localPort: spec.clientPort,
      remoteIp: serverIp,
      remotePort: spec.port,
      config: tcpConfigFor(spec, 'client'),
      flowId: spec.id,
      sendBuffer: this.sendBuffer,
    });
    this.client = conn;
    const maybeClose = (c: TcpConnection) => {
      if (this.sendBuffer!.complete) c.close();
    };
    conn.app = {
      established: maybeClose,
      writable: maybeClose,
      // A bulk sender has nothing to read; it closes its half and lets the peer finish.
      readable: (c) => void c.read(Infinity),
    };
    conn.connect();
  }

  stop(): void {
    if (this.client === null || this.sendBuffer === null) return;
    this.sendBuffer.stopWriting();
    if (this.client.state === TcpState.ESTABLISHED) this.client.close();
  }

  private accepted(conn: TcpConnection): void {
    this.server = conn;
    const consume = this.spec.verify ? (bytes: Uint8Array) => this.check(bytes) : undefined;
    const reader = new RateLimitedReader(conn, this.readRate, consume);
    this.reader = reader;
    const finishIfDone = () => {
      if (this.peerClosed && conn.readableBytes === 0 && conn.state === TcpState.CLOSE_WAIT) {
        if (this.completedNs < 0) this.completedNs = this.ctx.sim.nowNs;
        conn.close();
      }
    };
    reader.onDrained = finishIfDone;
    conn.app = {
      readable: () => reader.readable(),
      eof: () => {
        this.peerClosed = true;
        finishIfDone();
      },
    };
  }

  /** The receiving application changes how fast it reads (the receiver role's read-rate control). */
  setReadRate(readRateBps: number | null): void {
    this.readRate = readRateBps;
    this.reader?.setRate(readRateBps);
  }

  private check(bytes: Uint8Array): void {
    let offset = this.verifiedBytes + this.mismatchedBytes;
    for (let i = 0; i < bytes.length; i++, offset++) {
      if (bytes[i] === this.pattern.byteAt(offset)) this.verifiedBytes++;
      else this.mismatchedBytes++;
    }
  }

  summary(): FlowSummary {
    const c = this.client?.stats;
    const s = this.server?.stats;
    const delivered = s?.deliveredBytes ?? 0;
    const endNs = this.completedNs >= 0 ? this.completedNs : this.ctx.sim.nowNs;
    const out: FlowSummary = {
      sentSegments: c?.sentSegments ?? 0,
      retransmits: c?.retransmits ?? 0,
      timeouts: c?.timeouts ?? 0,
      fastRetransmits: c?.fastRetransmits ?? 0,
      deliveredBytes: delivered,
      goodputBps: this.started ? goodputBps(delivered, this.startNs, endNs) : 0,
      completed: this.completedNs >= 0,
      clientState: this.client?.state ?? TcpState.CLOSED,
      serverState: this.server?.state ?? TcpState.LISTEN,
      cwnd: this.client?.cc.cwnd ?? 0,
      ssthresh: this.client?.cc.ssthresh ?? 0,
      srttMs: this.client !== null && this.client.rto.hasSample ? Math.round(this.client.rto.srttNs / 1e3) / 1e3 : null,
      dupAcks: c?.dupAcks ?? 0,
      probes: c?.probes ?? 0,
    };
    if (this.spec.verify) {
      out.verifiedBytes = this.verifiedBytes;
      out.mismatchedBytes = this.mismatchedBytes;
    }
    return out;
  }
}

/** FNV-1a, to turn a flow id into a pattern salt. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
