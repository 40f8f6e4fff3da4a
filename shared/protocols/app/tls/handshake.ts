// TLS 1.2 handshake messages on the wire (RFC 5246 §7.4): each is a 4-byte header — msg_type and a
// 24-bit length — and a body in the presentation language's structs. Encode and parse live here,
// apart from the state machine (connection.ts). Parsing throws TlsDecodeError on anything malformed.
// ClientKeyExchange carries the ECIES-encrypted pre-master secret (ecies.ts) where RSA key exchange
// carries EncryptedPreMasterSecret: an opaque<0..2^16-1> either way.

import { ByteReader, ByteWriter, TlsDecodeError, fromUtf8, utf8 } from './bytes.ts';
import {
  EXT_SERVER_NAME,
  HANDSHAKE_HEADER_BYTES,
  HS_CERTIFICATE,
  HS_CERTIFICATE_REQUEST,
  HS_CERTIFICATE_VERIFY,
  HS_CLIENT_HELLO,
  HS_CLIENT_KEY_EXCHANGE,
  HS_FINISHED,
  HS_SERVER_HELLO,
  HS_SERVER_HELLO_DONE,
  MAX_HANDSHAKE_MESSAGE_BYTES,
  RANDOM_BYTES,
  VERIFY_DATA_BYTES,
} from './constants.ts';

export interface ClientHello {
  type: typeof HS_CLIENT_HELLO;
  version: number;
  /** gmt_unix_time (4 bytes) then 28 random bytes. */
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuites: number[];
  compressionMethods: number[];
  /** The server_name extension (RFC 6066 §3), or null without one. */
  serverName: string | null;
}

export interface ServerHello {
  type: typeof HS_SERVER_HELLO;
  version: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuite: number;
  compressionMethod: number;
}

export interface CertificateMessage {
  type: typeof HS_CERTIFICATE;
  /** Encoded certificates, the sender's own first (certificate.ts). */
  certificates: Uint8Array[];
}

export interface CertificateRequest {
  type: typeof HS_CERTIFICATE_REQUEST;
  certificateTypes: number[];
  signatureAlgorithms: number[];
  /** Names of the certificate authorities the server accepts. */
  certificateAuthorities: string[];
}

export interface ServerHelloDone {
  type: typeof HS_SERVER_HELLO_DONE;
}

export interface ClientKeyExchange {
  type: typeof HS_CLIENT_KEY_EXCHANGE;
  encryptedPreMasterSecret: Uint8Array;
}

export interface CertificateVerify {
  type: typeof HS_CERTIFICATE_VERIFY;
  algorithm: number;
  signature: Uint8Array;
}

export interface Finished {
  type: typeof HS_FINISHED;
  verifyData: Uint8Array;
}

export type HandshakeMessage =
  | ClientHello
  | ServerHello
  | CertificateMessage
  | CertificateRequest
  | ServerHelloDone
  | ClientKeyExchange
  | CertificateVerify
  | Finished;

const MAX_CERT_BYTES = 16384;
const MAX_CHAIN_BYTES = 65535;
const MAX_NAME_BYTES = 255;

function encodeBody(m: HandshakeMessage): Uint8Array {
  const w = new ByteWriter();
  switch (m.type) {
    case HS_CLIENT_HELLO: {
      w.u16(m.version).bytes(m.random).vector(1, m.sessionId, 32);
      w.u16(m.cipherSuites.length * 2);
      for (const s of m.cipherSuites) w.u16(s);
      w.u8(m.compressionMethods.length);
      for (const c of m.compressionMethods) w.u8(c);
      if (m.serverName !== null) {
        const host = utf8(m.serverName);
        const list = new ByteWriter().u8(0).vector(2, host, MAX_NAME_BYTES).finish(); // NameType host_name
        const ext = new ByteWriter().vector(2, list, 0xffff).finish();
        const exts = new ByteWriter().u16(EXT_SERVER_NAME).vector(2, ext, 0xffff).finish();
        w.vector(2, exts, 0xffff);
      }
      break;
    }
    case HS_SERVER_HELLO:
      w.u16(m.version).bytes(m.random).vector(1, m.sessionId, 32).u16(m.cipherSuite).u8(m.compressionMethod);
      break;
    case HS_CERTIFICATE: {
      const chain = new ByteWriter();
      for (const c of m.certificates) chain.vector(3, c, MAX_CERT_BYTES);
      w.vector(3, chain.finish(), MAX_CHAIN_BYTES);
      break;
    }
    case HS_CERTIFICATE_REQUEST: {
      w.u8(m.certificateTypes.length);
      for (const t of m.certificateTypes) w.u8(t);
      w.u16(m.signatureAlgorithms.length * 2);
      for (const a of m.signatureAlgorithms) w.u16(a);
      const names = new ByteWriter();
      for (const n of m.certificateAuthorities) names.vector(2, utf8(n), MAX_NAME_BYTES);
      w.vector(2, names.finish(), 0xffff);
      break;
    }
    case HS_SERVER_HELLO_DONE:
      break;
    case HS_CLIENT_KEY_EXCHANGE:
      w.vector(2, m.encryptedPreMasterSecret, 0xffff);
      break;
    case HS_CERTIFICATE_VERIFY:
      w.u16(m.algorithm).vector(2, m.signature, 0xffff);
      break;
    case HS_FINISHED:
      w.bytes(m.verifyData);
      break;
  }
  return w.finish();
}

/** The message with its handshake header: exactly the bytes that enter the transcript. */
export function encodeHandshake(m: HandshakeMessage): Uint8Array {
  const body = encodeBody(m);
  return new ByteWriter(body.length + HANDSHAKE_HEADER_BYTES).u8(m.type).u24(body.length).bytes(body).finish();
}

function parseServerName(data: Uint8Array): string {
  const r = new ByteReader(data);
  const list = new ByteReader(r.vector(2, 1, 0xffff, 'server_name list'));
  r.done('server_name extension');
  const nameType = list.u8('NameType');
  if (nameType !== 0) throw new TlsDecodeError(`server_name NameType ${nameType} is not host_name`);
  return fromUtf8(list.vector(2, 1, MAX_NAME_BYTES, 'HostName'), 'HostName');
}

/** Parse one handshake message body of type `type`. */
export function parseHandshakeBody(type: number, body: Uint8Array): HandshakeMessage {
  const r = new ByteReader(body);
  switch (type) {
    case HS_CLIENT_HELLO: {
      const version = r.u16('client_version');
      const random = r.fixed(RANDOM_BYTES, 'random');
      const sessionId = r.vector(1, 0, 32, 'session_id');
      const suites = new ByteReader(r.vector(2, 2, 0xfffe, 'cipher_suites'));
      const cipherSuites: number[] = [];
      while (suites.remaining > 0) cipherSuites.push(suites.u16('cipher_suite'));
      const compressionMethods = [...r.vector(1, 1, 0xff, 'compression_methods')];
      let serverName: string | null = null;
      if (r.remaining > 0) {
        const exts = new ByteReader(r.vector(2, 0, 0xffff, 'extensions'));
        while (exts.remaining > 0) {
          const extType = exts.u16('extension_type');
          const data = exts.vector(2, 0, 0xffff, 'extension_data');
          if (extType === EXT_SERVER_NAME) serverName = parseServerName(data);
        }
      }
      r.done('ClientHello');
      return { type, version, random, sessionId, cipherSuites, compressionMethods, serverName };
    }
    case HS_SERVER_HELLO: {
      const m: ServerHello = {
        type,
        version: r.u16('server_version'),
        random: r.fixed(RANDOM_BYTES, 'random'),
        sessionId: r.vector(1, 0, 32, 'session_id'),
        cipherSuite: r.u16('cipher_suite'),
        compressionMethod: r.u8('compression_method'),
      };
      if (r.remaining > 0) r.vector(2, 0, 0xffff, 'extensions'); // none are understood; tolerated
      r.done('ServerHello');
      return m;
    }
    case HS_CERTIFICATE: {
      const chain = new ByteReader(r.vector(3, 0, MAX_CHAIN_BYTES, 'certificate_list'));
      r.done('Certificate');
      const certificates: Uint8Array[] = [];
      while (chain.remaining > 0) certificates.push(chain.vector(3, 1, MAX_CERT_BYTES, 'ASN.1Cert'));
      return { type, certificates };
    }
    case HS_CERTIFICATE_REQUEST: {
      const certificateTypes = [...r.vector(1, 1, 0xff, 'certificate_types')];
      const algs = new ByteReader(r.vector(2, 2, 0xfffe, 'supported_signature_algorithms'));
      const signatureAlgorithms: number[] = [];
      while (algs.remaining > 0) signatureAlgorithms.push(algs.u16('SignatureAndHashAlgorithm'));
      const names = new ByteReader(r.vector(2, 0, 0xffff, 'certificate_authorities'));
      const certificateAuthorities: string[] = [];
      while (names.remaining > 0) certificateAuthorities.push(fromUtf8(names.vector(2, 1, MAX_NAME_BYTES, 'DistinguishedName'), 'DistinguishedName'));
      r.done('CertificateRequest');
      return { type, certificateTypes, signatureAlgorithms, certificateAuthorities };
    }
    case HS_SERVER_HELLO_DONE:
      r.done('ServerHelloDone');
      return { type };
    case HS_CLIENT_KEY_EXCHANGE: {
      const encryptedPreMasterSecret = r.vector(2, 0, 0xffff, 'EncryptedPreMasterSecret');
      r.done('ClientKeyExchange');
      return { type, encryptedPreMasterSecret };
    }
    case HS_CERTIFICATE_VERIFY: {
      const algorithm = r.u16('SignatureAndHashAlgorithm');
      const signature = r.vector(2, 0, 0xffff, 'signature');
      r.done('CertificateVerify');
      return { type, algorithm, signature };
    }
    case HS_FINISHED: {
      const verifyData = r.fixed(VERIFY_DATA_BYTES, 'verify_data');
      r.done('Finished');
      return { type, verifyData };
    }
    default:
      throw new TlsDecodeError(`unknown handshake message type ${type}`);
  }
}

export interface RawHandshake {
  type: number;
  body: Uint8Array;
  /** Header and body: what the transcript hash covers. */
  raw: Uint8Array;
}

/**
 * Cuts handshake messages out of the handshake records' fragments (a message may span records, and a
 * record may hold several messages, RFC 5246 §6.2.1).
 */
export class HandshakeReader {
  private buf = new Uint8Array(0);

  get bufferedBytes(): number {
    return this.buf.length;
  }

  push(fragment: Uint8Array): void {
    const next = new Uint8Array(this.buf.length + fragment.length);
    next.set(this.buf);
    next.set(fragment, this.buf.length);
    this.buf = next;
  }

  /** The next whole message, or null if more bytes are needed; throws on an oversized one. */
  next(): RawHandshake | null {
    if (this.buf.length < HANDSHAKE_HEADER_BYTES) return null;
    const type = this.buf[0]!;
    const length = (this.buf[1]! << 16) | (this.buf[2]! << 8) | this.buf[3]!;
    if (length > MAX_HANDSHAKE_MESSAGE_BYTES) throw new TlsDecodeError(`handshake message of ${length} bytes is too long`);
    const end = HANDSHAKE_HEADER_BYTES + length;
    if (this.buf.length < end) return null;
    const raw = this.buf.slice(0, end);
    this.buf = this.buf.slice(end);
    return { type, body: raw.subarray(HANDSHAKE_HEADER_BYTES), raw };
  }
}
