// TCP NewReno (RFC 6582): Reno's fast recovery, but it stays in recovery until every segment that
// was outstanding when loss was detected ("recover") is acknowledged. A partial ACK retransmits the
// next hole at once, deflates cwnd by the data it acknowledged and adds back one SMSS; the first
// partial ACK also restarts the retransmission timer (the "impatient" variant, §3.2 step 5). A full
// ACK sets cwnd = min(ssthresh, max(FlightSize, SMSS) + SMSS) (§3.2 step 3, option 1). Duplicate ACKs
// that do not cover more than "recover" do not start a second fast retransmit (§3.2 step 2).

import * as controller from './controller.ts';

// Local copies of imported values the per-packet path uses (docs/performance.md: imported values).
const { AckAction, CongestionControl } = controller;
type AckAction = controller.AckAction;

export class NewReno extends CongestionControl {
  readonly algorithm = 'newreno' as const;
  /** Stream offset of the end of the data outstanding when recovery began (RFC 6582 "recover"). */
  recoverOff = -1;
  private partialAcksInRecovery = 0;

  onNewAck(ackedBytes: number, ackOff: number, flightAfter: number): AckAction {
    if (!this.inRecovery) {
      this.grow(ackedBytes);
      return AckAction.NONE;
    }
    if (ackOff >= this.recoverOff) {
      this.inRecovery = false;
      this.cwnd = Math.min(this.ssthresh, Math.max(flightAfter, this.mss) + this.mss);
      this.bytesAcked = 0;
      this.changed('recovery-exit');
      return AckAction.NONE;
    }
    // Partial ACK: deflate by the amount acknowledged, add back one SMSS if that much was acked.
    this.cwnd = Math.max(this.cwnd - ackedBytes + (ackedBytes >= this.mss ? this.mss : 0), this.mss);
    this.changed('fast-recovery');
    this.partialAcksInRecovery++;
    return this.partialAcksInRecovery === 1 ? AckAction.RETRANSMIT_RESET_TIMER : AckAction.RETRANSMIT;
  }

  onDupAck(count: number, flightBytes: number, ackOff: number, sndMaxOff: number): AckAction {
    if (this.inRecovery) {
      this.cwnd += this.mss;
      this.changed('fast-recovery');
      return AckAction.NONE;
    }
    if (count !== 3) return AckAction.NONE;
    // The ACK must cover more than "recover", else these duplicates belong to an earlier episode.
    if (this.recoverOff >= 0 && ackOff <= this.recoverOff) return AckAction.NONE;
    this.recoverOff = sndMaxOff;
    this.partialAcksInRecovery = 0;
    this.ssthresh = this.halfFlight(flightBytes);
    this.cwnd = this.ssthresh + 3 * this.mss;
    this.inRecovery = true;
    this.changed('fast-retransmit');
    return AckAction.RETRANSMIT;
  }

  override onTimeout(flightBytes: number, sndMaxOff: number): void {
    this.recoverOff = sndMaxOff; // RFC 6582 §3.2 step 4 note: record the highest sequence sent
    super.onTimeout(flightBytes, sndMaxOff);
  }
}
