// Scores per role, from engine facts only, credited to the person holding a seat while they are
// connected (a bot's play earns nobody anything):
// - router: +1 per packet it forwards, −1 per packet lost at its node (queue full, dropped by the
//   player, TTL expired, no route) — "delivered vs dropped";
// - sender: +1 per 1000 bytes its flows deliver to their receivers (goodput);
// - receiver: +1 per 1000 bytes its application reads, −5 each time its window closes to zero (a
//   receiver that reads too slowly makes its sender stall);
// - load balancer: +1 per connection assigned, scaled by how evenly the backends are loaded (Jain's
//   fairness index), −5 per assignment to a full backend (`overloaded`);
// - tap: +1 per frame it records, +5 per piece of application data a man-in-the-middle tap decrypts.
// Facts arrive as trace events (drops, window, balancer and tap events) and as counters sampled
// from the engine (packets forwarded, bytes delivered); `collect` turns both into points per seat.

import type { Engine } from '../../shared/protocols/engine.ts';
import { Router } from '../../shared/protocols/net/router.ts';
import type { TraceEvent } from '../../shared/protocols/sim/trace.ts';
import type { Seat } from './seats.ts';

const ROUTER_LOSSES = new Set(['queue-full', 'player', 'ttl', 'no-route']);
const BYTES_PER_POINT = 1000;
const ZERO_WINDOW_PENALTY = 5;
const OVERLOAD_PENALTY = 5;
const PLAINTEXT_POINTS = 5;

interface SeatTally {
  seat: Seat;
  /** Counters sampled from the engine at the last collect. */
  forwardedSeen: number;
  bytesSeen: number;
  /** Bytes not yet worth a point. */
  byteRemainder: number;
  /** Points earned since the last collect. */
  pending: number;
  /** Balancer: assignments per backend (for fairness). */
  perBackend: Map<string, number>;
  assignments: number;
  fairPointsGiven: number;
}

export class Scoring {
  private readonly tallies = new Map<string, SeatTally>();
  private readonly routerSeatByNode = new Map<string, SeatTally>();
  private readonly receiverSeatByFlow = new Map<string, SeatTally>();
  private readonly balancerSeatByNode = new Map<string, SeatTally>();
  private readonly tapSeatByNode = new Map<string, SeatTally>();

  constructor(seats: Seat[], engine: Engine) {
    for (const seat of seats) {
      const t: SeatTally = { seat, forwardedSeen: 0, bytesSeen: 0, byteRemainder: 0, pending: 0, perBackend: new Map(), assignments: 0, fairPointsGiven: 0 };
      this.tallies.set(seat.id, t);
      if (seat.role === 'router') this.routerSeatByNode.set(seat.node, t);
      if (seat.role === 'receiver') for (const f of seat.flows) this.receiverSeatByFlow.set(f, t);
      if (seat.role === 'loadbalancer') this.balancerSeatByNode.set(seat.node, t);
      if (seat.role === 'tap') this.tapSeatByNode.set(seat.node, t);
    }
    // Start counting from the engine's present counters.
    this.sample(engine);
    for (const t of this.tallies.values()) t.pending = 0;
  }

  onTrace(e: TraceEvent): void {
    switch (e.type as string) {
      case 'drop': {
        if (typeof e.node !== 'string' || !ROUTER_LOSSES.has(e.reason as string)) return;
        const t = this.routerSeatByNode.get(e.node);
        if (t !== undefined) t.pending -= 1;
        return;
      }
      case 'window': {
        if (e.event !== 'zero' || e.side !== 'server') return;
        const t = this.receiverSeatByFlow.get(e.flow as string);
        if (t !== undefined) t.pending -= ZERO_WINDOW_PENALTY;
        return;
      }
      case 'lb-assign': {
        const t = this.balancerSeatByNode.get(e.node as string);
        if (t === undefined || typeof e.backend !== 'string') return; // a refused connection assigns nothing
        const backend = e.backend;
        t.perBackend.set(backend, (t.perBackend.get(backend) ?? 0) + 1);
        t.assignments++;
        if (e.overloaded === true) t.pending -= OVERLOAD_PENALTY;
        return;
      }
      case 'tap': {
        const t = this.tapSeatByNode.get(e.node as string);
        if (t === undefined) return;
        if (e.action === 'plaintext') t.pending += PLAINTEXT_POINTS;
        else if (e.action === 'frame' || e.action === 'tamper' || e.action === 'intercept') t.pending += 1;
        return;
      }
    }
  }

  /** Read the engine's counters and turn their growth into points. */
  sample(engine: Engine): void {
    for (const t of this.tallies.values()) {
      const { seat } = t;
      if (seat.role === 'router') {
        const node = engine.network.nodes.get(seat.node);
        const forwarded = node instanceof Router ? node.forwardedPackets : 0;
        t.pending += forwarded - t.forwardedSeen;
        t.forwardedSeen = forwarded;
      } else if (seat.role === 'sender' || seat.role === 'receiver') {
        let bytes = 0;
        for (const id of seat.flows) {
          const delivered = engine.flows.get(id)?.summary().deliveredBytes;
          if (typeof delivered === 'number') bytes += delivered;
        }
        t.byteRemainder += bytes - t.bytesSeen;
        t.bytesSeen = bytes;
        const points = Math.floor(t.byteRemainder / BYTES_PER_POINT);
        t.byteRemainder -= points * BYTES_PER_POINT;
        t.pending += points;
      } else if (seat.role === 'loadbalancer') {
        const fair = Math.floor(t.assignments * jain([...t.perBackend.values()]));
        t.pending += fair - t.fairPointsGiven;
        t.fairPointsGiven = fair;
      }
    }
  }

  /** Points earned per seat since the last call (seats with none are left out). */
  collect(engine: Engine): Map<string, number> {
    this.sample(engine);
    const out = new Map<string, number>();
    for (const [id, t] of this.tallies) {
      if (t.pending !== 0) out.set(id, t.pending);
      t.pending = 0;
    }
    return out;
  }
}

/** Jain's fairness index of a load vector: 1 when even, 1/n when one backend gets everything. */
export function jain(loads: number[]): number {
  if (loads.length === 0) return 1;
  let sum = 0;
  let sumSq = 0;
  for (const x of loads) {
    sum += x;
    sumSq += x * x;
  }
  return sumSq === 0 ? 1 : (sum * sum) / (loads.length * sumSq);
}
