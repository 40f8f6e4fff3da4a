// TLS 1.2 code points (RFC 5246 §6.2.1, §7.2, §7.4, §A) used by the record layer and the handshake,
// with the names people read in a packet inspector.
//
// The one cipher suite this engine implements is not an IANA suite, and says so: the noble libraries
// have no RSA, so the pre-master secret travels "encrypted with the server's public key" (the seed's
// step 7) by ECIES over the server's static X25519 key (ephemeral-static ECDH + HKDF-SHA256 +
// AES-128-GCM, ecies.ts), certificates are signed with Ed25519, and records are protected with
// AES-128-GCM exactly as TLS_RSA_WITH_AES_128_GCM_SHA256 does (RFC 5288). Its number comes from the
// private-use range 0xFF00–0xFFFF (RFC 5246 §A.5).

export const TLS_VERSION_1_2 = 0x0303;

export const CONTENT_CHANGE_CIPHER_SPEC = 20;
export const CONTENT_ALERT = 21;
export const CONTENT_HANDSHAKE = 22;
export const CONTENT_APPLICATION_DATA = 23;

export const CONTENT_TYPE_NAMES: Record<number, string> = {
  20: 'change_cipher_spec',
  21: 'alert',
  22: 'handshake',
  23: 'application_data',
};

export const HS_CLIENT_HELLO = 1;
export const HS_SERVER_HELLO = 2;
export const HS_CERTIFICATE = 11;
export const HS_CERTIFICATE_REQUEST = 13;
export const HS_SERVER_HELLO_DONE = 14;
export const HS_CERTIFICATE_VERIFY = 15;
export const HS_CLIENT_KEY_EXCHANGE = 16;
export const HS_FINISHED = 20;

/** Handshake message names as the trace and the inspector show them (RFC 5246 §7.4 struct names). */
export const HANDSHAKE_NAMES: Record<number, string> = {
  0: 'HelloRequest',
  1: 'ClientHello',
  2: 'ServerHello',
  11: 'Certificate',
  12: 'ServerKeyExchange',
  13: 'CertificateRequest',
  14: 'ServerHelloDone',
  15: 'CertificateVerify',
  16: 'ClientKeyExchange',
  20: 'Finished',
};

export const ALERT_WARNING = 1;
export const ALERT_FATAL = 2;

export const ALERTS = {
  close_notify: 0,
  unexpected_message: 10,
  bad_record_mac: 20,
  record_overflow: 22,
  handshake_failure: 40,
  no_certificate: 41,
  bad_certificate: 42,
  unsupported_certificate: 43,
  certificate_expired: 45,
  certificate_unknown: 46,
  illegal_parameter: 47,
  unknown_ca: 48,
  decode_error: 50,
  decrypt_error: 51,
  protocol_version: 70,
  internal_error: 80,
} as const;

export type AlertName = keyof typeof ALERTS;

export function alertName(code: number): string {
  for (const [name, c] of Object.entries(ALERTS)) if (c === code) return name;
  return `alert(${code})`;
}

/** The suite implemented here (private-use number, see the file comment). */
export const TLS_X25519_ECIES_ED25519_WITH_AES_128_GCM_SHA256 = 0xff9c;
/** The IANA suite whose record protection and PRF it shares (RFC 5288): offered, never chosen here. */
export const TLS_RSA_WITH_AES_128_GCM_SHA256 = 0x009c;
export const TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 = 0xc02f;

export const CIPHER_SUITE_NAMES: Record<number, string> = {
  [TLS_X25519_ECIES_ED25519_WITH_AES_128_GCM_SHA256]: 'TLS_X25519_ECIES_ED25519_WITH_AES_128_GCM_SHA256',
  [TLS_RSA_WITH_AES_128_GCM_SHA256]: 'TLS_RSA_WITH_AES_128_GCM_SHA256',
  [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
};

/** What a client offers, most preferred first; a server picks the first one it implements. */
export const CLIENT_CIPHER_SUITES = [
  TLS_X25519_ECIES_ED25519_WITH_AES_128_GCM_SHA256,
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
  TLS_RSA_WITH_AES_128_GCM_SHA256,
];
export const SERVER_CIPHER_SUITES = [TLS_X25519_ECIES_ED25519_WITH_AES_128_GCM_SHA256];

export function cipherSuiteName(code: number): string {
  return CIPHER_SUITE_NAMES[code] ?? `0x${code.toString(16).padStart(4, '0')}`;
}

export const COMPRESSION_NULL = 0;

/** ClientCertificateType ecdsa_sign (RFC 8422 §5.5: also used for Ed25519 client certificates). */
export const CLIENT_CERT_TYPE_ECDSA_SIGN = 64;
/** SignatureScheme ed25519 (RFC 8422 §5.1.3). */
export const SIGNATURE_ED25519 = 0x0807;

export const EXT_SERVER_NAME = 0;

// Limits (RFC 5246 §6.2.1–6.2.3): a plaintext fragment is at most 2^14 bytes; an AEAD record adds the
// 8-byte explicit nonce and the 16-byte tag.
export const MAX_PLAINTEXT_BYTES = 16384;
export const GCM_EXPLICIT_NONCE_BYTES = 8;
export const GCM_TAG_BYTES = 16;
export const MAX_CIPHERTEXT_BYTES = MAX_PLAINTEXT_BYTES + 2048;
export const RECORD_HEADER_BYTES = 5;
export const HANDSHAKE_HEADER_BYTES = 4;
/** Largest handshake message accepted (a certificate chain fits many times over). */
export const MAX_HANDSHAKE_MESSAGE_BYTES = 65536;
export const RANDOM_BYTES = 32;
export const PRE_MASTER_SECRET_BYTES = 48;
export const MASTER_SECRET_BYTES = 48;
export const VERIFY_DATA_BYTES = 12;
