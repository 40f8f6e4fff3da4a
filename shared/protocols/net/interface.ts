// A node's attachment to one link: its MAC address, the link, the channel it transmits on, and the
// interface at the other end (the neighbour whose MAC a frame sent here is addressed to; address
// resolution is static, computed from the topology, so ARP is not modelled).

import type { Channel } from './channel.ts';
import type { Link } from './link.ts';
import type { NetNode } from './node.ts';

export class Interface {
  readonly node: NetNode;
  readonly index: number;
  readonly mac: number;
  readonly link: Link;
  /** Set when the link is built. */
  tx!: Channel;
  peer!: Interface;

  constructor(node: NetNode, index: number, mac: number, link: Link) {
    this.node = node;
    this.index = index;
    this.mac = mac;
    this.link = link;
  }
}
