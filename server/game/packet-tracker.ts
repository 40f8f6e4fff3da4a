// Follows every packet through the engine's trace and keeps one lifecycle fact per packet: the hop
// it is on (link, direction, departure and arrival in simulated ms) or the node where it waits for a
// decision. Only changed facts are copied into the synchronised state, so a packet costs bytes when
// it starts a hop, starts waiting or ends — never while it moves (about 60 bytes to appear, 25 per
// hop, 3 to go).
//
// A packet ends when it is dropped (a `drop` event) or when its hop ends at an endpoint that consumes
// it: nothing is traced then, so a packet whose hop has ended and that neither started a new hop nor
// started waiting by then is gone (a router forwarding it traces the next hop at the arrival instant
// itself).
//
// Bandwidth budget: packets waiting at a node are always mirrored (a router player must see them to
// command them); packets on links enter the mirror at most `addsPerSecond` per wall-clock second
// (with a burst allowance). A network starting more packets than that shows a sample, and the rest
// are counted as hidden.

import type { MapSchema } from '@colyseus/schema';
import { PacketState } from '../../shared/state/classroom-state.ts';
import type { TraceEvent } from '../../shared/protocols/sim/trace.ts';

export interface PacketFact {
  id: number;
  kind: string;
  flow: string;
  link: string;
  from: string;
  to: string;
  departMs: number;
  arriveMs: number;
  /** Node where it waits or is held, or "" while on a link. */
  at: string;
  held: boolean;
  /** While waiting at a router: the link its routing table would use. */
  next: string;
}

/** Which link a router's routing table would forward a waiting packet on. */
export type NextHop = (node: string, packetId: number) => string;

export interface TrackerLimits {
  /** Most packets mirrored at once. */
  maxSynced: number;
  /** Packets on links that may enter the mirror per wall-clock second, and the burst allowance. */
  addsPerSecond: number;
  addsBurst: number;
}

export const DEFAULT_TRACKER_LIMITS: TrackerLimits = { maxSynced: 1000, addsPerSecond: 60, addsBurst: 120 };

export class PacketTracker {
  readonly facts = new Map<number, PacketFact>();
  private readonly dirty = new Set<number>();
  private readonly limits: TrackerLimits;
  private tokens: number;
  private lastRefillWallMs = -1;
  private readonly nextHop: NextHop;

  constructor(limits: TrackerLimits = DEFAULT_TRACKER_LIMITS, nextHop: NextHop = () => '') {
    this.limits = limits;
    this.tokens = limits.addsBurst;
    this.nextHop = nextHop;
  }

  /** Feed one trace event (tx, wait, drop and command matter; others are ignored). */
  onTrace(e: TraceEvent): void {
    switch (e.type) {
      case 'tx': {
        const id = e.packet as number;
        let f = this.facts.get(id);
        if (f === undefined) {
          f = { id, kind: String(e.kind), flow: (e.flow as string | null) ?? '', link: '', from: '', to: '', departMs: 0, arriveMs: 0, at: '', held: false, next: '' };
          this.facts.set(id, f);
        }
        f.link = e.link as string;
        f.from = e.from as string;
        f.to = e.to as string;
        f.departMs = e.departMs as number;
        f.arriveMs = e.arriveMs as number;
        f.at = '';
        f.held = false;
        f.next = '';
        this.dirty.add(id);
        return;
      }
      case 'wait': {
        const f = this.facts.get(e.packet as number);
        if (f === undefined) return;
        f.at = e.node as string;
        f.held = false;
        f.next = this.nextHop(f.at, f.id);
        this.dirty.add(f.id);
        return;
      }
      case 'drop': {
        const id = e.packet as number;
        if (this.facts.delete(id)) this.dirty.add(id);
        return;
      }
      case 'command': {
        if (e.ok !== true || e.action !== 'hold') return;
        const f = this.facts.get(e.packet as number);
        if (f === undefined) return;
        f.at = e.node as string;
        f.held = true;
        this.dirty.add(f.id);
        return;
      }
    }
  }

  /** A duplicate command made `copyId` from `originalId`; the copy waits at the same node (no trace event says so). */
  duplicated(originalId: number, copyId: number): void {
    const f = this.facts.get(originalId);
    if (f === undefined) return;
    this.facts.set(copyId, { ...f, id: copyId, held: false });
    this.dirty.add(copyId);
  }

  /** Forget packets whose hop ended by `nowMs` without a next hop or a wait: an endpoint consumed them. */
  sweep(nowMs: number): void {
    for (const f of this.facts.values()) {
      if (f.at === '' && f.arriveMs <= nowMs) {
        this.facts.delete(f.id);
        this.dirty.add(f.id);
      }
    }
  }

  /** Forget everything (a new scenario). */
  clear(): void {
    for (const id of this.facts.keys()) this.dirty.add(id);
    this.facts.clear();
  }

  get size(): number {
    return this.facts.size;
  }

  /** Copy changed facts into the synchronised map; returns how many packets in the network are not mirrored. */
  flush(target: MapSchema<PacketState>, wallNowMs: number): number {
    this.refill(wallNowMs);
    for (const id of this.dirty) {
      const key = String(id);
      const f = this.facts.get(id);
      const s = target.get(key);
      if (f === undefined) {
        if (s !== undefined) target.delete(key);
      } else if (s !== undefined) {
        copyHop(s, f);
      } else if (this.admit(f, target.size)) {
        target.set(key, newState(f));
      }
    }
    this.dirty.clear();
    return this.facts.size - target.size;
  }

  private refill(wallNowMs: number): void {
    if (this.lastRefillWallMs >= 0) {
      const add = ((wallNowMs - this.lastRefillWallMs) / 1000) * this.limits.addsPerSecond;
      if (add > 0) this.tokens = Math.min(this.limits.addsBurst, this.tokens + add);
    }
    this.lastRefillWallMs = wallNowMs;
  }

  private admit(f: PacketFact, synced: number): boolean {
    if (synced >= this.limits.maxSynced) return false;
    if (f.at !== '') return true;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

function newState(f: PacketFact): PacketState {
  const p = new PacketState();
  p.id = f.id;
  p.kind = f.kind;
  p.flow = f.flow;
  copyHop(p, f);
  return p;
}

/** Assigning an unchanged value costs nothing on the wire, so every hop field is simply written. */
function copyHop(s: PacketState, f: PacketFact): void {
  s.link = f.link;
  s.from = f.from;
  s.to = f.to;
  s.departMs = Math.floor(f.departMs);
  s.arriveMs = Math.ceil(f.arriveMs);
  s.at = f.at;
  s.held = f.held;
  s.next = f.next;
}
