// The TCP connection states (RFC 9293 §3.3.2, figure 5), as one explicit set of names.

export const TcpState = {
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

export type TcpState = (typeof TcpState)[keyof typeof TcpState];

/**
 * States in which data written before the application closed may still be sent: after close() the
 * FIN waits behind that data, so FIN_WAIT_1 and LAST_ACK still transmit it.
 */
export function canSendData(s: TcpState): boolean {
  return s === TcpState.ESTABLISHED || s === TcpState.CLOSE_WAIT || s === TcpState.FIN_WAIT_1 || s === TcpState.LAST_ACK;
}

/** States in which data from the peer is still accepted. */
export function canReceiveData(s: TcpState): boolean {
  return s === TcpState.ESTABLISHED || s === TcpState.FIN_WAIT_1 || s === TcpState.FIN_WAIT_2;
}
