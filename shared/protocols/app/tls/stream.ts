// TLS as the byte stream HTTP runs on (seed: HTTPS — the same HTTP, its text encrypted underneath):
// a TlsConnection offered in the ByteStream shape of app/http/stream.ts, and the StreamWraps that
// put a TLS client or server between a TCP connection and the HTTP code. HTTP sees plaintext; every
// link sees records.

import type { Host } from '../../net/host.ts';
import type { TcpConnection } from '../../transport/tcp/connection.ts';
import type { ByteSendBuffer } from '../../transport/tcp/send-buffer.ts';
import { RelayingByteStream, type ByteStream, type StreamWrap } from '../http/stream.ts';
import { TlsClient } from './client.ts';
import type { TlsConnection } from './connection.ts';
import { cpuOf, pkiOf } from './pki.ts';
import { TlsServer } from './server.ts';

export class TlsByteStream extends RelayingByteStream implements ByteStream {
  readonly tls: TlsConnection;

  constructor(tls: TlsConnection) {
    super();
    this.tls = tls;
    tls.app = this.relay();
  }

  get tcp(): TcpConnection {
    return this.tls.tcp;
  }

  get readableBytes(): number {
    return this.tls.readableBytes;
  }

  /** Plaintext TLS takes now: none until the handshake is done, then its queue's free room. */
  get writableBytes(): number {
    if (this.closed || this.tls.state !== 'established') return 0;
    return this.tls.writableBytes;
  }

  read(maxBytes: number, consume?: (bytes: Uint8Array) => void): number {
    return this.tls.read(maxBytes, consume);
  }

  write(data: Uint8Array): number {
    return this.closed ? 0 : this.tls.write(data);
  }

  close(): void {
    this.tls.close();
  }

  abort(reason: string): void {
    this.tls.tcp.abort(reason);
  }
}

/** The TLS client of `client` (its trust list, browser and client certificate), expecting `serverName`. */
export function tlsClientWrap(client: Host, serverName: string, flowId: string | null): StreamWrap {
  return (conn, sendBuffer) => {
    const identity = pkiOf(client.network).identityOf(client);
    const tls = new TlsClient({ sim: client.network.sim, cpu: cpuOf(client), nodeId: client.id, flowId }, conn, sendBuffer, {
      serverName,
      trust: identity.trust,
      browser: identity.browser,
      clientCertificate: identity.clientCertificate,
    });
    return new TlsByteStream(tls);
  };
}

/** The TLS server of `server`: its certificate, its CA list for client certificates, its clientAuth. */
export function tlsServerWrap(server: Host): StreamWrap {
  return (conn: TcpConnection, sendBuffer: ByteSendBuffer) => {
    const pki = pkiOf(server.network);
    const identity = pki.identityOf(server);
    const tls = new TlsServer({ sim: server.network.sim, cpu: cpuOf(server), nodeId: server.id, flowId: conn.flowId }, conn, sendBuffer, {
      certificateFor: () => pki.serverCertificateOf(server),
      clientAuth: identity.clientAuth,
      trust: identity.trust,
    });
    return new TlsByteStream(tls);
  };
}
