// RTP fixed header (RFC 3550 §5.1), carried by the constant-bit-rate and video streams over UDP:
// version 2, padding, extension, CSRC count, marker, payload type, 16-bit sequence number, 32-bit
// timestamp, SSRC. Receivers use the sequence number to count loss, reordering and duplicates and
// the timestamp for interarrival jitter (RFC 3550 §6.4.1, A.8).

export const RTP_HEADER_BYTES = 12;

export interface RtpHeader {
  marker: boolean;
  payloadType: number;
  sequence: number;
  timestamp: number;
  ssrc: number;
}

export function emitRtp(h: RtpHeader, out: Uint8Array, offset = 0): void {
  out[offset] = 0x80; // V=2, P=0, X=0, CC=0
  out[offset + 1] = (h.marker ? 0x80 : 0) | (h.payloadType & 0x7f);
  out[offset + 2] = (h.sequence >>> 8) & 0xff;
  out[offset + 3] = h.sequence & 0xff;
  for (let i = 0; i < 4; i++) out[offset + 4 + i] = (h.timestamp >>> (24 - 8 * i)) & 0xff;
  for (let i = 0; i < 4; i++) out[offset + 8 + i] = (h.ssrc >>> (24 - 8 * i)) & 0xff;
}

export function parseRtp(b: Uint8Array, offset = 0): RtpHeader | null {
  if (b.length - offset < RTP_HEADER_BYTES || b[offset]! >>> 6 !== 2) return null;
  const read32 = (at: number) => ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
  return {
    marker: (b[offset + 1]! & 0x80) !== 0,
    payloadType: b[offset + 1]! & 0x7f,
    sequence: (b[offset + 2]! << 8) | b[offset + 3]!,
    timestamp: read32(offset + 4),
    ssrc: read32(offset + 8),
  };
}

/**
 * Receiver statistics of RFC 3550 appendix A: extended highest sequence number, expected versus
 * received (loss), out-of-order and duplicate arrivals, and interarrival jitter in timestamp units.
 */
export class RtpReceiverStats {
  received = 0;
  duplicates = 0;
  reordered = 0;
  private baseSeq = -1;
  private maxExtSeq = -1;
  private seen = new Set<number>();
  jitter = 0;
  private lastTransit: number | null = null;
  private readonly clockRate: number;

  constructor(clockRate: number) {
    this.clockRate = clockRate;
  }

  /** Record one packet; `arrivalNs` on the receiver's clock. Returns false for a duplicate. */
  record(h: RtpHeader, arrivalNs: number): boolean {
    // Extend the 16-bit sequence number relative to the highest seen (A.1, simplified: no resync).
    let ext: number;
    if (this.maxExtSeq < 0) {
      ext = h.sequence;
      this.baseSeq = ext;
    } else {
      const cycle = this.maxExtSeq - (this.maxExtSeq & 0xffff);
      const candidates = [cycle - 65536 + h.sequence, cycle + h.sequence, cycle + 65536 + h.sequence];
      ext = candidates.reduce((best, c) => (Math.abs(c - this.maxExtSeq) < Math.abs(best - this.maxExtSeq) ? c : best));
    }
    if (this.seen.has(ext)) {
      this.duplicates++;
      return false;
    }
    this.seen.add(ext);
    if (this.seen.size > 65536) this.seen.delete(this.seen.values().next().value!);
    if (ext < this.maxExtSeq) this.reordered++;
    if (ext > this.maxExtSeq) this.maxExtSeq = ext;
    this.received++;
    // Jitter (A.8): J += (|D| − J) / 16 with D the change in transit time, in timestamp units.
    const arrivalUnits = (arrivalNs / 1e9) * this.clockRate;
    const transit = arrivalUnits - h.timestamp;
    if (this.lastTransit !== null) this.jitter += (Math.abs(transit - this.lastTransit) - this.jitter) / 16;
    this.lastTransit = transit;
    return true;
  }

  get expected(): number {
    return this.maxExtSeq < 0 ? 0 : this.maxExtSeq - this.baseSeq + 1;
  }

  get lost(): number {
    return Math.max(0, this.expected - this.received);
  }

  get jitterMs(): number {
    return (this.jitter / this.clockRate) * 1000;
  }
}
