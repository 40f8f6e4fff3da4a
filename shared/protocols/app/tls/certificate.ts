// Certificates (seed: HTTPS 통신 흐름 steps 1–6): a certificate authority puts the company (subject)
// name, the server's public key and the public-key algorithm in a certificate, signs it with its own
// private key, and the browser, which already holds the CA's public key, checks that signature. Real
// X.509 is DER-encoded ASN.1 with RSA or ECDSA; this engine keeps X.509's field names and order in a
// small documented TLV encoding and signs with Ed25519 (@noble/curves).
//
// Encoding: every element is tag (1 byte), length (2 bytes, big-endian), value.
//   0x30 Certificate {
//     0x31 tbsCertificate {
//       0x01 version              1 byte (1)
//       0x02 serialNumber         8 bytes
//       0x03 signature            UTF-8 algorithm name ("Ed25519")
//       0x04 issuer               UTF-8 name of the CA (the subject itself when self-signed)
//       0x05 validity             notBefore, notAfter: 8 bytes each, simulated milliseconds
//       0x06 subject              UTF-8 company / server name
//       0x07 subjectPublicKeyAlgorithm  UTF-8 ("X25519": a server's key-exchange key; "Ed25519": a
//                                 client's signing key)
//       0x08 subjectPublicKey     32 bytes
//     }
//     0x09 signatureValue         64-byte Ed25519 signature over the tbsCertificate element's bytes
//   }

import { ed25519 } from '@noble/curves/ed25519.js';
import { ByteReader, ByteWriter, TlsDecodeError, fromUtf8, utf8 } from './bytes.ts';
import type { AlertName } from './constants.ts';
import type { CryptoMeter } from './crypto-cost.ts';

export const CERT_VERSION = 1;
export const SIGNATURE_ALGORITHM = 'Ed25519';
export type PublicKeyAlgorithm = 'X25519' | 'Ed25519';
export const MAX_CERT_NAME_CHARS = 64;
const MAX_CERT_BYTES = 1024;
const SERIAL_BYTES = 8;
const KEY_BYTES = 32;
const SIGNATURE_BYTES = 64;

const T = {
  certificate: 0x30,
  tbs: 0x31,
  version: 0x01,
  serialNumber: 0x02,
  signature: 0x03,
  issuer: 0x04,
  validity: 0x05,
  subject: 0x06,
  subjectPublicKeyAlgorithm: 0x07,
  subjectPublicKey: 0x08,
  signatureValue: 0x09,
} as const;

export interface CertificateFields {
  serialNumber: Uint8Array;
  issuer: string;
  notBeforeMs: number;
  notAfterMs: number;
  subject: string;
  publicKeyAlgorithm: PublicKeyAlgorithm;
  publicKey: Uint8Array;
}

export interface Certificate extends CertificateFields {
  version: number;
  signatureAlgorithm: string;
  /** The signed part exactly as encoded. */
  tbs: Uint8Array;
  signature: Uint8Array;
  encoded: Uint8Array;
}

function tlv(w: ByteWriter, tag: number, value: Uint8Array): void {
  w.u8(tag).vector(2, value, 0xffff);
}

function name(text: string, what: string): Uint8Array {
  if (text.length === 0 || text.length > MAX_CERT_NAME_CHARS) throw new RangeError(`${what} must be 1-${MAX_CERT_NAME_CHARS} characters`);
  return utf8(text);
}

export function encodeTbs(f: CertificateFields): Uint8Array {
  if (f.serialNumber.length !== SERIAL_BYTES || f.publicKey.length !== KEY_BYTES) throw new RangeError('bad serial number or key length');
  const inner = new ByteWriter();
  tlv(inner, T.version, new Uint8Array([CERT_VERSION]));
  tlv(inner, T.serialNumber, f.serialNumber);
  tlv(inner, T.signature, utf8(SIGNATURE_ALGORITHM));
  tlv(inner, T.issuer, name(f.issuer, 'issuer'));
  tlv(inner, T.validity, new ByteWriter(16).u64(f.notBeforeMs).u64(f.notAfterMs).finish());
  tlv(inner, T.subject, name(f.subject, 'subject'));
  tlv(inner, T.subjectPublicKeyAlgorithm, utf8(f.publicKeyAlgorithm));
  tlv(inner, T.subjectPublicKey, f.publicKey);
  const w = new ByteWriter();
  tlv(w, T.tbs, inner.finish());
  return w.finish();
}

/** Certificate { tbsCertificate, signatureValue }. */
export function assembleCertificate(tbs: Uint8Array, signature: Uint8Array): Uint8Array {
  const body = new ByteWriter().bytes(tbs);
  tlv(body, T.signatureValue, signature);
  const w = new ByteWriter();
  tlv(w, T.certificate, body.finish());
  return w.finish();
}

/** The CA signs the to-be-signed part with its Ed25519 private key. */
export function issueCertificate(meter: CryptoMeter, fields: CertificateFields, signerSecretKey: Uint8Array): Uint8Array {
  const tbs = encodeTbs(fields);
  meter.ed25519Sign();
  return assembleCertificate(tbs, ed25519.sign(tbs, signerSecretKey));
}

function expect(r: ByteReader, tag: number, what: string, min: number, max: number): Uint8Array {
  const t = r.u8(what);
  if (t !== tag) throw new TlsDecodeError(`${what}: tag 0x${t.toString(16)} where 0x${tag.toString(16)} belongs`);
  return r.vector(2, min, max, what);
}

export function parseCertificate(bytes: Uint8Array): Certificate {
  if (bytes.length > MAX_CERT_BYTES) throw new TlsDecodeError('certificate too long');
  const outer = new ByteReader(bytes);
  const body = new ByteReader(expect(outer, T.certificate, 'Certificate', 1, MAX_CERT_BYTES));
  outer.done('Certificate');
  const tbsStart = body.offset;
  const tbsValue = expect(body, T.tbs, 'tbsCertificate', 1, MAX_CERT_BYTES);
  const tbs = bytes.slice(3 + tbsStart, 3 + body.offset);
  const signature = expect(body, T.signatureValue, 'signatureValue', SIGNATURE_BYTES, SIGNATURE_BYTES);
  body.done('Certificate');
  const r = new ByteReader(tbsValue);
  const version = expect(r, T.version, 'version', 1, 1)[0]!;
  if (version !== CERT_VERSION) throw new TlsDecodeError(`certificate version ${version} is not ${CERT_VERSION}`);
  const serialNumber = expect(r, T.serialNumber, 'serialNumber', SERIAL_BYTES, SERIAL_BYTES);
  const signatureAlgorithm = fromUtf8(expect(r, T.signature, 'signature', 1, 32), 'signature');
  const issuer = fromUtf8(expect(r, T.issuer, 'issuer', 1, MAX_CERT_NAME_CHARS * 4), 'issuer');
  const validity = new ByteReader(expect(r, T.validity, 'validity', 16, 16));
  const notBeforeMs = validity.u64('notBefore');
  const notAfterMs = validity.u64('notAfter');
  const subject = fromUtf8(expect(r, T.subject, 'subject', 1, MAX_CERT_NAME_CHARS * 4), 'subject');
  const algorithm = fromUtf8(expect(r, T.subjectPublicKeyAlgorithm, 'subjectPublicKeyAlgorithm', 1, 32), 'subjectPublicKeyAlgorithm');
  if (algorithm !== 'X25519' && algorithm !== 'Ed25519') throw new TlsDecodeError(`unknown public-key algorithm ${algorithm}`);
  const publicKey = expect(r, T.subjectPublicKey, 'subjectPublicKey', KEY_BYTES, KEY_BYTES);
  r.done('tbsCertificate');
  return {
    version,
    serialNumber,
    signatureAlgorithm,
    issuer,
    notBeforeMs,
    notAfterMs,
    subject,
    publicKeyAlgorithm: algorithm,
    publicKey,
    tbs,
    signature,
    encoded: bytes,
  };
}

/** A CA public key the client was given in advance (seed: the browser already knows it). */
export interface TrustAnchor {
  /** The CA's node id. */
  id: string;
  /** The CA's name, as certificates name their issuer. */
  name: string;
  publicKey: Uint8Array;
}

export type CertificateProblem =
  | 'malformed'
  | 'self-signed'
  | 'untrusted-issuer'
  | 'bad-signature'
  | 'expired'
  | 'not-yet-valid'
  | 'name-mismatch'
  | 'wrong-key-type';

export const PROBLEM_ALERT: Record<CertificateProblem, AlertName> = {
  malformed: 'bad_certificate',
  'self-signed': 'unknown_ca',
  'untrusted-issuer': 'unknown_ca',
  'bad-signature': 'bad_certificate',
  expired: 'certificate_expired',
  'not-yet-valid': 'certificate_expired',
  'name-mismatch': 'bad_certificate',
  'wrong-key-type': 'unsupported_certificate',
};

export interface VerifyContext {
  trust: readonly TrustAnchor[];
  nowMs: number;
  /** The name the client meant to reach (null: any name, as for a client certificate). */
  expectedName: string | null;
  keyAlgorithm: PublicKeyAlgorithm;
}

export interface VerifyResult {
  problem: CertificateProblem | null;
  /** The trusted CA that vouched for it, when it checked out. */
  anchor: TrustAnchor | null;
}

/**
 * The browser's checks, in the order a real one makes them: a known issuer, its signature, the
 * validity period, the name, the key's type. The first failure is the answer.
 */
export function verifyCertificate(meter: CryptoMeter, cert: Certificate, ctx: VerifyContext): VerifyResult {
  const anchor = ctx.trust.find((a) => a.name === cert.issuer) ?? null;
  if (anchor === null) return { problem: cert.issuer === cert.subject ? 'self-signed' : 'untrusted-issuer', anchor: null };
  meter.ed25519Verify();
  let valid = false;
  try {
    valid = cert.signatureAlgorithm === SIGNATURE_ALGORITHM && ed25519.verify(cert.signature, cert.tbs, anchor.publicKey);
  } catch {
    valid = false;
  }
  if (!valid) return { problem: 'bad-signature', anchor: null };
  if (ctx.nowMs < cert.notBeforeMs) return { problem: 'not-yet-valid', anchor };
  if (ctx.nowMs > cert.notAfterMs) return { problem: 'expired', anchor };
  if (ctx.expectedName !== null && cert.subject !== ctx.expectedName) return { problem: 'name-mismatch', anchor };
  if (cert.publicKeyAlgorithm !== ctx.keyAlgorithm) return { problem: 'wrong-key-type', anchor };
  return { problem: null, anchor };
}
