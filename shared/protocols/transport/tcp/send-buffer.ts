// The sending side's buffer (RFC 9293 §3.8.6, the seed's "send buffer"): bytes the application has
// written, from SND.UNA (oldest unacknowledged) to the end of what was written. Acknowledged bytes
// are released. Two kinds: real bytes written by an application (HTTP, TLS, DNS, video frames), and
// a bulk transfer whose bytes follow a pattern and are never stored.

import { PatternSource, type PayloadSource } from '../../net/payload.ts';

export interface SendBuffer {
  /** Stream offset just past the last byte written so far. */
  readonly endOff: number;
  /** True once the application has nothing more to write (it may close after this). */
  readonly complete: boolean;
  /** The bytes [off, off + length) as real bytes, or null when `source` produces them. */
  bytesAt(off: number, length: number): Uint8Array | null;
  readonly source: PayloadSource | null;
  /** SND.UNA moved to `ackOff`: bytes before it may be freed, and a bulk writer may write more. */
  release(ackOff: number): void;
}

/** A bulk transfer of `totalBytes` (Infinity for unlimited) of pattern data through a `capacityBytes` buffer. */
export class PatternSendBuffer implements SendBuffer {
  readonly source: PatternSource;
  private totalBytes: number;
  private readonly capacityBytes: number;
  endOff: number;

  constructor(source: PatternSource, totalBytes: number, capacityBytes: number) {
    this.source = source;
    this.totalBytes = totalBytes;
    this.capacityBytes = capacityBytes;
    this.endOff = Math.min(totalBytes, capacityBytes);
  }

  get complete(): boolean {
    return this.endOff >= this.totalBytes;
  }

  bytesAt(): Uint8Array | null {
    return null;
  }

  release(ackOff: number): void {
    this.endOff = Math.min(this.totalBytes, ackOff + this.capacityBytes);
  }

  /** The application stops writing: the transfer ends with what was written so far. */
  stopWriting(): void {
    this.totalBytes = this.endOff;
  }
}

/** Bytes written by an application, kept until acknowledged. */
export class ByteSendBuffer implements SendBuffer {
  readonly source = null;
  private chunks: Uint8Array[] = [];
  private startOff = 0; // stream offset of chunks[0][0]
  endOff = 0;
  private readonly capacityBytes: number;
  private finished = false;

  constructor(capacityBytes: number) {
    this.capacityBytes = capacityBytes;
  }

  get complete(): boolean {
    return this.finished;
  }

  get freeBytes(): number {
    return this.capacityBytes - (this.endOff - this.startOff);
  }

  /** Append as much of `data` as fits; returns how many bytes were taken. */
  write(data: Uint8Array): number {
    if (this.finished) throw new Error('write after the application finished writing');
    const n = Math.min(data.length, this.freeBytes);
    if (n > 0) {
      this.chunks.push(data.slice(0, n));
      this.endOff += n;
    }
    return n;
  }

  /** The application will write no more (its close). */
  finish(): void {
    this.finished = true;
  }

  bytesAt(off: number, length: number): Uint8Array {
    if (off < this.startOff || off + length > this.endOff) {
      throw new RangeError(`send buffer holds [${this.startOff}, ${this.endOff}), asked for [${off}, ${off + length})`);
    }
    const out = new Uint8Array(length);
    let chunkStart = this.startOff;
    let written = 0;
    for (const chunk of this.chunks) {
      const chunkEnd = chunkStart + chunk.length;
      if (chunkEnd > off + written && written < length) {
        const from = off + written - chunkStart;
        const take = Math.min(chunk.length - from, length - written);
        out.set(chunk.subarray(from, from + take), written);
        written += take;
      }
      chunkStart = chunkEnd;
      if (written === length) break;
    }
    return out;
  }

  release(ackOff: number): void {
    while (this.chunks.length > 0 && this.startOff + this.chunks[0]!.length <= ackOff) {
      this.startOff += this.chunks.shift()!.length;
    }
  }
}
