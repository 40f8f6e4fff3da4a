// The engine says why a connection, a request or a lookup ended in English words (`connection
// reset`, `handshake timed out`, `bad_certificate: …`): they are its trace's data, read by tools and
// tests. A caption shows them in the player's language: the reasons a player meets are worded here,
// anything else (a newer reason, a detailed parse error) is shown as the engine wrote it.

import type { MessageKey, NestedMessage } from './index.ts';

const EXACT: Record<string, MessageKey> = {
  // TCP (transport/tcp/connection.ts)
  'connection refused': 'reason.connectionRefused',
  'connection reset': 'reason.connectionReset',
  'reset during handshake': 'reason.resetDuringHandshake',
  'handshake timed out': 'reason.handshakeTimedOut',
  'retransmission limit reached': 'reason.retransmissionLimit',
  'connection closed': 'reason.connectionClosed',
  // HTTP client (app/http/client-conn.ts, flow.ts)
  'server closed the connection': 'reason.serverClosed',
  'response without a request': 'reason.responseWithoutRequest',
  'flow stopped': 'reason.flowStopped',
  // DNS resolver (app/dns/resolver.ts)
  timeout: 'reason.timeout',
  'connection closed by the server': 'reason.serverClosed',
  // TLS (app/tls/connection.ts)
  'CPU overloaded': 'reason.cpuOverloaded',
  'application closed during the TLS handshake': 'reason.closedDuringTls',
};

/** A TLS failure as the application hears it: `<alert>: <explanation>`. */
const TLS_ALERT = /^([a-z_]+): /;
const BAD_RESPONSE = /^bad response: /;
const TRANSFER_STOPPED = /^transfer stopped with ([A-Z0-9]+)$/;

/** The reason as a message in the player's language, or as the engine wrote it. */
export function reasonMessage(reason: string): NestedMessage | string {
  const key = EXACT[reason];
  if (key !== undefined) return { key };
  const alert = TLS_ALERT.exec(reason);
  if (alert !== null) return { key: 'reason.tlsAlert', params: { alert: alert[1]! } };
  if (BAD_RESPONSE.test(reason)) return { key: 'reason.badResponse' };
  const transfer = TRANSFER_STOPPED.exec(reason);
  if (transfer !== null) return { key: 'reason.transferStopped', params: { rcode: transfer[1]! } };
  return reason;
}
