// A 4-ary min-heap of simulation events ordered by (time, insertion sequence). The insertion
// sequence breaks ties, so events at the same simulated instant run in the order they were scheduled
// and a run never depends on heap internals. Keys live in typed arrays and events are never
// allocated, because the hot loop pops and pushes about a million of them per simulated minute. Four
// children per node halve the depth a pop sifts through, for a few more (cheap, cache-local) compares.

export type EventHandler = (arg: unknown) => void;

export class EventQueue {
  private times: Float64Array;
  private seqs: Float64Array;
  private handlers: (EventHandler | undefined)[];
  private args: unknown[];
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
    this.handlers = new Array(initial);
    this.args = new Array(initial);
  }

  get size(): number {
    return this.count;
  }

  private grow(): void {
    const capacity = Math.min(this.times.length * 2, this.limitEvents);
    const times = new Float64Array(capacity);
    times.set(this.times);
    const seqs = new Float64Array(capacity);
    seqs.set(this.seqs);
    this.times = times;
    this.seqs = seqs;
    this.handlers.length = capacity;
    this.args.length = capacity;
  }

  push(atNs: number, handler: EventHandler, arg: unknown): void {
    if (this.count === this.times.length) {
      if (this.count >= this.limitEvents) throw new RangeError(`event queue is full (${this.limitEvents} pending events)`);
      this.grow();
    }
    const times = this.times;
    const seqs = this.seqs;
    const handlers = this.handlers;
    const args = this.args;
    const seq = this.nextSeq++;
    let i = this.count++;
    // Sift up with a hole instead of swaps.
    while (i > 0) {
      const parent = (i - 1) >> 2;
      const pt = times[parent]!;
      if (pt < atNs || (pt === atNs && seqs[parent]! < seq)) break;
      times[i] = pt;
      seqs[i] = seqs[parent]!;
      handlers[i] = handlers[parent];
      args[i] = args[parent];
      i = parent;
    }
    times[i] = atNs;
    seqs[i] = seq;
    handlers[i] = handler;
    args[i] = arg;
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
    const handlers = this.handlers;
    const args = this.args;
    this.poppedAtNs = times[0]!;
    this.poppedHandler = handlers[0]!;
    this.poppedArg = args[0];
    const last = n - 1;
    this.count = last;
    if (last > 0) {
      const lt = times[last]!;
      const ls = seqs[last]!;
      const lh = handlers[last];
      const la = args[last];
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
        handlers[i] = handlers[c];
        args[i] = args[c];
        i = c;
      }
      times[i] = lt;
      seqs[i] = ls;
      handlers[i] = lh;
      args[i] = la;
    }
    handlers[last] = undefined;
    args[last] = undefined;
    return true;
  }
}
