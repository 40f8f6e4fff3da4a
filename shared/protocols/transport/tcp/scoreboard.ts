// Per-segment bookkeeping for the Selective Repeat teaching mode: every outstanding segment with the
// time it was last sent and whether a SACK block (RFC 2018) reported it received. The sender resends
// exactly the segments whose own timer ran out.

export interface OutstandingSegment {
  start: number;
  end: number;
  sentNs: number;
  sacked: boolean;
  sends: number;
}

export class Scoreboard {
  readonly segments: OutstandingSegment[] = [];
  readonly limitSegments: number;

  constructor(limitSegments: number) {
    this.limitSegments = limitSegments;
  }

  sent(start: number, end: number, nowNs: number): void {
    const existing = this.segments.find((s) => s.start === start);
    if (existing !== undefined) {
      existing.sentNs = nowNs;
      existing.sends++;
      return;
    }
    if (this.segments.length >= this.limitSegments) throw new RangeError('selective-repeat scoreboard is full');
    let at = this.segments.length;
    while (at > 0 && this.segments[at - 1]!.start > start) at--;
    this.segments.splice(at, 0, { start, end, sentNs: nowNs, sacked: false, sends: 1 });
  }

  /** Forget segments wholly before the cumulative ACK. */
  acked(ackOff: number): void {
    let n = 0;
    while (n < this.segments.length && this.segments[n]!.end <= ackOff) n++;
    if (n > 0) this.segments.splice(0, n);
  }

  sack(start: number, end: number): void {
    for (const s of this.segments) if (s.start >= start && s.end <= end) s.sacked = true;
  }

  /** The earliest time a not-yet-SACKed segment's timer runs out, or Infinity. */
  nextDeadlineNs(rtoNs: number): number {
    let best = Infinity;
    for (const s of this.segments) if (!s.sacked && s.sentNs + rtoNs < best) best = s.sentNs + rtoNs;
    return best;
  }

  expired(nowNs: number, rtoNs: number): OutstandingSegment[] {
    return this.segments.filter((s) => !s.sacked && s.sentNs + rtoNs <= nowNs);
  }

  clear(): void {
    this.segments.length = 0;
  }
}
