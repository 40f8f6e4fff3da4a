// A packet as it crosses the simulated network: an Ethernet frame carrying an IPv4 datagram carrying
// a TCP segment or UDP datagram and its payload. Each layer is its own header object so an inspector
// can open the packet layer by layer (wire.ts turns it into bytes and back). Beside the wire fields,
// a packet carries a little bookkeeping that is not on the wire: its id, the flow it belongs to,
// whether it is a retransmission, and which bits a link flipped.

import * as ethernet from './ethernet.ts';
import type { EthernetHeader } from './ethernet.ts';
import * as ipv4 from './ipv4.ts';
import type { Ipv4Header } from './ipv4.ts';
import { materialize, type PayloadSource, EMPTY_BYTES } from './payload.ts';
import * as tcpHeader from '../transport/tcp/header.ts';
import type { TcpHeader } from '../transport/tcp/header.ts';
import * as udpHeader from '../transport/udp/header.ts';
import type { UdpHeader } from '../transport/udp/header.ts';

// Local copies of imported values the per-packet path uses (docs/performance.md: imported values).
const { frameBytes } = ethernet;
const { IPV4_HEADER_BYTES } = ipv4;
const { tcpHeaderLength, SYN, FIN, RST, ACK } = tcpHeader;
const { UDP_HEADER_BYTES } = udpHeader;

export type PacketKind =
  | 'syn'
  | 'syn-ack'
  | 'ack'
  | 'data'
  | 'fin'
  | 'rst'
  | 'udp'
  | 'other';

export class Packet {
  readonly id: number;
  /** Shared by the frames a route sends (Interface.frameTo): replaced at each hop, never changed. */
  eth: EthernetHeader;
  ip: Ipv4Header;
  tcp: TcpHeader | null;
  udp: UdpHeader | null;
  readonly payloadLength: number;
  /** Total length of the IP datagram (headers do not change size in flight). */
  readonly ipBytes: number;
  /** Bytes the frame occupies on a link (Ethernet header + datagram, padded to the minimum). */
  readonly wireBytes: number;
  private payloadBytes: Uint8Array | null;
  private readonly payloadSource: PayloadSource | null;
  private readonly payloadOffset: number;

  /** The scenario flow this packet belongs to (data and its ACKs alike), or null. */
  flowId: string | null = null;
  /** An application-level label for the client (e.g. 'dns', 'tls', 'http'); null for plain transport. */
  appKind: string | null = null;
  /** True when the sender had already sent these bytes before. */
  retransmit = false;
  /** 1-based index of a data segment's first transmission within its flow; 0 otherwise. */
  dataSegmentIndex = 0;
  /** Id of the packet this one was duplicated from by a command; 0 for an original. */
  duplicateOf = 0;
  /** Simulated time the packet was created, in ns. */
  readonly createdNs: number;
  /** Bit offsets, from the start of the IP header, that a corrupting link flipped. */
  corruptBits: number[] | null = null;

  // Where the packet is now. (Its departure and arrival times on each hop are in the `tx` trace
  // event, which is what clients draw from.)
  /** Id of the link it is crossing or queued on, or null. */
  hopLink: string | null = null;
  /** The link channel's up/down epoch when the packet was accepted (a link going down bumps it). */
  hopEpoch = 0;
  /** Id of the node it is waiting at for a decision, or null. */
  waitingAt: string | null = null;

  constructor(
    id: number,
    createdNs: number,
    eth: EthernetHeader,
    ip: Ipv4Header,
    tcp: TcpHeader | null,
    udp: UdpHeader | null,
    payloadLength: number,
    payloadBytes: Uint8Array | null,
    payloadSource: PayloadSource | null = null,
    payloadOffset = 0,
  ) {
    this.id = id;
    this.createdNs = createdNs;
    this.eth = eth;
    this.ip = ip;
    this.tcp = tcp;
    this.udp = udp;
    this.payloadLength = payloadLength;
    this.payloadBytes = payloadBytes;
    this.payloadSource = payloadSource;
    this.payloadOffset = payloadOffset;
    const l4 = tcp !== null ? tcpHeaderLength(tcp) : udp !== null ? UDP_HEADER_BYTES : 0;
    this.ipBytes = IPV4_HEADER_BYTES + l4 + payloadLength;
    this.wireBytes = frameBytes(this.ipBytes);
    ip.totalLength = this.ipBytes;
  }

  /** The payload bytes (produced on first read for pattern-sourced bulk data). */
  get payload(): Uint8Array {
    if (this.payloadBytes === null) {
      this.payloadBytes =
        this.payloadLength === 0
          ? EMPTY_BYTES
          : materialize({ length: this.payloadLength, bytes: null, source: this.payloadSource, offset: this.payloadOffset });
    }
    return this.payloadBytes;
  }

  /** The payload's real bytes if it has them (else they come from `payloadSourceRef`). */
  get payloadBytesIfReal(): Uint8Array | null {
    return this.payloadBytes;
  }

  get payloadSourceRef(): PayloadSource | null {
    return this.payloadSource;
  }

  /** Offset of the payload's first byte in `payloadSourceRef`. */
  get payloadSourceOffset(): number {
    return this.payloadOffset;
  }

  get kind(): PacketKind {
    const tcp = this.tcp;
    if (tcp !== null) {
      if (tcp.flags & RST) return 'rst';
      if (tcp.flags & SYN) return tcp.flags & ACK ? 'syn-ack' : 'syn';
      if (tcp.flags & FIN) return 'fin';
      return this.payloadLength > 0 ? 'data' : 'ack';
    }
    if (this.udp !== null) return 'udp';
    return 'other';
  }

  /** A copy with a new id, as a duplicating router would put a second copy on the wire. */
  clone(newId: number, nowNs: number): Packet {
    const copy = new Packet(
      newId,
      nowNs,
      { ...this.eth },
      { ...this.ip },
      this.tcp === null ? null : { ...this.tcp, options: this.tcp.options === null ? null : structuredCloneOptions(this.tcp.options) },
      this.udp === null ? null : { ...this.udp },
      this.payloadLength,
      this.payloadBytes,
      this.payloadSource,
      this.payloadOffset,
    );
    copy.flowId = this.flowId;
    copy.appKind = this.appKind;
    copy.retransmit = this.retransmit;
    copy.dataSegmentIndex = 0;
    copy.duplicateOf = this.duplicateOf !== 0 ? this.duplicateOf : this.id;
    copy.corruptBits = this.corruptBits === null ? null : [...this.corruptBits];
    return copy;
  }
}

function structuredCloneOptions(o: NonNullable<TcpHeader['options']>): NonNullable<TcpHeader['options']> {
  const c: NonNullable<TcpHeader['options']> = { ...o };
  if (o.sack !== undefined) c.sack = o.sack.map(([l, r]) => [l, r]);
  return c;
}
