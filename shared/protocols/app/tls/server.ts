// The server side of the TLS 1.2 handshake (RFC 5246 §7.3, §7.4; seed: TLS/SSL HandShake): answer a
// ClientHello with ServerHello (its random, a fresh session id, the first offered suite it
// implements, null compression), its Certificate, a CertificateRequest when it wants a client
// certificate, and ServerHelloDone; recover the pre-master secret from ClientKeyExchange with its
// private key; check the client's certificate and CertificateVerify if it asked for them; check the
// client's Finished against its own transcript; answer with ChangeCipherSpec and its own Finished.

import { ed25519 } from '@noble/curves/ed25519.js';
import type { TcpConnection } from '../../transport/tcp/connection.ts';
import type { ByteSendBuffer } from '../../transport/tcp/send-buffer.ts';
import { bytesEqual, toHex } from './bytes.ts';
import { parseCertificate, PROBLEM_ALERT, verifyCertificate, type Certificate, type TrustAnchor } from './certificate.ts';
import { certificateFields } from './client.ts';
import {
  CLIENT_CERT_TYPE_ECDSA_SIGN,
  COMPRESSION_NULL,
  HANDSHAKE_NAMES,
  HS_CERTIFICATE,
  HS_CERTIFICATE_REQUEST,
  HS_CERTIFICATE_VERIFY,
  HS_CLIENT_HELLO,
  HS_CLIENT_KEY_EXCHANGE,
  HS_FINISHED,
  HS_SERVER_HELLO,
  HS_SERVER_HELLO_DONE,
  PRE_MASTER_SECRET_BYTES,
  SERVER_CIPHER_SUITES,
  SIGNATURE_ED25519,
  TLS_VERSION_1_2,
  cipherSuiteName,
} from './constants.ts';
import { TlsConnection, type TlsEndpointContext } from './connection.ts';
import type { CryptoMeter } from './crypto-cost.ts';
import { eciesOpen } from './ecies.ts';
import type { ClientHello, HandshakeMessage } from './handshake.ts';
import type { CertifiedKey } from './pki.ts';
import { finishedVerifyData, transcriptHash } from './prf.ts';
import type { ClientAuthMode } from './spec.ts';

export interface TlsServerConfig {
  /** The certificate to present for the name the client asked for (server_name, or null). */
  certificateFor(serverName: string | null, meter: CryptoMeter): CertifiedKey;
  clientAuth: ClientAuthMode;
  /** CAs whose client certificates this server accepts. */
  trust: readonly TrustAnchor[];
  /** Called with the ClientHello before the server answers it (a proxy learns the name to reach). */
  onClientHello?(hello: ClientHello): void;
}

type ServerWait = 'ClientHello' | 'Certificate' | 'ClientKeyExchange' | 'CertificateVerify' | 'ChangeCipherSpec' | 'Finished' | 'done';

export class TlsServer extends TlsConnection {
  readonly config: TlsServerConfig;
  private wait: ServerWait = 'ClientHello';
  private own: CertifiedKey | null = null;
  /** The client's certificate, when it sent one that checked out. */
  clientCertificate: Certificate | null = null;
  /** True when ClientKeyExchange could not be decrypted and a random pre-master secret stood in. */
  preMasterSecretReplaced = false;

  constructor(ctx: TlsEndpointContext, tcp: TcpConnection, sendBuffer: ByteSendBuffer, config: TlsServerConfig) {
    super(ctx, 'server', tcp, sendBuffer);
    this.config = config;
  }

  protected get waitingFor(): string {
    return this.wait === 'done' ? 'application_data' : this.wait;
  }

  protected acceptChangeCipherSpec(): boolean {
    if (this.wait !== 'ChangeCipherSpec') return false;
    this.wait = 'Finished';
    return true;
  }

  protected onTcpEstablished(): void {
    // The client speaks first.
  }

  protected onHandshake(msg: HandshakeMessage, raw: Uint8Array): void {
    const name = HANDSHAKE_NAMES[msg.type]!;
    if (name !== this.wait) {
      // A client that was asked for a certificate and has none must still send an empty Certificate.
      this.fail('unexpected_message', `${name} while waiting for ${this.waitingFor}`);
      return;
    }
    switch (msg.type) {
      case HS_CLIENT_HELLO:
        this.transcript.push(raw);
        this.clientHello(msg);
        return;
      case HS_CERTIFICATE:
        this.transcript.push(raw);
        this.clientCertificateMessage(msg.certificates);
        return;
      case HS_CLIENT_KEY_EXCHANGE: {
        this.transcript.push(raw);
        let preMaster = eciesOpen(this.meter, this.own!.secretKey, this.own!.publicKey, msg.encryptedPreMasterSecret);
        const valid = preMaster !== null && preMaster.length === PRE_MASTER_SECRET_BYTES && preMaster[0] === 3 && preMaster[1] === 3;
        this.traceMessage('recv', name, {
          encryptedPreMasterSecret: toHex(msg.encryptedPreMasterSecret),
          decrypted: valid,
          ...(valid ? {} : { note: 'not decryptable: a random pre-master secret stands in (RFC 5246 §7.4.7.1), so Finished will fail' }),
        });
        if (!valid) {
          // RFC 5246 §7.4.7.1: never reveal the failure; go on with a random secret and let Finished fail.
          this.preMasterSecretReplaced = true;
          preMaster = this.sim.prng.bytes(PRE_MASTER_SECRET_BYTES);
        }
        this.deriveKeys(preMaster!);
        this.wait = this.clientCertificate !== null ? 'CertificateVerify' : 'ChangeCipherSpec';
        return;
      }
      case HS_CERTIFICATE_VERIFY: {
        const signed = this.transcriptBytes(); // every message before this one
        this.meter.ed25519Verify();
        let ok = false;
        try {
          ok = msg.algorithm === SIGNATURE_ED25519 && ed25519.verify(msg.signature, signed, this.clientCertificate!.publicKey);
        } catch {
          ok = false;
        }
        this.traceMessage('recv', name, { algorithm: msg.algorithm === SIGNATURE_ED25519 ? 'ed25519' : msg.algorithm, signature: toHex(msg.signature), verified: ok });
        if (!ok) return this.fail('decrypt_error', "the client's CertificateVerify signature does not verify with its certificate's key");
        this.transcript.push(raw);
        this.wait = 'ChangeCipherSpec';
        return;
      }
      case HS_FINISHED: {
        const expected = finishedVerifyData(this.meter, this.master!, 'client finished', transcriptHash(this.meter, this.transcriptBytes()));
        const ok = bytesEqual(expected, msg.verifyData);
        this.traceMessage('recv', name, { verifyData: toHex(msg.verifyData), expected: toHex(expected), verified: ok, encrypted: true });
        if (!ok) return this.fail('decrypt_error', "the client's Finished does not match this side's transcript hash: a handshake message was altered");
        this.transcript.push(raw);
        this.sendChangeCipherSpec();
        const verifyData = finishedVerifyData(this.meter, this.master!, 'server finished', transcriptHash(this.meter, this.transcriptBytes()));
        this.sendHandshake({ type: HS_FINISHED, verifyData }, { verifyData: toHex(verifyData) });
        this.wait = 'done';
        this.establish();
        return;
      }
      default:
        this.fail('unexpected_message', `${name} is not sent to a server`);
    }
  }

  private clientHello(hello: ClientHello): void {
    this.handshakeStartNs = this.sim.nowNs;
    this.serverName = hello.serverName;
    this.traceMessage('recv', 'ClientHello', {
      version: hello.version === TLS_VERSION_1_2 ? 'TLS 1.2 (0x0303)' : `0x${hello.version.toString(16)}`,
      random: toHex(hello.random),
      sessionId: toHex(hello.sessionId),
      cipherSuites: hello.cipherSuites.map(cipherSuiteName),
      compressionMethods: hello.compressionMethods.map((c) => (c === COMPRESSION_NULL ? 'null' : c)),
      serverName: hello.serverName,
    });
    if (hello.version < TLS_VERSION_1_2) return this.fail('protocol_version', `the client offers only 0x${hello.version.toString(16)}; this server speaks TLS 1.2`);
    // The client's preference order decides among the suites both sides implement.
    const suite = hello.cipherSuites.find((s) => SERVER_CIPHER_SUITES.includes(s));
    if (suite === undefined) return this.fail('handshake_failure', 'no cipher suite in common');
    if (!hello.compressionMethods.includes(COMPRESSION_NULL)) return this.fail('illegal_parameter', 'the client does not offer null compression');
    this.config.onClientHello?.(hello);
    this.clientRandom = hello.random;
    this.serverRandom = this.makeRandom();
    this.sessionId = this.sim.prng.bytes(32);
    this.cipherSuite = suite;
    this.own = this.config.certificateFor(hello.serverName, this.meter);
    this.sendHandshake(
      { type: HS_SERVER_HELLO, version: TLS_VERSION_1_2, random: this.serverRandom, sessionId: this.sessionId, cipherSuite: suite, compressionMethod: COMPRESSION_NULL },
      {
        version: 'TLS 1.2 (0x0303)',
        random: toHex(this.serverRandom),
        sessionId: toHex(this.sessionId),
        cipherSuite: cipherSuiteName(suite),
        compressionMethod: 'null',
      },
    );
    this.sendHandshake({ type: HS_CERTIFICATE, certificates: [this.own.encoded] }, { certificates: [certificateFields(this.own.certificate)], count: 1 });
    const asks = this.config.clientAuth !== 'none';
    if (asks) {
      const cas = this.config.trust.map((a) => a.name);
      this.sendHandshake(
        { type: HS_CERTIFICATE_REQUEST, certificateTypes: [CLIENT_CERT_TYPE_ECDSA_SIGN], signatureAlgorithms: [SIGNATURE_ED25519], certificateAuthorities: cas },
        { certificateTypes: ['ecdsa_sign'], signatureAlgorithms: ['ed25519'], certificateAuthorities: cas },
      );
    }
    this.sendHandshake({ type: HS_SERVER_HELLO_DONE }, {});
    this.wait = asks ? 'Certificate' : 'ClientKeyExchange';
  }

  private clientCertificateMessage(chain: Uint8Array[]): void {
    let cert: Certificate | null = null;
    try {
      if (chain[0] !== undefined) cert = parseCertificate(chain[0]);
    } catch {
      cert = null;
    }
    this.traceMessage('recv', 'Certificate', { certificates: cert === null ? [] : [certificateFields(cert)], count: chain.length });
    if (chain.length === 0) {
      if (this.config.clientAuth === 'require') return this.fail('handshake_failure', 'the client has no certificate and this server requires one');
      this.wait = 'ClientKeyExchange';
      return;
    }
    if (cert === null) return this.fail('bad_certificate', 'the client certificate cannot be read');
    this.peerCertificate = cert;
    const result = verifyCertificate(this.meter, cert, { trust: this.config.trust, nowMs: this.sim.nowMs, expectedName: null, keyAlgorithm: 'Ed25519' });
    this.certificateProblem = result.problem;
    this.traceStep('verify-certificate', {
      subject: cert.subject,
      issuer: cert.issuer,
      trustedCas: this.config.trust.map((a) => a.name),
      result: result.problem ?? 'trusted',
      trustedBy: result.anchor?.name ?? null,
      action: result.problem === null ? 'accept' : 'refuse',
    });
    if (result.problem !== null) return this.fail(PROBLEM_ALERT[result.problem], `the client certificate does not check out (${result.problem})`);
    this.clientCertificate = cert;
    this.wait = 'ClientKeyExchange';
  }
}
