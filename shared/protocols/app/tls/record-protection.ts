// Record protection with AES-128-GCM once ChangeCipherSpec is sent or received (RFC 5246 §6.2.3.3,
// RFC 5288 §3): the 12-byte nonce is the 4-byte implicit salt from the key block followed by an
// 8-byte explicit part carried in the record — here the record's 64-bit sequence number, as common
// implementations do — and the additional data binds the sequence number, content type, version and
// plaintext length, so a record replayed, reordered, cut or altered fails its tag (bad_record_mac).

import { gcm } from '@noble/ciphers/aes.js';
import { ByteWriter, concatBytes } from './bytes.ts';
import { GCM_EXPLICIT_NONCE_BYTES, GCM_TAG_BYTES, TLS_VERSION_1_2 } from './constants.ts';
import type { CryptoMeter } from './crypto-cost.ts';

function seqBytes(seq: number): Uint8Array {
  return new ByteWriter(8).u64(seq).finish();
}

function additionalData(seq: number, contentType: number, version: number, length: number): Uint8Array {
  return new ByteWriter(13).u64(seq).u8(contentType).u16(version).u16(length).finish();
}

export class RecordProtection {
  private readonly key: Uint8Array;
  private readonly salt: Uint8Array;
  /** Sequence number of the next record in this direction (starts at 0 after ChangeCipherSpec). */
  seq = 0;

  constructor(key: Uint8Array, salt: Uint8Array) {
    this.key = key;
    this.salt = salt;
  }

  /** GenericAEADCipher: nonce_explicit || ciphertext || tag. */
  seal(meter: CryptoMeter, contentType: number, plaintext: Uint8Array): Uint8Array {
    const explicit = seqBytes(this.seq);
    const aad = additionalData(this.seq, contentType, TLS_VERSION_1_2, plaintext.length);
    this.seq++;
    meter.aesGcm(plaintext.length);
    return concatBytes(explicit, gcm(this.key, concatBytes(this.salt, explicit), aad).encrypt(plaintext));
  }

  /** The plaintext, or null when the tag does not verify. */
  open(meter: CryptoMeter, contentType: number, version: number, fragment: Uint8Array): Uint8Array | null {
    const length = fragment.length - GCM_EXPLICIT_NONCE_BYTES - GCM_TAG_BYTES;
    if (length < 0) return null;
    const explicit = fragment.subarray(0, GCM_EXPLICIT_NONCE_BYTES);
    const aad = additionalData(this.seq, contentType, version, length);
    this.seq++;
    meter.aesGcm(length);
    try {
      return gcm(this.key, concatBytes(this.salt, explicit), aad).decrypt(fragment.subarray(GCM_EXPLICIT_NONCE_BYTES));
    } catch {
      return null;
    }
  }
}
