// The notable protocol events of a session: what a caption, a teacher's recap or the results file
// should mention (a drop and its reason, a TCP state change, a retransmission timeout, a window
// closing, a window probe, video frames skipped, a fault, a hold or duplicate by a router player, a
// load balancer failing over, a DNS lookup and its resolver asking again or switching to TCP, an
// HTTP request refused or answered with an error, the steps of a TLS handshake). Entries carry
// codes, not sentences (shared/messages/notable-detail.ts): the client words them in the player's
// language.
//
// Drops come in bursts (a full queue drops packet after packet), so a drop like the newest entry,
// within a second of it, only raises that entry's count: the log stays readable and small.

import type { ArraySchema } from '@colyseus/schema';
import { EventState } from '../../shared/state/classroom-state.ts';
import type { TraceEvent } from '../../shared/protocols/sim/trace.ts';
import { encodeDetail, type NotableDetail } from '../../shared/messages/notable-detail.ts';

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
  /** Round stamped on new entries (`newRound` sets it when a scenario starts). */
  round = 1;
  /** The synchronised window still holds the entries of an earlier round. */
  private windowStale = false;
  readonly recent: NotableEvent[] = [];
  private newestWallMs = 0;
  /** Entries added or changed since the last drain, for the session store. */
  private readonly unsaved = new Map<number, NotableEvent>();
  /** Entries added or changed since the last mirror into the state. */
  private readonly unsynced = new Set<NotableEvent>();
  /** Entries kept for the results (the first MAX_STORED_EVENTS that are not live only). */
  private readonly stored = new WeakSet<NotableEvent>();
  private storedCount = 0;
  /** Entries for the results beyond MAX_STORED_EVENTS, counted only. */
  dropped = 0;

  /**
   * A scenario starts: new entries belong to `round`, and the synchronised window shows only them
   * (a client that started the new scenario over would take the last round's entries for its own).
   * The session's results keep every round.
   */
  newRound(round: number): void {
    this.round = round;
    this.recent.length = 0;
    this.unsynced.clear();
    this.windowStale = true;
  }

  /** Turn a trace event into a notable entry, if it is one. */
  onTrace(e: TraceEvent, wallNowMs: number): void {
    const base = { t: e.t, node: str(e.node), link: str(e.link), flow: str(e.flow), packet: 0 };
    const note = (d: NotableDetail, over: Partial<typeof base> = {}, fold = false, liveOnly = false) =>
      this.add({ ...base, ...over, type: d.type, detail: encodeDetail(d) }, wallNowMs, fold, liveOnly);
    switch (e.type) {
      case 'drop':
        note({ type: 'drop', reason: str(e.reason) }, { packet: num(e.packet) }, true);
        return;
      case 'state':
        note({ type: 'state', side: side(e.side), to: str(e.to) });
        return;
      case 'rto':
        note({ type: 'rto', side: side(e.side) });
        return;
      case 'probe':
        // A sender facing a zero window asks whether it has opened (seed: flow control).
        note({ type: 'probe', side: side(e.side) });
        return;
      case 'window':
        note({ type: 'window', side: side(e.side), event: e.event === 'zero' ? 'zero' : 'open' });
        return;
      case 'fault':
        note({ type: 'fault', kind: str(e.kind) });
        return;
      case 'video':
        // A frame not whole at its playout time: the picture glitches. Frames come 30 a second, so a
        // run of them folds into one entry (it keeps its first frame). Whether a skipped frame came
        // late after all (TCP) or never (UDP) is in the flow's figures: told here too, a stalled TCP
        // call's skipped and late frames would alternate and never fold.
        if (e.status === 'skipped') note({ type: 'video', status: 'skipped' }, { packet: num(e.frame) }, true);
        return;
      case 'command':
        if (e.ok === true && (e.action === 'hold' || e.action === 'duplicate')) note({ type: 'command', action: e.action }, { packet: num(e.packet) });
        return;
      case 'failover':
        note({ type: 'failover', from: str(e.from) }, { node: str(e.to) });
        return;
      case 'lb-assign':
        // Assignments come one per connection: alike ones (same balancer, same backend) fold.
        note({ type: 'lb-assign', backend: typeof e.backend === 'string' ? e.backend : null }, {}, true);
        return;
      case 'lb-health':
        note({ type: 'lb-health', backend: str(e.backend), up: e.up === true });
        return;
      case 'http': {
        // A request the application or the network said no to, at the client: an error answer or
        // none at all. Alike ones in a row (a full server refusing one client after another) fold.
        if (e.side !== 'client') return;
        const method = str(e.method);
        const path = str(e.path);
        if (e.event === 'response' && num(e.status) >= 400) note({ type: 'http', what: 'answer', status: num(e.status), method, path }, {}, true);
        else if (e.event === 'error') note({ type: 'http', what: 'failed', reason: str(e.reason), method, path }, {}, true);
        return;
      }
      case 'dns': {
        // A resolver's lookup (seed: one UDP datagram to port 53, one back): its question and its
        // answer, and what UDP leaves to it: its own timer asking again, the switch to TCP, giving
        // up, an error answer.
        if (e.side !== 'client') return;
        const name = str(e.name);
        // The routine question and answer are for the captions as they happen, not for the results.
        if (e.action === 'query' && e.retry !== true && e.transport === 'udp') note({ type: 'dns', what: 'query', name, qtype: str(e.qtype) }, {}, false, true);
        else if (e.action === 'response' && e.rcode === 'NOERROR') {
          const answers = num(e.answers);
          if (e.tc === true && e.transport === 'udp') note({ type: 'dns', what: 'cut', name, answers });
          else note({ type: 'dns', what: 'answer', name, answers, ms: Math.round(num(e.latencyMs)), transport: e.transport === 'tcp' ? 'tcp' : 'udp' }, {}, false, true);
        } else if (e.action === 'timeout' && e.next === 'retry') note({ type: 'dns', what: 'retry', name, attempt: num(e.attempt) + 1, timeoutMs: num(e.timeoutMs) });
        else if (e.action === 'timeout' && e.next === 'tcp') note({ type: 'dns', what: 'timeout-tcp', name });
        else if (e.action === 'tcp-fallback' && e.reason === 'truncated') note({ type: 'dns', what: 'truncated', name });
        else if (e.action === 'give-up') note({ type: 'dns', what: 'give-up', name, reason: str(e.reason) });
        else if (e.action === 'response' && typeof e.rcode === 'string' && e.rcode !== 'NOERROR') note({ type: 'dns', what: 'error', name, rcode: e.rcode });
        return;
      }
      case 'tls':
        // The handshake's outcome (established, a certificate warning, a failure with its alert, told
        // once by the side that noticed it: the other side only hears the alert), and its main messages
        // as they are sent, so that a class can follow it step by step (seed: TLS/SSL HandShake).
        if (e.step === 'established' || e.step === 'warning') note({ type: 'tls', what: e.step });
        else if (e.step === 'failure' && e.by === 'local') note({ type: 'tls', what: 'failure', alert: str(e.alert) });
        else if (e.dir === 'send') {
          const sent = tlsSent(e);
          if (sent !== null) note(sent);
        }
        return;
    }
  }

  /**
   * Add an entry; `fold` merges it into the newest entry when that one is alike and recent. A
   * `liveOnly` entry is shown to the room but not kept for the session's results.
   */
  add(d: Draft, wallNowMs: number, fold = false, liveOnly = false): void {
    const newest = this.recent[this.recent.length - 1];
    if (
      fold &&
      newest !== undefined &&
      wallNowMs - this.newestWallMs < FOLD_WALL_MS &&
      newest.round === this.round &&
      newest.type === d.type &&
      newest.node === d.node &&
      newest.link === d.link &&
      newest.detail === d.detail &&
      // Video entries have no node or link: only a flow tells two calls apart.
      (d.type !== 'video' || newest.flow === d.flow)
    ) {
      newest.count += d.count ?? 1;
      newest.t = d.t;
      if (newest.flow !== d.flow) newest.flow = '';
      this.touch(newest);
      return;
    }
    const entry: NotableEvent = { ...d, seq: ++this.seq, round: this.round, count: d.count ?? 1 };
    if (!liveOnly) {
      if (this.storedCount < MAX_STORED_EVENTS) {
        this.storedCount++;
        this.stored.add(entry);
      } else this.dropped++;
    }
    this.newestWallMs = wallNowMs;
    this.recent.push(entry);
    if (this.recent.length > RECENT_EVENTS) this.recent.shift();
    this.touch(entry);
  }

  private touch(entry: NotableEvent): void {
    this.unsynced.add(entry);
    if (this.stored.has(entry)) this.unsaved.set(entry.seq, entry);
  }

  /** Entries to write to the session store since the last call. */
  drainUnsaved(): NotableEvent[] {
    const out = [...this.unsaved.values()].map((e) => ({ ...e }));
    this.unsaved.clear();
    return out;
  }

  /** Mirror the newest entries into the synchronised array (oldest first, at most RECENT_EVENTS). */
  flush(target: ArraySchema<EventState>): void {
    if (this.windowStale) {
      this.windowStale = false;
      if (target.length > 0) target.splice(0, target.length);
    }
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
 * The handshake's main messages as sent, with what a caption needs: the number of cipher suites a
 * ClientHello offers, the issuer of the certificate a server sends; null for the others.
 */
function tlsSent(e: TraceEvent): NotableDetail | null {
  switch (e.step) {
    case 'ClientHello':
      return { type: 'tls', what: 'send', message: e.step, arg: String(Array.isArray(e.cipherSuites) ? e.cipherSuites.length : 0) };
    case 'Certificate': {
      if (e.side !== 'server') return null;
      const first = Array.isArray(e.certificates) ? (e.certificates[0] as { issuer?: unknown } | undefined) : undefined;
      return { type: 'tls', what: 'send', message: e.step, arg: str(first?.issuer) };
    }
    case 'ClientKeyExchange':
    case 'Finished':
      return { type: 'tls', what: 'send', message: e.step, arg: '' };
    default:
      return null;
  }
}

const side = (v: unknown): 'client' | 'server' => (v === 'server' ? 'server' : 'client');

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0;
}
