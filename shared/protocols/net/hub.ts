// A hub (or repeater): a layer-1 device. Every frame that arrives on one port is repeated, bit for
// bit, out of every other port; it reads no address, so every host on a hub sees every frame (and
// its network card discards the ones not addressed to it — unless it is listening in).

import type { Interface } from './interface.ts';
import type { Network } from './network.ts';
import { NetNode } from './node.ts';
import type { Packet } from './packet.ts';
import { floodCopies } from './switch.ts';

export class Hub extends NetNode {
  readonly kind: string = 'hub';
  readonly layer: 1 | 2 = 1;
  framesRepeated = 0;

  constructor(network: Network, id: string, index: number) {
    super(network, id, index, 0);
  }

  receive(p: Packet, via: Interface): void {
    if (!this.up) {
      this.network.drop(p, { node: this.id }, 'node-down');
      return;
    }
    const ports = this.interfaces.filter((i) => i !== via);
    this.framesRepeated++;
    const sim = this.network.sim;
    if (sim.trace.enabled('l2')) {
      sim.trace.emit({ type: 'l2', t: sim.nowMs, node: this.id, device: 'hub', action: 'repeat', packet: p.id, in: via.link.id, out: ports.map((i) => i.link.id) });
    }
    floodCopies(this.network, p, ports, this.id);
  }
}
