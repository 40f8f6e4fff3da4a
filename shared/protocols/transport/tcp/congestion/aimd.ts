// Pure AIMD as the seed describes it (additive increase, multiplicative decrease): start with one
// segment, add one segment per round trip, and halve the window when a loss is detected, whether by
// three duplicate ACKs or by a timeout. No slow start, no fast recovery: ssthresh follows cwnd so the
// window is always in congestion avoidance.

import * as controller from './controller.ts';

// Local copies of imported values the per-packet path uses (docs/performance.md: imported values).
const { AckAction, CongestionControl } = controller;
type AckAction = controller.AckAction;

export class Aimd extends CongestionControl {
  readonly algorithm = 'aimd' as const;

  constructor(mss: number, initialCwndSegments: number) {
    super(mss, initialCwndSegments, initialCwndSegments * mss);
  }

  onNewAck(ackedBytes: number): AckAction {
    this.grow(ackedBytes); // ssthresh == cwnd, so this is always congestion avoidance
    this.ssthresh = this.cwnd;
    return AckAction.NONE;
  }

  onDupAck(count: number): AckAction {
    if (count !== 3) return AckAction.NONE;
    this.halve();
    this.changed('fast-retransmit');
    return AckAction.RETRANSMIT;
  }

  override onTimeout(): void {
    this.halve();
    this.changed('timeout');
  }

  private halve(): void {
    this.cwnd = Math.max(Math.floor(this.cwnd / 2 / this.mss) * this.mss, this.mss);
    this.ssthresh = this.cwnd;
    this.bytesAcked = 0;
  }
}
