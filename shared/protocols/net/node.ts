// What every network node shares: an id, an IPv4 address, interfaces, a static routing table
// (destination address → outgoing interface), and an up/down state. Hosts, routers and (later)
// switches, hubs and servers decide what to do with a frame that arrives.

import { ETHERTYPE_IPV4 } from './ethernet.ts';
import type { Interface } from './interface.ts';
import type { Network } from './network.ts';
import type { Packet } from './packet.ts';
import { receivedDatagram, parseDatagram, type ParsedDatagram } from './wire.ts';

export type Controller = 'bot' | 'player';

export abstract class NetNode {
  readonly network: Network;
  readonly id: string;
  abstract readonly kind: string;
  /** Position of the node in the scenario (used for MAC addresses). */
  readonly index: number;
  readonly ip: number;
  readonly interfaces: Interface[] = [];
  /** Static routes: destination IPv4 address → interface to send on. */
  readonly routes = new Map<number, Interface>();
  up = true;

  constructor(network: Network, id: string, index: number, ip: number) {
    this.network = network;
    this.id = id;
    this.index = index;
    this.ip = ip;
  }

  abstract receive(p: Packet, via: Interface): void;

  /** Address the frame to the neighbour on `out` and offer it to that link. */
  transmit(p: Packet, out: Interface): void {
    const eth = p.eth;
    eth.src = out.mac;
    eth.dst = out.peer.mac;
    eth.etherType = ETHERTYPE_IPV4;
    out.tx.enqueue(p);
  }

  interfaceOnLink(linkId: string): Interface | undefined {
    return this.interfaces.find((i) => i.link.id === linkId);
  }

  /**
   * For a packet a link corrupted: the datagram as received and whether its IP header checksum holds.
   * Returns null when the packet was never corrupted (its checksums hold by construction).
   */
  protected corruptedDatagram(p: Packet): ParsedDatagram | null {
    if (p.corruptBits === null || p.corruptBits.length === 0) return null;
    return parseDatagram(receivedDatagram(p));
  }
}
