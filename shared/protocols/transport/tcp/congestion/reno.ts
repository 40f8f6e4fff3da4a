// TCP Reno (RFC 5681 §3.2): on the third duplicate ACK, ssthresh = max(FlightSize/2, 2·SMSS), fast
// retransmit, cwnd = ssthresh + 3·SMSS; each further duplicate ACK inflates cwnd by one SMSS (a
// segment has left the network); the next ACK of new data deflates cwnd to ssthresh and ends fast
// recovery, even if it only acknowledges part of the window (NewReno fixes that).

import * as controller from './controller.ts';

// Local copies of imported values the per-packet path uses (docs/performance.md: imported values).
const { AckAction, CongestionControl } = controller;
type AckAction = controller.AckAction;

export class Reno extends CongestionControl {
  readonly algorithm = 'reno' as const;

  onNewAck(ackedBytes: number): AckAction {
    if (this.inRecovery) {
      this.inRecovery = false;
      this.cwnd = this.ssthresh;
      this.bytesAcked = 0;
      this.changed('recovery-exit');
      return AckAction.NONE;
    }
    this.grow(ackedBytes);
    return AckAction.NONE;
  }

  onDupAck(count: number, flightBytes: number): AckAction {
    if (this.inRecovery) {
      this.cwnd += this.mss;
      this.changed('fast-recovery');
      return AckAction.NONE;
    }
    if (count !== 3) return AckAction.NONE;
    this.ssthresh = this.halfFlight(flightBytes);
    this.cwnd = this.ssthresh + 3 * this.mss;
    this.inRecovery = true;
    this.changed('fast-retransmit');
    return AckAction.RETRANSMIT;
  }
}
