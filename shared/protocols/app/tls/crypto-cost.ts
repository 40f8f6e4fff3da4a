// What cryptography costs a node's processor (seed: 대칭키 & 공개키 — public-key cryptography is far
// slower than symmetric; the hybrid design uses it only to carry the session key). Every operation
// the TLS engine performs is charged here and run on the node's Cpu (net/cpu.ts), so a handshake's
// public-key work visibly delays it while bulk records cost little per byte.
//
// The figures are wall times of the very @noble/* v2 code the engine runs, measured with
// `node bench/crypto.ts` on the project's CI machine type (2 cores, Node 22) and rounded: a node here
// computes exactly as fast as that machine does in JavaScript. Symmetric work is a fixed cost per
// call (key schedule, GHASH tables, HMAC's inner/outer blocks) plus a cost per byte.

export const CRYPTO_COST_NS = {
  /** X25519 fixed-base multiplication: making a key pair (the ECIES ephemeral key). */
  x25519KeyPairNs: 700_000,
  /** X25519 variable-base multiplication: one ECDH shared secret. */
  x25519SharedNs: 2_200_000,
  ed25519SignNs: 1_100_000,
  ed25519VerifyNs: 2_400_000,
  /** AES-128-GCM seal or open of one record: per call, and per byte of plaintext. */
  aesGcmCallNs: 30_000,
  aesGcmByteNs: 48,
  hmacSha256CallNs: 8_000,
  hmacSha256ByteNs: 10,
  sha256CallNs: 3_000,
  sha256ByteNs: 10,
} as const;

/** What one TLS endpoint spent, by kind: the summary's cost meter. */
export interface CryptoTotals {
  publicKeyOps: number;
  publicKeyNs: number;
  symmetricOps: number;
  symmetricBytes: number;
  symmetricNs: number;
}

/**
 * Counts the cost of operations as they are performed; `take()` hands the not-yet-charged part to
 * the caller, which runs it on the node's Cpu before the operations' results become visible.
 */
export class CryptoMeter {
  readonly totals: CryptoTotals = { publicKeyOps: 0, publicKeyNs: 0, symmetricOps: 0, symmetricBytes: 0, symmetricNs: 0 };
  private pendingNs = 0;

  private publicKey(ns: number): void {
    this.totals.publicKeyOps++;
    this.totals.publicKeyNs += ns;
    this.pendingNs += ns;
  }

  private symmetric(callNs: number, byteNs: number, bytes: number): void {
    const ns = callNs + byteNs * bytes;
    this.totals.symmetricOps++;
    this.totals.symmetricBytes += bytes;
    this.totals.symmetricNs += ns;
    this.pendingNs += ns;
  }

  x25519KeyPair(): void {
    this.publicKey(CRYPTO_COST_NS.x25519KeyPairNs);
  }

  x25519Shared(): void {
    this.publicKey(CRYPTO_COST_NS.x25519SharedNs);
  }

  ed25519Sign(): void {
    this.publicKey(CRYPTO_COST_NS.ed25519SignNs);
  }

  ed25519Verify(): void {
    this.publicKey(CRYPTO_COST_NS.ed25519VerifyNs);
  }

  aesGcm(bytes: number): void {
    this.symmetric(CRYPTO_COST_NS.aesGcmCallNs, CRYPTO_COST_NS.aesGcmByteNs, bytes);
  }

  hmacSha256(bytes: number): void {
    this.symmetric(CRYPTO_COST_NS.hmacSha256CallNs, CRYPTO_COST_NS.hmacSha256ByteNs, bytes);
  }

  sha256(bytes: number): void {
    this.symmetric(CRYPTO_COST_NS.sha256CallNs, CRYPTO_COST_NS.sha256ByteNs, bytes);
  }

  /** The cost of work done since the last take, in ns at CPU speed 1. */
  take(): number {
    const ns = this.pendingNs;
    this.pendingNs = 0;
    return ns;
  }
}

/** A meter that nobody reads (work done outside simulated time, such as issuing certificates). */
export function offlineMeter(): CryptoMeter {
  return new CryptoMeter();
}
