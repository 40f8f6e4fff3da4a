// The TLS record layer's wire format (RFC 5246 §6.2): every record is a 5-byte header — content type,
// protocol version, length — and a fragment of at most 2^14 bytes of plaintext (2^14 + 2048 once
// protected). RecordReader cuts the TCP byte stream back into records; a record whose header is
// impossible (unknown type, wrong version, oversized) is reported so the connection can answer with an
// alert instead of waiting forever for bytes that will never make sense.

import { CONTENT_TYPE_NAMES, MAX_CIPHERTEXT_BYTES, RECORD_HEADER_BYTES, TLS_VERSION_1_2 } from './constants.ts';

export interface TlsRecord {
  contentType: number;
  version: number;
  /** The fragment exactly as on the wire (ciphertext once protection is on). */
  fragment: Uint8Array;
}

export function encodeRecord(contentType: number, fragment: Uint8Array, version = TLS_VERSION_1_2): Uint8Array {
  if (fragment.length > MAX_CIPHERTEXT_BYTES) throw new RangeError(`record fragment of ${fragment.length} bytes is too long`);
  const out = new Uint8Array(RECORD_HEADER_BYTES + fragment.length);
  out[0] = contentType;
  out[1] = version >>> 8;
  out[2] = version & 0xff;
  out[3] = fragment.length >>> 8;
  out[4] = fragment.length & 0xff;
  out.set(fragment, RECORD_HEADER_BYTES);
  return out;
}

export interface RecordHeader {
  contentType: number;
  version: number;
  length: number;
}

/** The header at `offset`, or null if fewer than 5 bytes are there. */
export function parseRecordHeader(bytes: Uint8Array, offset = 0): RecordHeader | null {
  if (bytes.length - offset < RECORD_HEADER_BYTES) return null;
  return {
    contentType: bytes[offset]!,
    version: (bytes[offset + 1]! << 8) | bytes[offset + 2]!,
    length: (bytes[offset + 3]! << 8) | bytes[offset + 4]!,
  };
}

/** Why a header cannot start a valid record, or null if it can. */
export function recordHeaderProblem(h: RecordHeader): 'unexpected_message' | 'protocol_version' | 'record_overflow' | null {
  if (CONTENT_TYPE_NAMES[h.contentType] === undefined) return 'unexpected_message';
  if (h.version >>> 8 !== 3) return 'protocol_version';
  if (h.length > MAX_CIPHERTEXT_BYTES) return 'record_overflow';
  return null;
}

/** Reassembles records from stream bytes; holds at most one record's worth of partial data. */
export class RecordReader {
  private buf = new Uint8Array(0);

  get bufferedBytes(): number {
    return this.buf.length;
  }

  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const next = new Uint8Array(this.buf.length + bytes.length);
    next.set(this.buf);
    next.set(bytes, this.buf.length);
    this.buf = next;
  }

  /**
   * The next complete record, null if more bytes are needed, or an alert name if the stream holds
   * something that is not a record.
   */
  next(): TlsRecord | null | { problem: 'unexpected_message' | 'protocol_version' | 'record_overflow' } {
    const h = parseRecordHeader(this.buf);
    if (h === null) return null;
    const problem = recordHeaderProblem(h);
    if (problem !== null) return { problem };
    const end = RECORD_HEADER_BYTES + h.length;
    if (this.buf.length < end) return null;
    const fragment = this.buf.slice(RECORD_HEADER_BYTES, end);
    this.buf = this.buf.slice(end);
    return { contentType: h.contentType, version: h.version, fragment };
  }
}
