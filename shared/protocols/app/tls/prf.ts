// The TLS 1.2 pseudo-random function and the secrets derived with it (RFC 5246 §5, §6.3, §7.4.9,
// §8.1): P_SHA256 expands a secret with HMAC-SHA256; the master secret comes from the pre-master
// secret and both hellos' randoms; the key block gives each direction its AES-128-GCM key and 4-byte
// implicit nonce salt (RFC 5288 §3); Finished carries 12 bytes of PRF over the transcript's hash.

import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8 } from './bytes.ts';
import { MASTER_SECRET_BYTES, VERIFY_DATA_BYTES } from './constants.ts';
import type { CryptoMeter } from './crypto-cost.ts';

function hmacSha256(meter: CryptoMeter, key: Uint8Array, data: Uint8Array): Uint8Array {
  meter.hmacSha256(data.length);
  return hmac(sha256, key, data);
}

/** P_SHA256(secret, seed) cut to `length` bytes (RFC 5246 §5). */
export function pSha256(meter: CryptoMeter, secret: Uint8Array, seed: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let a = seed; // A(0)
  let filled = 0;
  while (filled < length) {
    a = hmacSha256(meter, secret, a); // A(i) = HMAC(secret, A(i-1))
    const block = hmacSha256(meter, secret, concatBytes(a, seed));
    out.set(block.subarray(0, Math.min(block.length, length - filled)), filled);
    filled += block.length;
  }
  return out;
}

/** PRF(secret, label, seed) = P_SHA256(secret, label + seed). */
export function prf(meter: CryptoMeter, secret: Uint8Array, label: string, seed: Uint8Array, length: number): Uint8Array {
  return pSha256(meter, secret, concatBytes(utf8(label), seed), length);
}

export function masterSecret(meter: CryptoMeter, preMaster: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array): Uint8Array {
  return prf(meter, preMaster, 'master secret', concatBytes(clientRandom, serverRandom), MASTER_SECRET_BYTES);
}

export interface KeyBlock {
  clientWriteKey: Uint8Array;
  serverWriteKey: Uint8Array;
  clientWriteIv: Uint8Array;
  serverWriteIv: Uint8Array;
}

export const AES_128_KEY_BYTES = 16;
export const GCM_SALT_BYTES = 4;

/** key_block = PRF(master, "key expansion", server_random + client_random); AEAD suites have no MAC keys. */
export function keyBlock(meter: CryptoMeter, master: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array): KeyBlock {
  const n = 2 * AES_128_KEY_BYTES + 2 * GCM_SALT_BYTES;
  const kb = prf(meter, master, 'key expansion', concatBytes(serverRandom, clientRandom), n);
  let o = 0;
  const take = (len: number) => kb.slice(o, (o += len));
  return {
    clientWriteKey: take(AES_128_KEY_BYTES),
    serverWriteKey: take(AES_128_KEY_BYTES),
    clientWriteIv: take(GCM_SALT_BYTES),
    serverWriteIv: take(GCM_SALT_BYTES),
  };
}

/** Hash of every handshake message so far (header and body, in order): what Finished vouches for. */
export function transcriptHash(meter: CryptoMeter, transcript: Uint8Array): Uint8Array {
  meter.sha256(transcript.length);
  return sha256(transcript);
}

export function finishedVerifyData(meter: CryptoMeter, master: Uint8Array, label: 'client finished' | 'server finished', hash: Uint8Array): Uint8Array {
  return prf(meter, master, label, hash, VERIFY_DATA_BYTES);
}
