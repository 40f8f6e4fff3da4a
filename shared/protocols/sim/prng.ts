// The one seeded pseudo-random number generator of a simulation (TigerBeetle-style: every random
// choice in a run draws from this stream, so a seed reproduces the run exactly).
// Algorithm: sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, PractRand-tested), seeded by
// splitmix32 so that neighbouring seeds give unrelated streams.

function splitmix32(state: number): [next: number, out: number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return [next, z >>> 0];
}

export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
    // Fold the high bits in so that seeds above 2^32 still differ.
    let s = (seed | 0) ^ Math.floor(seed / 4294967296);
    let out: number;
    // The state words are kept as signed 32-bit integers (the arithmetic is the same modulo 2^32):
    // an unsigned word above 2^31 would be a boxed double, and every draw would go through
    // floating-point conversions.
    [s, out] = splitmix32(s); this.a = out | 0;
    [s, out] = splitmix32(s); this.b = out | 0;
    [s, out] = splitmix32(s); this.c = out | 0;
    [s, out] = splitmix32(s); this.d = out | 0;
    for (let i = 0; i < 12; i++) this.nextU32();
  }

  /** Uniform 32-bit unsigned integer. */
  nextU32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform float in [0, 1) with 32 bits of randomness. */
  nextFloat(): number {
    return this.nextU32() / 4294967296;
  }

  /** True with probability p (p outside (0,1) never draws, so a lossless link consumes no randomness). */
  chance(p: number): boolean {
    if (p <= 0) return false;
    if (p >= 1) return true;
    return this.nextFloat() < p;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!(n >= 1) || !Number.isSafeInteger(n)) throw new RangeError(`int(n) needs a positive integer, got ${n}`);
    return Math.floor(this.nextFloat() * n);
  }

  /** n pseudo-random bytes (for keys, nonces and initial sequence numbers derived from the seed). */
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      const v = this.nextU32();
      out[i] = v & 0xff;
      if (i + 1 < n) out[i + 1] = (v >>> 8) & 0xff;
      if (i + 2 < n) out[i + 2] = (v >>> 16) & 0xff;
      if (i + 3 < n) out[i + 3] = v >>> 24;
    }
    return out;
  }
}
