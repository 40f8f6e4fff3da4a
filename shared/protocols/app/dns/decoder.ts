// The packet inspector's DNS layer (OSI 7; RFC 1035 §4.1): a UDP datagram to or from port 53 is one
// message; a TCP segment to or from port 53 that starts a message shows its 2-byte length first
// (RFC 1035 §4.2.2), and says how much of the message is still to come in later segments. The header
// is shown field by field (ID, QR, Opcode, AA, TC, RD, RA, Z, RCODE and the four counts), then the
// question and the records in master-file form. What does not parse shows what was wrong.

import { ETHERNET_HEADER_BYTES } from '../../net/ethernet.ts';
import { IPV4_HEADER_BYTES } from '../../net/ipv4.ts';
import { registerPayloadDecoder, type LayerField, type PacketLayer } from '../../net/layers.ts';
import { UDP_HEADER_BYTES } from '../../transport/udp/header.ts';
import { tcpHeaderLength } from '../../transport/tcp/header.ts';
import { DNS_HEADER_BYTES, DNS_PORT, isKnownOpcode, opcodeName, parseHeader, parseMessage, rcodeName, sectionCounts } from './message.ts';
import { formatQuestion, formatRecord } from './text.ts';
import { TCP_LENGTH_PREFIX_BYTES } from './tcp-stream.ts';

/** Records listed one by one; the rest are counted. */
const MAX_RECORDS_SHOWN = 16;

function headerFields(b: Uint8Array, fields: LayerField[]): void {
  const h = parseHeader(b)!;
  const c = sectionCounts(b);
  fields.push(
    { name: 'transactionId', value: `0x${h.id.toString(16).padStart(4, '0')}` },
    { name: 'flags', value: `0x${((b[2]! << 8) | b[3]!).toString(16).padStart(4, '0')}` },
    { name: 'qr', value: h.qr ? 'response (1)' : 'query (0)' },
    { name: 'opcode', value: `${opcodeName(h.opcode)} (${h.opcode})` },
    { name: 'aa', value: h.aa },
    { name: 'tc', value: h.tc },
    { name: 'rd', value: h.rd },
    { name: 'ra', value: h.ra },
    { name: 'z', value: h.z },
    { name: 'rcode', value: `${rcodeName(h.rcode)} (${h.rcode})` },
    { name: 'qdcount', value: c.qdcount },
    { name: 'ancount', value: c.ancount },
    { name: 'nscount', value: c.nscount },
    { name: 'arcount', value: c.arcount },
  );
}

/** The fields of one message's bytes (as many as are there). */
export function dnsMessageFields(b: Uint8Array, fields: LayerField[]): void {
  if (b.length < DNS_HEADER_BYTES) {
    fields.push({ name: 'malformed', value: `${b.length} bytes is shorter than the ${DNS_HEADER_BYTES}-byte header` });
    return;
  }
  headerFields(b, fields);
  const parsed = parseMessage(b);
  if (!parsed.ok) {
    fields.push({ name: 'malformed', value: parsed.error });
    return;
  }
  const m = parsed.message;
  m.questions.forEach((q, i) => fields.push({ name: m.questions.length === 1 ? 'question' : `question ${i + 1}`, value: formatQuestion(q) }));
  let shown = 0;
  let hidden = 0;
  for (const [section, records] of [['answer', m.answers], ['authority', m.authority], ['additional', m.additional]] as const) {
    records.forEach((r, i) => {
      if (shown < MAX_RECORDS_SHOWN) {
        fields.push({ name: `${section} ${i + 1}`, value: formatRecord(r) });
        shown++;
      } else {
        hidden++;
      }
    });
  }
  if (hidden > 0) fields.push({ name: 'moreRecords', value: hidden });
}

export function decodeDnsUdp(payload: Uint8Array, offset: number): PacketLayer {
  const fields: LayerField[] = [];
  dnsMessageFields(payload, fields);
  return { osi: 7, protocol: 'DNS', offset, length: payload.length, fields };
}

/**
 * A segment alone does not say where in the stream it sits, so it is read as starting a message when
 * its first two bytes give a length of at least a header and a plausible header follows (a known
 * opcode, Z zero, at most one question); otherwise it continues a message begun earlier.
 */
function startsMessage(payload: Uint8Array): boolean {
  if (payload.length < TCP_LENGTH_PREFIX_BYTES + DNS_HEADER_BYTES) return false;
  const length = (payload[0]! << 8) | payload[1]!;
  const message = payload.subarray(TCP_LENGTH_PREFIX_BYTES);
  const h = parseHeader(message)!;
  return length >= DNS_HEADER_BYTES && h.z === 0 && isKnownOpcode(h.opcode) && sectionCounts(message).qdcount <= 1;
}

/** A TCP segment's payload: a length-prefixed message (or its beginning), or the continuation of one. */
export function decodeDnsTcp(payload: Uint8Array, offset: number): PacketLayer {
  const fields: LayerField[] = [];
  const length = payload.length >= TCP_LENGTH_PREFIX_BYTES ? (payload[0]! << 8) | payload[1]! : -1;
  if (!startsMessage(payload)) {
    // Too short to be a message's start: the middle or end of one begun in an earlier segment.
    fields.push({ name: 'continuation', value: `${payload.length} bytes of a message begun in an earlier segment` });
    return { osi: 7, protocol: 'DNS', offset, length: payload.length, fields };
  }
  fields.push({ name: 'length', value: length });
  const available = payload.length - TCP_LENGTH_PREFIX_BYTES;
  if (available < length) {
    headerFields(payload.subarray(TCP_LENGTH_PREFIX_BYTES), fields);
    fields.push({ name: 'continuesInNextSegment', value: length - available });
  } else {
    dnsMessageFields(payload.subarray(TCP_LENGTH_PREFIX_BYTES, TCP_LENGTH_PREFIX_BYTES + length), fields);
    const rest = available - length;
    if (rest > 0) fields.push({ name: 'followingBytes', value: rest });
  }
  return { osi: 7, protocol: 'DNS', offset, length: payload.length, fields };
}

registerPayloadDecoder((p, payload) => {
  const udp = p.udp;
  if (udp !== null) {
    if (udp.srcPort !== DNS_PORT && udp.dstPort !== DNS_PORT) return null;
    return decodeDnsUdp(payload, ETHERNET_HEADER_BYTES + IPV4_HEADER_BYTES + UDP_HEADER_BYTES);
  }
  const tcp = p.tcp;
  if (tcp === null || (tcp.srcPort !== DNS_PORT && tcp.dstPort !== DNS_PORT)) return null;
  return decodeDnsTcp(payload, ETHERNET_HEADER_BYTES + IPV4_HEADER_BYTES + tcpHeaderLength(tcp));
});
