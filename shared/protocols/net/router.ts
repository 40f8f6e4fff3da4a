// An IP router (RFC 1812 in outline): checks the header checksum of a corrupted datagram, decrements
// TTL and drops the datagram when it would reach zero, and forwards by its static routing table.
// A router can be handed to a player: packets then wait in its decision queue for commands.

import { DecisionQueue } from '../roles/decision-queue.ts';
import type { CommandResult, RouterCommand } from '../roles/commands.ts';
import type { Interface } from './interface.ts';
import type { Network } from './network.ts';
import { NetNode, type Controller } from './node.ts';
import type { Packet } from './packet.ts';

export class Router extends NetNode {
  readonly kind = 'router';
  controller: Controller = 'bot';
  readonly decisions: DecisionQueue;
  forwardedPackets = 0;

  constructor(network: Network, id: string, index: number, ip: number, queuePackets: number) {
    super(network, id, index, ip);
    this.decisions = new DecisionQueue(this, queuePackets);
  }

  receive(p: Packet, _via: Interface): void {
    if (!this.up) {
      this.network.drop(p, { node: this.id }, 'node-down');
      return;
    }
    const damaged = this.corruptedDatagram(p);
    if (damaged !== null && !damaged.ip.checksumValid) {
      this.network.drop(p, { node: this.id }, 'checksum');
      return;
    }
    if (p.ip.dst === this.ip) {
      // A router runs no services in this model.
      this.network.drop(p, { node: this.id }, 'no-socket');
      return;
    }
    if (this.controller === 'player') this.decisions.offer(p);
    else this.route(p);
  }

  /** Forward by the routing table (what a bot does, and where held packets go). */
  route(p: Packet): void {
    const out = this.routes.get(p.ip.dst);
    if (out === undefined) {
      this.network.drop(p, { node: this.id }, 'no-route');
      return;
    }
    this.forwardOn(p, out);
  }

  /** Decrement TTL and send on `out`; a TTL that would reach zero kills the packet here. */
  forwardOn(p: Packet, out: Interface): void {
    if (p.ip.ttl <= 1) {
      this.network.drop(p, { node: this.id }, 'ttl');
      return;
    }
    p.ip.ttl--;
    this.forwardedPackets++;
    this.transmit(p, out);
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
