// Follows every packet through the engine's trace and keeps one lifecycle fact per packet: the hop
// it is on (link, direction, departure and arrival in simulated ms) or the node where it waits for a
// decision. Only changed facts are copied into the synchronised state, so a packet costs bytes when
// it starts a hop, starts waiting or ends — never while it moves (about 60 bytes to appear, 25 per
// hop, 3 to go). A TCP segment also carries, from its appearance, its sequence facts (the `send`
// or `ack` its sender traces right after the first hop's `tx`; about 16 bytes more) and whether it
// is a retransmission.
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
import { SEQ_MODULO, seqOffset } from '../../shared/protocols/transport/tcp/seq.ts';

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
  /** It carries a retransmission (the engine marks the packet; every hop's `tx` says so). */
  retransmit: boolean;
  /** TCP segments: the sending end (`client`, `server`), when it was sent, and seq/ack/len relative to the ends' initial sequence numbers; `side` is "" otherwise. */
  side: string;
  sentMs: number;
  seq: number;
  ack: number;
  len: number;
}

/** A sequence number as an offset from `isn` + 1, modulo 2^32 (the ISN itself, i.e. the SYN, is -1). */
export function relativeSeq(value: number, isn: number | null): number {
  if (isn === null) return 0;
  const d = seqOffset(value, isn);
  return d === SEQ_MODULO - 1 ? -1 : d;
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

  /** The packet whose first hop was traced last, until the `send` or `ack` that describes its segment (they follow at once). */
  private lastNew: PacketFact | null = null;
  private lastNewT = -1;
  /** Initial sequence numbers of each flow's ends, from their SYNs (a new connection of the flow replaces them). */
  private readonly isns = new Map<string, { client: number | null; server: number | null }>();

  constructor(limits: TrackerLimits = DEFAULT_TRACKER_LIMITS, nextHop: NextHop = () => '') {
    this.limits = limits;
    this.tokens = limits.addsBurst;
    this.nextHop = nextHop;
  }

  /** Feed one trace event (tx, wait, drop, command, send and ack matter; others are ignored). */
  onTrace(e: TraceEvent): void {
    switch (e.type) {
      case 'tx': {
        const id = e.packet as number;
        let f = this.facts.get(id);
        if (f === undefined) {
          f = {
            id, kind: String(e.kind), flow: (e.flow as string | null) ?? '', link: '', from: '', to: '', departMs: 0, arriveMs: 0, at: '', held: false, next: '',
            retransmit: false, side: '', sentMs: 0, seq: 0, ack: 0, len: 0,
          };
          this.facts.set(id, f);
          this.lastNew = f;
          this.lastNewT = e.t;
        }
        f.retransmit = e.retransmit === true;
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
        // A segment dropped at its own sender never had a hop: the `send` that follows is not the last packet's.
        this.lastNew = null;
        return;
      }
      case 'send':
      case 'ack':
        this.segment(e);
        return;
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

  /**
   * A TCP endpoint sent a segment (`send`: data, SYN or FIN; `ack`: a pure acknowledgment). The engine
   * puts the packet on its first link and traces that `tx` just before, at the same instant: the
   * packet that appeared last is this segment.
   */
  private segment(e: TraceEvent): void {
    const flow = e.flow as string | null;
    const flags = e.type === 'ack' ? 'ACK' : String(e.flags);
    const f = this.lastNew;
    this.lastNew = null;
    if (flow === null || flow === undefined || flags === 'UDP') return;
    const side = e.side === 'server' ? 'server' : 'client';
    let isn = this.isns.get(flow);
    if (isn === undefined) {
      isn = { client: null, server: null };
      this.isns.set(flow, isn);
    }
    if (flags.includes('SYN')) isn[side] = e.seq as number;
    if (f === null || f.flow !== flow || this.lastNewT !== e.t) return;
    f.side = side;
    f.sentMs = e.t;
    f.seq = relativeSeq(e.seq as number, isn[side]);
    f.ack = flags.includes('ACK') ? relativeSeq(e.ack as number, side === 'client' ? isn.server : isn.client) : 0;
    f.len = typeof e.len === 'number' ? e.len : 0;
    this.dirty.add(f.id);
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
    this.isns.clear();
    this.lastNew = null;
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
  // Only for the packets they describe (the fields have no default, so an unset one costs nothing).
  if (f.retransmit) s.retransmit = true;
  if (f.side !== '') {
    s.sentMs = Math.floor(f.sentMs);
    if (f.side === 'server') s.fromServer = true;
    // Zeros are what a reader assumes for an absent field: a data segment's ack of an empty stream,
    // a pure ACK's seq and len cost nothing.
    if (f.seq !== 0) s.seq = f.seq;
    if (f.ack !== 0) s.ack = f.ack;
    if (f.len !== 0) s.len = f.len;
  }
}
