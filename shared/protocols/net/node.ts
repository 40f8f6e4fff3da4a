// What every network node shares: an id, interfaces, an up/down state and the OSI layer it works at.
// Layer-3 nodes (hosts, routers and the kinds built on them) also have IPv4 addresses and a static
// routing table: destination address → interface and the MAC address of the next layer-3 hop.
// Layer-1/2 devices (hubs, switches) have neither: they move frames by port and MAC address.

import * as addresses from './addresses.ts';
import type { EthernetHeader } from './ethernet.ts';
import type { Interface } from './interface.ts';
import type { Network } from './network.ts';
import type { Packet } from './packet.ts';
import { receivedDatagram, parseDatagram, type ParsedDatagram } from './wire.ts';

// Local copies of imported values the per-packet path uses (docs/performance.md: imported values).
const { BROADCAST_MAC } = addresses;

export type Controller = 'bot' | 'player';

/** Where packets for one destination go: out of `iface`, framed to `nextHop` (the next L3 node). */
export interface Route {
  iface: Interface;
  nextHop: NetNode;
  /** The Ethernet header of frames this way, addressed to the next hop's MAC (shared, read-only). */
  frame: EthernetHeader;
}

export abstract class NetNode {
  readonly network: Network;
  readonly id: string;
  abstract readonly kind: string;
  /** The highest OSI layer the device acts on: 1 repeats bits, 2 switches frames, 3 routes packets. */
  abstract readonly layer: 1 | 2 | 3;
  /** Whether packets for other destinations may pass through it (routers yes, hosts no; a balancer while it holds its VIP). */
  forwards: boolean = false;
  /** Position of the node in the scenario (used for MAC addresses). */
  readonly index: number;
  /** Primary IPv4 address; 0 for layer-1/2 devices, which have none. */
  readonly ip: number;
  /** Every address the node answers to (the primary one, plus e.g. a load balancer's virtual IP). */
  readonly addresses: number[];
  readonly interfaces: Interface[] = [];
  /** Static routes: destination IPv4 address → where to send. */
  readonly routes = new Map<number, Route>();
  up = true;

  constructor(network: Network, id: string, index: number, ip: number) {
    this.network = network;
    this.id = id;
    this.index = index;
    this.ip = ip;
    this.addresses = ip === 0 ? [] : [ip];
  }

  abstract receive(p: Packet, via: Interface): void;

  /** Frame the packet to the route's next hop and offer it to that link. */
  transmit(p: Packet, route: Route): void {
    this.transmitTo(p, route.iface, route.frame);
  }

  /** Offer the packet to `out`'s link in a frame with the given (shared, read-only) header. */
  transmitTo(p: Packet, out: Interface, frame: EthernetHeader): void {
    p.eth = frame;
    out.tx.enqueue(p);
  }

  interfaceOnLink(linkId: string): Interface | undefined {
    return this.interfaces.find((i) => i.link.id === linkId);
  }

  /** A layer-3 node's network card only passes up frames addressed to it (or broadcast). */
  protected acceptsFrame(p: Packet, via: Interface): boolean {
    return p.eth.dst === via.mac || p.eth.dst === BROADCAST_MAC;
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
