// A 4-ary min-heap of simulation events ordered by (time, insertion sequence). The insertion
// sequence breaks ties, so events at the same simulated instant run in the order they were scheduled
// and a run never depends on heap internals. Keys live in typed arrays and events are never
// allocated, because the hot loop pops and pushes about a million of them per simulated minute. Four
// children per node halve the depth a pop sifts through, for a few more (cheap, cache-local) compares.
//
// An event's handler and argument sit in a slot that does not move while the event is pending; the
// heap moves only numbers (time, sequence, slot index). Moving object references instead would cost
// a GC write barrier per level of every sift.

export type EventHandler = (arg: unknown) => void;

export class EventQueue {
  // Heap order: position → key and slot.
  private times: Float64Array;
  private seqs: Float64Array;
  private slots: Int32Array;
  // Slot storage: slot → handler and argument; `freeSlots[0, freeCount)` are unused.
  private handlers: (EventHandler | undefined)[];
  private args: unknown[];
  private freeSlots: Int32Array;
  private freeCount = 0;
  private count = 0;
  private nextSeq = 0;
  readonly limitEvents: number;
  /** The event `pop` just removed. */
  poppedAtNs = 0;
  poppedHandler: EventHandler | null = null;
  poppedArg: unknown = undefined;

  constructor(limitEvents = 10_000_000) {
    this.limitEvents = limitEvents;
    const initial = 1024;
    this.times = new Float64Array(initial);
    this.seqs = new Float64Array(initial);
    this.slots = new Int32Array(initial);
    this.handlers = new Array(initial);
    this.args = new Array(initial);
    this.freeSlots = new Int32Array(initial);
    this.addFreeSlots(0, initial);
  }

  get size(): number {
    return this.count;
  }

  /** Make slots [from, to) available, lowest first out. */
  private addFreeSlots(from: number, to: number): void {
    for (let s = to - 1; s >= from; s--) this.freeSlots[this.freeCount++] = s;
  }

  private grow(): void {
    const old = this.times.length;
    const capacity = Math.min(old * 2, this.limitEvents);
    this.times = grown(this.times, new Float64Array(capacity));
    this.seqs = grown(this.seqs, new Float64Array(capacity));
    this.slots = grown(this.slots, new Int32Array(capacity));
    this.freeSlots = grown(this.freeSlots, new Int32Array(capacity));
    this.handlers.length = capacity;
    this.args.length = capacity;
    this.addFreeSlots(old, capacity);
  }

  push(atNs: number, handler: EventHandler, arg: unknown): void {
    if (this.count === this.times.length) {
      if (this.count >= this.limitEvents) throw new RangeError(`event queue is full (${this.limitEvents} pending events)`);
      this.grow();
    }
    const slot = this.freeSlots[--this.freeCount]!;
    this.handlers[slot] = handler;
    this.args[slot] = arg;
    const times = this.times;
    const seqs = this.seqs;
    const slots = this.slots;
    const seq = this.nextSeq++;
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

  /** Time of the earliest event, or Infinity when empty. */
  peekTimeNs(): number {
    return this.count === 0 ? Infinity : this.times[0]!;
  }

  /** Remove the earliest event into poppedAtNs/poppedHandler/poppedArg; false when empty. */
  pop(): boolean {
    const n = this.count;
    if (n === 0) return false;
    const times = this.times;
    const seqs = this.seqs;
    const slots = this.slots;
    const top = slots[0]!;
    this.poppedAtNs = times[0]!;
    this.poppedHandler = this.handlers[top]!;
    this.poppedArg = this.args[top];
    this.handlers[top] = undefined;
    this.args[top] = undefined;
    this.freeSlots[this.freeCount++] = top;
    const last = n - 1;
    this.count = last;
    if (last > 0) {
      const lt = times[last]!;
      const ls = seqs[last]!;
      const lslot = slots[last]!;
      let i = 0;
      for (;;) {
        const first = 4 * i + 1;
        if (first >= last) break;
        // The earliest of up to four children.
        let c = first;
        let ct = times[first]!;
        let cs = seqs[first]!;
        const end = first + 4 < last ? first + 4 : last;
        for (let k = first + 1; k < end; k++) {
          const kt = times[k]!;
          if (kt < ct || (kt === ct && seqs[k]! < cs)) {
            c = k;
            ct = kt;
            cs = seqs[k]!;
          }
        }
        if (lt < ct || (lt === ct && ls < cs)) break;
        times[i] = ct;
        seqs[i] = cs;
        slots[i] = slots[c]!;
        i = c;
      }
      times[i] = lt;
      seqs[i] = ls;
      slots[i] = lslot;
    }
    return true;
  }
}

function grown<T extends Float64Array | Int32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
