// A host's UDP layer (RFC 768): sockets bound to ports, datagrams sent as they are written, no
// connection, no acknowledgment, no retransmission, no ordering. A datagram for a port nobody has
// bound is discarded (ICMP port unreachable is not modelled).

import type { Host } from '../../net/host.ts';
import { IP_PROTOCOL_UDP, originatedIpv4 } from '../../net/ipv4.ts';
import { UNADDRESSED_FRAME } from '../../net/ethernet.ts';
import { Packet } from '../../net/packet.ts';
import { UDP_MAX_PAYLOAD_BYTES } from './header.ts';

export type DatagramHandler = (p: Packet) => void;

export interface UdpStats {
  sentDatagrams: number;
  sentBytes: number;
}

export class UdpSocketTable {
  readonly host: Host;
  private readonly sockets = new Map<number, DatagramHandler>();

  constructor(host: Host) {
    this.host = host;
  }

  bind(port: number, handler: DatagramHandler): void {
    if (this.sockets.has(port)) throw new Error(`${this.host.id} already has a UDP socket on port ${port}`);
    this.sockets.set(port, handler);
  }

  unbind(port: number): void {
    this.sockets.delete(port);
  }

  /**
   * Send one datagram. `mark` labels it before it leaves (an application numbering its datagrams like
   * data segments, so a `drop-segment` fault can hit the n-th one, and marking its own resends).
   */
  send(
    srcPort: number,
    dstIp: number,
    dstPort: number,
    payload: Uint8Array,
    flowId: string | null,
    appKind: string | null = null,
    mark: { dataSegmentIndex: number; retransmit: boolean } | null = null,
  ): Packet {
    if (payload.length > UDP_MAX_PAYLOAD_BYTES) throw new RangeError(`UDP payload of ${payload.length} bytes is too large`);
    const host = this.host;
    const net = host.network;
    const p = new Packet(
      net.nextPacketId(),
      net.sim.nowNs,
      UNADDRESSED_FRAME,
      originatedIpv4(host.nextIpId(), IP_PROTOCOL_UDP, host.ip, dstIp),
      null,
      { srcPort, dstPort },
      payload.length,
      payload,
    );
    p.flowId = flowId;
    p.appKind = appKind;
    if (mark !== null) {
      p.dataSegmentIndex = mark.dataSegmentIndex;
      p.retransmit = mark.retransmit;
    }
    host.sendIp(p);
    return p;
  }

  /** Returns false when no socket is bound to the destination port. */
  datagramArrives(p: Packet): boolean {
    const handler = this.sockets.get(p.udp!.dstPort);
    if (handler === undefined) return false;
    handler(p);
    return true;
  }
}
