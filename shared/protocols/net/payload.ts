// Where a packet's payload bytes come from. Application data that matters byte for byte (HTTP text,
// TLS records, DNS messages) is carried as real bytes. A bulk transfer's bytes are a deterministic
// function of their position in the stream, so a segment names its stream and offset and the bytes
// are produced when someone reads them (an inspector, a tap, a checksum check, a verifying receiver):
// a 600-second transfer then never copies 750 MB it would only throw away.

export interface PayloadSource {
  /** Fill `out` with the stream's bytes starting at stream offset `offset`. */
  fill(offset: number, out: Uint8Array): void;
}

/**
 * A stream whose byte i is taken from a 32-bit mix of (salt, i >> 2): it never repeats within 16 GiB,
 * so a receiver that reassembled segments in the wrong order or at the wrong offset is caught.
 */
export class PatternSource implements PayloadSource {
  readonly salt: number;

  constructor(salt: number) {
    this.salt = salt >>> 0;
  }

  wordAt(wordIndex: number): number {
    let z = (Math.imul(wordIndex >>> 0, 0x9e3779b1) ^ this.salt ^ Math.floor(wordIndex / 4294967296)) | 0;
    z = Math.imul(z ^ (z >>> 15), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  }

  byteAt(offset: number): number {
    return (this.wordAt(Math.floor(offset / 4)) >>> (8 * (offset % 4))) & 0xff;
  }

  fill(offset: number, out: Uint8Array): void {
    for (let i = 0; i < out.length; i++) out[i] = this.byteAt(offset + i);
  }
}

/** A slice of a stream: real bytes, or (source, offset) to produce them on demand. */
export interface PayloadRef {
  length: number;
  bytes: Uint8Array | null;
  source: PayloadSource | null;
  offset: number;
}

export const EMPTY_BYTES = new Uint8Array(0);

export function materialize(ref: PayloadRef): Uint8Array {
  if (ref.bytes !== null) return ref.bytes;
  if (ref.length === 0 || ref.source === null) return EMPTY_BYTES;
  const out = new Uint8Array(ref.length);
  ref.source.fill(ref.offset, out);
  return out;
}
