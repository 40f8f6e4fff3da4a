// The Internet checksum (RFC 1071): the 16-bit one's complement of the one's complement sum of the
// data taken as big-endian 16-bit words. IPv4 (RFC 791), TCP (RFC 9293 §3.1) and UDP (RFC 768) all use it.

/** One's complement sum of bytes[start, end) folded into 16 bits, starting from `initial`. */
export function onesComplementSum(bytes: Uint8Array, start: number, end: number, initial = 0): number {
  let sum = initial;
  let i = start;
  const evenEnd = end - ((end - start) & 1);
  for (; i < evenEnd; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  if (i < end) sum += bytes[i]! << 8; // an odd trailing byte is padded with zero
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

export function internetChecksum(bytes: Uint8Array, start: number, end: number, initial = 0): number {
  return ~onesComplementSum(bytes, start, end, initial) & 0xffff;
}

/** The sum of the TCP/UDP pseudo-header: source and destination address, zero, protocol, length. */
export function pseudoHeaderSum(srcIp: number, dstIp: number, protocol: number, length: number): number {
  let sum = (srcIp >>> 16) + (srcIp & 0xffff) + (dstIp >>> 16) + (dstIp & 0xffff) + protocol + length;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}
