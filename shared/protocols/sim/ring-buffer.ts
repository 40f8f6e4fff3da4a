// FIFOs with amortised O(1) push and shift and a hard capacity, for link queues and logs.

export class RingBuffer<T> {
  private items: (T | undefined)[];
  private head = 0;
  private count = 0;
  readonly capacity: number;

  constructor(capacity: number) {
    checkCapacity(capacity);
    this.capacity = capacity;
    this.items = new Array(Math.min(capacity, 64));
  }

  get length(): number {
    return this.count;
  }

  push(item: T): void {
    if (this.count >= this.capacity) throw new RangeError(`ring buffer is full (${this.capacity})`);
    if (this.count === this.items.length) this.grow();
    this.items[wrap(this.head + this.count, this.items.length)] = item;
    this.count++;
  }

  peek(): T | undefined {
    return this.count === 0 ? undefined : this.items[this.head];
  }

  at(i: number): T | undefined {
    return i < 0 || i >= this.count ? undefined : this.items[wrap(this.head + i, this.items.length)];
  }

  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = wrap(this.head + 1, this.items.length);
    this.count--;
    return item;
  }

  clear(): void {
    this.items = new Array(Math.min(this.capacity, 64));
    this.head = 0;
    this.count = 0;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.count; i++) yield this.items[wrap(this.head + i, this.items.length)]!;
  }

  private grow(): void {
    const next = new Array<T | undefined>(Math.min(this.capacity, this.items.length * 2));
    for (let i = 0; i < this.count; i++) next[i] = this.items[wrap(this.head + i, this.items.length)];
    this.items = next;
    this.head = 0;
  }
}

/**
 * The same FIFO for plain numbers (a link's departure and arrival times). A Float64Array holds them
 * unboxed: in a generic array every pushed non-integer-sized double would be a heap allocation, and
 * links push one or two per packet.
 */
export class NumberRing {
  private items: Float64Array;
  private head = 0;
  private count = 0;
  readonly capacity: number;

  constructor(capacity: number) {
    checkCapacity(capacity);
    this.capacity = capacity;
    this.items = new Float64Array(Math.min(capacity, 64));
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
    const next = new Float64Array(Math.min(this.capacity, this.items.length * 2));
    for (let i = 0; i < this.count; i++) next[i] = this.items[wrap(this.head + i, this.items.length)]!;
    this.items = next;
    this.head = 0;
  }
}

function checkCapacity(capacity: number): void {
  if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity must be a positive integer, got ${capacity}`);
}

/** `i mod length` for 0 ≤ i < 2·length, without a division. */
function wrap(i: number, length: number): number {
  return i >= length ? i - length : i;
}
