// A packet opened layer by layer, as a packet inspector shows it (seed: OSI layers). Each layer names
// its OSI layer number, its protocol, its header fields with their wire values, and the bytes it
// occupies in the frame. Built from the real encoded frame, so checksums and lengths are the ones on
// the wire.

import { ipToString, macToString } from './addresses.ts';
import { ETHERNET_HEADER_BYTES } from './ethernet.ts';
import type { Packet } from './packet.ts';
import { emitFrame, parseFrame } from './wire.ts';
import { flagsToString } from '../transport/tcp/header.ts';
import { parseRtp } from '../app/rtp.ts';

export interface LayerField {
  name: string;
  value: string | number | boolean;
}

export interface PacketLayer {
  /** OSI layer number (2 data link, 3 network, 4 transport, 7 application). */
  osi: number;
  protocol: string;
  fields: LayerField[];
  /** Offset and length of this layer's header (or payload) in the frame. */
  offset: number;
  length: number;
}

export interface InspectedPacket {
  id: number;
  kind: string;
  flow: string | null;
  retransmit: boolean;
  duplicateOf: number;
  frameBytes: number;
  layers: PacketLayer[];
  /** The frame as hex, at most `maxHexBytes` bytes. */
  hex: string;
  truncated: boolean;
}

/** Readers that recognise application payloads (HTTP, TLS, DNS, ...) register here. */
export type PayloadDecoder = (p: Packet, payload: Uint8Array) => PacketLayer | null;
const decoders: PayloadDecoder[] = [];

export function registerPayloadDecoder(decoder: PayloadDecoder): void {
  decoders.push(decoder);
}

const MAX_PAYLOAD_PREVIEW = 64;

function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

export function inspectPacket(p: Packet, maxHexBytes = 256): InspectedPacket {
  const frame = emitFrame(p);
  const parsed = parseFrame(frame);
  const layers: PacketLayer[] = [];
  layers.push({
    osi: 2,
    protocol: 'Ethernet II',
    offset: 0,
    length: ETHERNET_HEADER_BYTES,
    fields: [
      { name: 'destination', value: macToString(parsed.eth.dst) },
      { name: 'source', value: macToString(parsed.eth.src) },
      { name: 'etherType', value: `0x${parsed.eth.etherType.toString(16).padStart(4, '0')} (IPv4)` },
    ],
  });
  const ip = parsed.ip;
  const ipOffset = ETHERNET_HEADER_BYTES;
  layers.push({
    osi: 3,
    protocol: 'IPv4',
    offset: ipOffset,
    length: ip.ihl * 4,
    fields: [
      { name: 'version', value: ip.version },
      { name: 'headerLength', value: ip.ihl * 4 },
      { name: 'dscp', value: ip.dscp },
      { name: 'ecn', value: ip.ecn },
      { name: 'totalLength', value: ip.totalLength },
      { name: 'identification', value: ip.identification },
      { name: 'dontFragment', value: ip.dontFragment },
      { name: 'moreFragments', value: ip.moreFragments },
      { name: 'fragmentOffset', value: ip.fragmentOffset },
      { name: 'ttl', value: ip.ttl },
      { name: 'protocol', value: ip.protocol === 6 ? '6 (TCP)' : ip.protocol === 17 ? '17 (UDP)' : ip.protocol },
      { name: 'headerChecksum', value: `0x${ip.headerChecksum.toString(16).padStart(4, '0')}` },
      { name: 'source', value: ipToString(ip.src) },
      { name: 'destination', value: ipToString(ip.dst) },
    ],
  });
  const l4Offset = ipOffset + ip.ihl * 4;
  let payloadOffset = l4Offset;
  if (parsed.tcp !== null) {
    const t = parsed.tcp;
    const fields: LayerField[] = [
      { name: 'sourcePort', value: t.srcPort },
      { name: 'destinationPort', value: t.dstPort },
      { name: 'sequenceNumber', value: t.seq },
      { name: 'acknowledgmentNumber', value: t.ack },
      { name: 'dataOffset', value: t.dataOffset * 4 },
      { name: 'flags', value: flagsToString(t.flags) },
      { name: 'window', value: t.window },
      { name: 'checksum', value: `0x${t.checksum.toString(16).padStart(4, '0')}` },
      { name: 'urgentPointer', value: t.urgentPointer },
    ];
    const o = t.options;
    if (o?.mss !== undefined) fields.push({ name: 'option MSS', value: o.mss });
    if (o?.windowScale !== undefined) fields.push({ name: 'option windowScale', value: o.windowScale });
    if (o?.sackPermitted) fields.push({ name: 'option sackPermitted', value: true });
    if (o?.sack !== undefined) fields.push({ name: 'option SACK', value: o.sack.map(([l, r]) => `${l}-${r}`).join(', ') });
    layers.push({ osi: 4, protocol: 'TCP', offset: l4Offset, length: t.headerLength, fields });
    payloadOffset = l4Offset + t.headerLength;
  } else if (parsed.udp !== null) {
    const u = parsed.udp;
    layers.push({
      osi: 4,
      protocol: 'UDP',
      offset: l4Offset,
      length: 8,
      fields: [
        { name: 'sourcePort', value: u.srcPort },
        { name: 'destinationPort', value: u.dstPort },
        { name: 'length', value: u.length },
        { name: 'checksum', value: `0x${u.checksum.toString(16).padStart(4, '0')}` },
      ],
    });
    payloadOffset = l4Offset + 8;
  }
  const payload = parsed.payload;
  if (payload.length > 0) {
    let app: PacketLayer | null = null;
    for (const d of decoders) {
      app = d(p, payload);
      if (app !== null) break;
    }
    if (app === null && parsed.udp !== null) {
      const rtp = parseRtp(payload);
      if (rtp !== null) {
        app = {
          osi: 7,
          protocol: 'RTP',
          offset: payloadOffset,
          length: payload.length,
          fields: [
            { name: 'marker', value: rtp.marker },
            { name: 'payloadType', value: rtp.payloadType },
            { name: 'sequenceNumber', value: rtp.sequence },
            { name: 'timestamp', value: rtp.timestamp },
            { name: 'ssrc', value: `0x${rtp.ssrc.toString(16).padStart(8, '0')}` },
          ],
        };
      }
    }
    layers.push(
      app ?? {
        osi: 7,
        protocol: 'Data',
        offset: payloadOffset,
        length: payload.length,
        fields: [
          { name: 'length', value: payload.length },
          { name: 'preview', value: toHex(payload.subarray(0, MAX_PAYLOAD_PREVIEW)) },
        ],
      },
    );
  }
  return {
    id: p.id,
    kind: p.kind,
    flow: p.flowId,
    retransmit: p.retransmit,
    duplicateOf: p.duplicateOf,
    frameBytes: frame.length,
    layers,
    hex: toHex(frame.subarray(0, maxHexBytes)),
    truncated: frame.length > maxHexBytes,
  };
}
