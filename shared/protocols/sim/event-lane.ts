// One lane of the event queue (event-queue.ts): a growable FIFO of events that run one handler and
// whose times never decrease, kept as parallel arrays so that scheduling an event allocates nothing.
// The queue bounds the total of pending events; a lane itself only grows.

import type { EventHandler } from './event-queue.ts';
import { doubleArray } from './number-array.ts';

export class EventLane {
  readonly handler: EventHandler;
  /** Time of the latest event pushed. */
  lastAtNs = 0;
  private times = doubleArray(16);
  private seqs = doubleArray(16);
  // Filled, so that the array holds any value from the start and stays one kind of array.
  private args: unknown[] = new Array(16).fill(undefined);
  private head = 0;
  private count = 0;

  constructor(handler: EventHandler) {
    this.handler = handler;
  }

  get length(): number {
    return this.count;
  }

  push(atNs: number, seq: number, arg: unknown): void {
    if (this.count === this.times.length) this.grow();
    let i = this.head + this.count;
    if (i >= this.times.length) i -= this.times.length;
    this.times[i] = atNs;
    this.seqs[i] = seq;
    this.args[i] = arg;
    this.count++;
    this.lastAtNs = atNs;
  }

  /** Time of the earliest event; only meaningful when length > 0. */
  peekAtNs(): number {
    return this.times[this.head]!;
  }

  peekSeq(): number {
    return this.seqs[this.head]!;
  }

  /** Visit the pending events' sequence numbers and arguments, earliest first. */
  forEach(visit: (seq: number, arg: unknown) => void): void {
    for (let k = 0; k < this.count; k++) {
      let i = this.head + k;
      if (i >= this.times.length) i -= this.times.length;
      visit(this.seqs[i]!, this.args[i]);
    }
  }

  /** Remove the earliest event and return its argument. */
  shift(): unknown {
    const head = this.head;
    const arg = this.args[head];
    this.args[head] = undefined;
    this.head = head + 1 === this.times.length ? 0 : head + 1;
    this.count--;
    return arg;
  }

  private grow(): void {
    const capacity = this.times.length * 2;
    const times = doubleArray(capacity);
    const seqs = doubleArray(capacity);
    const args: unknown[] = new Array(capacity).fill(undefined);
    for (let k = 0; k < this.count; k++) {
      let i = this.head + k;
      if (i >= this.times.length) i -= this.times.length;
      times[k] = this.times[i]!;
      seqs[k] = this.seqs[i]!;
      args[k] = this.args[i];
    }
    this.times = times;
    this.seqs = seqs;
    this.args = args;
    this.head = 0;
  }
}
