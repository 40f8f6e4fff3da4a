// The notable protocol events of a session: what a caption, a teacher's recap or the results file
// should mention (a drop and its reason, a TCP state change, a retransmission timeout, a window
// closing, a fault, a hold or duplicate by a router player, a load balancer failing over, a DNS
// resolver asking again or switching to TCP, an HTTP request refused or answered with an error). Entries
// carry codes, not sentences: the client words them in the player's language.
//
// Drops come in bursts (a full queue drops packet after packet), so a drop like the newest entry,
// within a second of it, only raises that entry's count: the log stays readable and small.

import type { ArraySchema } from '@colyseus/schema';
import { EventState } from '../../shared/state/classroom-state.ts';
import type { TraceEvent } from '../../shared/protocols/sim/trace.ts';

export interface NotableEvent {
  seq: number;
  /** The scenario round it happened in. */
  round: number;
  /** Simulated ms. */
  t: number;
  type: string;
  node: string;
  link: string;
  flow: string;
  packet: number;
  detail: string;
  count: number;
}

/** Entries kept in the synchronised state. */
export const RECENT_EVENTS = 30;
/** Entries kept for the results of one session (the first ones; later ones are counted only). */
export const MAX_STORED_EVENTS = 10_000;
const FOLD_WALL_MS = 1000;

type Draft = Omit<NotableEvent, 'seq' | 'count' | 'round'> & { count?: number };

export class EventLog {
  private seq = 0;
  /** Round stamped on new entries (the game sets it when a scenario starts). */
  round = 1;
  readonly recent: NotableEvent[] = [];
  private newestWallMs = 0;
  /** Entries added or changed since the last drain, for the session store. */
  private readonly unsaved = new Map<number, NotableEvent>();
  /** Entries added or changed since the last mirror into the state. */
  private readonly unsynced = new Set<NotableEvent>();
  dropped = 0;

  /** Turn a trace event into a notable entry, if it is one. */
  onTrace(e: TraceEvent, wallNowMs: number): void {
    const base = { t: e.t, node: str(e.node), link: str(e.link), flow: str(e.flow), packet: 0, detail: '' };
    switch (e.type) {
      case 'drop':
        this.add({ ...base, type: 'drop', packet: num(e.packet), detail: str(e.reason) }, wallNowMs, true);
        return;
      case 'state':
        this.add({ ...base, type: 'state', detail: `${str(e.side)}:${str(e.to)}` }, wallNowMs);
        return;
      case 'rto':
        this.add({ ...base, type: 'rto', detail: str(e.side) }, wallNowMs);
        return;
      case 'window':
        this.add({ ...base, type: 'window', detail: str(e.event) }, wallNowMs);
        return;
      case 'fault':
        this.add({ ...base, type: 'fault', detail: str(e.kind) }, wallNowMs);
        return;
      case 'command':
        if (e.ok === true && (e.action === 'hold' || e.action === 'duplicate')) {
          this.add({ ...base, type: 'command', packet: num(e.packet), detail: str(e.action) }, wallNowMs);
        }
        return;
      case 'failover':
        this.add({ ...base, type: 'failover', node: str(e.to), detail: str(e.from) }, wallNowMs);
        return;
      case 'lb-assign':
        // Assignments come one per connection: alike ones (same balancer, same backend) fold.
        this.add({ ...base, type: 'lb-assign', detail: typeof e.backend === 'string' ? e.backend : 'refused' }, wallNowMs, true);
        return;
      case 'lb-health':
        this.add({ ...base, type: 'lb-health', detail: `${str(e.backend)}:${e.up === true ? 'up' : 'down'}` }, wallNowMs);
        return;
      case 'http': {
        // A request the application or the network said no to, at the client: an error answer
        // (`answer|<status>|<method>|<path>`) or none at all (`failed|<reason>|<method>|<path>`).
        // Alike ones in a row (a full server refusing one client after another) fold into one.
        if (e.side !== 'client') return;
        const what = `${str(e.method)}|${str(e.path)}`;
        if (e.event === 'response' && num(e.status) >= 400) this.add({ ...base, type: 'http', detail: `answer|${num(e.status)}|${what}` }, wallNowMs, true);
        else if (e.event === 'error') this.add({ ...base, type: 'http', detail: `failed|${str(e.reason)}|${what}` }, wallNowMs, true);
        return;
      }
      case 'dns': {
        // What UDP leaves to a resolver: its own timer asking again, the switch to TCP, giving up, an
        // error answer. The detail is `what|name|…` (a DNS name holds no "|").
        if (e.side !== 'client') return;
        const name = str(e.name);
        let detail: string | null = null;
        if (e.action === 'timeout' && e.next === 'retry') detail = `retry|${name}|${num(e.attempt) + 1}|${num(e.timeoutMs)}`;
        else if (e.action === 'timeout' && e.next === 'tcp') detail = `timeout-tcp|${name}`;
        else if (e.action === 'tcp-fallback' && e.reason === 'truncated') detail = `truncated|${name}`;
        else if (e.action === 'give-up') detail = `give-up|${name}|${str(e.reason)}`;
        else if (e.action === 'response' && typeof e.rcode === 'string' && e.rcode !== 'NOERROR') detail = `error|${name}|${e.rcode}`;
        if (detail !== null) this.add({ ...base, type: 'dns', detail }, wallNowMs);
        return;
      }
      case 'tls':
        // The handshake's outcome (established, a certificate warning, a failure with its alert, told
        // once by the side that noticed it: the other side only hears the alert), and its main messages
        // as they are sent, so that a class can follow it step by step (seed: TLS/SSL HandShake).
        if (e.step === 'established' || e.step === 'warning') this.add({ ...base, type: 'tls', detail: str(e.step) }, wallNowMs);
        else if (e.step === 'failure' && e.by === 'local') this.add({ ...base, type: 'tls', detail: `failure:${str(e.alert)}` }, wallNowMs);
        else if (e.dir === 'send') {
          const detail = tlsSendDetail(e);
          if (detail !== null) this.add({ ...base, type: 'tls', detail }, wallNowMs);
        }
        return;
    }
  }

  /** Add an entry; `fold` merges it into the newest entry when that one is alike and recent. */
  add(d: Draft, wallNowMs: number, fold = false): void {
    const newest = this.recent[this.recent.length - 1];
    if (
      fold &&
      newest !== undefined &&
      wallNowMs - this.newestWallMs < FOLD_WALL_MS &&
      newest.round === this.round &&
      newest.type === d.type &&
      newest.node === d.node &&
      newest.link === d.link &&
      newest.detail === d.detail
    ) {
      newest.count += d.count ?? 1;
      newest.t = d.t;
      if (newest.flow !== d.flow) newest.flow = '';
      this.touch(newest);
      return;
    }
    const entry: NotableEvent = { ...d, seq: ++this.seq, round: this.round, count: d.count ?? 1 };
    this.newestWallMs = wallNowMs;
    this.recent.push(entry);
    if (this.recent.length > RECENT_EVENTS) this.recent.shift();
    this.touch(entry);
  }

  private touch(entry: NotableEvent): void {
    this.unsynced.add(entry);
    if (entry.seq <= MAX_STORED_EVENTS) this.unsaved.set(entry.seq, entry);
    else if (entry.count === 1) this.dropped++;
  }

  /** Entries to write to the session store since the last call. */
  drainUnsaved(): NotableEvent[] {
    const out = [...this.unsaved.values()].map((e) => ({ ...e }));
    this.unsaved.clear();
    return out;
  }

  /** Mirror the newest entries into the synchronised array (oldest first, at most RECENT_EVENTS). */
  flush(target: ArraySchema<EventState>): void {
    if (this.unsynced.size === 0) return;
    const firstSeq = this.recent[0]?.seq ?? 0;
    // Drop mirrored entries that fell out of the window.
    let stale = 0;
    while (stale < target.length && target.at(stale)!.seq < firstSeq) stale++;
    if (stale > 0) target.splice(0, stale);
    const lastMirrored = target.length > 0 ? target.at(target.length - 1)!.seq : 0;
    for (const e of this.recent) {
      if (e.seq > lastMirrored) target.push(toState(e));
      else if (this.unsynced.has(e)) {
        const s = target.find((x) => x.seq === e.seq);
        if (s !== undefined) {
          s.count = Math.min(e.count, 65535);
          s.t = Math.floor(e.t);
          s.flow = e.flow;
        }
      }
    }
    this.unsynced.clear();
  }
}

function toState(e: NotableEvent): EventState {
  const s = new EventState();
  s.seq = e.seq;
  s.t = Math.floor(e.t);
  s.type = e.type;
  s.node = e.node;
  s.link = e.link;
  s.flow = e.flow;
  s.packet = e.packet;
  s.detail = e.detail;
  s.count = Math.min(e.count, 65535);
  return s;
}

/**
 * `send:<message>:<what the caption needs>` for the handshake's main messages: the number of cipher
 * suites a ClientHello offers, the issuer of the certificate a server sends; null for the others.
 */
function tlsSendDetail(e: TraceEvent): string | null {
  switch (e.step) {
    case 'ClientHello':
      return `send:ClientHello:${Array.isArray(e.cipherSuites) ? e.cipherSuites.length : 0}`;
    case 'Certificate': {
      if (e.side !== 'server') return null;
      const first = Array.isArray(e.certificates) ? (e.certificates[0] as { issuer?: unknown } | undefined) : undefined;
      return `send:Certificate:${str(first?.issuer)}`;
    }
    case 'ClientKeyExchange':
    case 'Finished':
      return `send:${e.step}:`;
    default:
      return null;
  }
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0;
}
