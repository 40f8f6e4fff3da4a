// An IP router (RFC 1812 in outline): checks the header checksum of a corrupted datagram, decrements
// TTL and drops the datagram when it would reach zero, and forwards by its static routing table.
// A router can be handed to a player: packets then wait in its decision queue for commands.

import { DecisionQueue } from '../roles/decision-queue.ts';
import type { CommandResult, RouterCommand } from '../roles/commands.ts';
import type { EthernetHeader } from './ethernet.ts';
import type { Interface } from './interface.ts';
import type { Network } from './network.ts';
import { NetNode, type Controller } from './node.ts';
import type { Packet } from './packet.ts';
import { nextHopOn } from './routing.ts';

export class Router extends NetNode {
  readonly kind: string = 'router';
  readonly layer = 3;
  override readonly forwards: boolean = true;
  controller: Controller = 'bot';
  readonly decisions: DecisionQueue;
  forwardedPackets = 0;

  constructor(network: Network, id: string, index: number, ip: number, queuePackets: number) {
    super(network, id, index, ip);
    this.decisions = new DecisionQueue(this, queuePackets);
  }

  receive(p: Packet, via: Interface): void {
    if (!this.up) {
      this.network.drop(p, { node: this.id }, 'node-down');
      return;
    }
    if (!this.acceptsFrame(p, via)) {
      this.network.drop(p, { node: this.id }, 'mac-filter');
      return;
    }
    const damaged = this.corruptedDatagram(p);
    if (damaged !== null && !damaged.ip.checksumValid) {
      this.network.drop(p, { node: this.id }, 'checksum');
      return;
    }
    if (this.addresses.includes(p.ip.dst)) {
      // A router runs no services in this model.
      this.network.drop(p, { node: this.id }, 'no-socket');
      return;
    }
    if (this.controller === 'player') this.decisions.offer(p);
    else this.route(p);
  }

  /** Forward by the routing table (what a bot does, and where held packets go). */
  route(p: Packet): void {
    const route = this.routes.get(p.ip.dst);
    if (route === undefined) {
      this.network.drop(p, { node: this.id }, 'no-route');
      return;
    }
    this.forwardOn(p, route.iface, route.frame);
  }

  /** Send on the link a player chose: framed to the next layer-3 hop that way. */
  forwardOnLink(p: Packet, out: Interface): void {
    const nb = nextHopOn(this, out, p.ip.dst);
    if (nb === undefined) {
      this.network.drop(p, { node: this.id }, 'no-route');
      return;
    }
    this.forwardOn(p, out, out.frameTo(nb.iface.mac));
  }

  /** Decrement TTL and send on `out`; a TTL that would reach zero kills the packet here. */
  forwardOn(p: Packet, out: Interface, frame: EthernetHeader): void {
    if (p.ip.ttl <= 1) {
      this.network.drop(p, { node: this.id }, 'ttl');
      return;
    }
    p.ip.ttl--;
    this.forwardedPackets++;
    this.transmitTo(p, out, frame);
  }

  command(cmd: RouterCommand): CommandResult {
    if (this.controller !== 'player') return { ok: false, reason: `${this.id} is run by a bot` };
    return this.decisions.apply(cmd);
  }

  setController(controller: Controller): void {
    this.controller = controller;
    if (controller === 'bot') this.decisions.flushToRoutes();
  }

  setUp(up: boolean): void {
    this.up = up;
    if (!up) this.decisions.dropAll();
  }
}
