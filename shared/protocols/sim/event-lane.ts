// One lane of the event queue (event-queue.ts): a growable FIFO of events whose times never decrease,
// kept as parallel arrays so that pushing an event allocates nothing. The queue bounds the total of
// pending events; a lane itself only grows.

import type { EventHandler } from './event-queue.ts';

export class EventLane {
  /** Whether the lane's earliest event is in the heap (it then is not in these arrays). */
  headInHeap = false;
  /** Time of the latest event given to the lane, heap head included. */
  lastAtNs = 0;
  private times = new Float64Array(16);
  private seqs = new Float64Array(16);
  private handlers: (EventHandler | undefined)[] = new Array(16);
  private args: unknown[] = new Array(16);
  private head = 0;
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(atNs: number, seq: number, handler: EventHandler, arg: unknown): void {
    if (this.count === this.times.length) this.grow();
    let i = this.head + this.count;
    if (i >= this.times.length) i -= this.times.length;
    this.times[i] = atNs;
    this.seqs[i] = seq;
    this.handlers[i] = handler;
    this.args[i] = arg;
    this.count++;
  }

  peekAtNs(): number {
    return this.times[this.head]!;
  }

  peekSeq(): number {
    return this.seqs[this.head]!;
  }

  peekHandler(): EventHandler {
    return this.handlers[this.head]!;
  }

  peekArg(): unknown {
    return this.args[this.head];
  }

  /** Drop the earliest event (the queue has just moved it into the heap). */
  shift(): void {
    this.handlers[this.head] = undefined;
    this.args[this.head] = undefined;
    this.head = this.head + 1 === this.times.length ? 0 : this.head + 1;
    this.count--;
  }

  private grow(): void {
    const capacity = this.times.length * 2;
    const times = new Float64Array(capacity);
    const seqs = new Float64Array(capacity);
    const handlers: (EventHandler | undefined)[] = new Array(capacity);
    const args: unknown[] = new Array(capacity);
    for (let k = 0; k < this.count; k++) {
      let i = this.head + k;
      if (i >= this.times.length) i -= this.times.length;
      times[k] = this.times[i]!;
      seqs[k] = this.seqs[i]!;
      handlers[k] = this.handlers[i];
      args[k] = this.args[i];
    }
    this.times = times;
    this.seqs = seqs;
    this.handlers = handlers;
    this.args = args;
    this.head = 0;
  }
}
