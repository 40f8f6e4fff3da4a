// The ARQ (automatic repeat request) modes a flow can run. "tcp" is RFC 9293 TCP with the chosen
// congestion control; the other three are the seed's teaching modes with a fixed window, built from
// the same segments and fields:
// - stop-and-wait: one segment in flight; the next is sent when the ACK arrives; timeout resends it.
// - go-back-n: a window of N segments; the receiver discards anything out of order (and repeats its
//   cumulative ACK); a timeout resends every segment from the oldest unacknowledged one.
// - selective-repeat: a window of N segments; the receiver keeps out-of-order segments and reports
//   them with SACK blocks (RFC 2018); each segment has its own timer and only it is resent.

export const ARQ_MODES = ['tcp', 'stop-and-wait', 'go-back-n', 'selective-repeat'] as const;
export type ArqMode = (typeof ARQ_MODES)[number];

/** The window a mode runs with: stop-and-wait always sends one segment at a time. */
export function windowSegmentsFor(mode: ArqMode | string, windowSegments: number): number {
  return mode === 'stop-and-wait' ? 1 : windowSegments;
}

/** Whether the receiver keeps out-of-order segments. */
export function receiverKeepsOutOfOrder(mode: ArqMode): boolean {
  return mode !== 'go-back-n';
}

/** Whether congestion control (and fast retransmit) governs the window. */
export function usesCongestionControl(mode: ArqMode): boolean {
  return mode === 'tcp';
}
