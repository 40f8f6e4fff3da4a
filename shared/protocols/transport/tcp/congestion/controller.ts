// The congestion window and how it reacts to ACKs, duplicate ACKs and timeouts (RFC 5681). The
// shared part lives here: slow start (cwnd += min(acked, SMSS) per ACK) and congestion avoidance with
// appropriate byte counting (RFC 3465: cwnd += SMSS once a whole window has been acknowledged, so it
// grows exactly one segment per round trip). Each algorithm file decides what a loss does.

import type { CwndReason } from '../../../sim/trace.ts';

export const CONGESTION_ALGORITHMS = ['aimd', 'tahoe', 'reno', 'newreno'] as const;
export type CongestionAlgorithm = (typeof CONGESTION_ALGORITHMS)[number];

/** What the connection must do after the controller has seen an ACK. */
export const AckAction = {
  NONE: 0,
  /** Retransmit the first unacknowledged segment (fast retransmit, or a NewReno partial ACK). */
  RETRANSMIT: 1,
  /** Retransmit it and restart the retransmission timer (the first partial ACK, RFC 6582 §3.2 step 5). */
  RETRANSMIT_RESET_TIMER: 2,
} as const;
export type AckAction = (typeof AckAction)[keyof typeof AckAction];

export type CwndListener = (reason: CwndReason) => void;

export abstract class CongestionControl {
  abstract readonly algorithm: CongestionAlgorithm;
  readonly mss: number;
  cwnd: number;
  ssthresh: number;
  inRecovery = false;
  /** Bytes acknowledged since cwnd last grew in congestion avoidance (RFC 3465). */
  protected bytesAcked = 0;
  private listener: CwndListener | null = null;

  constructor(mss: number, initialCwndSegments: number, initialSsthreshBytes: number) {
    if (!(mss > 0)) throw new RangeError('mss must be positive');
    this.mss = mss;
    this.cwnd = initialCwndSegments * mss;
    this.ssthresh = initialSsthreshBytes;
  }

  onChange(listener: CwndListener): void {
    this.listener = listener;
  }

  protected changed(reason: CwndReason): void {
    if (this.listener !== null) this.listener(reason);
  }

  /** ssthresh = max(FlightSize / 2, 2·SMSS) (RFC 5681 equation 4). */
  protected halfFlight(flightBytes: number): number {
    return Math.max(Math.floor(flightBytes / 2), 2 * this.mss);
  }

  /** Open the window for `ackedBytes` of newly acknowledged data outside recovery. */
  protected grow(ackedBytes: number): void {
    if (ackedBytes <= 0) return; // the ACK of a FIN alone
    if (this.cwnd < this.ssthresh) {
      this.cwnd += Math.min(ackedBytes, this.mss);
      this.changed('slow-start');
    } else {
      this.bytesAcked += ackedBytes;
      if (this.bytesAcked >= this.cwnd) {
        this.bytesAcked -= this.cwnd;
        this.cwnd += this.mss;
        this.changed('congestion-avoidance');
      }
    }
  }

  /**
   * An ACK advanced SND.UNA by `ackedBytes`. `ackOff` is the new SND.UNA and `flightAfter` the data
   * still outstanding, as stream offsets.
   */
  abstract onNewAck(ackedBytes: number, ackOff: number, flightAfter: number): AckAction;

  /** The `count`th duplicate ACK in a row arrived with `flightBytes` outstanding. */
  abstract onDupAck(count: number, flightBytes: number, ackOff: number, sndMaxOff: number): AckAction;

  /** The retransmission timer expired with `flightBytes` outstanding. */
  onTimeout(flightBytes: number, _sndMaxOff: number): void {
    this.ssthresh = this.halfFlight(flightBytes);
    this.cwnd = this.mss; // the loss window, one segment (RFC 5681 §3.1)
    this.bytesAcked = 0;
    this.inRecovery = false;
    this.changed('timeout');
  }
}
