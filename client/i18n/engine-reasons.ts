// The engine says why a connection, a request or a lookup ended in English words (`connection
// reset`, `handshake timed out`, `bad_certificate: …`): they are its trace's data, read by tools and
// tests. A caption shows them in the player's language: the reasons a player meets are worded here,
// anything else (a newer reason, a detailed parse error) is shown as the engine wrote it. Likewise a
// refused command: by the code the engine or the room gave it, else in the engine's words.

import { t, type MessageKey, type NestedMessage } from './index.ts';
import type { RefusalWhy } from '../../shared/protocols/roles/commands.ts';
import type { RefusalCode } from '../../shared/messages/classroom-messages.ts';

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

const WHY_KEYS: Record<RefusalWhy['code'], MessageKey> = {
  'not-waiting': 'refusal.notWaiting',
  'queue-full': 'refusal.queueFull',
  'node-down': 'refusal.nodeDown',
  'connection-gone': 'refusal.connectionGone',
  'io-set': 'refusal.ioSet',
  'flow-started': 'refusal.flowStarted',
};

const CODE_KEYS: Partial<Record<RefusalCode, MessageKey>> = {
  'rate-limited': 'refusal.rateLimited',
  ended: 'refusal.ended',
};

/** Why a command was not carried out, in the player's language where it has words for it. */
export function refusalMessage(r: { reason: string; why?: RefusalWhy; code?: RefusalCode }): NestedMessage | string {
  if (r.why !== undefined) {
    const { code, ...facts } = r.why;
    return { key: WHY_KEYS[code], params: facts };
  }
  const key = r.code === undefined ? undefined : CODE_KEYS[r.code];
  return key === undefined ? r.reason : { key };
}

/** The same, as text in the current language. */
export function refusalText(r: { reason: string; why?: RefusalWhy; code?: RefusalCode }): string {
  const m = refusalMessage(r);
  return typeof m === 'string' ? m : t(m.key, m.params);
}
