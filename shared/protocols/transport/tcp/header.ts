// TCP header wire format (RFC 9293 §3.1) with the options this engine negotiates: MSS (RFC 9293
// §3.7.1), window scale (RFC 7323 §2), SACK-permitted and SACK blocks (RFC 2018). Kept apart from the
// connection state machine (connection.ts), as smoltcp keeps wire formats apart from sockets.

import { internetChecksum, pseudoHeaderSum } from '../../net/checksum.ts';
import { IP_PROTOCOL_TCP } from '../../net/ipv4.ts';

// An unexported copy for tcpHeaderLength, which runs for every segment (docs/performance.md:
// imported values).
const HEADER_BYTES = 20;
export const TCP_HEADER_BYTES = HEADER_BYTES;
export const TCP_MAX_OPTION_BYTES = 40;
export const TCP_MAX_SACK_BLOCKS = 4;

export const FIN = 0x01;
export const SYN = 0x02;
export const RST = 0x04;
export const PSH = 0x08;
export const ACK = 0x10;
export const URG = 0x20;
export const ECE = 0x40;
export const CWR = 0x80;

const FLAG_NAMES: Array<[number, string]> = [
  [CWR, 'CWR'], [ECE, 'ECE'], [URG, 'URG'], [ACK, 'ACK'], [PSH, 'PSH'], [RST, 'RST'], [SYN, 'SYN'], [FIN, 'FIN'],
];

export function flagsToString(flags: number): string {
  return FLAG_NAMES.filter(([bit]) => (flags & bit) !== 0).map(([, name]) => name).join('|');
}

export interface TcpOptions {
  mss?: number;
  windowScale?: number;
  sackPermitted?: boolean;
  /** SACK blocks as [left edge, right edge) sequence numbers. */
  sack?: Array<[number, number]>;
}

export interface TcpHeader {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  /** The 16-bit window field as sent (already shifted right by the sender's window scale). */
  window: number;
  urgentPointer: number;
  options: TcpOptions | null;
}

export interface ParsedTcpHeader extends TcpHeader {
  dataOffset: number;
  checksum: number;
}

const EMPTY_OPTIONS_BYTES = 0;

/** Option bytes, padded to a multiple of four. */
export function tcpOptionsLength(o: TcpOptions | null): number {
  if (o === null) return EMPTY_OPTIONS_BYTES;
  let n = 0;
  if (o.mss !== undefined) n += 4;
  if (o.windowScale !== undefined) n += 4; // NOP + 3-byte option
  if (o.sackPermitted) n += 4; // NOP NOP + 2-byte option
  if (o.sack !== undefined && o.sack.length > 0) n += 2 + 2 + 8 * o.sack.length; // NOP NOP + option
  return n;
}

export function tcpHeaderLength(h: TcpHeader): number {
  return h.options === null ? HEADER_BYTES : HEADER_BYTES + tcpOptionsLength(h.options);
}

function write32(out: Uint8Array, at: number, v: number): void {
  out[at] = (v >>> 24) & 0xff;
  out[at + 1] = (v >>> 16) & 0xff;
  out[at + 2] = (v >>> 8) & 0xff;
  out[at + 3] = v & 0xff;
}

function read32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

/**
 * Write header then payload at `offset`, and fill in the checksum over the pseudo-header, header and
 * payload. Returns the number of bytes written.
 */
export function emitTcp(
  h: TcpHeader,
  payload: Uint8Array,
  srcIp: number,
  dstIp: number,
  out: Uint8Array,
  offset: number,
): number {
  const headerLen = tcpHeaderLength(h);
  if (headerLen > TCP_HEADER_BYTES + TCP_MAX_OPTION_BYTES) throw new RangeError('TCP options exceed 40 bytes');
  out[offset] = h.srcPort >>> 8;
  out[offset + 1] = h.srcPort & 0xff;
  out[offset + 2] = h.dstPort >>> 8;
  out[offset + 3] = h.dstPort & 0xff;
  write32(out, offset + 4, h.seq);
  write32(out, offset + 8, h.ack);
  out[offset + 12] = (headerLen / 4) << 4;
  out[offset + 13] = h.flags;
  out[offset + 14] = h.window >>> 8;
  out[offset + 15] = h.window & 0xff;
  out[offset + 16] = 0;
  out[offset + 17] = 0;
  out[offset + 18] = h.urgentPointer >>> 8;
  out[offset + 19] = h.urgentPointer & 0xff;
  let at = offset + TCP_HEADER_BYTES;
  const o = h.options;
  if (o !== null) {
    if (o.mss !== undefined) {
      out[at++] = 2; out[at++] = 4; out[at++] = o.mss >>> 8; out[at++] = o.mss & 0xff;
    }
    if (o.windowScale !== undefined) {
      out[at++] = 1; out[at++] = 3; out[at++] = 3; out[at++] = o.windowScale;
    }
    if (o.sackPermitted) {
      out[at++] = 1; out[at++] = 1; out[at++] = 4; out[at++] = 2;
    }
    if (o.sack !== undefined && o.sack.length > 0) {
      out[at++] = 1; out[at++] = 1; out[at++] = 5; out[at++] = 2 + 8 * o.sack.length;
      for (const [left, right] of o.sack) {
        write32(out, at, left);
        write32(out, at + 4, right);
        at += 8;
      }
    }
  }
  out.set(payload, at);
  const end = at + payload.length;
  const sum = internetChecksum(out, offset, end, pseudoHeaderSum(srcIp, dstIp, IP_PROTOCOL_TCP, end - offset));
  out[offset + 16] = sum >>> 8;
  out[offset + 17] = sum & 0xff;
  return end - offset;
}

function parseOptions(b: Uint8Array, start: number, end: number): TcpOptions | null {
  const o: TcpOptions = {};
  let seen = false;
  let at = start;
  while (at < end) {
    const kind = b[at]!;
    if (kind === 0) break; // end of option list
    if (kind === 1) { at++; continue; } // no-operation
    const len = b[at + 1];
    if (len === undefined || len < 2 || at + len > end) break; // malformed: stop reading options
    if (kind === 2 && len === 4) o.mss = (b[at + 2]! << 8) | b[at + 3]!;
    else if (kind === 3 && len === 3) o.windowScale = b[at + 2]!;
    else if (kind === 4 && len === 2) o.sackPermitted = true;
    else if (kind === 5 && (len - 2) % 8 === 0) {
      o.sack = [];
      for (let i = at + 2; i < at + len; i += 8) o.sack.push([read32(b, i), read32(b, i + 4)]);
    }
    seen = true;
    at += len;
  }
  return seen ? o : null;
}

/** Parse a TCP header; `checksumValid` needs the IP addresses and the whole segment. */
export function parseTcp(
  b: Uint8Array,
  offset: number,
  segmentEnd: number,
  srcIp: number,
  dstIp: number,
): ParsedTcpHeader & { checksumValid: boolean; headerLength: number } {
  if (segmentEnd - offset < TCP_HEADER_BYTES) throw new RangeError('truncated TCP header');
  const dataOffset = b[offset + 12]! >>> 4;
  const headerLength = Math.min(Math.max(dataOffset * 4, TCP_HEADER_BYTES), segmentEnd - offset);
  return {
    srcPort: (b[offset]! << 8) | b[offset + 1]!,
    dstPort: (b[offset + 2]! << 8) | b[offset + 3]!,
    seq: read32(b, offset + 4),
    ack: read32(b, offset + 8),
    dataOffset,
    flags: b[offset + 13]!,
    window: (b[offset + 14]! << 8) | b[offset + 15]!,
    checksum: (b[offset + 16]! << 8) | b[offset + 17]!,
    urgentPointer: (b[offset + 18]! << 8) | b[offset + 19]!,
    options: parseOptions(b, offset + TCP_HEADER_BYTES, offset + headerLength),
    headerLength,
    checksumValid:
      internetChecksum(b, offset, segmentEnd, pseudoHeaderSum(srcIp, dstIp, IP_PROTOCOL_TCP, segmentEnd - offset)) === 0,
  };
}
