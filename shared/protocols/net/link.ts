// A full-duplex point-to-point link between two nodes: one Channel per direction sharing bandwidth,
// propagation delay and queue limit; loss and corruption may differ per direction.

import { Channel } from './channel.ts';
import { Interface } from './interface.ts';
import { makeMac } from './addresses.ts';
import type { Network } from './network.ts';
import type { NetNode } from './node.ts';

export interface LinkSpec {
  id: string;
  bandwidthBps: number;
  delayNs: number;
  queuePackets: number;
  /** Loss probability per direction, keyed "<from>-><to>". */
  loss: Record<string, number>;
  corruption: Record<string, number>;
}

export class Link {
  readonly id: string;
  readonly bandwidthBps: number;
  readonly delayNs: number;
  readonly queuePackets: number;
  up = true;
  readonly a: Interface;
  readonly b: Interface;
  constructor(network: Network, spec: LinkSpec, nodeA: NetNode, nodeB: NetNode) {
    this.id = spec.id;
    this.bandwidthBps = spec.bandwidthBps;
    this.delayNs = spec.delayNs;
    this.queuePackets = spec.queuePackets;
    this.a = new Interface(nodeA, nodeA.interfaces.length, makeMac(nodeA.index, nodeA.interfaces.length), this);
    nodeA.interfaces.push(this.a);
    this.b = new Interface(nodeB, nodeB.interfaces.length, makeMac(nodeB.index, nodeB.interfaces.length), this);
    nodeB.interfaces.push(this.b);
    this.a.peer = this.b;
    this.b.peer = this.a;
    const ab = `${nodeA.id}->${nodeB.id}`;
    const ba = `${nodeB.id}->${nodeA.id}`;
    this.a.tx = new Channel(network, this, this.a, this.b, spec.loss[ab] ?? 0, spec.corruption[ab] ?? 0);
    this.b.tx = new Channel(network, this, this.b, this.a, spec.loss[ba] ?? 0, spec.corruption[ba] ?? 0);
  }

  get channels(): [Channel, Channel] {
    return [this.a.tx, this.b.tx];
  }

  /** The channel carrying frames from `fromNodeId`, if that node is an end of this link. */
  channelFrom(fromNodeId: string): Channel | undefined {
    if (this.a.node.id === fromNodeId) return this.a.tx;
    if (this.b.node.id === fromNodeId) return this.b.tx;
    return undefined;
  }

  setUp(up: boolean): void {
    if (this.up === up) return;
    this.up = up;
    if (!up) {
      this.a.tx.linkDown();
      this.b.tx.linkDown();
    }
  }
}
