// 32-bit sequence number arithmetic (RFC 9293 §3.4, RFC 1982): sequence numbers wrap modulo 2^32,
// and a < b means b is "after" a by less than 2^31. Inside a connection the engine counts stream
// offsets as plain integers (monotonic, never wrapping) and converts at the wire with these helpers.

export const SEQ_MODULO = 4294967296;

/** seq + n modulo 2^32 (`>>> 0` is the modulo for any integer below 2^53, without a float division). */
export function seqAdd(seq: number, n: number): number {
  return (seq + n) >>> 0;
}

/** A sequence number as an offset in its sender's byte stream: 0 is the first data byte (ISN + 1), mod 2^32. */
export function seqOffset(seq: number, isn: number): number {
  return (seq - isn - 1) >>> 0;
}

/** Signed distance a − b in sequence space, in (−2^31, 2^31]. */
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

export function seqLt(a: number, b: number): boolean {
  return seqDiff(a, b) < 0;
}

export function seqLe(a: number, b: number): boolean {
  return seqDiff(a, b) <= 0;
}

export function seqGt(a: number, b: number): boolean {
  return seqDiff(a, b) > 0;
}

export function seqGe(a: number, b: number): boolean {
  return seqDiff(a, b) >= 0;
}
