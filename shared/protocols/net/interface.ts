// A node's attachment to one link: its MAC address, the link, the channel it transmits on, and the
// interface at the other end of the wire. Address resolution is static, computed from the topology
// (ARP is not modelled): `l3Neighbours` lists the layer-3 interfaces reachable through this port,
// across any hubs and switches, with the MAC a frame to each must carry.

import type { Channel } from './channel.ts';
import { ETHERTYPE_IPV4, type EthernetHeader } from './ethernet.ts';
import type { Link } from './link.ts';
import type { NetNode } from './node.ts';

export interface L3Neighbour {
  iface: Interface;
  /** Propagation delay along the layer-2 path to it. */
  delayNs: number;
}

export class Interface {
  readonly node: NetNode;
  readonly index: number;
  readonly mac: number;
  readonly link: Link;
  /** Set when the link is built. */
  tx!: Channel;
  peer!: Interface;
  /** Filled in by the routing computation. */
  l3Neighbours: L3Neighbour[] = [];

  constructor(node: NetNode, index: number, mac: number, link: Link) {
    this.node = node;
    this.index = index;
    this.mac = mac;
    this.link = link;
  }

  /**
   * The Ethernet header of an IPv4 frame from this interface to `dstMac`. Headers are read-only, so a
   * route makes its header once and every frame it sends shares it.
   */
  frameTo(dstMac: number): EthernetHeader {
    return { dst: dstMac, src: this.mac, etherType: ETHERTYPE_IPV4 };
  }
}
