// A man-in-the-middle at a tap (seed: HTTPS — "HTTPS is not safe unconditionally: a certificate that
// no trusted CA issued"): a transparent proxy for TLS connections to port 443. When a client's SYN
// crosses the tap, the tap answers it in the server's name (its own TCP endpoint with the server's
// address), and when the client's ClientHello names the server, the tap opens its own TCP and TLS
// connection to the real server in the client's name. It presents its own certificate to the client —
// self-signed, or signed by a CA the client does not trust — so a strict browser refuses it at
// certificate verification; a click-through browser proceeds with a warning, and from then on the tap
// decrypts what each side sends, reads it, and re-encrypts it for the other.
//
// The tap has no address of its own: the frames it sends carry the addresses of the endpoints it
// impersonates, framed with the MAC addresses it saw on the client's SYN.

import { ipToString } from '../../net/addresses.ts';
import { ETHERTYPE_IPV4 } from '../../net/ethernet.ts';
import type { Interface } from '../../net/interface.ts';
import { IP_PROTOCOL_TCP, originatedIpv4 } from '../../net/ipv4.ts';
import { Packet } from '../../net/packet.ts';
import type { PayloadSource } from '../../net/payload.ts';
import type { Tap } from '../../net/tap.ts';
import { payloadPreview } from '../../net/payload-preview.ts';
import { msToNs } from '../../sim/time.ts';
import { TcpConnection, type TcpConfig, type TcpHostPort } from '../../transport/tcp/connection.ts';
import { defaultTcpConfig } from '../../transport/tcp/default-config.ts';
import { ACK, RST, SYN, type TcpHeader } from '../../transport/tcp/header.ts';
import { ByteSendBuffer } from '../../transport/tcp/send-buffer.ts';
import { TlsClient } from './client.ts';
import type { TlsConnection } from './connection.ts';
import type { CryptoMeter } from './crypto-cost.ts';
import { cpuOf, pkiOf, type CertifiedKey } from './pki.ts';
import { TlsServer } from './server.ts';
import type { CertificateSpec } from './spec.ts';

export const HTTPS_PORT = 443;
/** Connections one tap intercepts at once. */
const MAX_SESSIONS = 256;
/** Certificates a tap mints for different names, at most (then it reuses the first). */
const MAX_MINTED_CERTIFICATES = 64;
/** Plaintext held for a side that is not ready yet (the upstream handshake still running). */
const MAX_RELAY_BYTES = 1 << 20;
const SEND_BUFFER_BYTES = 1 << 20;
/** How long a closed session is remembered (two maximum segment lifetimes, as TIME_WAIT). */
const SESSION_LINGER_NS = msToNs(60_000);

/** The tap's own TCP settings (the defaults of a scenario's flow). */
function proxyTcpConfig(): TcpConfig {
  return defaultTcpConfig({ sndBufBytes: SEND_BUFFER_BYTES });
}

function sessionKey(clientIp: number, clientPort: number, serverIp: number): string {
  return `${clientIp}:${clientPort}>${serverIp}`;
}

/** One intercepted connection: the client-facing half and the server-facing half. */
class MitmSession implements TcpHostPort {
  readonly proxy: MitmProxy;
  readonly key: string;
  readonly flowId: string | null;
  readonly clientSide: Interface;
  readonly serverSide: Interface;
  private readonly clientMac: number;
  private readonly nextHopMac: number;
  readonly clientIp: number;
  readonly clientPort: number;
  readonly serverIp: number;
  readonly toClient: TcpConnection;
  readonly clientTls: TlsServer;
  toServer: TcpConnection | null = null;
  serverTls: TlsClient | null = null;
  private readonly pendingToServer: Uint8Array[] = [];
  private readonly pendingToClient: Uint8Array[] = [];
  private pendingBytes = 0;
  private clientDone = false;
  private serverDone = false;
  private closedAtNs = -1;

  /** The tap: the connections it plays for either end are its own. */
  get nodeId(): string {
    return this.proxy.tap.id;
  }

  constructor(proxy: MitmProxy, syn: Packet, via: Interface, out: Interface) {
    this.proxy = proxy;
    const tap = proxy.tap;
    this.flowId = syn.flowId;
    this.clientSide = via;
    this.serverSide = out;
    this.clientMac = syn.eth.src;
    this.nextHopMac = syn.eth.dst;
    this.clientIp = syn.ip.src;
    this.clientPort = syn.tcp!.srcPort;
    this.serverIp = syn.ip.dst;
    this.key = sessionKey(this.clientIp, this.clientPort, this.serverIp);
    const sim = tap.network.sim;
    const sendBuffer = new ByteSendBuffer(SEND_BUFFER_BYTES);
    this.toClient = new TcpConnection({
      sim,
      host: this,
      cfg: proxyTcpConfig(),
      flowId: this.flowId,
      side: 'server',
      localIp: this.serverIp,
      localPort: HTTPS_PORT,
      remoteIp: this.clientIp,
      remotePort: this.clientPort,
      sendBuffer,
    });
    this.clientTls = new TlsServer(this.context(), this.toClient, sendBuffer, {
      certificateFor: (name, meter) => proxy.certificateFor(name, meter),
      clientAuth: 'none',
      trust: [],
      onClientHello: (hello) => this.connectUpstream(hello.serverName),
    });
    this.clientTls.app = {
      readable: () => this.relay(this.clientTls, 'client->server'),
      eof: () => {
        this.clientDone = true;
        this.maybeClose();
      },
      closed: () => this.halfGone(),
    };
  }

  private context() {
    const tap = this.proxy.tap;
    return { sim: tap.network.sim, cpu: cpuOf(tap), nodeId: tap.id, flowId: this.flowId };
  }

  /** The client named the server: open the tap's own connection to it, in the client's name. */
  private connectUpstream(serverName: string | null): void {
    if (this.toServer !== null) return;
    const sim = this.proxy.tap.network.sim;
    const sendBuffer = new ByteSendBuffer(SEND_BUFFER_BYTES);
    this.toServer = new TcpConnection({
      sim,
      host: this,
      cfg: proxyTcpConfig(),
      flowId: this.flowId,
      side: 'client',
      localIp: this.clientIp,
      localPort: this.clientPort,
      remoteIp: this.serverIp,
      remotePort: HTTPS_PORT,
      sendBuffer,
    });
    // The attacker does not care whether the real certificate checks out: it trusts nothing and clicks through.
    this.serverTls = new TlsClient(this.context(), this.toServer, sendBuffer, {
      serverName: serverName ?? ipToString(this.serverIp),
      trust: [],
      browser: 'click-through',
      clientCertificate: null,
    });
    this.serverTls.app = {
      established: () => this.flush(),
      readable: () => this.relay(this.serverTls!, 'server->client'),
      eof: () => {
        this.serverDone = true;
        this.maybeClose();
      },
      closed: () => this.halfGone(),
    };
    this.toServer.connect();
  }

  /** Decrypted bytes from one side: read them (the point of the attack), then re-encrypt for the other. */
  private relay(from: TlsConnection, direction: 'client->server' | 'server->client'): void {
    const queue = direction === 'client->server' ? this.pendingToServer : this.pendingToClient;
    from.read(Math.max(0, MAX_RELAY_BYTES - this.pendingBytes), (bytes) => {
      const copy = bytes.slice();
      queue.push(copy);
      this.pendingBytes += copy.length;
      this.proxy.plaintextRead(this, direction, copy);
    });
    this.flush();
  }

  private flush(): void {
    this.flushQueue(this.pendingToServer, this.serverTls);
    this.flushQueue(this.pendingToClient, this.clientTls);
    this.maybeClose();
  }

  private flushQueue(queue: Uint8Array[], to: TlsConnection | null): void {
    if (to === null || to.state !== 'established') return;
    while (queue.length > 0) {
      const head = queue[0]!;
      const n = to.write(head);
      this.pendingBytes -= n;
      if (n < head.length) {
        queue[0] = head.subarray(n);
        return;
      }
      queue.shift();
    }
  }

  private maybeClose(): void {
    if (this.clientDone && this.pendingToServer.length === 0) this.serverTls?.close();
    if (this.serverDone && this.pendingToClient.length === 0) this.clientTls.close();
  }

  /** One half is gone: the other has nothing left to relay to. */
  private halfGone(): void {
    if (this.clientTls.state === 'failed' || this.clientTls.state === 'closed') {
      if (this.serverTls === null || this.serverTls.state === 'handshake') this.toServer?.abort('the client left the intercepted connection');
      else this.serverTls.close();
    }
    if (this.serverTls !== null && (this.serverTls.state === 'failed' || this.serverTls.state === 'closed') && this.clientTls.state === 'established') {
      this.clientTls.close();
    }
  }

  // TcpHostPort: the tap's segments carry the addresses of the endpoint it impersonates.
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
    const net = this.proxy.tap.network;
    const toClient = conn === this.toClient;
    const p = new Packet(
      net.nextPacketId(),
      net.sim.nowNs,
      { dst: toClient ? this.clientMac : this.nextHopMac, src: toClient ? this.nextHopMac : this.clientMac, etherType: ETHERTYPE_IPV4 },
      originatedIpv4(this.proxy.nextIpId(), IP_PROTOCOL_TCP, conn.localIp, conn.remoteIp),
      header,
      null,
      payloadLength,
      bytes,
      source,
      sourceOffset,
    );
    p.flowId = conn.flowId;
    p.appKind = 'tls';
    p.retransmit = retransmit;
    p.dataSegmentIndex = dataSegmentIndex;
    const tap = this.proxy.tap;
    if (!tap.up) {
      net.drop(p, { node: tap.id }, 'node-down');
      return;
    }
    (toClient ? this.clientSide : this.serverSide).tx.enqueue(p);
  }

  closed(): void {
    // The session stays while the server may still send (a late segment then gets its RST above).
    if (this.toClient.state === 'CLOSED' && (this.toServer === null || this.toServer.state === 'CLOSED')) this.closedAtNs = this.proxy.tap.network.sim.nowNs;
  }

  /** Both halves closed, and long enough ago that nothing of theirs is still in flight. */
  expired(nowNs: number): boolean {
    return this.closedAtNs >= 0 && nowNs - this.closedAtNs > SESSION_LINGER_NS;
  }

  segmentFromClient(p: Packet): void {
    const t = p.tcp!;
    if (this.toClient.state === 'CLOSED' && t.flags & SYN && !(t.flags & ACK)) this.toClient.acceptSyn(p);
    else this.toClient.segmentArrives(p);
  }

  segmentFromServer(p: Packet): void {
    const conn = this.toServer;
    if (conn === null) return;
    if (conn.state !== 'CLOSED') {
      conn.segmentArrives(p);
      return;
    }
    // The tap gave this connection up (its client left mid-handshake): the server's segments meet a
    // closed socket, which answers with RST (RFC 9293 §3.10.7.1) so the server does not wait on.
    const h = p.tcp!;
    if (h.flags & RST) return;
    const rst: TcpHeader = { srcPort: h.dstPort, dstPort: h.srcPort, seq: h.ack, ack: 0, flags: RST, window: 0, urgentPointer: 0, options: null };
    this.transmit(conn, rst, 0, null, null, 0, false, 0);
  }
}

export class MitmProxy {
  readonly tap: Tap;
  private readonly spec: CertificateSpec;
  private readonly sessions = new Map<string, MitmSession>();
  private readonly certificates = new Map<string, CertifiedKey>();
  private ipId = 0;
  connectionsIntercepted = 0;
  plaintextBytesRead = 0;

  constructor(tap: Tap, spec: CertificateSpec) {
    this.tap = tap;
    this.spec = spec;
  }

  nextIpId(): number {
    this.ipId = (this.ipId + 1) & 0xffff;
    return this.ipId;
  }

  /** Does this frame belong to a connection the tap intercepts (or open a new one to port 443)? */
  intercepts(p: Packet, via: Interface): boolean {
    const t = p.tcp;
    if (t === null) return false;
    if (t.dstPort === HTTPS_PORT) {
      const s = this.sessions.get(sessionKey(p.ip.src, t.srcPort, p.ip.dst));
      if (s !== undefined) return via === s.clientSide;
      return (t.flags & SYN) !== 0 && (t.flags & ACK) === 0 && this.sessions.size < MAX_SESSIONS;
    }
    if (t.srcPort === HTTPS_PORT) {
      const s = this.sessions.get(sessionKey(p.ip.dst, t.dstPort, p.ip.src));
      return s !== undefined && via === s.serverSide && s.toServer !== null;
    }
    return false;
  }

  /** The frame goes into the tap's own TCP endpoints instead of onward. */
  take(p: Packet, via: Interface): void {
    const net = this.tap.network;
    net.consumed(p, this.tap.id);
    const t = p.tcp!;
    if (t.dstPort === HTTPS_PORT) {
      let s = this.sessions.get(sessionKey(p.ip.src, t.srcPort, p.ip.dst));
      if (s !== undefined && s.expired(net.sim.nowNs) && t.flags & SYN) {
        this.sessions.delete(s.key); // the same ports reused for a new connection
        s = undefined;
      }
      if (s === undefined) {
        this.forgetExpired(net.sim.nowNs);
        const out = this.tap.interfaces.find((i) => i !== via)!;
        s = new MitmSession(this, p, via, out);
        this.sessions.set(s.key, s);
        this.connectionsIntercepted++;
        const sim = net.sim;
        if (sim.trace.enabled('tap')) {
          sim.trace.emit({
            type: 'tap',
            t: sim.nowMs,
            node: this.tap.id,
            action: 'mitm-connect',
            flow: p.flowId,
            client: `${ipToString(s.clientIp)}:${s.clientPort}`,
            server: `${ipToString(s.serverIp)}:${HTTPS_PORT}`,
          });
        }
      }
      s.segmentFromClient(p);
      return;
    }
    this.sessions.get(sessionKey(p.ip.dst, t.dstPort, p.ip.src))?.segmentFromServer(p);
  }

  private forgetExpired(nowNs: number): void {
    for (const [key, s] of this.sessions) if (s.expired(nowNs)) this.sessions.delete(key);
  }

  /** The certificate shown to a client that asked for `name`: made on the spot, as interception proxies do. */
  certificateFor(name: string | null, meter: CryptoMeter): CertifiedKey {
    const subject = this.spec.subject ?? name ?? this.tap.id;
    let cert = this.certificates.get(subject);
    if (cert === undefined && this.certificates.size >= MAX_MINTED_CERTIFICATES) cert = this.certificates.values().next().value!;
    if (cert === undefined) {
      meter.ed25519Sign(); // minting it costs the tap a signature
      cert = pkiOf(this.tap.network).issue(this.tap.id, { ...this.spec, subject }, 'X25519');
      this.certificates.set(subject, cert);
    }
    return cert;
  }

  plaintextRead(s: MitmSession, direction: 'client->server' | 'server->client', bytes: Uint8Array): void {
    this.plaintextBytesRead += bytes.length;
    const sim = this.tap.network.sim;
    if (!sim.trace.enabled('tap')) return;
    const { preview, previewFormat } = payloadPreview(bytes, this.tap.previewBytes);
    sim.trace.emit({ type: 'tap', t: sim.nowMs, node: this.tap.id, action: 'plaintext', flow: s.flowId, direction, bytes: bytes.length, preview, previewFormat });
  }

  summary(): Record<string, unknown> {
    return { connectionsIntercepted: this.connectionsIntercepted, plaintextBytesRead: this.plaintextBytesRead };
  }
}
