// One direction of a full-duplex link: a drop-tail queue of at most `queuePackets` frames waiting
// behind the one being transmitted, serialisation at `bandwidthBps`, propagation `delayNs`, random
// loss and bit corruption per direction, and an up/down state.
//
// A FIFO queue served at a constant rate is fully determined at enqueue time, so each accepted frame
// immediately gets its departure (start of transmission) and arrival times and one arrival event —
// no separate "transmission finished" event is needed. The frames still waiting are those whose
// departure lies in the future; they are what counts against the queue limit.
//
// Frames arrive in the order they were sent (and frames lost on the wire vanish in that order too),
// so their events wait in two event lanes, which are also the list of frames in transit. A link going
// down retires its lanes (their events still fire, and are ignored) and takes fresh ones, so that
// frames sent after it comes back up are in time order again.

import type { Simulator } from '../sim/simulator.ts';
import { NumberRing } from '../sim/ring-buffer.ts';
import { nsToMs, serializationNs } from '../sim/time.ts';
import type { Interface } from './interface.ts';
import type { Link } from './link.ts';
import type { Network } from './network.ts';
import type { Packet } from './packet.ts';

export class Channel {
  readonly link: Link;
  readonly from: Interface;
  readonly to: Interface;
  /** "<from>-><to>" with node ids, as scenario files name a direction. */
  readonly key: string;
  lossRate: number;
  corruptionRate: number;
  /** Times at which frames still waiting in the queue will start transmission. */
  private readonly waitingDepartures: NumberRing;
  /** Frames in transit whose events are not in this epoch's lanes (delayed ones), with their event's sequence number. */
  private readonly offLane = new Map<Packet, number>();
  private freeAtNs = 0;
  // The last serialisation time computed: a direction carries frames of one or two sizes (full
  // segments one way, ACKs the other), so this saves a division per frame.
  private lastFrameBytes = -1;
  private lastBandwidthBps = -1;
  private lastSerializationNs = 0;
  epoch = 0;
  sentPackets = 0;
  sentBytes = 0;
  private readonly network: Network;
  private readonly sim: Simulator;
  private readonly arriveBound: (p: unknown) => void;
  private readonly lostBound: (p: unknown) => void;
  // This epoch's event lanes: frames arriving, and frames lost halfway.
  private arrivalLane: number;
  private lossLane: number;
  /** Lanes of earlier epochs, reused once their ignored events have all fired. */
  private readonly retiredLanes: Array<{ arrival: number; loss: number }> = [];

  constructor(network: Network, link: Link, from: Interface, to: Interface, lossRate: number, corruptionRate: number) {
    this.network = network;
    this.sim = network.sim;
    this.link = link;
    this.from = from;
    this.to = to;
    this.key = `${from.node.id}->${to.node.id}`;
    this.lossRate = lossRate;
    this.corruptionRate = corruptionRate;
    this.waitingDepartures = new NumberRing(link.queuePackets);
    this.arriveBound = (p) => this.arrive(p as Packet);
    this.lostBound = (p) => this.lost(p as Packet);
    this.arrivalLane = this.sim.createLane(this.arriveBound);
    this.lossLane = this.sim.createLane(this.lostBound);
  }

  /** Frames waiting behind the one on the wire, now. */
  queueLength(): number {
    const now = this.sim.nowNs;
    const w = this.waitingDepartures;
    while (w.length > 0 && w.peek() <= now) w.shift();
    return w.length;
  }

  /** Packets accepted and not yet arrived (queued or on the wire), in the order they were sent. */
  packetsInTransit(): Packet[] {
    const found: Array<{ seq: number; p: Packet }> = [];
    const visit = (seq: number, arg: unknown) => {
      const p = arg as Packet;
      if (this.carries(p)) found.push({ seq, p });
    };
    this.sim.queue.forEachInLane(this.arrivalLane, visit);
    this.sim.queue.forEachInLane(this.lossLane, visit);
    for (const [p, seq] of this.offLane) visit(seq, p);
    // Events are numbered as they are scheduled, which is when each frame was accepted.
    found.sort((x, y) => x.seq - y.seq);
    return [...new Set(found.map((f) => f.p))];
  }

  private carries(p: Packet): boolean {
    // A frame in this epoch's lanes has not arrived yet: it is on the link unless it was taken off.
    return p.hopLink === this.link.id && p.hopEpoch === this.epoch;
  }

  /** Offer a frame to the link; it is queued, or dropped at the tail if the queue is full or the link down. */
  enqueue(p: Packet): void {
    const link = this.link;
    if (!link.up) {
      this.network.drop(p, { link: link.id }, 'link-down');
      return;
    }
    const now = this.sim.nowNs;
    const transmitting = this.freeAtNs > now;
    if (transmitting && this.queueLength() >= link.queuePackets) {
      this.network.drop(p, { link: link.id }, 'queue-full');
      return;
    }
    const departNs = transmitting ? this.freeAtNs : now;
    const bytes = p.wireBytes;
    if (bytes !== this.lastFrameBytes || link.bandwidthBps !== this.lastBandwidthBps) {
      this.lastFrameBytes = bytes;
      this.lastBandwidthBps = link.bandwidthBps;
      this.lastSerializationNs = serializationNs(bytes, link.bandwidthBps);
    }
    const txEndNs = departNs + this.lastSerializationNs;
    this.freeAtNs = txEndNs;
    if (departNs > now) this.waitingDepartures.push(departNs);
    const arriveNs = txEndNs + link.delayNs;
    p.hopLink = link.id;
    p.hopEpoch = this.epoch;
    this.sentPackets++;
    this.sentBytes += bytes;

    const sim = this.sim;
    const fault = this.network.takeSegmentFault(p);
    const lost = fault?.action === 'drop' || sim.prng.chance(this.lossRate);
    if (!lost && sim.prng.chance(this.corruptionRate)) {
      (p.corruptBits ??= []).push(sim.prng.int(p.ipBytes * 8));
    }
    // Scheduled first, so that whoever follows the trace finds the frame on the link.
    if (lost) {
      // Lost on the wire: it vanishes halfway along the link.
      this.schedule(this.lossLane, txEndNs + Math.floor(link.delayNs / 2), p);
    } else if (fault?.action === 'delay') {
      // Held up on the way (a slower path): it arrives late, after frames sent behind it.
      sim.at(arriveNs + fault.delayNs, this.arriveBound, p);
      this.offLane.set(p, sim.queue.lastSeq);
    } else {
      this.schedule(this.arrivalLane, arriveNs, p);
    }
    if (sim.trace.enabled('tx')) {
      sim.trace.emit({
        type: 'tx',
        t: sim.nowMs,
        packet: p.id,
        flow: p.flowId,
        kind: p.kind,
        app: p.appKind,
        retransmit: p.retransmit,
        duplicateOf: p.duplicateOf,
        link: link.id,
        from: this.from.node.id,
        to: this.to.node.id,
        bytes,
        departMs: nsToMs(departNs),
        arriveMs: nsToMs(arriveNs),
      });
    }
    if (!lost && fault?.action === 'duplicate') {
      // A second copy arrives right behind the first, as from a duplicating path.
      const copy = p.clone(this.network.duplicatePacketId(), sim.nowNs);
      copy.hopLink = link.id;
      copy.hopEpoch = this.epoch;
      this.schedule(this.arrivalLane, arriveNs + 1, copy);
    }
  }

  /** Schedule a frame's event in one of this epoch's lanes (or beside them, should it be out of order). */
  private schedule(laneId: number, atNs: number, p: Packet): void {
    if (!this.sim.atInLane(laneId, atNs, p)) this.offLane.set(p, this.sim.queue.lastSeq);
  }

  private arrive(p: Packet): void {
    if (this.offLane.size > 0) this.offLane.delete(p);
    if (p.hopEpoch !== this.epoch || p.hopLink !== this.link.id) return; // the link went down meanwhile
    p.hopLink = null;
    this.to.node.receive(p, this.to);
  }

  private lost(p: Packet): void {
    if (this.offLane.size > 0) this.offLane.delete(p);
    if (p.hopEpoch !== this.epoch || p.hopLink !== this.link.id) return;
    p.hopLink = null;
    this.network.drop(p, { link: this.link.id }, 'loss');
  }

  /** The link went down: every queued frame and every frame on the wire is lost now. */
  linkDown(): void {
    const now = this.sim.nowNs;
    const victims = this.packetsInTransit();
    this.epoch++;
    this.retireLanes();
    this.offLane.clear();
    this.waitingDepartures.clear();
    this.freeAtNs = now;
    for (const p of victims) {
      p.hopLink = null;
      this.network.drop(p, { link: this.link.id }, 'link-down');
    }
  }

  /** Put this epoch's lanes aside (their events are now stale) and take empty ones. */
  private retireLanes(): void {
    this.retiredLanes.push({ arrival: this.arrivalLane, loss: this.lossLane });
    const sim = this.sim;
    const drained = this.retiredLanes.findIndex((l) => sim.queue.laneLength(l.arrival) === 0 && sim.queue.laneLength(l.loss) === 0);
    if (drained >= 0) {
      const [lanes] = this.retiredLanes.splice(drained, 1);
      this.arrivalLane = lanes!.arrival;
      this.lossLane = lanes!.loss;
    } else {
      this.arrivalLane = sim.createLane(this.arriveBound);
      this.lossLane = sim.createLane(this.lostBound);
    }
  }
}
