// The packet inspector's HTTP layer (OSI layer 7; seed: HTTP is text, so whoever intercepts the
// signal reads it): a TCP payload that starts with a request line or a status line is shown field by
// field — method, request-target and version (or version, status code and reason phrase), every
// header field under its own name, and the body bytes this segment carries as text. A segment in the
// middle of an HTTP message (a long body, a request trickled byte by byte) shows its bytes as text too.

import { ETHERNET_HEADER_BYTES } from '../../net/ethernet.ts';
import { IPV4_HEADER_BYTES } from '../../net/ipv4.ts';
import { registerPayloadDecoder, type LayerField, type PacketLayer } from '../../net/layers.ts';
import type { Packet } from '../../net/packet.ts';
import { tcpHeaderLength } from '../../transport/tcp/header.ts';
import { MAX_HEAD_BYTES } from './message.ts';

/** Body text shown per segment, at most (characters). */
export const MAX_BODY_PREVIEW = 512;
const MAX_FIELDS_SHOWN = 40;

const REQUEST_LINE = /^([A-Z]{3,7}) (\S{1,2048}) (HTTP\/1\.[01])$/;
const STATUS_LINE = /^(HTTP\/1\.[01]) (\d{3}) ?(.*)$/;

/** Bytes as text the way a capture tool shows them: printable ASCII, line ends kept, the rest as ".". */
export function printable(bytes: Uint8Array, max: number): string {
  let s = '';
  const n = Math.min(bytes.length, max);
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    s += (b >= 0x20 && b < 0x7f) || b === 0x0a || b === 0x0d || b === 0x09 ? String.fromCharCode(b) : '.';
  }
  return s;
}

function firstLine(payload: Uint8Array): string | null {
  const limit = Math.min(payload.length, 2100);
  for (let i = 1; i < limit; i++) {
    if (payload[i] === 0x0a && payload[i - 1] === 0x0d) return printable(payload.subarray(0, i - 1), i);
  }
  return null;
}

/** The HTTP layer of a TCP payload, or null when it is no HTTP (and not known to be part of one). */
export function decodeHttp(payload: Uint8Array, offset: number, partOfHttp: boolean): PacketLayer | null {
  const line = firstLine(payload);
  const request = line === null ? null : REQUEST_LINE.exec(line);
  const status = line === null || request !== null ? null : STATUS_LINE.exec(line);
  if (request === null && status === null) {
    if (!partOfHttp) return null;
    return {
      osi: 7,
      protocol: 'HTTP',
      offset,
      length: payload.length,
      fields: [
        { name: 'continuation', value: true },
        { name: 'length', value: payload.length },
        { name: 'data', value: printable(payload, MAX_BODY_PREVIEW) },
      ],
    };
  }
  const fields: LayerField[] = [];
  if (request !== null) {
    fields.push({ name: 'method', value: request[1]! }, { name: 'requestTarget', value: request[2]! }, { name: 'version', value: request[3]! });
  } else {
    fields.push({ name: 'version', value: status![1]! }, { name: 'statusCode', value: Number(status![2]) }, { name: 'reasonPhrase', value: status![3] ?? '' });
  }
  // Header lines up to the empty line (or the end of this segment).
  let pos = line!.length + 2;
  let headEnded = false;
  let shown = 0;
  while (pos < payload.length && pos < MAX_HEAD_BYTES) {
    let end = -1;
    for (let i = pos; i + 1 < payload.length; i++) {
      if (payload[i] === 0x0d && payload[i + 1] === 0x0a) {
        end = i;
        break;
      }
    }
    if (end < 0) break;
    if (end === pos) {
      headEnded = true;
      pos += 2;
      break;
    }
    const text = printable(payload.subarray(pos, end), end - pos);
    const colon = text.indexOf(':');
    if (colon > 0 && shown < MAX_FIELDS_SHOWN) {
      fields.push({ name: text.slice(0, colon), value: text.slice(colon + 1).trim() });
      shown++;
    }
    pos = end + 2;
  }
  if (!headEnded) {
    fields.push({ name: 'headerContinuesInNextSegment', value: true });
  } else if (pos < payload.length) {
    const body = payload.subarray(pos);
    fields.push({ name: 'bodyBytesInSegment', value: body.length }, { name: 'body', value: printable(body, MAX_BODY_PREVIEW) });
  }
  return { osi: 7, protocol: 'HTTP', offset, length: payload.length, fields };
}

registerPayloadDecoder((p: Packet, payload: Uint8Array) => {
  if (p.tcp === null) return null;
  return decodeHttp(payload, ETHERNET_HEADER_BYTES + IPV4_HEADER_BYTES + tcpHeaderLength(p.tcp), p.appKind === 'http');
});
