// A FIFO of numbers with amortised O(1) push and shift and a hard capacity (a link's departure times).

import { doubleArray } from './number-array.ts';

/** The numbers are held unboxed (number-array.ts): a link pushes one per queued packet. */
export class NumberRing {
  private items: number[];
  private head = 0;
  private count = 0;
  readonly capacity: number;

  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.items = doubleArray(Math.min(capacity, 64));
  }

  get length(): number {
    return this.count;
  }

  push(value: number): void {
    if (this.count >= this.capacity) throw new RangeError(`ring buffer is full (${this.capacity})`);
    if (this.count === this.items.length) this.grow();
    this.items[wrap(this.head + this.count, this.items.length)] = value;
    this.count++;
  }

  /** The oldest value; only meaningful when length > 0. */
  peek(): number {
    return this.items[this.head]!;
  }

  shift(): void {
    if (this.count === 0) return;
    this.head = wrap(this.head + 1, this.items.length);
    this.count--;
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
  }

  private grow(): void {
    const next = doubleArray(Math.min(this.capacity, this.items.length * 2));
    for (let i = 0; i < this.count; i++) next[i] = this.items[wrap(this.head + i, this.items.length)]!;
    this.items = next;
    this.head = 0;
  }
}

/** `i mod length` for 0 ≤ i < 2·length, without a division. */
function wrap(i: number, length: number): number {
  return i >= length ? i - length : i;
}
