// What an on-path attacker's edit of a handshake message looks like on the wire (seed: TLS/SSL
// HandShake — "tamper with one message and watch Finished fail"). Given a TCP payload that starts on
// a TLS record boundary, find the chosen handshake message and flip one byte of a field whose change
// the receiver cannot notice at once, so the handshake runs on and the damage shows where TLS
// promises it will:
//   client-hello         a byte of the second offered cipher suite (a downgrade attempt): the server
//                        still picks the same suite, but the transcripts differ → Finished fails
//   server-hello         the last byte of the session id: same keys, different transcripts → Finished
//   certificate          a byte of the subject name: the CA's signature no longer verifies
//   client-key-exchange  a byte of the encrypted pre-master secret: the server cannot decrypt it, goes
//                        on with a random secret (RFC 5246 §7.4.7.1), and the keys differ → Finished

import { CONTENT_HANDSHAKE, HANDSHAKE_HEADER_BYTES, HANDSHAKE_NAMES, HS_CERTIFICATE, HS_CLIENT_HELLO, HS_CLIENT_KEY_EXCHANGE, HS_SERVER_HELLO, RANDOM_BYTES, RECORD_HEADER_BYTES } from './constants.ts';
import { parseRecordHeader } from './record.ts';
import type { TapTamper } from './spec.ts';

const TARGET: Record<TapTamper, number> = {
  'client-hello': HS_CLIENT_HELLO,
  'server-hello': HS_SERVER_HELLO,
  certificate: HS_CERTIFICATE,
  'client-key-exchange': HS_CLIENT_KEY_EXCHANGE,
};

/** The handshake message a tamper target names, as the trace and the inspector call it (`ClientHello`, …). */
export function tamperedMessageName(target: TapTamper): string {
  return HANDSHAKE_NAMES[TARGET[target]]!;
}

/** Offset, inside a handshake message (from its header), of the byte to flip; -1 if it is too short. */
function byteToFlip(target: TapTamper, msg: Uint8Array): number {
  const body = HANDSHAKE_HEADER_BYTES;
  switch (target) {
    case 'client-hello': {
      const sid = body + 2 + RANDOM_BYTES;
      const suites = sid + 1 + (msg[sid] ?? 0); // cipher_suites length (2 bytes), then the suites
      return (((msg[suites] ?? 0) << 8) | (msg[suites + 1] ?? 0)) >= 4 ? suites + 2 + 3 : -1;
    }
    case 'server-hello': {
      const sid = body + 2 + RANDOM_BYTES;
      const len = msg[sid] ?? 0;
      return len > 0 ? sid + len : -1;
    }
    case 'certificate': {
      // certificate_list (3) + ASN.1Cert length (3) + Certificate TLV (3) + tbs TLV (3), then the
      // fields in order: version, serialNumber, signature, issuer, validity, subject (certificate.ts).
      let o = body + 3 + 3 + 3 + 3;
      for (let field = 0; field < 5; field++) o += 3 + (((msg[o + 1] ?? 0) << 8) | (msg[o + 2] ?? 0));
      return o + 3 < msg.length ? o + 3 : -1;
    }
    case 'client-key-exchange':
      return msg.length > body + 2 + 40 ? body + 2 + 40 : -1; // past the 32-byte ephemeral key
  }
}

/**
 * A copy of `payload` with one byte of the chosen handshake message flipped, or null when the
 * payload holds no such message (its records are walked from the start; the first match is altered).
 */
export function tamperHandshake(payload: Uint8Array, target: TapTamper): Uint8Array | null {
  let off = 0;
  while (off + RECORD_HEADER_BYTES <= payload.length) {
    const h = parseRecordHeader(payload, off);
    if (h === null || h.version >>> 8 !== 3 || h.contentType < 20 || h.contentType > 23) return null;
    const fragment = off + RECORD_HEADER_BYTES;
    if (h.contentType === CONTENT_HANDSHAKE && payload[fragment] === TARGET[target]) {
      const end = Math.min(payload.length, fragment + h.length);
      const at = byteToFlip(target, payload.subarray(fragment, end));
      if (at < 0 || fragment + at >= end) return null;
      const out = payload.slice();
      out[fragment + at]! ^= 0x01;
      return out;
    }
    off = fragment + h.length;
  }
  return null;
}
