// A flow whose TCP byte stream runs through TLS (seed: HTTPS — the same application, encrypted): the
// client connects and runs the TLS handshake as its node's identity allows (trusted CAs, browser
// profile, client certificate), the server answers with its certificate, and the application on top
// sees only plaintext. SecureFlow does the plumbing and the summary; the application on top is a
// SecureApp: a bulk upload (`app: "bulk"` with a `tls` object) here, HTTP for `https` flows.

import type { Host } from '../../net/host.ts';
import { goodputBps, type FlowContext, type FlowRuntime, type FlowSummary } from '../flow.ts';
import { tcpConfigFor } from '../tcp-config.ts';
import type { TcpConnection } from '../../transport/tcp/connection.ts';
import { ByteSendBuffer } from '../../transport/tcp/send-buffer.ts';
import { TcpState } from '../../transport/tcp/state.ts';
import { TlsClient } from './client.ts';
import type { TlsConnection } from './connection.ts';
import { cpuOf, pkiOf } from './pki.ts';
import { TlsServer } from './server.ts';

/** The application above TLS, on each side. */
export interface SecureApp {
  /** Take over the client's TLS connection (set its `app` callbacks). */
  client(tls: TlsClient): void;
  /** Take over the server's TLS connection of this flow. */
  server(tls: TlsServer): void;
  /** Plaintext bytes the receiving application has consumed. */
  readonly deliveredBytes: number;
  /** True once the exchange finished as the application intended. */
  readonly completed: boolean;
  /** The sending application stops (stopMs, or a player's stop-flow). */
  stop(tls: TlsClient | null): void;
  /** Extra summary figures of the application. */
  summary(): Record<string, unknown>;
}

export class SecureFlow implements FlowRuntime {
  readonly spec: FlowContext['spec'];
  private readonly ctx: FlowContext;
  readonly app: SecureApp;
  clientTcp: TcpConnection | null = null;
  serverTcp: TcpConnection | null = null;
  clientTls: TlsClient | null = null;
  serverTls: TlsServer | null = null;
  started = false;
  private startNs = 0;
  private completedNs = -1;

  constructor(ctx: FlowContext, app: SecureApp) {
    this.ctx = ctx;
    this.spec = ctx.spec;
    this.app = app;
    const spec = ctx.spec;
    const clientIp = ctx.client.ip;
    // Behind a load balancer every backend may be the one that answers; each presents its own certificate.
    for (const server of ctx.serverHosts) {
      server.tcp.listen(spec.port, (ip, port) => {
        if (ip !== clientIp || port !== spec.clientPort || this.serverTcp !== null) return null;
        const sendBuffer = new ByteSendBuffer(spec.sndBufBytes);
        return {
          flowId: spec.id,
          config: tcpConfigFor(spec, 'server'),
          sendBuffer: () => sendBuffer,
          accept: (conn) => this.accepted(server, conn, sendBuffer),
        };
      });
    }
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    const { spec, client, server, serverIp, sim, network } = this.ctx;
    this.startNs = sim.nowNs;
    const sendBuffer = new ByteSendBuffer(spec.sndBufBytes);
    const tcp = client.tcp.connect({
      localPort: spec.clientPort,
      remoteIp: serverIp,
      remotePort: spec.port,
      config: tcpConfigFor(spec, 'client'),
      flowId: spec.id,
      sendBuffer,
    });
    this.clientTcp = tcp;
    const identity = pkiOf(network).identityOf(client);
    const tls = new TlsClient(this.context(client), tcp, sendBuffer, {
      serverName: spec.tls?.serverName ?? server.id,
      trust: identity.trust,
      browser: identity.browser,
      clientCertificate: identity.clientCertificate,
    });
    this.clientTls = tls;
    this.app.client(tls);
    tcp.connect();
  }

  stop(): void {
    this.app.stop(this.clientTls);
  }

  private context(node: Host) {
    return { sim: this.ctx.sim, cpu: cpuOf(node), nodeId: node.id, flowId: this.spec.id };
  }

  private accepted(server: Host, conn: TcpConnection, sendBuffer: ByteSendBuffer): void {
    this.serverTcp = conn;
    const pki = pkiOf(this.ctx.network);
    const identity = pki.identityOf(server);
    const tls = new TlsServer(this.context(server), conn, sendBuffer, {
      certificateFor: () => pki.serverCertificateOf(server),
      clientAuth: identity.clientAuth,
      trust: identity.trust,
    });
    this.serverTls = tls;
    this.app.server(tls);
  }

  /** The application reached its end (called by the SecureApp). */
  markCompleted(): void {
    if (this.completedNs < 0) this.completedNs = this.ctx.sim.nowNs;
  }

  summary(): FlowSummary {
    const c = this.clientTcp?.stats;
    const delivered = this.app.deliveredBytes;
    const endNs = this.completedNs >= 0 ? this.completedNs : this.ctx.sim.nowNs;
    const clientTls = this.clientTls;
    const serverTls = this.serverTls;
    // The side that detected the failure says best what went wrong; the other only heard an alert.
    const failures = [clientTls?.failure ?? null, serverTls?.failure ?? null];
    const failure = failures.find((f) => f?.by === 'local') ?? failures.find((f) => f !== null) ?? null;
    return {
      sentSegments: c?.sentSegments ?? 0,
      retransmits: c?.retransmits ?? 0,
      timeouts: c?.timeouts ?? 0,
      fastRetransmits: c?.fastRetransmits ?? 0,
      deliveredBytes: delivered,
      goodputBps: this.started ? goodputBps(delivered, this.startNs, endNs) : 0,
      completed: this.completedNs >= 0,
      clientState: this.clientTcp?.state ?? TcpState.CLOSED,
      serverState: this.serverTcp?.state ?? TcpState.LISTEN,
      handshake: tlsOutcome(clientTls),
      handshakeMs: clientTls?.handshakeMs ?? null,
      warning: clientTls?.warning ?? null,
      tlsFailure: failure,
      tls: { client: clientTls?.info() ?? null, server: serverTls?.info() ?? null },
      ...this.app.summary(),
    };
  }
}

/** `established` (the handshake completed), `failed`, or `pending`. */
function tlsOutcome(tls: TlsConnection | null): 'established' | 'failed' | 'pending' {
  if (tls === null) return 'pending';
  if (tls.handshakeDoneNs >= 0) return 'established';
  return tls.state === 'failed' || tls.state === 'closed' ? 'failed' : 'pending';
}
