// A server node (seed: HTTP; Blocking I/O & Non-Blocking I/O): an end host running an HTTP/1.1
// server application on a CPU. Its TCP layer completes handshakes and queues connections for the
// application to accept; the application reads requests, answers them from its routes and writes the
// responses, either with a pool of blocking worker threads or with one non-blocking event loop
// (app/http/io-blocking.ts, app/http/io-event-loop.ts). Every system call, byte copied, request and
// context switch costs simulated CPU time on the node's Cpu, which TLS work shares.
//
// Other roles build on it: a load balancer reads `capacity`, `activeConnections` and `up`; HTTPS puts
// TLS between TCP and HTTP with `listenHttp(port, wrap)`.

import { BlockingIo } from '../app/http/io-blocking.ts';
import { EventLoopIo } from '../app/http/io-event-loop.ts';
import { headerValue, type HttpRequest } from '../app/http/message.ts';
import { RouteTable, type RouteResult } from '../app/http/routes.ts';
import { ServerConn } from '../app/http/server-conn.ts';
import { MAX_SERVER_THREADS, SERVER_IO_MODELS, type ServerIoModel, type ServerNodeFields } from '../app/http/spec.ts';
import { plainTcp, type StreamWrap } from '../app/http/stream.ts';
import type { CommandResult } from '../roles/commands.ts';
import type { ServerNodeSpec } from '../scenario.ts';
import type { TcpConfig, TcpConnection } from '../transport/tcp/connection.ts';
import { defaultTcpConfig } from '../transport/tcp/default-config.ts';
import { ByteSendBuffer } from '../transport/tcp/send-buffer.ts';
import { ipToString } from './addresses.ts';
import { Cpu } from './cpu.ts';
import { Host } from './host.ts';
import type { Network } from './network.ts';

/** Clients whose flow the server knows (for tracing), at most. */
const MAX_FLOW_BINDINGS = 65_536;

/** TCP settings of a connection from a client no scenario flow describes (the schema's defaults). */
export const DEFAULT_SERVER_TCP: TcpConfig = defaultTcpConfig();

/** A server's I/O model: told about each connection's readiness, it decides who reads and writes when. */
export interface ServerIo {
  readonly model: ServerIoModel;
  /** The connection finished its handshake and waits in the accept queue. */
  established(conn: ServerConn): void;
  /** Bytes (or the end of stream) became readable. */
  readable(conn: ServerConn): void;
  writable(conn: ServerConn): void;
  /** The connection is gone (the peer reset it, or it finished closing). */
  closed(conn: ServerConn): void;
  /** Connections accepted by TCP and not yet by the application. */
  readonly acceptQueueLength: number;
  /** When the connection waiting longest in the accept queue (its head: it is first in, first out) entered it; null when none waits. */
  readonly oldestQueuedNs: number | null;
  view(): ServerIoView;
}

export interface ThreadView {
  name: string;
  /** accept, recv, send, wait (blocked on those), run (on or queued for the CPU); the loop: poll or run. */
  state: string;
  conn: number | null;
  flow: string | null;
}

export interface ServerIoView {
  threads: ThreadView[];
  acceptQueue: number[];
  /** Event loop: connections with readiness not yet handled. */
  ready: number[];
}

export interface ServerStats {
  connectionsAccepted: number;
  connectionsRefused: number;
  requests: number;
  responses: number;
  responsesByStatus: Record<string, number>;
  bytesIn: number;
  bytesOut: number;
  contextSwitches: number;
  /** recv() calls that returned data. */
  recvData: number;
  /** Non-blocking recv() calls that found nothing (EWOULDBLOCK). */
  recvWouldBlock: number;
  /** Times a blocking thread parked in recv() for lack of data. */
  recvBlocked: number;
  polls: number;
  peakConnections: number;
  acceptQueuePeak: number;
  acceptWaitMaxMs: number;
  timeouts: number;
  badRequests: number;
}

export interface ServerSummary extends Omit<ServerStats, 'acceptWaitMaxMs'> {
  io: ServerIoModel;
  threads: number;
  capacity: number;
  activeConnections: number;
  acceptWaitMaxMs: number;
  stored: number;
  cpuBusyMs: number;
  cpuUtilisation: number;
}

export interface ServerView {
  id: string;
  io: ServerIoModel;
  up: boolean;
  capacity: number;
  activeConnections: number;
  cpuBacklog: number;
  /** Whether its I/O model may still change (`configureIo`): it has taken no connection yet. */
  ioSettable: boolean;
  threads: ThreadView[];
  acceptQueue: number[];
  ready: number[];
  connections: Array<{ id: number; flow: string | null; remote: string; state: string; thread: string | null; requests: number }>;
}

export class Server extends Host {
  override readonly kind: string = 'server';
  readonly cpu: Cpu;
  /** The node's fields; `io` and `threads` change only by `configureIo`, before the first connection. */
  private fields: ServerNodeFields;
  readonly httpRoutes: RouteTable;
  private ioModel: ServerIo;
  /** Connections held now: from the SYN the server took until the application closed it (or it reset). */
  activeConnections = 0;
  readonly stats: ServerStats = {
    connectionsAccepted: 0,
    connectionsRefused: 0,
    requests: 0,
    responses: 0,
    responsesByStatus: {},
    bytesIn: 0,
    bytesOut: 0,
    contextSwitches: 0,
    recvData: 0,
    recvWouldBlock: 0,
    recvBlocked: 0,
    polls: 0,
    peakConnections: 0,
    acceptQueuePeak: 0,
    acceptWaitMaxMs: 0,
    timeouts: 0,
    badRequests: 0,
  };
  /** CPU costs in ns. */
  readonly syscallNs: number;
  readonly copyNsPerByte: number;
  readonly requestNs: number;
  readonly contextSwitchNs: number;
  private readonly bindings = new Map<number, { flowId: string; config: TcpConfig }>();
  private readonly conns = new Map<number, ServerConn>();
  private nextConnId = 1;
  private lastThread: string | null = null;

  constructor(network: Network, spec: ServerNodeSpec, index: number, ip: number) {
    super(network, spec.id, index, ip, spec.cpuSpeed);
    this.fields = spec;
    this.cpu = new Cpu(network.sim, spec.cpuSpeed);
    this.httpRoutes = new RouteTable(spec.routes);
    this.syscallNs = Math.round(spec.syscallUs * 1e3);
    this.copyNsPerByte = spec.copyNsPerByte;
    this.requestNs = Math.round(spec.requestCostUs * 1e3);
    this.contextSwitchNs = Math.round(spec.contextSwitchUs * 1e3);
    this.ioModel = spec.io === 'blocking' ? new BlockingIo(this, spec.threads) : new EventLoopIo(this);
    this.listenHttp(spec.port, plainTcp);
  }

  get settings(): ServerNodeFields {
    return this.fields;
  }

  get io(): ServerIo {
    return this.ioModel;
  }

  /**
   * Choose how the application serves connections (blocking threads or one event loop) before it
   * has taken any: a running server's threads cannot be swapped under its connections.
   */
  configureIo(io: ServerIoModel, threads: number): CommandResult {
    if (!(SERVER_IO_MODELS as readonly string[]).includes(io)) return { ok: false, reason: `io must be one of ${SERVER_IO_MODELS.join(', ')}, got ${String(io)}` };
    if (io === 'blocking' && !(Number.isInteger(threads) && threads >= 1 && threads <= MAX_SERVER_THREADS)) {
      return { ok: false, reason: `threads must be a whole number from 1 to ${MAX_SERVER_THREADS}, got ${String(threads)}` };
    }
    if (!this.ioSettable) return { ok: false, reason: `${this.id} has already taken connections: its I/O model is set`, why: { code: 'io-set', node: this.id } };
    this.fields = { ...this.fields, io, threads: io === 'blocking' ? threads : this.fields.threads };
    this.ioModel = io === 'blocking' ? new BlockingIo(this, threads) : new EventLoopIo(this);
    return { ok: true };
  }

  /** No connection taken yet (every live one was counted when taken), so `configureIo` may still swap its threads or event loop. */
  get ioSettable(): boolean {
    return this.stats.connectionsAccepted === 0;
  }

  /** Concurrent connections it can hold (a load balancer's view of its size). */
  get capacity(): number {
    return this.settings.maxConnections;
  }

  /** A flow will connect from `clientIp:clientPort`: its connection gets the flow's id and TCP settings. */
  expectFlow(clientIp: number, clientPort: number, flowId: string, config: TcpConfig): void {
    const key = clientIp * 65536 + clientPort;
    if (!this.bindings.has(key) && this.bindings.size >= MAX_FLOW_BINDINGS) return;
    this.bindings.set(key, { flowId, config });
  }

  /**
   * Serve HTTP on `port`, with `wrap` putting the byte stream HTTP reads on each accepted TCP
   * connection: plain TCP (port 80), or TLS for HTTPS. Connections beyond `capacity` are refused.
   */
  listenHttp(port: number, wrap: StreamWrap): void {
    this.tcp.listen(port, (ip, clientPort) => {
      if (this.activeConnections >= this.capacity) {
        this.stats.connectionsRefused++;
        this.traceIo('kernel', 'accept', 'refused', null, { remote: `${ipToString(ip)}:${clientPort}` });
        return null; // answered with RST: "connection refused"
      }
      const binding = this.bindings.get(ip * 65536 + clientPort);
      const config = binding?.config ?? DEFAULT_SERVER_TCP;
      // The socket's send buffer is the server's own (SO_SNDBUF), whoever the client is.
      const sendBuffer = new ByteSendBuffer(this.settings.sndBufBytes);
      return {
        flowId: binding?.flowId ?? null,
        config,
        sendBuffer: () => sendBuffer,
        accept: (tcp: TcpConnection) => this.accepted(tcp, sendBuffer, wrap, binding?.flowId ?? null),
      };
    });
  }

  private accepted(tcp: TcpConnection, sendBuffer: ByteSendBuffer, wrap: StreamWrap, flowId: string | null): void {
    tcp.appKind = 'http';
    const stream = wrap(tcp, sendBuffer);
    const conn = new ServerConn(this.nextConnId++, stream, flowId, `${ipToString(tcp.remoteIp)}:${tcp.remotePort}`, this.network.sim.nowNs);
    this.conns.set(conn.id, conn);
    this.activeConnections++;
    this.stats.connectionsAccepted++;
    if (this.activeConnections > this.stats.peakConnections) this.stats.peakConnections = this.activeConnections;
    const io = this.io;
    stream.handlers = {
      established: () => {
        conn.queuedNs = this.network.sim.nowNs;
        io.established(conn);
        if (io.acceptQueueLength > this.stats.acceptQueuePeak) this.stats.acceptQueuePeak = io.acceptQueueLength;
      },
      readable: () => io.readable(conn),
      eof: () => io.readable(conn),
      writable: () => io.writable(conn),
      closed: () => {
        this.release(conn);
        io.closed(conn);
      },
    };
  }

  /** The application is done with a connection (closed it, or it was reset): it no longer counts. */
  release(conn: ServerConn): void {
    if (conn.state === 'closed') return;
    conn.state = 'closed';
    this.activeConnections--;
    if (this.activeConnections < 0) throw new Error(`invariant: ${this.id} released more connections than it held`);
    this.conns.delete(conn.id);
    this.stats.bytesIn += conn.bytesIn;
    this.stats.bytesOut += conn.bytesOut;
  }

  /** The application accepted `conn` (accept() returned it). */
  noteAccepted(conn: ServerConn): void {
    const nowNs = this.network.sim.nowNs;
    conn.acceptedNs = nowNs;
    const waitedMs = (nowNs - conn.queuedNs) / 1e6;
    if (waitedMs > this.stats.acceptWaitMaxMs) this.stats.acceptWaitMaxMs = waitedMs;
  }

  /**
   * Run `costNs` of work for `thread` on the CPU, then `then`. The CPU runs work in order; when it
   * passes from one thread to another it first pays a context switch (seed: many threads mean many
   * context switches).
   */
  runOn(thread: string, costNs: number, then: () => void): void {
    let cost = costNs;
    if (this.lastThread !== null && this.lastThread !== thread) {
      cost += this.contextSwitchNs;
      this.stats.contextSwitches++;
    }
    this.lastThread = thread;
    if (this.cpu.run(cost, then) < 0) this.network.sim.after(Math.ceil(cost / this.cpu.speed), then);
  }

  /** Route a request: its answer, counted and traced as received. */
  answer(conn: ServerConn, req: HttpRequest): RouteResult {
    this.stats.requests++;
    const sim = this.network.sim;
    if (sim.trace.enabled('http')) {
      sim.trace.emit({
        type: 'http',
        t: sim.nowMs,
        node: this.id,
        side: 'server',
        event: 'request',
        flow: conn.flowId,
        conn: conn.id,
        method: req.method,
        path: req.path,
        host: headerValue(req.headers, 'host'),
        bytes: req.wireBytes,
      });
    }
    return this.httpRoutes.handle(req, sim.nowMs);
  }

  /** The response to the request being answered is all written. */
  responded(conn: ServerConn): void {
    const a = conn.answering;
    const status = a?.result.status ?? 0;
    this.stats.responses++;
    this.stats.responsesByStatus[status] = (this.stats.responsesByStatus[status] ?? 0) + 1;
    const sim = this.network.sim;
    if (sim.trace.enabled('http')) {
      sim.trace.emit({
        type: 'http',
        t: sim.nowMs,
        node: this.id,
        side: 'server',
        event: 'response',
        flow: conn.flowId,
        conn: conn.id,
        method: a?.req?.method ?? null,
        path: a?.req?.path ?? null,
        status,
        bytes: conn.out?.length ?? 0,
        serviceMs: a === null ? 0 : (sim.nowNs - a.startNs) / 1e6,
      });
    }
  }

  /** An error answer (the request could not be read, or took too long to arrive). */
  errorAnswer(status: number, reason: string): RouteResult {
    if (status === 408) this.stats.timeouts++;
    else this.stats.badRequests++;
    return this.httpRoutes.error(status, `${reason}\n`, this.network.sim.nowMs);
  }

  traceIo(thread: string, call: string, result: string, conn: ServerConn | null, extra?: Record<string, unknown>): void {
    const sim = this.network.sim;
    if (!sim.trace.enabled('io')) return;
    sim.trace.emit({
      type: 'io',
      t: sim.nowMs,
      node: this.id,
      thread,
      call,
      result,
      conn: conn?.id ?? null,
      flow: conn?.flowId ?? null,
      ...extra,
    });
  }

  summary(): ServerSummary {
    const s = this.stats;
    let bytesIn = s.bytesIn;
    let bytesOut = s.bytesOut;
    for (const c of this.conns.values()) {
      bytesIn += c.bytesIn;
      bytesOut += c.bytesOut;
    }
    // The longest wait so far includes the connection still waiting longest to be accepted.
    const oldestNs = this.io.oldestQueuedNs;
    const acceptWaitMaxMs = oldestNs === null ? s.acceptWaitMaxMs : Math.max(s.acceptWaitMaxMs, (this.network.sim.nowNs - oldestNs) / 1e6);
    return {
      ...s,
      responsesByStatus: { ...s.responsesByStatus },
      bytesIn,
      bytesOut,
      acceptWaitMaxMs: Math.round(acceptWaitMaxMs * 1000) / 1000,
      io: this.settings.io,
      threads: this.settings.io === 'blocking' ? this.settings.threads : 1,
      capacity: this.capacity,
      activeConnections: this.activeConnections,
      stored: this.httpRoutes.storedTotal,
      cpuBusyMs: Math.round(this.cpu.busyNs / 1e3) / 1e3,
      cpuUtilisation: Math.round(this.cpu.utilisation() * 1e4) / 1e4,
    };
  }

  /** What the game draws of the server: threads (or the loop), the accept queue, the connections. */
  view(): ServerView {
    const io = this.io.view();
    return {
      id: this.id,
      io: this.settings.io,
      up: this.up,
      capacity: this.capacity,
      activeConnections: this.activeConnections,
      cpuBacklog: this.cpu.backlog,
      ioSettable: this.ioSettable,
      threads: io.threads,
      acceptQueue: io.acceptQueue,
      ready: io.ready,
      connections: [...this.conns.values()].map((c) => ({
        id: c.id,
        flow: c.flowId,
        remote: c.remote,
        state: c.state,
        thread: c.thread,
        requests: c.requestsServed,
      })),
    };
  }
}
