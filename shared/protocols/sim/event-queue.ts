// The simulator's pending events, ordered by (time, insertion sequence). The insertion sequence
// breaks ties, so events at the same simulated instant run in the order they were scheduled and a
// run never depends on the queue's internals.
//
// Two structures hold them:
// - a 4-ary min-heap whose keys live in arrays of numbers (number-array.ts); an event's handler and
//   argument sit in a slot that does not move while it is pending, so sifting moves only numbers
//   (moving object references would cost a GC write barrier per level). Four children per node
//   halve the depth a pop sifts through, for a few more cache-local compares.
// - lanes (event-lane.ts): FIFOs for sources whose events come in time order and share one handler,
//   such as the frames arriving over one direction of a link. A lane has one heap entry, keyed by its
//   earliest event, so the heap holds a handful of entries instead of every packet on every wire. An
//   event keeps the sequence number it was given when scheduled, so the order of a run is exactly the
//   order one heap of all events would give.

import { EventLane } from './event-lane.ts';
import { copyInto, doubleArray, smallIntArray } from './number-array.ts';

export type EventHandler = (arg: unknown) => void;

const NO_LANE = -1;
/** What `pop` returns when no event is pending (events' own arguments may be anything else). */
export const NO_EVENT: unique symbol = Symbol('no event');

export class EventQueue {
  // Heap order: position → key and slot.
  private times: number[];
  private seqs: number[];
  private slots: number[];
  // Slot storage: slot → handler and argument, or the lane whose earliest event the entry stands
  // for; `freeSlots[0, freeCount)` are unused.
  private handlers: (EventHandler | undefined)[];
  private args: unknown[];
  private slotLanes: number[];
  private freeSlots: number[];
  private freeCount = 0;
  /** Heap entries. */
  private count = 0;
  /** Pending events, in the heap and in lanes. */
  private pending = 0;
  private readonly lanes: EventLane[] = [];
  private nextSeq = 0;
  readonly limitEvents: number;
  /**
   * Time and handler of the event `pop` just removed. Its argument is what `pop` returns: usually a
   * packet that has just been made, and storing a young object in this long-lived queue would cost
   * a GC write barrier for every event.
   */
  poppedAtNs = 0;
  poppedHandler: EventHandler | null = null;

  constructor(limitEvents = 10_000_000) {
    this.limitEvents = limitEvents;
    const initial = 256;
    this.times = doubleArray(initial);
    this.seqs = doubleArray(initial);
    this.slots = smallIntArray(initial);
    // Filled, so that each array holds any value from the start and stays one kind of array.
    this.handlers = new Array(initial).fill(undefined);
    this.args = new Array(initial).fill(undefined);
    this.slotLanes = smallIntArray(initial);
    this.freeSlots = smallIntArray(initial);
    this.addFreeSlots(0, initial);
  }

  /** Pending events, in the heap and in lanes. */
  get size(): number {
    return this.pending;
  }

  /** A new lane, whose events all run `handler`: see `pushToLane`. */
  createLane(handler: EventHandler): number {
    this.lanes.push(new EventLane(handler));
    return this.lanes.length - 1;
  }

  push(atNs: number, handler: EventHandler, arg: unknown): void {
    this.checkLimit();
    this.insert(atNs, this.nextSeq++, handler, arg, NO_LANE);
    this.pending++;
  }

  /**
   * Schedule the lane's handler with `arg`. In time order with the lane's pending events it waits in
   * the lane; an event earlier than the lane's latest goes straight into the heap instead, so a lane
   * never reorders anything. Returns whether the lane holds it (and `forEachInLane` will show it).
   */
  pushToLane(laneId: number, atNs: number, arg: unknown): boolean {
    this.checkLimit();
    const lane = this.lanes[laneId]!;
    const seq = this.nextSeq++;
    this.pending++;
    if (lane.length === 0) {
      lane.push(atNs, seq, arg);
      this.insert(atNs, seq, undefined, undefined, laneId);
      return true;
    }
    if (atNs >= lane.lastAtNs) {
      lane.push(atNs, seq, arg);
      return true;
    }
    this.insert(atNs, seq, lane.handler, arg, NO_LANE);
    return false;
  }

  /** The sequence number the latest scheduled event got (it orders events scheduled for one instant). */
  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  /** Events waiting in a lane. */
  laneLength(laneId: number): number {
    return this.lanes[laneId]!.length;
  }

  /** Visit a lane's pending events (sequence number, argument), earliest first. */
  forEachInLane(laneId: number, visit: (seq: number, arg: unknown) => void): void {
    this.lanes[laneId]!.forEach(visit);
  }

  /** Time of the earliest event, or Infinity when empty. */
  peekTimeNs(): number {
    return this.count === 0 ? Infinity : this.times[0]!;
  }

  /** Remove the earliest event and return its argument (NO_EVENT when the queue is empty). */
  pop(): unknown {
    if (this.count === 0) return NO_EVENT;
    const top = this.slots[0]!;
    this.poppedAtNs = this.times[0]!;
    this.pending--;
    const laneId = this.slotLanes[top]!;
    let arg: unknown;
    if (laneId !== NO_LANE) {
      const lane = this.lanes[laneId]!;
      this.poppedHandler = lane.handler;
      arg = lane.shift();
      if (lane.length > 0) {
        // The lane's next event becomes its entry's key: one sift instead of a pop and a push.
        this.siftDown(0, lane.peekAtNs(), lane.peekSeq(), top);
        return arg;
      }
    } else {
      this.poppedHandler = this.handlers[top]!;
      arg = this.args[top];
      this.handlers[top] = undefined;
      this.args[top] = undefined;
    }
    this.freeSlots[this.freeCount++] = top;
    const last = --this.count;
    if (last > 0) this.siftDown(0, this.times[last]!, this.seqs[last]!, this.slots[last]!);
    return arg;
  }

  private checkLimit(): void {
    if (this.pending >= this.limitEvents) throw new RangeError(`event queue is full (${this.limitEvents} pending events)`);
  }

  private insert(atNs: number, seq: number, handler: EventHandler | undefined, arg: unknown, laneId: number): void {
    if (this.count === this.times.length) this.grow();
    const slot = this.freeSlots[--this.freeCount]!;
    this.handlers[slot] = handler;
    this.args[slot] = arg;
    this.slotLanes[slot] = laneId;
    const times = this.times;
    const seqs = this.seqs;
    const slots = this.slots;
    let i = this.count++;
    // Sift up with a hole instead of swaps.
    while (i > 0) {
      const parent = (i - 1) >> 2;
      const pt = times[parent]!;
      if (pt < atNs || (pt === atNs && seqs[parent]! < seq)) break;
      times[i] = pt;
      seqs[i] = seqs[parent]!;
      slots[i] = slots[parent]!;
      i = parent;
    }
    times[i] = atNs;
    seqs[i] = seq;
    slots[i] = slot;
  }

  /** Place (atNs, seq, slot) at position `from` or below it, over `count` entries. */
  private siftDown(from: number, atNs: number, seq: number, slot: number): void {
    const times = this.times;
    const seqs = this.seqs;
    const slots = this.slots;
    const n = this.count;
    let i = from;
    for (;;) {
      const first = 4 * i + 1;
      if (first >= n) break;
      // The earliest of up to four children.
      let c = first;
      let ct = times[first]!;
      let cs = seqs[first]!;
      const end = first + 4 < n ? first + 4 : n;
      for (let k = first + 1; k < end; k++) {
        const kt = times[k]!;
        if (kt < ct || (kt === ct && seqs[k]! < cs)) {
          c = k;
          ct = kt;
          cs = seqs[k]!;
        }
      }
      if (atNs < ct || (atNs === ct && seq < cs)) break;
      times[i] = ct;
      seqs[i] = cs;
      slots[i] = slots[c]!;
      i = c;
    }
    times[i] = atNs;
    seqs[i] = seq;
    slots[i] = slot;
  }

  /** Make slots [from, to) available, lowest first out. */
  private addFreeSlots(from: number, to: number): void {
    for (let s = to - 1; s >= from; s--) this.freeSlots[this.freeCount++] = s;
  }

  private grow(): void {
    const old = this.times.length;
    const capacity = Math.min(old * 2, this.limitEvents);
    this.times = copyInto(this.times, doubleArray(capacity));
    this.seqs = copyInto(this.seqs, doubleArray(capacity));
    this.slots = copyInto(this.slots, smallIntArray(capacity));
    this.slotLanes = copyInto(this.slotLanes, smallIntArray(capacity));
    this.freeSlots = copyInto(this.freeSlots, smallIntArray(capacity));
    this.handlers.length = capacity;
    this.args.length = capacity;
    this.addFreeSlots(old, capacity);
  }
}
