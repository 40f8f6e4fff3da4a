// Ethernet II frame header (IEEE 802.3 / RFC 894): destination MAC, source MAC, EtherType.
// The 4-byte frame check sequence is not modelled: corruption is caught by the IP, TCP and UDP
// checksums, which is what the seed teaches. Frames shorter than the 60-byte minimum are padded.

import { readMac, writeMac } from './addresses.ts';

// Unexported copies for frameBytes, which runs for every frame (docs/performance.md: imported values).
const HEADER_BYTES = 14;
const MIN_FRAME_BYTES = 60; // without the FCS
export const ETHERNET_HEADER_BYTES = HEADER_BYTES;
export const ETHERNET_MIN_FRAME_BYTES = MIN_FRAME_BYTES;
export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;

/**
 * Read-only: the header objects of frames sent in the simulation are shared (a route keeps one for
 * its next hop, see Interface.frameTo), so a node re-addresses a frame by giving it another header.
 */
export interface EthernetHeader {
  readonly dst: number;
  readonly src: number;
  readonly etherType: number;
}

/** The header of a datagram that has not left its node yet (a node frames it when it transmits). */
export const UNADDRESSED_FRAME: EthernetHeader = { dst: 0, src: 0, etherType: ETHERTYPE_IPV4 };

export function emitEthernet(h: EthernetHeader, out: Uint8Array, offset: number): void {
  writeMac(h.dst, out, offset);
  writeMac(h.src, out, offset + 6);
  out[offset + 12] = h.etherType >>> 8;
  out[offset + 13] = h.etherType & 0xff;
}

export function parseEthernet(bytes: Uint8Array, offset: number): EthernetHeader {
  if (bytes.length - offset < ETHERNET_HEADER_BYTES) throw new RangeError('truncated Ethernet header');
  return {
    dst: readMac(bytes, offset),
    src: readMac(bytes, offset + 6),
    etherType: (bytes[offset + 12]! << 8) | bytes[offset + 13]!,
  };
}

/** Bytes a frame occupies on the link for an IP datagram of `ipTotalLength` bytes. */
export function frameBytes(ipTotalLength: number): number {
  const bytes = HEADER_BYTES + ipTotalLength;
  return bytes > MIN_FRAME_BYTES ? bytes : MIN_FRAME_BYTES;
}
