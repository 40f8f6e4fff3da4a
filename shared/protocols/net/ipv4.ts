// IPv4 header (RFC 791), without options: version, IHL, DSCP/ECN, total length, identification,
// flags (DF, MF), fragment offset, TTL, protocol, header checksum, source and destination address.
// The checksum is computed when the header is emitted and verified when a corrupted datagram is read.

import { internetChecksum } from './checksum.ts';

export const IPV4_HEADER_BYTES = 20;
export const IP_PROTOCOL_ICMP = 1;
export const IP_PROTOCOL_TCP = 6;
export const IP_PROTOCOL_UDP = 17;
// An unexported copy for originatedIpv4, which runs for every packet (docs/performance.md:
// imported values).
const TTL = 64;
export const DEFAULT_TTL = TTL;

export interface Ipv4Header {
  dscp: number;
  ecn: number;
  totalLength: number;
  identification: number;
  dontFragment: boolean;
  moreFragments: boolean;
  fragmentOffset: number;
  ttl: number;
  protocol: number;
  src: number;
  dst: number;
}

export interface ParsedIpv4Header extends Ipv4Header {
  version: number;
  ihl: number;
  headerChecksum: number;
  checksumValid: boolean;
}

/** The header of a datagram a node originates: no options, Don't Fragment, the default TTL. */
export function originatedIpv4(identification: number, protocol: number, src: number, dst: number): Ipv4Header {
  return {
    dscp: 0,
    ecn: 0,
    totalLength: 0, // set from the packet's size when it is built
    identification,
    dontFragment: true,
    moreFragments: false,
    fragmentOffset: 0,
    ttl: TTL,
    protocol,
    src,
    dst,
  };
}

export function emitIpv4(h: Ipv4Header, out: Uint8Array, offset: number): void {
  out[offset] = (4 << 4) | 5;
  out[offset + 1] = (h.dscp << 2) | h.ecn;
  out[offset + 2] = h.totalLength >>> 8;
  out[offset + 3] = h.totalLength & 0xff;
  out[offset + 4] = h.identification >>> 8;
  out[offset + 5] = h.identification & 0xff;
  const flagsFrag = (h.dontFragment ? 0x4000 : 0) | (h.moreFragments ? 0x2000 : 0) | (h.fragmentOffset & 0x1fff);
  out[offset + 6] = flagsFrag >>> 8;
  out[offset + 7] = flagsFrag & 0xff;
  out[offset + 8] = h.ttl;
  out[offset + 9] = h.protocol;
  out[offset + 10] = 0;
  out[offset + 11] = 0;
  for (let i = 0; i < 4; i++) out[offset + 12 + i] = (h.src >>> (24 - 8 * i)) & 0xff;
  for (let i = 0; i < 4; i++) out[offset + 16 + i] = (h.dst >>> (24 - 8 * i)) & 0xff;
  const sum = internetChecksum(out, offset, offset + IPV4_HEADER_BYTES);
  out[offset + 10] = sum >>> 8;
  out[offset + 11] = sum & 0xff;
}

export function parseIpv4(bytes: Uint8Array, offset: number): ParsedIpv4Header {
  if (bytes.length - offset < IPV4_HEADER_BYTES) throw new RangeError('truncated IPv4 header');
  const ihl = bytes[offset]! & 0x0f;
  const flagsFrag = (bytes[offset + 6]! << 8) | bytes[offset + 7]!;
  const read32 = (at: number) =>
    ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
  const headerEnd = offset + Math.max(ihl, 5) * 4;
  return {
    version: bytes[offset]! >>> 4,
    ihl,
    dscp: bytes[offset + 1]! >>> 2,
    ecn: bytes[offset + 1]! & 0x03,
    totalLength: (bytes[offset + 2]! << 8) | bytes[offset + 3]!,
    identification: (bytes[offset + 4]! << 8) | bytes[offset + 5]!,
    dontFragment: (flagsFrag & 0x4000) !== 0,
    moreFragments: (flagsFrag & 0x2000) !== 0,
    fragmentOffset: flagsFrag & 0x1fff,
    ttl: bytes[offset + 8]!,
    protocol: bytes[offset + 9]!,
    headerChecksum: (bytes[offset + 10]! << 8) | bytes[offset + 11]!,
    src: read32(offset + 12),
    dst: read32(offset + 16),
    // A header whose checksum field is right sums to 0xffff, so the complement is 0.
    checksumValid: headerEnd <= bytes.length && internetChecksum(bytes, offset, headerEnd) === 0,
  };
}
