// The receiving side's buffer (RFC 9293 §3.8.6, the seed's "receive buffer"): in-order bytes waiting
// for the application to read them, and out-of-order segments held until the hole before them fills.
// The advertised window is the free space for in-order data:
//   rwnd = capacity − (RCV.NXT − bytes read)
// so out-of-order data, which lies inside [RCV.NXT, RCV.NXT + rwnd), never pushes the window's right
// edge back. Data is kept by reference to the segments that carried it (no copy for bulk streams).

import type { PayloadSource } from '../../net/payload.ts';

interface Chunk {
  start: number;
  end: number;
  bytes: Uint8Array | null; // bytes of [start, end) when real
  source: PayloadSource | null; // else source.fill(sourceOffset, ...)
  sourceOffset: number;
}

function trim(c: Chunk, start: number, end: number): Chunk {
  const cut = start - c.start;
  return {
    start,
    end,
    bytes: c.bytes === null ? null : c.bytes.subarray(cut, cut + (end - start)),
    source: c.source,
    sourceOffset: c.sourceOffset + cut,
  };
}

const NO_CHUNKS: Chunk[] = [{ start: 0, end: 0, bytes: null, source: null, sourceOffset: 0 }].slice(1);

export class ReceiveBuffer {
  readonly capacityBytes: number;
  /** Stream offset just past the last in-order byte (RCV.NXT as an offset). */
  nextOff = 0;
  /** Stream offset of the next byte the application will read. */
  readOff = 0;
  // Made as an array of objects (an empty slice of one), so that pushing a chunk is never the
  // first object the array holds: a push site that sees one kind of array is compiled inline.
  private readable: Chunk[] = NO_CHUNKS.slice();
  private readableHead = 0;
  /**
   * A chunk the application has read completely, kept for the next segment: a bulk reader drains
   * each segment as it arrives, so a connection then needs one chunk object instead of one per segment.
   */
  private spare: Chunk | null = null;
  private outOfOrder: Chunk[] = [];
  /** The most recently received out-of-order block, reported first in SACK (RFC 2018 §4). */
  private lastBlockStart = -1;

  constructor(capacityBytes: number) {
    this.capacityBytes = capacityBytes;
  }

  get windowBytes(): number {
    return this.capacityBytes - (this.nextOff - this.readOff);
  }

  get unreadBytes(): number {
    return this.nextOff - this.readOff;
  }

  get outOfOrderBytes(): number {
    let n = 0;
    for (const c of this.outOfOrder) n += c.end - c.start;
    return n;
  }

  get hasOutOfOrder(): boolean {
    return this.outOfOrder.length > 0;
  }

  /**
   * Take the part of [start, end) that lies inside the window. With `keepOutOfOrder` false (Go-Back-N)
   * anything not starting at RCV.NXT is discarded. Returns how many bytes became readable in order
   * (0 when the segment was held out of order or not taken); a number, so that each segment does
   * not allocate a result.
   */
  accept(
    start: number,
    end: number,
    bytes: Uint8Array | null,
    source: PayloadSource | null,
    sourceOffset: number,
    keepOutOfOrder: boolean,
  ): number {
    const windowEnd = this.nextOff + this.windowBytes;
    const s = Math.max(start, this.nextOff);
    const e = Math.min(end, windowEnd);
    if (s >= e) return 0;
    const chunk: Chunk =
      s === start && e === end ? this.chunk(start, end, bytes, source, sourceOffset) : trim({ start, end, bytes, source, sourceOffset }, s, e);
    if (s === this.nextOff) {
      this.pushReadable(chunk);
      const before = chunk.start;
      if (this.outOfOrder.length > 0) this.drainOutOfOrder();
      return this.nextOff - before;
    }
    if (keepOutOfOrder) this.insertOutOfOrder(chunk);
    return 0;
  }

  private chunk(start: number, end: number, bytes: Uint8Array | null, source: PayloadSource | null, sourceOffset: number): Chunk {
    const c = this.spare;
    if (c === null) return { start, end, bytes, source, sourceOffset };
    this.spare = null;
    c.start = start;
    c.end = end;
    c.bytes = bytes;
    c.source = source;
    c.sourceOffset = sourceOffset;
    return c;
  }

  private pushReadable(c: Chunk): void {
    this.readable.push(c);
    this.nextOff = c.end;
  }

  private drainOutOfOrder(): void {
    const ooo = this.outOfOrder;
    let i = 0;
    while (i < ooo.length && ooo[i]!.start <= this.nextOff) {
      const c = ooo[i]!;
      if (c.end > this.nextOff) this.pushReadable(trim(c, this.nextOff, c.end));
      i++;
    }
    if (i > 0) ooo.splice(0, i);
  }

  private insertOutOfOrder(c: Chunk): void {
    // Keep blocks sorted and non-overlapping: cut the new chunk around what is already held.
    const ooo = this.outOfOrder;
    const pieces: Chunk[] = [];
    let cursor = c.start;
    for (const held of ooo) {
      if (held.end <= cursor) continue;
      if (held.start >= c.end) break;
      if (held.start > cursor) pieces.push(trim(c, cursor, held.start));
      cursor = Math.max(cursor, held.end);
      if (cursor >= c.end) break;
    }
    if (cursor < c.end) pieces.push(trim(c, cursor, c.end));
    for (const p of pieces) {
      let at = 0;
      while (at < ooo.length && ooo[at]!.start < p.start) at++;
      ooo.splice(at, 0, p);
    }
    this.lastBlockStart = c.start;
  }

  /** Contiguous out-of-order ranges [start, end), the most recently touched first (for SACK). */
  blocks(limit: number): Array<[number, number]> {
    const merged: Array<[number, number]> = [];
    for (const c of this.outOfOrder) {
      const last = merged[merged.length - 1];
      if (last !== undefined && last[1] === c.start) last[1] = c.end;
      else merged.push([c.start, c.end]);
    }
    const recent = merged.findIndex(([s, e]) => s <= this.lastBlockStart && this.lastBlockStart < e);
    if (recent > 0) merged.unshift(...merged.splice(recent, 1));
    return merged.slice(0, limit);
  }

  /**
   * The application reads up to `maxBytes`. `consume` receives each piece as real bytes (or a source
   * and offset) when the reader needs the bytes; counting readers pass nothing. Returns bytes read.
   */
  read(maxBytes: number, consume?: (bytes: Uint8Array) => void): number {
    let remaining = Math.min(maxBytes, this.unreadBytes);
    const total = remaining;
    while (remaining > 0) {
      const c = this.readable[this.readableHead]!;
      const from = this.readOff;
      const take = Math.min(c.end - from, remaining);
      if (consume !== undefined) {
        const piece = trim(c, from, from + take);
        let bytes = piece.bytes;
        if (bytes === null) {
          bytes = new Uint8Array(take);
          piece.source!.fill(piece.sourceOffset, bytes);
        }
        consume(bytes);
      }
      this.readOff += take;
      remaining -= take;
      if (this.readOff >= c.end) {
        this.readable[this.readableHead++] = undefined as unknown as Chunk;
        this.spare = c;
        if (this.readableHead > 1024 && this.readableHead * 2 > this.readable.length) {
          this.readable = this.readable.slice(this.readableHead);
          this.readableHead = 0;
        }
      }
    }
    return total;
  }
}
