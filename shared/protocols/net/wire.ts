// A whole packet to bytes and back: Ethernet frame, IPv4 header, TCP or UDP header, payload. Used to
// show a packet layer by layer, to let a tap read exactly what crosses a link, and to check a
// corrupted packet's checksums against its flipped bits.

import { emitEthernet, parseEthernet, ETHERNET_HEADER_BYTES, ETHERTYPE_IPV4, type EthernetHeader } from './ethernet.ts';
import { emitIpv4, parseIpv4, IPV4_HEADER_BYTES, IP_PROTOCOL_TCP, IP_PROTOCOL_UDP, type ParsedIpv4Header } from './ipv4.ts';
import { Packet } from './packet.ts';
import { emitTcp, parseTcp, type ParsedTcpHeader } from '../transport/tcp/header.ts';
import { emitUdp, parseUdp, type ParsedUdpHeader, UDP_HEADER_BYTES } from '../transport/udp/header.ts';

/** The IP datagram (IP header, transport header, payload) with every checksum filled in. */
export function emitDatagram(p: Packet): Uint8Array {
  const out = new Uint8Array(p.ipBytes);
  const ipHeader = { ...p.ip, totalLength: p.ipBytes };
  emitIpv4(ipHeader, out, 0);
  const payload = p.payload;
  if (p.tcp !== null) emitTcp(p.tcp, payload, p.ip.src, p.ip.dst, out, IPV4_HEADER_BYTES);
  else if (p.udp !== null) emitUdp(p.udp, payload, p.ip.src, p.ip.dst, out, IPV4_HEADER_BYTES);
  else out.set(payload, IPV4_HEADER_BYTES);
  return out;
}

/** The whole frame as it crosses a link (Ethernet header, datagram, zero padding to 60 bytes). */
export function emitFrame(p: Packet): Uint8Array {
  const datagram = emitDatagram(p);
  const out = new Uint8Array(p.wireBytes);
  emitEthernet(p.eth, out, 0);
  out.set(datagram, ETHERNET_HEADER_BYTES);
  return out;
}

/** The datagram as the receiver sees it: the bits a corrupting link flipped are flipped. */
export function receivedDatagram(p: Packet): Uint8Array {
  const bytes = emitDatagram(p);
  for (const bit of p.corruptBits ?? []) {
    const byteIndex = bit >>> 3;
    if (byteIndex < bytes.length) bytes[byteIndex]! ^= 0x80 >>> (bit & 7);
  }
  return bytes;
}

export interface ParsedDatagram {
  ip: ParsedIpv4Header;
  tcp: (ParsedTcpHeader & { checksumValid: boolean; headerLength: number }) | null;
  udp: ParsedUdpHeader | null;
  payload: Uint8Array;
  /** False when the transport header could not even be read (a damaged length field). */
  l4Intact: boolean;
}

/**
 * Parse a datagram. Damaged bytes are expected here (corrupting links): a length or header-length
 * field that no longer fits yields `l4Intact: false` rather than an exception.
 */
export function parseDatagram(bytes: Uint8Array): ParsedDatagram {
  const ip = parseIpv4(bytes, 0);
  const end = Math.min(bytes.length, Math.max(ip.totalLength, IPV4_HEADER_BYTES));
  const l4 = Math.max(ip.ihl, 5) * 4;
  try {
    if (ip.protocol === IP_PROTOCOL_TCP) {
      const tcp = parseTcp(bytes, l4, end, ip.src, ip.dst);
      return { ip, tcp, udp: null, payload: bytes.slice(l4 + tcp.headerLength, end), l4Intact: true };
    }
    if (ip.protocol === IP_PROTOCOL_UDP) {
      const udp = parseUdp(bytes, l4, end, ip.src, ip.dst);
      return { ip, tcp: null, udp, payload: bytes.slice(l4 + UDP_HEADER_BYTES, end), l4Intact: true };
    }
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    return { ip, tcp: null, udp: null, payload: new Uint8Array(0), l4Intact: false };
  }
  return { ip, tcp: null, udp: null, payload: bytes.slice(Math.min(l4, end), end), l4Intact: true };
}

export function parseFrame(bytes: Uint8Array): { eth: EthernetHeader } & ParsedDatagram {
  const eth = parseEthernet(bytes, 0);
  if (eth.etherType !== ETHERTYPE_IPV4) throw new RangeError(`unsupported EtherType 0x${eth.etherType.toString(16)}`);
  return { eth, ...parseDatagram(bytes.subarray(ETHERNET_HEADER_BYTES)) };
}

/**
 * Rebuild a packet from a corrupted datagram whose checksums nevertheless passed (two flips can
 * cancel out in a one's complement sum): the receiver then really gets the damaged fields and bytes.
 */
export function packetFromDatagram(original: Packet, d: ParsedDatagram): Packet {
  const { version: _v, ihl: _i, headerChecksum: _c, checksumValid: _ok, ...ip } = d.ip;
  const tcp =
    d.tcp === null
      ? null
      : {
          srcPort: d.tcp.srcPort,
          dstPort: d.tcp.dstPort,
          seq: d.tcp.seq,
          ack: d.tcp.ack,
          flags: d.tcp.flags,
          window: d.tcp.window,
          urgentPointer: d.tcp.urgentPointer,
          options: d.tcp.options,
        };
  const udp = d.udp === null ? null : { srcPort: d.udp.srcPort, dstPort: d.udp.dstPort };
  const p = new Packet(original.id, original.createdNs, { ...original.eth }, ip, tcp, udp, d.payload.length, d.payload);
  p.flowId = original.flowId;
  p.appKind = original.appKind;
  p.retransmit = original.retransmit;
  p.duplicateOf = original.duplicateOf;
  return p;
}
