// UDP header (RFC 768): source port, destination port, length (header + data), checksum over the
// pseudo-header, header and data. A computed checksum of zero is sent as 0xffff (RFC 768).

import { internetChecksum, pseudoHeaderSum } from '../../net/checksum.ts';
import { IP_PROTOCOL_UDP } from '../../net/ipv4.ts';

export const UDP_HEADER_BYTES = 8;
export const UDP_MAX_PAYLOAD_BYTES = 65507;

export interface UdpHeader {
  srcPort: number;
  dstPort: number;
}

export interface ParsedUdpHeader extends UdpHeader {
  length: number;
  checksum: number;
  checksumValid: boolean;
}

export function emitUdp(
  h: UdpHeader,
  payload: Uint8Array,
  srcIp: number,
  dstIp: number,
  out: Uint8Array,
  offset: number,
): number {
  const length = UDP_HEADER_BYTES + payload.length;
  out[offset] = h.srcPort >>> 8;
  out[offset + 1] = h.srcPort & 0xff;
  out[offset + 2] = h.dstPort >>> 8;
  out[offset + 3] = h.dstPort & 0xff;
  out[offset + 4] = length >>> 8;
  out[offset + 5] = length & 0xff;
  out[offset + 6] = 0;
  out[offset + 7] = 0;
  out.set(payload, offset + UDP_HEADER_BYTES);
  let sum = internetChecksum(out, offset, offset + length, pseudoHeaderSum(srcIp, dstIp, IP_PROTOCOL_UDP, length));
  if (sum === 0) sum = 0xffff;
  out[offset + 6] = sum >>> 8;
  out[offset + 7] = sum & 0xff;
  return length;
}

export function parseUdp(b: Uint8Array, offset: number, end: number, srcIp: number, dstIp: number): ParsedUdpHeader {
  if (end - offset < UDP_HEADER_BYTES) throw new RangeError('truncated UDP header');
  const length = (b[offset + 4]! << 8) | b[offset + 5]!;
  const checksum = (b[offset + 6]! << 8) | b[offset + 7]!;
  const segEnd = Math.min(end, offset + Math.max(length, UDP_HEADER_BYTES));
  return {
    srcPort: (b[offset]! << 8) | b[offset + 1]!,
    dstPort: (b[offset + 2]! << 8) | b[offset + 3]!,
    length,
    checksum,
    // Zero means "no checksum" in IPv4 UDP; otherwise the sum over everything must come out zero.
    checksumValid:
      length >= UDP_HEADER_BYTES &&
      offset + length <= end &&
      (checksum === 0 ||
        internetChecksum(b, offset, segEnd, pseudoHeaderSum(srcIp, dstIp, IP_PROTOCOL_UDP, segEnd - offset)) === 0),
  };
}
