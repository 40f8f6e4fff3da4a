// HTTPS (seed: HTTP & HTTPS — "HTTPS encrypts the text"): the very HTTP client and server of
// app/http/, with TLS put between TCP and HTTP on port 443. The client's TLS uses its node's trust
// list, browser profile and client certificate; every `server` node also serves HTTPS on port 443
// with its certificate. The flow's summary is the HTTP one plus what TLS did.

import type { Network } from '../../net/network.ts';
import type { TcpConnection } from '../../transport/tcp/connection.ts';
import { Server } from '../../net/server.ts';
import type { FlowContext, FlowRuntime, FlowSummary } from '../flow.ts';
import { HttpFlow } from '../http/flow.ts';
import type { StreamWrap } from '../http/stream.ts';
import type { TlsConnection } from './connection.ts';
import type { CryptoTotals } from './crypto-cost.ts';
import { nsToMs } from '../../sim/time.ts';
import { TlsByteStream, tlsClientWrap, tlsServerWrap } from './stream.ts';

export const HTTPS_PORT = 443;

/**
 * What TLS did on a flow's connections, for its summary (the last connection's endpoints in detail,
 * and the client's cryptographic work over all of them: a new session per request repeats the
 * public-key part every time).
 */
export function tlsSummary(clients: readonly TlsConnection[]): Record<string, unknown> {
  const last = clients.at(-1) ?? null;
  const failures = clients.map((c) => c.failure).filter((f) => f !== null);
  const sum = (k: keyof CryptoTotals) => clients.reduce((s, c) => s + c.cryptoTotals[k], 0);
  return {
    clientCpu: {
      publicKeyOps: sum('publicKeyOps'),
      publicKeyMs: nsToMs(sum('publicKeyNs')),
      symmetricOps: sum('symmetricOps'),
      symmetricBytes: sum('symmetricBytes'),
      symmetricMs: nsToMs(sum('symmetricNs')),
    },
    handshakes: clients.filter((c) => c.handshakeDoneNs >= 0).length,
    handshake: last === null ? 'pending' : last.handshakeDoneNs >= 0 ? 'established' : last.state === 'failed' || last.state === 'closed' ? 'failed' : 'pending',
    handshakeMs: clients.find((c) => c.handshakeDoneNs >= 0)?.handshakeMs ?? null,
    warning: clients.find((c) => c.warning !== null)?.warning ?? null,
    tlsFailure: failures[0] ?? null,
    tls: { client: last?.info() ?? null },
  };
}

export class HttpsFlow implements FlowRuntime {
  readonly spec: FlowContext['spec'];
  private readonly http: HttpFlow;
  /** The client's TLS connection of every TCP connection the flow opened, in order. */
  readonly clients: TlsConnection[] = [];

  constructor(ctx: FlowContext) {
    this.spec = ctx.spec;
    const serverName = ctx.spec.tls?.serverName ?? ctx.server.id;
    const inner = tlsClientWrap(ctx.client, serverName, ctx.spec.id);
    const wrap: StreamWrap = (conn, sendBuffer) => {
      const stream = inner(conn, sendBuffer) as TlsByteStream;
      this.clients.push(stream.tls);
      return stream;
    };
    this.http = new HttpFlow(ctx, { wrap, appKind: 'tls' });
  }

  get started(): boolean {
    return this.http.started;
  }

  get clientTcp(): TcpConnection | null {
    return this.http.clientTcp;
  }

  start(): void {
    this.http.start();
  }

  stop(): void {
    this.http.stop();
  }

  summary(): FlowSummary {
    return { ...this.http.summary(), ...tlsSummary(this.clients) };
  }
}

/** Every server node also serves HTTP over TLS on its HTTPS port. */
export function serveHttps(network: Network): void {
  for (const node of network.nodes.values()) {
    if (node instanceof Server) node.listenHttp(HTTPS_PORT, tlsServerWrap(node));
  }
}
