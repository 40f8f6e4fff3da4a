// A learning switch (IEEE 802.1D transparent bridge, the seed's layer-2 "bridge, switch"): it learns
// which port each source MAC address lives behind, forwards a frame only out of the port its
// destination was learned on, floods frames to unknown or broadcast destinations out of every other
// port, and filters a frame whose destination is on the port it came in on. The table holds at most
// `macTableSize` entries; the least recently learned is forgotten first. Frames pass unchanged: no
// TTL, no address rewriting.

import { BROADCAST_MAC, macToString } from './addresses.ts';
import type { Interface } from './interface.ts';
import type { Network } from './network.ts';
import { NetNode } from './node.ts';
import type { Packet } from './packet.ts';

export class Switch extends NetNode {
  readonly kind = 'switch';
  readonly layer = 2;
  readonly macTableSize: number;
  /** MAC address → port; Map order is learning order (refreshed entries move to the end). */
  readonly macTable = new Map<number, Interface>();
  framesForwarded = 0;
  framesFlooded = 0;
  framesFiltered = 0;

  constructor(network: Network, id: string, index: number, macTableSize: number) {
    super(network, id, index, 0);
    this.macTableSize = macTableSize;
  }

  receive(p: Packet, via: Interface): void {
    if (!this.up) {
      this.network.drop(p, { node: this.id }, 'node-down');
      return;
    }
    this.learn(p.eth.src, via);
    const out = p.eth.dst === BROADCAST_MAC ? undefined : this.macTable.get(p.eth.dst);
    if (out === via) {
      this.framesFiltered++;
      this.trace(p, 'filter', via, []);
      this.network.drop(p, { node: this.id }, 'mac-filter');
      return;
    }
    if (out !== undefined) {
      this.framesForwarded++;
      this.trace(p, 'forward', via, [out]);
      out.tx.enqueue(p);
      return;
    }
    const ports = this.interfaces.filter((i) => i !== via);
    this.framesFlooded++;
    this.trace(p, 'flood', via, ports);
    floodCopies(this.network, p, ports, this.id);
  }

  private learn(mac: number, port: Interface): void {
    const known = this.macTable.get(mac);
    if (known === port) return;
    this.macTable.delete(mac);
    if (this.macTable.size >= this.macTableSize) this.macTable.delete(this.macTable.keys().next().value!);
    this.macTable.set(mac, port);
    const sim = this.network.sim;
    if (sim.trace.enabled('l2')) {
      sim.trace.emit({ type: 'l2', t: sim.nowMs, node: this.id, device: 'switch', action: 'learn', mac: macToString(mac), port: port.link.id });
    }
  }

  private trace(p: Packet, action: string, via: Interface, out: Interface[]): void {
    const sim = this.network.sim;
    if (!sim.trace.enabled('l2')) return;
    sim.trace.emit({
      type: 'l2',
      t: sim.nowMs,
      node: this.id,
      device: 'switch',
      action,
      packet: p.id,
      src: macToString(p.eth.src),
      dst: macToString(p.eth.dst),
      in: via.link.id,
      out: out.map((i) => i.link.id),
    });
  }
}

/** Send the frame out of every port in `ports`: the original on the first, copies on the others. */
export function floodCopies(net: Network, p: Packet, ports: Interface[], deviceId: string): void {
  if (ports.length === 0) {
    net.drop(p, { node: deviceId }, 'mac-filter');
    return;
  }
  const copies = ports.slice(1).map(() => p.clone(net.duplicatePacketId(), net.sim.nowNs));
  for (const c of copies) c.duplicateOf = 0; // a relayed signal, not a player's duplicate
  ports[0]!.tx.enqueue(p);
  ports.slice(1).forEach((port, i) => port.tx.enqueue(copies[i]!));
}
