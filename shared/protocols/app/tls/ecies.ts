// The pre-master secret "encrypted with the server's public key" (seed: TLS/SSL HandShake step 4,
// HTTPS step 7). TLS 1.2's RSA key exchange (RFC 5246 §7.4.7.1) does this with RSA; the @noble
// libraries have no RSA, so this engine uses ECIES over the server's static X25519 key, which gives
// the same property — only the holder of the certificate's private key can recover the secret:
//
//   client: e = fresh X25519 key pair; Z = X25519(e, server public key)
//           (key, nonce) = HKDF-SHA256(ikm = Z, salt = e.public || server public, info = INFO, 16 + 12)
//           EncryptedPreMasterSecret = e.public (32 B) || AES-128-GCM(key, nonce).seal(pre-master) (48 + 16 B)
//   server: Z = X25519(server private key, e.public); same HKDF; open.
//
// Two X25519 multiplications for the client, one for the server: the public-key work of the hybrid
// design, charged to the meter.

import { gcm } from '@noble/ciphers/aes.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8 } from './bytes.ts';
import type { CryptoMeter } from './crypto-cost.ts';

export const X25519_KEY_BYTES = 32;
export const ECIES_INFO = 'PacketPlay TLS pre-master secret ECIES';
const KEY_BYTES = 16;
const NONCE_BYTES = 12;

function derive(meter: CryptoMeter, shared: Uint8Array, ephemeralPublic: Uint8Array, serverPublic: Uint8Array) {
  // HKDF-SHA256 for 28 bytes: one extract and one expand block, each an HMAC (charged as such).
  meter.hmacSha256(shared.length);
  meter.hmacSha256(ECIES_INFO.length + 1 + 32);
  const okm = hkdf(sha256, shared, concatBytes(ephemeralPublic, serverPublic), utf8(ECIES_INFO), KEY_BYTES + NONCE_BYTES);
  return { key: okm.subarray(0, KEY_BYTES), nonce: okm.subarray(KEY_BYTES) };
}

/** Encrypt `plaintext` to `serverPublic`; `ephemeralSecret` is 32 bytes drawn from the seeded PRNG. */
export function eciesSeal(meter: CryptoMeter, serverPublic: Uint8Array, ephemeralSecret: Uint8Array, plaintext: Uint8Array): Uint8Array {
  meter.x25519KeyPair();
  const ephemeralPublic = x25519.getPublicKey(ephemeralSecret);
  meter.x25519Shared();
  const shared = x25519.getSharedSecret(ephemeralSecret, serverPublic);
  const { key, nonce } = derive(meter, shared, ephemeralPublic, serverPublic);
  meter.aesGcm(plaintext.length);
  return concatBytes(ephemeralPublic, gcm(key, nonce).encrypt(plaintext));
}

/** The plaintext, or null if the blob was not sealed to this key (or was altered). */
export function eciesOpen(meter: CryptoMeter, serverSecret: Uint8Array, serverPublic: Uint8Array, blob: Uint8Array): Uint8Array | null {
  if (blob.length < X25519_KEY_BYTES + 16) return null;
  const ephemeralPublic = blob.subarray(0, X25519_KEY_BYTES);
  meter.x25519Shared();
  let shared: Uint8Array;
  try {
    shared = x25519.getSharedSecret(serverSecret, ephemeralPublic);
  } catch {
    return null; // a low-order point: noble refuses the all-zero shared secret
  }
  const { key, nonce } = derive(meter, shared, ephemeralPublic, serverPublic);
  meter.aesGcm(blob.length - X25519_KEY_BYTES - 16);
  try {
    return gcm(key, nonce).decrypt(blob.subarray(X25519_KEY_BYTES));
  } catch {
    return null;
  }
}
