// What each flow has done, derived from its trace events alone (so it is the same whether the engine
// runs here or on the server): the congestion window over time with its phases, every segment sent
// and every ACK returned (for the time-sequence diagram), the sliding window over the byte stream, the
// TCP states and handshake steps, the receive buffer, and counts of what went wrong.

import type {
  AckEvent,
  CwndEvent,
  DeliverEvent,
  ProbeEvent,
  RtoEvent,
  SendEvent,
  StateEvent,
  VideoEvent,
  WindowEvent,
  WorldEvent,
} from './events.ts';
import { seqAdd, seqOffset } from '../../shared/protocols/transport/tcp/seq.ts';

/** Points kept per series; older points are dropped in halves so appends stay cheap. */
export const MAX_POINTS = 4000;

function push<T>(arr: T[], item: T): void {
  arr.push(item);
  if (arr.length > MAX_POINTS) arr.splice(0, MAX_POINTS >> 1);
}

export type Phase = 'slow-start' | 'congestion-avoidance' | 'fast-recovery' | 'timeout';

export interface CwndPoint {
  t: number;
  cwnd: number;
  ssthresh: number;
  phase: Phase;
}

export interface SegmentPoint {
  t: number;
  /** Byte offset in the stream (0 = first data byte). */
  rel: number;
  len: number;
  retransmit: boolean;
}

export interface AckPoint {
  t: number;
  rel: number;
  window: number;
}

export type HandshakeStep = 'syn' | 'syn-ack' | 'ack' | 'fin-client' | 'ack-server' | 'fin-server' | 'ack-client';

// Not 'client:FIN_WAIT_1': the sender enters it when its application closes, and its FIN follows the
// data still in the send buffer, often many round trips later.
const STEP_OF_STATE: Record<string, HandshakeStep> = {
  'client:SYN_SENT': 'syn',
  'server:SYN_RECEIVED': 'syn-ack',
  'client:ESTABLISHED': 'ack',
  'server:CLOSE_WAIT': 'ack-server',
  'server:LAST_ACK': 'fin-server',
  'client:TIME_WAIT': 'ack-client',
};

/** Phase after a cwnd change with this reason; 'init' and 'recovery-exit' keep slow start or avoidance by comparing to ssthresh. */
export function phaseOf(reason: string, cwnd: number, ssthresh: number): Phase {
  switch (reason) {
    case 'slow-start':
      return 'slow-start';
    case 'congestion-avoidance':
      return 'congestion-avoidance';
    case 'fast-retransmit':
    case 'fast-recovery':
      return 'fast-recovery';
    case 'timeout':
      return 'timeout';
    default:
      return cwnd < ssthresh ? 'slow-start' : 'congestion-avoidance';
  }
}

export class FlowHistory {
  readonly id: string;
  readonly cwnd: CwndPoint[] = [];
  readonly sends: SegmentPoint[] = [];
  readonly acks: AckPoint[] = [];
  phase: Phase | null = null;
  clientState = 'CLOSED';
  serverState = 'LISTEN';
  /** Handshake and teardown steps seen, with the time of each. */
  readonly steps = new Map<HandshakeStep, number>();
  private clientIss: number | null = null;
  /** Offset of the client's FIN in its byte stream, once it is sent (its ACK acknowledges one more). */
  private finRel: number | null = null;
  /** Highest byte offset acknowledged by the receiver (the sender's "last byte acked" + 1). */
  una = 0;
  /** Highest byte offset sent + 1 ("last byte sent" + 1). */
  nxt = 0;
  /** Latest congestion window and slow-start threshold, bytes. */
  cwndBytes = 0;
  ssthreshBytes = 0;
  /** Latest window the receiver advertised, bytes. */
  rwnd: number | null = null;
  /** Bytes the receiving application has read. */
  delivered = 0;
  retransmits = 0;
  timeouts = 0;
  fastRetransmits = 0;
  drops = 0;
  probes = 0;
  zeroWindows = 0;
  segmentsSent = 0;
  datagramsDelivered = 0;
  /** Exchanges of an application that asks and waits (DNS lookups, HTTP requests): answered, and ended without an answer. */
  answered = 0;
  unanswered = 0;
  framesPlayed = 0;
  framesSkipped = 0;
  framesLate = 0;
  srttMs: number | null = null;
  rtoMs: number | null = null;

  constructor(id: string) {
    this.id = id;
  }

  /** Offset of a client sequence number in the byte stream. */
  private rel(seq: number): number {
    if (this.clientIss === null) this.clientIss = seqAdd(seq, -1);
    return seqOffset(seq, this.clientIss);
  }

  /** Bytes sent and not yet acknowledged. */
  get inFlight(): number {
    return Math.max(0, this.nxt - this.una);
  }

  /** Bytes in the receive buffer: acknowledged (received in order) but not yet read. */
  get buffered(): number {
    return Math.max(0, this.una - this.delivered);
  }

  apply(e: WorldEvent): void {
    switch (e.type) {
      case 'send':
        this.onSend(e);
        break;
      case 'ack':
        this.onAck(e);
        break;
      case 'state':
        this.onState(e);
        break;
      case 'cwnd':
        this.onCwnd(e);
        break;
      case 'deliver':
        this.onDeliver(e);
        break;
      case 'rto':
        this.onRto(e);
        break;
      case 'window':
        this.onWindow(e);
        break;
      case 'probe':
        this.onProbe(e);
        break;
      case 'video':
        this.onVideo(e);
        break;
      case 'drop':
        this.drops++;
        break;
      case 'rtt':
        if (e.side === 'client') {
          this.srttMs = e.srttMs;
          this.rtoMs = e.rtoMs;
        }
        break;
      default:
        break;
    }
  }

  private onSend(e: SendEvent): void {
    if (e.flags === 'UDP') {
      this.segmentsSent++;
      return;
    }
    const syn = e.flags.includes('SYN');
    const fin = e.flags.includes('FIN');
    if (e.side === 'client') {
      if (syn) {
        this.clientIss = e.seq;
        // Each step keeps its first moment: a resent SYN or SYN-ACK must not move it after the next step.
        if (!this.steps.has('syn')) this.steps.set('syn', e.t);
      }
      if (fin && !this.steps.has('fin-client')) this.steps.set('fin-client', e.t);
      if (fin && this.finRel === null && (e.rel !== undefined || this.clientIss !== null)) this.finRel = (e.rel ?? this.rel(e.seq)) + e.len;
      if (e.len > 0) {
        const rel = e.rel ?? this.rel(e.seq);
        push(this.sends, { t: e.t, rel, len: e.len, retransmit: e.retransmit });
        if (rel + e.len > this.nxt) this.nxt = rel + e.len;
        this.segmentsSent++;
      }
    } else {
      if (syn && !this.steps.has('syn-ack')) this.steps.set('syn-ack', e.t);
      if (fin && !this.steps.has('fin-server')) this.steps.set('fin-server', e.t);
    }
    if (e.retransmit) this.retransmits++;
  }

  private onAck(e: AckEvent): void {
    if (e.side !== 'server') {
      // The client's ACK of the server's SYN-ACK completes the handshake; of its FIN, the teardown.
      if (this.steps.has('syn-ack') && !this.steps.has('ack')) this.steps.set('ack', e.t);
      if (this.steps.has('fin-server') && !this.steps.has('ack-client')) this.steps.set('ack-client', e.t);
      return;
    }
    if (e.rel === undefined && this.clientIss === null) return;
    // Counted here, the ACK of the FIN (one more than the data sent) is kept at the data's end.
    const acked = e.rel ?? this.rel(e.ack);
    const rel = e.rel ?? Math.min(acked, this.nxt);
    if (rel > this.una) this.una = rel;
    this.rwnd = e.window;
    push(this.acks, { t: e.t, rel, window: e.window });
    // Step 5 is the ACK of the FIN itself, not an ACK of data that was on its way back meanwhile.
    if (this.finRel !== null && acked > this.finRel && !this.steps.has('ack-server')) this.steps.set('ack-server', e.t);
  }

  private onState(e: StateEvent): void {
    if (e.side === 'client') this.clientState = e.to;
    else this.serverState = e.to;
    // Each step of the handshake and the teardown is also a state change at one end; a source that
    // reports only states (a room's event log) still fills the steps in.
    const step = STEP_OF_STATE[`${e.side}:${e.to}`];
    if (step !== undefined && !this.steps.has(step)) this.steps.set(step, e.t);
    // A receiver in CLOSE_WAIT has the FIN: sent by then, if no send event told it.
    if (step === 'ack-server' && !this.steps.has('fin-client')) this.steps.set('fin-client', e.t);
  }

  private onCwnd(e: CwndEvent): void {
    const phase = phaseOf(e.reason, e.cwnd, e.ssthresh);
    if (e.reason === 'fast-retransmit') this.fastRetransmits++;
    if (e.reason === 'timeout') this.timeouts++;
    this.phase = phase;
    this.cwndBytes = e.cwnd;
    this.ssthreshBytes = e.ssthresh;
    push(this.cwnd, { t: e.t, cwnd: e.cwnd, ssthresh: e.ssthresh, phase });
  }

  private onDeliver(e: DeliverEvent): void {
    this.delivered = e.total;
    this.datagramsDelivered++;
  }

  private onRto(e: RtoEvent): void {
    // cwnd events count timeouts for TCP congestion control; the teaching ARQ modes report only rto.
    if (this.cwnd.length === 0) this.timeouts++;
    this.rtoMs = e.rtoMs;
  }

  private onWindow(e: WindowEvent): void {
    if (e.event === 'zero') this.zeroWindows++;
    this.rwnd = e.rwnd;
  }

  private onProbe(_e: ProbeEvent): void {
    this.probes++;
  }

  private onVideo(e: VideoEvent): void {
    if (e.status === 'played') this.framesPlayed++;
    else if (e.status === 'skipped') this.framesSkipped++;
    else this.framesLate++;
  }
}

/** The sliding window over the byte stream at this moment (seed: send buffer split into parts). */
export interface WindowView {
  /** Bytes acknowledged. */
  acked: number;
  /** Sent, not yet acknowledged. */
  inFlight: number;
  /** May be sent now: the window minus what is in flight. */
  usable: number;
  /** The window itself: min(cwnd, rwnd) for TCP. */
  window: number;
}

export function windowView(h: FlowHistory, fixedWindowBytes: number | null = null): WindowView {
  const inFlight = h.inFlight;
  const limits: number[] = [];
  if (fixedWindowBytes !== null) limits.push(fixedWindowBytes);
  else if (h.cwndBytes > 0) limits.push(h.cwndBytes);
  if (h.rwnd !== null) limits.push(h.rwnd);
  const window = limits.length === 0 ? 0 : Math.min(...limits);
  return { acked: h.una, inFlight, usable: Math.max(0, window - inFlight), window };
}
