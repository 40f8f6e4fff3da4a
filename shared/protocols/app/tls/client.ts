// The client side of the TLS 1.2 handshake (RFC 5246 §7.3, §7.4; seed: TLS/SSL HandShake steps 1–9):
//
//   ClientHello            →                    version, random, session id, cipher suites, compression
//                          ←  ServerHello         version, random, session id, chosen suite/compression
//                          ←  Certificate         the server's certificate
//                          ←  CertificateRequest  (only if the server wants a client certificate)
//                          ←  ServerHelloDone
//   (check the certificate against the trusted CA list: the browser profile decides what a failure does)
//   Certificate            →  (only if asked: ours, or an empty list)
//   ClientKeyExchange      →  random 48-byte pre-master secret encrypted to the server's public key
//   CertificateVerify      →  (only with a client certificate: Ed25519 signature over the transcript)
//   ChangeCipherSpec, Finished (encrypted: PRF over the transcript hash) →
//                          ←  ChangeCipherSpec, Finished
//   application data, encrypted both ways

import { ed25519 } from '@noble/curves/ed25519.js';
import type { TcpConnection } from '../../transport/tcp/connection.ts';
import type { ByteSendBuffer } from '../../transport/tcp/send-buffer.ts';
import { bytesEqual, toHex } from './bytes.ts';
import { parseCertificate, PROBLEM_ALERT, verifyCertificate, type Certificate, type CertificateProblem } from './certificate.ts';
import {
  CLIENT_CERT_TYPE_ECDSA_SIGN,
  CLIENT_CIPHER_SUITES,
  COMPRESSION_NULL,
  HS_CERTIFICATE,
  HS_CERTIFICATE_REQUEST,
  HS_CERTIFICATE_VERIFY,
  HS_CLIENT_HELLO,
  HS_CLIENT_KEY_EXCHANGE,
  HS_FINISHED,
  HS_SERVER_HELLO,
  HS_SERVER_HELLO_DONE,
  HANDSHAKE_NAMES,
  PRE_MASTER_SECRET_BYTES,
  SERVER_CIPHER_SUITES,
  SIGNATURE_ED25519,
  TLS_VERSION_1_2,
  cipherSuiteName,
} from './constants.ts';
import { TlsConnection, type TlsEndpointContext } from './connection.ts';
import { eciesSeal } from './ecies.ts';
import type { CertificateRequest, HandshakeMessage } from './handshake.ts';
import type { CertifiedKey } from './pki.ts';
import { finishedVerifyData, transcriptHash } from './prf.ts';
import type { BrowserProfile } from './spec.ts';
import type { TrustAnchor } from './certificate.ts';

export interface TlsClientConfig {
  /** The name the client means to reach: sent as server_name, expected as the certificate's subject. */
  serverName: string;
  trust: readonly TrustAnchor[];
  browser: BrowserProfile;
  /** Presented if the server asks (CertificateRequest). */
  clientCertificate: CertifiedKey | null;
}

type ClientWait = 'start' | 'ServerHello' | 'Certificate' | 'ServerHelloDone' | 'ChangeCipherSpec' | 'Finished' | 'done';

/** What the Certificate and CertificateRequest messages carry, for the trace. */
export function certificateFields(c: Certificate): Record<string, unknown> {
  return {
    subject: c.subject,
    issuer: c.issuer,
    serialNumber: toHex(c.serialNumber),
    signatureAlgorithm: c.signatureAlgorithm,
    publicKeyAlgorithm: c.publicKeyAlgorithm,
    publicKey: toHex(c.publicKey),
    notBeforeMs: c.notBeforeMs,
    notAfterMs: c.notAfterMs,
  };
}

const PROBLEM_TEXT: Record<CertificateProblem, string> = {
  malformed: 'the certificate cannot be read',
  'self-signed': 'the certificate is self-signed: no trusted CA vouches for it',
  'untrusted-issuer': 'the certificate is signed by a CA this browser does not trust',
  'bad-signature': "the certificate's signature does not verify with its issuer's public key (forged or altered)",
  expired: 'the certificate has expired',
  'not-yet-valid': 'the certificate is not valid yet',
  'name-mismatch': 'the certificate is for another name',
  'wrong-key-type': 'the certificate holds a key of the wrong type',
};

export class TlsClient extends TlsConnection {
  readonly config: TlsClientConfig;
  private wait: ClientWait = 'start';
  private serverPublicKey: Uint8Array | null = null;
  private certificateRequest: CertificateRequest | null = null;

  constructor(ctx: TlsEndpointContext, tcp: TcpConnection, sendBuffer: ByteSendBuffer, config: TlsClientConfig) {
    super(ctx, 'client', tcp, sendBuffer);
    this.config = config;
    this.serverName = config.serverName;
  }

  protected get waitingFor(): string {
    return this.wait === 'start' ? 'ClientHello' : this.wait === 'done' ? 'application_data' : this.wait;
  }

  protected acceptChangeCipherSpec(): boolean {
    if (this.wait !== 'ChangeCipherSpec') return false;
    this.wait = 'Finished';
    return true;
  }

  protected onTcpEstablished(): void {
    if (this.wait !== 'start') return;
    this.handshakeStartNs = this.sim.nowNs;
    this.clientRandom = this.makeRandom();
    const sessionId = new Uint8Array(0); // a new session: resumption is not modelled
    this.sendHandshake(
      {
        type: HS_CLIENT_HELLO,
        version: TLS_VERSION_1_2,
        random: this.clientRandom,
        sessionId,
        cipherSuites: CLIENT_CIPHER_SUITES,
        compressionMethods: [COMPRESSION_NULL],
        serverName: this.config.serverName,
      },
      {
        version: 'TLS 1.2 (0x0303)',
        random: toHex(this.clientRandom),
        sessionId: toHex(sessionId),
        cipherSuites: CLIENT_CIPHER_SUITES.map(cipherSuiteName),
        compressionMethods: ['null'],
        serverName: this.config.serverName,
      },
    );
    this.wait = 'ServerHello';
  }

  protected onHandshake(msg: HandshakeMessage, raw: Uint8Array): void {
    const name = HANDSHAKE_NAMES[msg.type]!;
    const expected = this.wait === 'ServerHelloDone' ? msg.type === HS_SERVER_HELLO_DONE || msg.type === HS_CERTIFICATE_REQUEST : name === this.wait;
    if (!expected) {
      this.fail('unexpected_message', `${name} while waiting for ${this.waitingFor}`);
      return;
    }
    switch (msg.type) {
      case HS_SERVER_HELLO: {
        this.transcript.push(raw);
        this.traceMessage('recv', name, {
          version: msg.version === TLS_VERSION_1_2 ? 'TLS 1.2 (0x0303)' : `0x${msg.version.toString(16)}`,
          random: toHex(msg.random),
          sessionId: toHex(msg.sessionId),
          cipherSuite: cipherSuiteName(msg.cipherSuite),
          compressionMethod: msg.compressionMethod === COMPRESSION_NULL ? 'null' : msg.compressionMethod,
        });
        if (msg.version !== TLS_VERSION_1_2) return this.fail('protocol_version', `the server chose version 0x${msg.version.toString(16)}`);
        if (!CLIENT_CIPHER_SUITES.includes(msg.cipherSuite) || !SERVER_CIPHER_SUITES.includes(msg.cipherSuite)) {
          return this.fail('illegal_parameter', `the server chose ${cipherSuiteName(msg.cipherSuite)}, which this client did not offer or cannot run`);
        }
        if (msg.compressionMethod !== COMPRESSION_NULL) return this.fail('illegal_parameter', 'the server chose a compression method that was not offered');
        this.serverRandom = msg.random;
        this.sessionId = msg.sessionId;
        this.cipherSuite = msg.cipherSuite;
        this.wait = 'Certificate';
        return;
      }
      case HS_CERTIFICATE: {
        this.transcript.push(raw);
        this.checkServerCertificate(msg.certificates);
        return;
      }
      case HS_CERTIFICATE_REQUEST: {
        this.transcript.push(raw);
        this.certificateRequest = msg;
        this.traceMessage('recv', name, {
          certificateTypes: msg.certificateTypes.map((t) => (t === CLIENT_CERT_TYPE_ECDSA_SIGN ? 'ecdsa_sign' : t)),
          signatureAlgorithms: msg.signatureAlgorithms.map((a) => (a === SIGNATURE_ED25519 ? 'ed25519' : `0x${a.toString(16)}`)),
          certificateAuthorities: msg.certificateAuthorities,
        });
        return;
      }
      case HS_SERVER_HELLO_DONE: {
        this.transcript.push(raw);
        this.traceMessage('recv', name, {});
        this.sendKeyExchangeFlight();
        return;
      }
      case HS_FINISHED: {
        const expectedData = finishedVerifyData(this.meter, this.master!, 'server finished', transcriptHash(this.meter, this.transcriptBytes()));
        const ok = bytesEqual(expectedData, msg.verifyData);
        this.traceMessage('recv', name, { verifyData: toHex(msg.verifyData), expected: toHex(expectedData), verified: ok, encrypted: true });
        if (!ok) return this.fail('decrypt_error', "the server's Finished does not match this side's transcript hash: a handshake message was altered");
        this.transcript.push(raw);
        this.wait = 'done';
        this.establish();
        return;
      }
      default:
        this.fail('unexpected_message', `${name} is not sent to a client`);
    }
  }

  private checkServerCertificate(chain: Uint8Array[]): void {
    let cert: Certificate | null = null;
    try {
      if (chain[0] !== undefined) cert = parseCertificate(chain[0]);
    } catch {
      cert = null;
    }
    this.traceMessage('recv', 'Certificate', { certificates: cert === null ? [] : [certificateFields(cert)], count: chain.length });
    if (cert === null) {
      this.certificateProblem = 'malformed';
      this.fail('bad_certificate', chain.length === 0 ? 'the server sent no certificate' : PROBLEM_TEXT.malformed);
      return;
    }
    this.peerCertificate = cert;
    const result = verifyCertificate(this.meter, cert, {
      trust: this.config.trust,
      nowMs: this.sim.nowMs,
      expectedName: this.config.serverName,
      keyAlgorithm: 'X25519',
    });
    const problem = result.problem;
    this.certificateProblem = problem;
    const action = problem === null ? 'accept' : this.config.browser === 'strict' || problem === 'wrong-key-type' ? 'refuse' : 'warn';
    this.traceStep('verify-certificate', {
      subject: cert.subject,
      issuer: cert.issuer,
      expectedName: this.config.serverName,
      trustedCas: this.config.trust.map((a) => a.name),
      result: problem ?? 'trusted',
      trustedBy: result.anchor?.name ?? null,
      browser: this.config.browser,
      action,
    });
    if (problem !== null) {
      if (action === 'refuse') {
        this.fail(PROBLEM_ALERT[problem], PROBLEM_TEXT[problem]);
        return;
      }
      this.warning = `Not secure: ${PROBLEM_TEXT[problem]} (${cert.subject}, issued by ${cert.issuer})`;
      this.traceStep('warning', { problem, message: this.warning });
    }
    this.serverPublicKey = cert.publicKey;
    this.wait = 'ServerHelloDone';
  }

  /** Certificate?, ClientKeyExchange, CertificateVerify?, ChangeCipherSpec, Finished (RFC 5246 §7.3). */
  private sendKeyExchangeFlight(): void {
    const prng = this.sim.prng;
    const request = this.certificateRequest;
    const own = request === null ? null : this.config.clientCertificate;
    if (request !== null) {
      this.sendHandshake(
        { type: HS_CERTIFICATE, certificates: own === null ? [] : [own.encoded] },
        { certificates: own === null ? [] : [certificateFields(own.certificate)], count: own === null ? 0 : 1 },
      );
    }
    // The pre-master secret: client_version then 46 random bytes (RFC 5246 §7.4.7.1).
    const preMaster = new Uint8Array(PRE_MASTER_SECRET_BYTES);
    preMaster[0] = TLS_VERSION_1_2 >>> 8;
    preMaster[1] = TLS_VERSION_1_2 & 0xff;
    preMaster.set(prng.bytes(PRE_MASTER_SECRET_BYTES - 2), 2);
    let encrypted: Uint8Array;
    try {
      encrypted = eciesSeal(this.meter, this.serverPublicKey!, prng.bytes(32), preMaster);
    } catch {
      // A certificate key no secret can be agreed with (a low-order point): nothing can be sent to it.
      this.fail('illegal_parameter', "the certificate's public key cannot be used for key exchange");
      return;
    }
    this.sendHandshake(
      { type: HS_CLIENT_KEY_EXCHANGE, encryptedPreMasterSecret: encrypted },
      {
        encryptedPreMasterSecret: toHex(encrypted),
        encryption: 'ECIES: X25519 ephemeral-static + HKDF-SHA256 + AES-128-GCM to the certificate key',
        ephemeralPublicKey: toHex(encrypted.subarray(0, 32)),
      },
    );
    if (own !== null) {
      // CertificateVerify: proof of the client certificate's private key over every message so far.
      this.meter.ed25519Sign();
      const signature = ed25519.sign(this.transcriptBytes(), own.secretKey);
      this.sendHandshake({ type: HS_CERTIFICATE_VERIFY, algorithm: SIGNATURE_ED25519, signature }, { algorithm: 'ed25519', signature: toHex(signature) });
    }
    this.deriveKeys(preMaster);
    this.sendChangeCipherSpec();
    const verifyData = finishedVerifyData(this.meter, this.master!, 'client finished', transcriptHash(this.meter, this.transcriptBytes()));
    this.sendHandshake({ type: HS_FINISHED, verifyData }, { verifyData: toHex(verifyData) });
    this.wait = 'ChangeCipherSpec';
  }
}
