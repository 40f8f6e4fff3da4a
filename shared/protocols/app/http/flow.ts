// An `http` flow: a client on the `from` host making HTTP/1.1 requests to the `to` server (a `server`
// node, or a load balancer in front of servers). The caller (caller.ts) decides when each request is
// issued and how it waits; the client sends it over a keep-alive connection, or a new connection per
// request, writing real HTTP text into TCP (a tap reads a login's password on any link); each
// response is timed from the moment the application wanted to send the request to its last byte.
// Another byte stream can be put under HTTP (TLS, for HTTPS) with `HttpFlowOptions.wrap`.

import type { Host } from '../../net/host.ts';
import { Server } from '../../net/server.ts';
import { nsToMs } from '../../sim/time.ts';
import type { TcpConnection, TcpStats } from '../../transport/tcp/connection.ts';
import { ByteSendBuffer } from '../../transport/tcp/send-buffer.ts';
import { TcpState } from '../../transport/tcp/state.ts';
import { goodputBps, type FlowContext, type FlowRuntime, type FlowSummary } from '../flow.ts';
import { tcpConfigFor } from '../tcp-config.ts';
import { Caller } from './caller.ts';
import { ClientConn, type ClientConnEvents, type OutgoingRequest } from './client-conn.ts';
import './decoder.ts'; // the packet inspector learns to show HTTP
import { encodeRequest, utf8, type HttpHeader, type HttpResponse } from './message.ts';
import type { HttpFlowSpec } from './spec.ts';
import { plainTcp, type StreamWrap } from './stream.ts';

export const USER_AGENT = 'PacketPlay/1.0';
/** Ports a flow's second and later connections come from (below the flows' own 49152 + index). */
const EPHEMERAL_FIRST = 32768;
const EPHEMERAL_LAST = 49151;
const nextEphemeral = new WeakMap<Host, number>();

export interface HttpFlowOptions {
  /** What sits between TCP and HTTP on the client (default plain TCP; TLS for HTTPS). */
  wrap?: StreamWrap;
  /** Packet label for the client to draw (default 'http'). */
  appKind?: string;
}

interface RequestRecord {
  dueNs: number;
  sentNs: number;
  doneNs: number;
  status: number;
  error: string | null;
  requestBytes: number;
  responseBytes: number;
}

export class HttpFlow implements FlowRuntime {
  readonly spec: FlowContext['spec'];
  private readonly ctx: FlowContext;
  private readonly http: HttpFlowSpec;
  private readonly wrap: StreamWrap;
  private readonly appKind: string;
  readonly caller: Caller;
  started = false;
  private startNs = 0;
  private completedNs = -1;
  private stopped = false;
  private readonly records: RequestRecord[];
  private readonly conns: ClientConn[] = [];
  private readonly tcpStats: TcpStats[] = [];
  private current: ClientConn | null = null;
  private lastTcp: TcpConnection | null = null;

  /** The client's newest TCP connection (its window and RTT are what a view of the flow shows), or null before the first. */
  get clientTcp(): TcpConnection | null {
    return this.lastTcp;
  }
  private connectionsOpened = 0;
  private finishedCount = 0;

  constructor(ctx: FlowContext, opts: HttpFlowOptions = {}) {
    this.ctx = ctx;
    this.spec = ctx.spec;
    if (ctx.spec.http === null) throw new Error(`flow ${ctx.spec.id}: an http flow needs its http settings`);
    this.http = ctx.spec.http;
    this.wrap = opts.wrap ?? plainTcp;
    this.appKind = opts.appKind ?? 'http';
    this.records = this.http.requests.map(() => ({ dueNs: -1, sentNs: -1, doneNs: -1, status: 0, error: null, requestBytes: 0, responseBytes: 0 }));
    this.caller = new Caller(
      ctx.sim,
      {
        issue: (i) => this.issue(i),
        traceIo: (call, result, request) => this.traceCaller(call, result, request),
        allNoticed: () => this.allAnswered(),
      },
      this.http.call,
      this.http.requests,
      this.http.pollIntervalMs,
      this.http.workMs,
    );
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.startNs = this.ctx.sim.nowNs;
    if (this.http.requests.length === 0) this.completedNs = this.startNs;
    this.caller.start();
  }

  /** The application stops: no new requests; open connections finish what they carry. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const c of this.conns) c.finish();
  }

  private issue(i: number): void {
    const rec = this.records[i]!;
    rec.dueNs = this.caller.dueAtNs[i]!;
    if (this.stopped) {
      this.finishRequest(i, 0, 'flow stopped');
      return;
    }
    const r = this.http.requests[i]!;
    const body = r.body === null ? new Uint8Array(0) : utf8(r.body);
    const headers: HttpHeader[] = [
      { name: 'Host', value: this.http.host },
      { name: 'User-Agent', value: USER_AGENT },
      { name: 'Accept', value: '*/*' },
      { name: 'Connection', value: this.http.keepAlive ? 'keep-alive' : 'close' },
    ];
    if (r.method === 'POST' || body.length > 0) {
      headers.push({ name: 'Content-Type', value: r.contentType }, { name: 'Content-Length', value: String(body.length) });
    }
    const bytes = encodeRequest(r.method, r.path, headers, body);
    rec.requestBytes = bytes.length;
    this.dispatch({ index: i, method: r.method, bytes });
  }

  /** Put a request on a connection: the open keep-alive one, or a new one. */
  private dispatch(req: OutgoingRequest): void {
    let conn = this.http.keepAlive ? this.current : null;
    if (conn === null || !conn.usable) conn = this.open();
    conn.send(req);
  }

  private open(): ClientConn {
    const { spec, client, serverIp, serverHosts, sim } = this.ctx;
    const port = this.connectionsOpened === 0 ? spec.clientPort : this.ephemeralPort();
    this.connectionsOpened++;
    const config = tcpConfigFor(spec, 'client');
    for (const h of serverHosts) if (h instanceof Server) h.expectFlow(client.ip, port, spec.id, tcpConfigFor(spec, 'server'));
    const sendBuffer = new ByteSendBuffer(spec.sndBufBytes);
    const tcp = client.tcp.connect({ localPort: port, remoteIp: serverIp, remotePort: spec.port, config, flowId: spec.id, sendBuffer });
    tcp.appKind = this.appKind;
    const stream = this.wrap(tcp, sendBuffer);
    const conn = new ClientConn(this.connectionsOpened, stream, sim, this.connEvents, this.http.pipeline, this.http.trickleBps, spec.readRateBps);
    this.conns.push(conn);
    this.tcpStats.push(tcp.stats);
    this.lastTcp = tcp;
    this.current = conn;
    tcp.connect();
    return conn;
  }

  /** A free local port for another connection to the same server. */
  private ephemeralPort(): number {
    const client = this.ctx.client;
    const inUse = new Set<number>();
    for (const c of client.tcp.all()) if (c.remoteIp === this.ctx.serverIp && c.remotePort === this.spec.port) inUse.add(c.localPort);
    let port = nextEphemeral.get(client) ?? EPHEMERAL_FIRST;
    for (let tries = 0; tries <= EPHEMERAL_LAST - EPHEMERAL_FIRST; tries++) {
      const candidate = port;
      port = port >= EPHEMERAL_LAST ? EPHEMERAL_FIRST : port + 1;
      if (!inUse.has(candidate) && candidate !== this.spec.clientPort) {
        nextEphemeral.set(client, port);
        return candidate;
      }
    }
    throw new RangeError(`${client.id} has no free port left for ${this.spec.id}`);
  }

  private readonly connEvents: ClientConnEvents = {
    requestSent: (_conn, req) => {
      const rec = this.records[req.index]!;
      rec.sentNs = this.ctx.sim.nowNs;
      const sim = this.ctx.sim;
      if (sim.trace.enabled('http')) {
        const r = this.http.requests[req.index]!;
        sim.trace.emit({
          type: 'http',
          t: sim.nowMs,
          node: this.ctx.client.id,
          side: 'client',
          event: 'request',
          flow: this.spec.id,
          request: req.index,
          method: r.method,
          path: r.path,
          bytes: req.bytes.length,
          waitedMs: nsToMs(rec.sentNs - rec.dueNs),
        });
      }
    },
    response: (conn, req, res) => {
      this.records[req.index]!.responseBytes = res.wireBytes;
      this.finishRequest(req.index, res.status, null, res);
      if (!this.http.keepAlive || this.stopped || (this.current === conn && this.allIssuedAndAnsweredOn(conn))) {
        // One request per connection, or nothing more to ask: close our side.
        if (conn.pending === 0) conn.finish();
      }
    },
    failed: (_conn, unanswered, unsent, reason) => {
      for (const req of unanswered) this.finishRequest(req.index, 0, reason);
      // Never written: safe to send again on a new connection (unless the application has stopped).
      for (const req of unsent) {
        if (this.stopped) this.finishRequest(req.index, 0, 'flow stopped');
        else this.dispatch(req);
      }
    },
    finished: (conn) => {
      if (this.current === conn) this.current = null;
      this.finishedCount++;
    },
  };

  /** Every request of the flow is answered and this connection carries nothing more. */
  private allIssuedAndAnsweredOn(conn: ClientConn): boolean {
    return conn.pending === 0 && this.records.every((r) => r.doneNs >= 0);
  }

  private finishRequest(i: number, status: number, error: string | null, res?: HttpResponse): void {
    const rec = this.records[i]!;
    if (rec.doneNs >= 0) return;
    const sim = this.ctx.sim;
    rec.doneNs = sim.nowNs;
    rec.status = status;
    rec.error = error;
    if (sim.trace.enabled('http')) {
      const r = this.http.requests[i]!;
      sim.trace.emit({
        type: 'http',
        t: sim.nowMs,
        node: this.ctx.client.id,
        side: 'client',
        event: error === null ? 'response' : 'error',
        flow: this.spec.id,
        request: i,
        method: r.method,
        path: r.path,
        ...(error === null ? { status, bytes: res?.wireBytes ?? 0 } : { reason: error }),
        latencyMs: nsToMs(rec.doneNs - rec.dueNs),
      });
    }
    if (this.completedNs < 0 && this.records.every((r) => r.doneNs >= 0)) this.completedNs = sim.nowNs;
    this.caller.answered(i);
  }

  /** The caller has noticed every answer: nothing more will be asked. */
  private allAnswered(): void {
    for (const c of this.conns) if (!c.done) c.finish();
  }

  private traceCaller(call: string, result: string, request: number): void {
    const sim = this.ctx.sim;
    if (!sim.trace.enabled('io')) return;
    sim.trace.emit({ type: 'io', t: sim.nowMs, node: this.ctx.client.id, thread: 'caller', call, result, conn: null, flow: this.spec.id, request });
  }

  summary(): FlowSummary {
    let sentSegments = 0;
    let retransmits = 0;
    let timeouts = 0;
    let fastRetransmits = 0;
    for (const s of this.tcpStats) {
      sentSegments += s.sentSegments;
      retransmits += s.retransmits;
      timeouts += s.timeouts;
      fastRetransmits += s.fastRetransmits;
    }
    const latencies = this.records.filter((r) => r.doneNs >= 0 && r.error === null).map((r) => (r.doneNs - r.dueNs) / 1e6);
    latencies.sort((a, b) => a - b);
    const statuses: Record<string, number> = {};
    let responseBytes = 0;
    let requestBytes = 0;
    let responses = 0;
    let errors = 0;
    let requests = 0;
    for (const r of this.records) {
      if (r.sentNs >= 0) {
        requests++;
        requestBytes += r.requestBytes;
      }
      if (r.doneNs < 0) continue;
      if (r.error !== null) errors++;
      else {
        responses++;
        responseBytes += r.responseBytes;
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      }
    }
    const endNs = this.completedNs >= 0 ? this.completedNs : this.ctx.sim.nowNs;
    const round = (x: number) => Math.round(x * 1000) / 1000;
    return {
      sentSegments,
      retransmits,
      timeouts,
      fastRetransmits,
      deliveredBytes: responseBytes,
      goodputBps: this.started ? goodputBps(responseBytes, this.startNs, endNs) : 0,
      completed: this.completedNs >= 0,
      clientState: this.lastTcp?.state ?? TcpState.CLOSED,
      requests,
      responses,
      errors,
      statuses,
      latencyMsP50: latencies.length > 0 ? round(percentile(latencies, 0.5)) : null,
      latencyMsP95: latencies.length > 0 ? round(percentile(latencies, 0.95)) : null,
      latencyMsMax: latencies.length > 0 ? round(latencies[latencies.length - 1]!) : null,
      requestBytes,
      responseBytes,
      connections: this.connectionsOpened,
      ...this.caller.figures(),
    };
  }
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}
