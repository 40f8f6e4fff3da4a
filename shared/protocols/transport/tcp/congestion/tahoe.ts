// TCP Tahoe (Jacobson 1988, as in 4.3BSD-Tahoe): slow start, congestion avoidance and fast retransmit
// on the third duplicate ACK, but no fast recovery: any loss sets ssthresh to half the flight and
// cwnd back to one segment, and the window slow-starts again.

import * as controller from './controller.ts';

// Local copies of imported values the per-packet path uses (docs/performance.md: imported values).
const { AckAction, CongestionControl } = controller;
type AckAction = controller.AckAction;

export class Tahoe extends CongestionControl {
  readonly algorithm = 'tahoe' as const;

  onNewAck(ackedBytes: number): AckAction {
    this.grow(ackedBytes);
    return AckAction.NONE;
  }

  onDupAck(count: number, flightBytes: number): AckAction {
    if (count !== 3) return AckAction.NONE;
    this.ssthresh = this.halfFlight(flightBytes);
    this.cwnd = this.mss;
    this.bytesAcked = 0;
    this.changed('fast-retransmit');
    return AckAction.RETRANSMIT;
  }
}
