// The TCP connection states (RFC 9293 §3.3.2, figure 5), as one explicit set of names.

// Unexported, for canSendData and canReceiveData, which run for every segment (docs/performance.md:
// imported values).
const STATES = {
  CLOSED: 'CLOSED',
  LISTEN: 'LISTEN',
  SYN_SENT: 'SYN_SENT',
  SYN_RECEIVED: 'SYN_RECEIVED',
  ESTABLISHED: 'ESTABLISHED',
  FIN_WAIT_1: 'FIN_WAIT_1',
  FIN_WAIT_2: 'FIN_WAIT_2',
  CLOSE_WAIT: 'CLOSE_WAIT',
  CLOSING: 'CLOSING',
  LAST_ACK: 'LAST_ACK',
  TIME_WAIT: 'TIME_WAIT',
} as const;

export const TcpState = STATES;
export type TcpState = (typeof STATES)[keyof typeof STATES];

/**
 * States in which data written before the application closed may still be sent: after close() the
 * FIN waits behind that data, so FIN_WAIT_1 and LAST_ACK still transmit it.
 */
export function canSendData(s: TcpState): boolean {
  return s === STATES.ESTABLISHED || s === STATES.CLOSE_WAIT || s === STATES.FIN_WAIT_1 || s === STATES.LAST_ACK;
}

/** States in which data from the peer is still accepted. */
export function canReceiveData(s: TcpState): boolean {
  return s === STATES.ESTABLISHED || s === STATES.FIN_WAIT_1 || s === STATES.FIN_WAIT_2;
}
