// Retransmission timeout estimation, RFC 6298: SRTT and RTTVAR from RTT samples (alpha 1/8, beta 1/4),
// RTO = SRTT + max(G, 4·RTTVAR) clamped to [min, max], an initial RTO of 1 s, and exponential backoff
// on each expiry that persists until a new valid sample (Karn's algorithm: the caller never samples a
// retransmitted segment).

export interface RtoConfig {
  initialRtoNs: number;
  minRtoNs: number;
  maxRtoNs: number;
  /** Clock granularity G. */
  granularityNs: number;
}

export class RtoEstimator {
  private readonly cfg: RtoConfig;
  srttNs = 0;
  rttvarNs = 0;
  hasSample = false;
  /** Number of consecutive backoffs since the last valid sample. */
  backoffs = 0;
  private baseRtoNs: number;

  constructor(cfg: RtoConfig) {
    this.cfg = cfg;
    this.baseRtoNs = cfg.initialRtoNs;
  }

  /** The current timeout including backoff. */
  get rtoNs(): number {
    return Math.min(this.baseRtoNs * 2 ** this.backoffs, this.cfg.maxRtoNs);
  }

  sample(rttNs: number): void {
    if (!this.hasSample) {
      // (2.2) first measurement
      this.srttNs = rttNs;
      this.rttvarNs = rttNs / 2;
      this.hasSample = true;
    } else {
      // (2.3) RTTVAR first, using the old SRTT
      this.rttvarNs = 0.75 * this.rttvarNs + 0.25 * Math.abs(this.srttNs - rttNs);
      this.srttNs = 0.875 * this.srttNs + 0.125 * rttNs;
    }
    const rto = this.srttNs + Math.max(this.cfg.granularityNs, 4 * this.rttvarNs);
    this.baseRtoNs = Math.min(Math.max(Math.ceil(rto), this.cfg.minRtoNs), this.cfg.maxRtoNs);
    this.backoffs = 0;
  }

  /** (5.5) double the timeout after an expiry. */
  backoff(): void {
    if (this.rtoNs < this.cfg.maxRtoNs) this.backoffs++;
  }

  /** (5.7) after a SYN retransmission, use 3 s once data transmission begins if no sample exists. */
  resetAfterSynRetransmit(): void {
    if (!this.hasSample) {
      this.baseRtoNs = Math.max(3_000_000_000, this.cfg.minRtoNs);
      this.backoffs = 0;
    }
  }
}
