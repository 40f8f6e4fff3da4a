// The network: nodes, links, the packet id counter, and the one place where packets are destroyed
// (so every drop is traced with its reason and counted). Counters make conservation checkable: every
// packet that exists was created by an endpoint or duplicated by a command, and ends dropped,
// consumed by an endpoint, or still in the network.

import type { Simulator } from '../sim/simulator.ts';
import type { DropReason } from '../sim/trace.ts';
import type { Link } from './link.ts';
import type { NetNode } from './node.ts';
import type { Packet } from './packet.ts';
import { computeRoutes, type RouteOverride } from './routing.ts';

export interface DropPlace {
  link?: string;
  node?: string;
}

/** What a scripted fault does to one data segment: lose it, delay it (reordering) or duplicate it. */
export type SegmentFault = { action: 'drop' } | { action: 'delay'; delayNs: number } | { action: 'duplicate' };

export type DropListener = (p: Packet, place: DropPlace, reason: DropReason) => void;

export class Network {
  readonly sim: Simulator;
  readonly nodes = new Map<string, NetNode>();
  readonly links = new Map<string, Link>();
  readonly byIp = new Map<number, NetNode>();
  /** Bumped whenever routes are computed, so that nodes' cached route lookups know to look again. */
  routesVersion = 0;
  packetsCreated = 0;
  packetsDuplicated = 0;
  packetsDropped = 0;
  packetsConsumed = 0;
  readonly dropsByReason: Partial<Record<DropReason, number>> = {};
  private readonly dropListeners: DropListener[] = [];
  /** "<flow>#<segment>" of data segments a segment fault will hit on their first link. */
  private readonly segmentFaults = new Map<string, SegmentFault>();

  /** The scenario's route overrides, applied again whenever routes are recomputed. */
  routeOverrides: RouteOverride[] = [];

  constructor(sim: Simulator) {
    this.sim = sim;
  }

  /** Recompute every route (a balancer took a virtual address over: the gratuitous-ARP moment). */
  recomputeRoutes(): void {
    computeRoutes(this, this.routeOverrides);
  }

  addNode(node: NetNode): void {
    if (this.nodes.has(node.id)) throw new Error(`duplicate node id ${node.id}`);
    this.nodes.set(node.id, node);
    for (const addr of node.addresses) if (!this.byIp.has(addr)) this.byIp.set(addr, node);
  }

  addLink(link: Link): void {
    if (this.links.has(link.id)) throw new Error(`duplicate link id ${link.id}`);
    this.links.set(link.id, link);
  }

  nextPacketId(): number {
    this.packetsCreated++;
    return this.sim.allocateId();
  }

  duplicatePacketId(): number {
    this.packetsDuplicated++;
    return this.sim.allocateId();
  }

  onDrop(listener: DropListener): void {
    this.dropListeners.push(listener);
  }

  drop(p: Packet, place: DropPlace, reason: DropReason): void {
    this.packetsDropped++;
    this.dropsByReason[reason] = (this.dropsByReason[reason] ?? 0) + 1;
    p.hopLink = null;
    p.waitingAt = null;
    for (const l of this.dropListeners) l(p, place, reason);
    const sim = this.sim;
    if (sim.trace.enabled('drop')) {
      sim.trace.emit({
        type: 'drop',
        t: sim.nowMs,
        ...(place.link !== undefined ? { link: place.link } : { node: place.node }),
        flow: p.flowId,
        packet: p.id,
        kind: p.kind,
        reason,
      });
    }
  }

  /** An endpoint took the packet (it reached its destination's transport layer, or a proxy took it over). */
  consumed(p: Packet, nodeId: string): void {
    this.packetsConsumed++;
    p.hopLink = null;
    const sim = this.sim;
    if (sim.trace.enabled('arrive')) {
      sim.trace.emit({ type: 'arrive', t: sim.nowMs, packet: p.id, node: nodeId, flow: p.flowId, kind: p.kind });
    }
  }

  scheduleSegmentFault(flowId: string, segment: number, fault: SegmentFault): void {
    this.segmentFaults.set(`${flowId}#${segment}`, fault);
  }

  /** The fault (once) that hits this data segment on the link it is entering, if any. */
  takeSegmentFault(p: Packet): SegmentFault | null {
    if (this.segmentFaults.size === 0 || p.dataSegmentIndex === 0 || p.flowId === null) return null;
    const key = `${p.flowId}#${p.dataSegmentIndex}`;
    const fault = this.segmentFaults.get(key);
    if (fault === undefined) return null;
    this.segmentFaults.delete(key);
    return fault;
  }
}
