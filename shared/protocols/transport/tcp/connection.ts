// One TCP connection: the transmission control block and its state machine (RFC 9293 §3.3.2 and the
// event processing of §3.10), with RFC 6298 retransmission timing, RFC 5681/6582 congestion control,
// RFC 7323 window scaling, RFC 2018 SACK (Selective Repeat mode), flow control with zero-window
// probing (RFC 9293 §3.8.6.1) and the seed's teaching ARQ modes (arq.ts).
//
// Sequence numbers on the wire are 32-bit and wrap; inside, both directions count stream offsets:
// offset 0 is the first data byte (ISS + 1), the SYN sits at offset −1 and the FIN right after the
// last data byte. Offsets never wrap, so comparisons are plain, and the wire conversion is one place.

import type { Simulator } from '../../sim/simulator.ts';
import { Timer } from '../../sim/timer.ts';
import type { CwndReason } from '../../sim/trace.ts';
import { nsToMs } from '../../sim/time.ts';
import type { PayloadSource } from '../../net/payload.ts';
import type { Packet } from '../../net/packet.ts';
import * as arq from './arq.ts';
import type { ArqMode } from './arq.ts';
import * as congestion from './congestion/index.ts';
import type { CongestionAlgorithm, CongestionControl } from './congestion/index.ts';
import * as header from './header.ts';
import type { TcpHeader, TcpOptions } from './header.ts';
import { ReceiveBuffer } from './receive-buffer.ts';
import { RtoEstimator } from './rto.ts';
import { Scoreboard } from './scoreboard.ts';
import type { SendBuffer } from './send-buffer.ts';
import * as seq from './seq.ts';
import * as state from './state.ts';

// Local copies of imported values the per-packet path uses (docs/performance.md: imported values).
const { receiverKeepsOutOfOrder, usesCongestionControl, windowSegmentsFor } = arq;
const { AckAction, createCongestionControl } = congestion;
type AckAction = congestion.AckAction;
const { ACK, FIN, RST, SYN, PSH, TCP_MAX_SACK_BLOCKS, flagsToString } = header;
const { SEQ_MODULO, seqDiff } = seq;
const { TcpState, canReceiveData, canSendData } = state;
type TcpState = state.TcpState;

export interface TcpConfig {
  mssBytes: number;
  cc: CongestionAlgorithm;
  arq: ArqMode;
  /** Window of the go-back-n and selective-repeat teaching modes, in segments. */
  windowSegments: number;
  initialCwndSegments: number;
  /** null: as large as the peer's largest possible advertised window (RFC 5681 §3.1). */
  initialSsthreshBytes: number | null;
  rcvBufBytes: number;
  sndBufBytes: number;
  initialRtoNs: number;
  minRtoNs: number;
  maxRtoNs: number;
  mslNs: number;
  /**
   * Delayed ACKs (RFC 9293 §3.8.6.3, RFC 5681 §4.2): the longest the ACK of in-order data may wait,
   * or null to acknowledge every segment with data at once.
   */
  delayedAckNs: number | null;
  synRetries: number;
  /** Give up (reset) after this many consecutive timeouts of the same data. */
  maxRetransmits: number;
  /** Fixed initial sequence number (tests, teaching); null draws it from the seeded PRNG. */
  iss: number | null;
}

export type TcpSide = 'client' | 'server';

export interface TcpHostPort {
  /** Id of the node the connection lives on (a host, or a tap impersonating one): its trace events name it. */
  readonly nodeId: string;
  /** Encapsulate a segment in IP and send it (payload as real bytes, or from `source` at `sourceOffset`). */
  transmit(
    conn: TcpConnection,
    header: TcpHeader,
    payloadLength: number,
    bytes: Uint8Array | null,
    source: PayloadSource | null,
    sourceOffset: number,
    retransmit: boolean,
    dataSegmentIndex: number,
  ): void;
  /** The connection reached CLOSED and can leave the host's connection table. */
  closed(conn: TcpConnection): void;
}

/** What the application above the connection is told. */
export interface TcpAppCallbacks {
  established?(conn: TcpConnection): void;
  /** In-order bytes became readable. */
  readable?(conn: TcpConnection): void;
  /** The peer sent FIN and every byte before it is readable. */
  eof?(conn: TcpConnection): void;
  /** Acknowledgments freed send-buffer space. */
  writable?(conn: TcpConnection): void;
  /** The connection is gone; `error` says why if it did not close normally. */
  closed?(conn: TcpConnection, error: string | null): void;
}

export interface TcpStats {
  /** Segments carrying data, retransmissions included. */
  sentSegments: number;
  /** Retransmitted segments of any kind (data, SYN, FIN). */
  retransmits: number;
  timeouts: number;
  fastRetransmits: number;
  dupAcks: number;
  probes: number;
  bytesAcked: number;
  deliveredBytes: number;
  firstDeliveryNs: number;
  lastDeliveryNs: number;
}

const MAX_WINDOW_SCALE = 14;
const MAX_WINDOW_FIELD = 0xffff;
/** RFC 7323 §2.3: a SYN's window is never scaled. */
function windowScaleFor(bufferBytes: number): number {
  let s = 0;
  while (s < MAX_WINDOW_SCALE && bufferBytes >> s > MAX_WINDOW_FIELD) s++;
  return s;
}

export class TcpConnection {
  readonly sim: Simulator;
  readonly host: TcpHostPort;
  readonly cfg: TcpConfig;
  readonly flowId: string | null;
  readonly side: TcpSide;
  /** The node it lives on (TcpHostPort.nodeId). */
  readonly nodeId: string;
  readonly localIp: number;
  readonly localPort: number;
  readonly remoteIp: number;
  readonly remotePort: number;
  app: TcpAppCallbacks = {};
  /** The application protocol its segments carry ('dns', 'http', ...), copied onto each packet so a client can draw it; null for plain TCP. */
  appKind: string | null = null;

  state: TcpState = TcpState.CLOSED;
  readonly iss: number;
  irs = 0;

  // Send sequence space as offsets (RFC 9293 §3.3.1 SND.UNA, SND.NXT; sndMax is the highest sent).
  sndUna = -1;
  sndNxt = -1;
  sndMax = -1;
  /** Send window from the peer's last window update, in bytes (SND.WND). */
  sndWnd = 0;
  private sndWl1 = 0; // peer offset of the segment that last updated the window (SND.WL1)
  private sndWl2 = -1; // our offset that segment acknowledged (SND.WL2)
  maxSndWnd = 0;
  readonly sendBuffer: SendBuffer;
  private closeRequested = false;
  /** Offset of our FIN once we decided to send it, else −1. */
  finOff = -1;

  readonly rcv: ReceiveBuffer;
  private peerFinOff = -1;
  private finReceived = false;
  private readonly rcvWscale: number;
  private sndWscale = 0;
  /** Set when the peer's SYN had no window scale option: then neither side scales (RFC 7323 §2.2). */
  private ownScaleDisabled = false;
  private sackEnabled = false;
  mss: number;

  readonly rto: RtoEstimator;
  readonly cc: CongestionControl;
  private readonly scoreboard: Scoreboard | null;
  // The ARQ mode's two questions, answered once: they are asked for every segment.
  /** Normal TCP: congestion control governs the window (arq.ts). */
  private readonly congestionControlled: boolean;
  /** The receiver holds out-of-order segments (all but Go-Back-N). */
  private readonly keepsOutOfOrder: boolean;
  private readonly rtxTimer: Timer;
  private readonly persistTimer: Timer;
  private readonly timeWaitTimer: Timer;
  /** Armed while the ACK of in-order data is held back (delayed ACKs): the next segment with data is acknowledged at once. */
  private readonly delayedAckTimer: Timer;
  /** The receive buffer held a gap when the segment being processed arrived (its ACK is not delayed). */
  private gapAtArrival = false;
  private synRetransmits = 0;
  private consecutiveTimeouts = 0;
  private persistBackoffs = 0;
  private probeEnd = -1;
  dupAcks = 0;
  private rttTiming = false;
  private rttEndOff = 0;
  private rttStartNs = 0;
  private firstDataSegmentCount = 0;
  /** Right edge of the receive window we have offered (RCV.NXT + RCV.WND), as a data offset. */
  private rcvRightEdge = 0;
  private processingInput = false;
  /** The segment being processed passed ACK processing: send what the windows allow once it is all taken in. */
  private outputDeferred = false;
  /** The segment being processed brought data to acknowledge, and no segment has carried the ACK yet. */
  private ackOwed = false;
  private windowWasZero = false;
  readonly stats: TcpStats = {
    sentSegments: 0,
    retransmits: 0,
    timeouts: 0,
    fastRetransmits: 0,
    dupAcks: 0,
    probes: 0,
    bytesAcked: 0,
    deliveredBytes: 0,
    firstDeliveryNs: -1,
    lastDeliveryNs: -1,
  };
  error: string | null = null;

  constructor(opts: {
    sim: Simulator;
    host: TcpHostPort;
    cfg: TcpConfig;
    flowId: string | null;
    side: TcpSide;
    localIp: number;
    localPort: number;
    remoteIp: number;
    remotePort: number;
    sendBuffer: SendBuffer;
  }) {
    this.sim = opts.sim;
    this.host = opts.host;
    this.cfg = opts.cfg;
    this.flowId = opts.flowId;
    this.side = opts.side;
    this.nodeId = opts.host.nodeId;
    this.localIp = opts.localIp;
    this.localPort = opts.localPort;
    this.remoteIp = opts.remoteIp;
    this.remotePort = opts.remotePort;
    this.sendBuffer = opts.sendBuffer;
    this.iss = opts.cfg.iss ?? opts.sim.prng.nextU32();
    this.mss = opts.cfg.mssBytes;
    this.rcv = new ReceiveBuffer(opts.cfg.rcvBufBytes);
    this.rcvWscale = windowScaleFor(opts.cfg.rcvBufBytes);
    this.rto = new RtoEstimator({
      initialRtoNs: opts.cfg.initialRtoNs,
      minRtoNs: opts.cfg.minRtoNs,
      maxRtoNs: opts.cfg.maxRtoNs,
      granularityNs: 1_000_000,
    });
    this.cc = createCongestionControl(opts.cfg.cc, opts.cfg.mssBytes, opts.cfg.initialCwndSegments, 0x7fffffff);
    this.cc.onChange((reason) => this.traceCwnd(reason));
    this.scoreboard = opts.cfg.arq === 'selective-repeat' ? new Scoreboard(opts.cfg.windowSegments + 1) : null;
    this.congestionControlled = usesCongestionControl(opts.cfg.arq);
    this.keepsOutOfOrder = receiverKeepsOutOfOrder(opts.cfg.arq);
    this.rtxTimer = new Timer(opts.sim, () => this.onRetransmitTimeout());
    this.persistTimer = new Timer(opts.sim, () => this.onPersistTimeout());
    this.timeWaitTimer = new Timer(opts.sim, () => this.enterClosed(null));
    this.delayedAckTimer = new Timer(opts.sim, () => this.sendAck());
  }

  // ---------------------------------------------------------------- wire conversion

  private seqOf(off: number): number {
    return (this.iss + 1 + off) >>> 0; // mod 2^32: exact for any integer offset below 2^53
  }

  private rcvNxtOff(): number {
    return this.rcv.nextOff + (this.finReceived ? 1 : 0);
  }

  private ackSeq(): number {
    return (this.irs + 1 + this.rcvNxtOff()) >>> 0;
  }

  /** A peer sequence number as our receive offset (relative to the current RCV.NXT). */
  private peerOff(seq: number): number {
    const nxt = this.rcvNxtOff();
    return nxt + seqDiff(seq, (this.irs + 1 + nxt) >>> 0);
  }

  /** An acknowledgment number as our send offset (relative to SND.UNA). */
  private ackOff(ack: number): number {
    return this.sndUna + seqDiff(ack, this.seqOf(this.sndUna));
  }

  get flightBytes(): number {
    return this.sndNxt - this.sndUna;
  }

  /** The window the sender may fill: congestion and flow control, or the teaching mode's fixed window. */
  get sendWindowBytes(): number {
    if (this.congestionControlled) return Math.min(this.cc.cwnd, this.sndWnd);
    return Math.min(windowSegmentsFor(this.cfg.arq, this.cfg.windowSegments) * this.mss, this.sndWnd);
  }

  /** RCV.WND: the window offered to the peer. Its right edge never moves left. */
  get receiveWindowBytes(): number {
    return Math.max(0, this.rcvRightEdge - this.rcv.nextOff);
  }

  private get swsThresholdBytes(): number {
    return Math.min(this.cfg.rcvBufBytes / 2, this.mss);
  }

  /**
   * The window to offer now. Receiver-side silly window avoidance (RFC 9293 §3.8.6.2.2): the right
   * edge moves only when it can move by at least min(buffer/2, MSS); until then the offered window
   * shrinks as data arrives, down to zero, instead of advertising a few bytes at a time.
   */
  private windowToOffer(shift: number): number {
    const free = this.rcv.windowBytes;
    if (free - this.receiveWindowBytes >= this.swsThresholdBytes) {
      this.rcvRightEdge = this.rcv.nextOff + ((free >> shift) << shift);
    }
    return this.receiveWindowBytes;
  }

  // ---------------------------------------------------------------- tracing

  private setState(next: TcpState): void {
    const from = this.state;
    if (from === next) return;
    this.state = next;
    if (this.sim.trace.enabled('state')) {
      this.sim.trace.emit({ type: 'state', t: this.sim.nowMs, flow: this.flowId, side: this.side, node: this.nodeId, from, to: next });
    }
  }

  /** Only a side that sends data has a congestion window worth drawing; it appears with its first segment. */
  private traceCwnd(reason: CwndReason): void {
    if (this.firstDataSegmentCount > 0 && this.sim.trace.enabled('cwnd') && this.congestionControlled) {
      this.sim.trace.emit({
        type: 'cwnd',
        t: this.sim.nowMs,
        flow: this.flowId,
        side: this.side,
        node: this.nodeId,
        cwnd: this.cc.cwnd,
        ssthresh: this.cc.ssthresh,
        reason,
      });
    }
  }

  // ---------------------------------------------------------------- user calls (RFC 9293 §3.10.1-4)

  /** Active OPEN: send SYN and enter SYN_SENT. */
  connect(): void {
    if (this.state !== TcpState.CLOSED) throw new Error(`connect() in ${this.state}`);
    this.setState(TcpState.SYN_SENT);
    this.sendSyn(false);
  }

  /** Passive side: a SYN reached a listener; answer with SYN-ACK and enter SYN_RECEIVED. */
  acceptSyn(seg: Packet): void {
    const h = seg.tcp!;
    this.irs = h.seq;
    this.readSynOptions(h.options);
    this.sndWnd = h.window; // never scaled in a SYN
    this.sndWl1 = -1;
    this.setState(TcpState.LISTEN);
    this.setState(TcpState.SYN_RECEIVED);
    this.sendSyn(true);
  }

  /** The application will send nothing more: FIN follows the data already written. */
  close(): void {
    if (this.closeRequested) return;
    this.closeRequested = true;
    if (this.state === TcpState.SYN_SENT) {
      this.enterClosed(null);
      return;
    }
    this.output();
  }

  /** ABORT: send RST and drop the connection (RFC 9293 §3.10.5). */
  abort(reason: string): void {
    if (this.state === TcpState.CLOSED) return;
    if (this.state !== TcpState.SYN_SENT && this.state !== TcpState.LISTEN) {
      this.emitSegment(RST, this.sndNxt, 0, false, 0);
    }
    this.enterClosed(reason);
  }

  /** Read up to maxBytes of in-order data; `consume` receives the bytes if the reader needs them. */
  read(maxBytes: number, consume?: (bytes: Uint8Array) => void): number {
    const n = this.rcv.read(maxBytes, consume);
    if (n > 0) {
      const st = this.stats;
      st.deliveredBytes += n;
      if (st.firstDeliveryNs < 0) st.firstDeliveryNs = this.sim.nowNs;
      st.lastDeliveryNs = this.sim.nowNs;
      if (this.sim.trace.enabled('deliver')) {
        this.sim.trace.emit({ type: 'deliver', t: this.sim.nowMs, flow: this.flowId, side: this.side, node: this.nodeId, bytes: n, total: st.deliveredBytes });
      }
      this.maybeSendWindowUpdate();
    }
    return n;
  }

  get readableBytes(): number {
    return this.rcv.unreadBytes;
  }

  /** The application wrote more into a byte send buffer: try to send it. */
  flush(): void {
    this.output();
  }

  // ---------------------------------------------------------------- segment arrival (RFC 9293 §3.10.7)

  segmentArrives(seg: Packet): void {
    // While a segment is processed, the ACK it provokes carries any window the application reopens.
    this.processingInput = true;
    try {
      if (this.state === TcpState.SYN_SENT) this.synSentArrival(seg);
      else if (this.state !== TcpState.CLOSED) this.synchronizedArrival(seg);
      // Only now, with both its ACK and its data taken in, does the segment's answer go out, so data
      // sent in answer carries the acknowledgment of the data that came in ("piggybacked", §3.10.7.4
      // step seven, as BSD and Linux do it) and a pure ACK goes only when nothing else carried it.
      if (this.outputDeferred) this.output();
      if (this.ackOwed && this.state !== TcpState.CLOSED) this.acknowledgeData();
    } finally {
      this.processingInput = false;
      this.outputDeferred = false;
      this.ackOwed = false;
    }
  }

  private synSentArrival(seg: Packet): void {
    const h = seg.tcp!;
    const ackAcceptable = (h.flags & ACK) !== 0 && h.ack === this.seqOf(0);
    if ((h.flags & ACK) !== 0 && !ackAcceptable) {
      if ((h.flags & RST) === 0) this.sendReset(h.ack);
      return;
    }
    if ((h.flags & RST) !== 0) {
      if (ackAcceptable) this.enterClosed('connection refused');
      return;
    }
    if ((h.flags & SYN) === 0) return;
    this.irs = h.seq;
    this.readSynOptions(h.options);
    if (ackAcceptable) {
      this.sndUna = 0;
      this.rtxTimer.cancel();
      this.sampleHandshakeRtt();
      this.sndWnd = h.window; // unscaled in SYN (RFC 7323 §2.2)
      this.sndWl1 = -1;
      this.sndWl2 = 0;
      this.maxSndWnd = this.sndWnd;
      // The third segment of the handshake goes out before any data the application then writes.
      this.sendAck();
      this.establish();
      this.output();
    } else {
      // Simultaneous open: SYN without ACK.
      this.sndWnd = h.window;
      this.setState(TcpState.SYN_RECEIVED);
      this.emitSegment(SYN | ACK, -1, 0, true, 0);
    }
  }

  private synchronizedArrival(seg: Packet): void {
    const h = seg.tcp!;
    const flags = h.flags;
    const segOff = this.peerOff(h.seq);
    const segLen = seg.payloadLength + (flags & SYN ? 1 : 0) + (flags & FIN ? 1 : 0);
    const rcvNxt = this.rcvNxtOff();
    const rcvWnd = this.receiveWindowBytes;

    // First: sequence number acceptability (§3.10.7.4, the four cases).
    let acceptable: boolean;
    if (segLen === 0) {
      acceptable = rcvWnd === 0 ? segOff === rcvNxt : segOff >= rcvNxt && segOff < rcvNxt + rcvWnd;
    } else if (rcvWnd === 0) {
      acceptable = false;
    } else {
      const last = segOff + segLen - 1;
      acceptable = (segOff >= rcvNxt && segOff < rcvNxt + rcvWnd) || (last >= rcvNxt && last < rcvNxt + rcvWnd);
    }
    if (!acceptable) {
      if (this.state === TcpState.TIME_WAIT && flags & FIN) this.timeWaitTimer.setIn(2 * this.cfg.mslNs);
      // Includes a SYN-ACK retransmitted because our handshake ACK was lost: it is acknowledged again.
      if ((flags & RST) === 0) this.sendAck();
      return;
    }

    // Second: RST (with RFC 5961 §3.2 blind-reset protection: only an exact match resets). In
    // TIME_WAIT an RST is ignored (RFC 1337, as FreeBSD does), so a peer that already forgot the
    // connection cannot cut the 2·MSL wait short ("TIME-WAIT assassination").
    if (flags & RST && this.state === TcpState.TIME_WAIT) return;
    if (flags & RST) {
      if (segOff !== rcvNxt) {
        this.sendAck(); // challenge ACK
        return;
      }
      this.enterClosed(this.state === TcpState.SYN_RECEIVED && this.side === 'server' ? 'reset during handshake' : 'connection reset');
      return;
    }

    // Fourth: SYN in a synchronized state gets a challenge ACK (RFC 5961 §4).
    if (flags & SYN) {
      this.sendAck();
      return;
    }

    // Fifth: the ACK field.
    if ((flags & ACK) === 0) return;
    if (this.state === TcpState.SYN_RECEIVED) {
      const off = this.ackOff(h.ack);
      if (off >= 0 && off <= this.sndMax) {
        this.sndUna = 0;
        this.rtxTimer.cancel();
        this.sampleHandshakeRtt();
        this.sndWnd = h.window << this.sndWscale;
        this.sndWl1 = segOff;
        this.sndWl2 = off;
        this.maxSndWnd = this.sndWnd;
        this.establish();
      } else {
        this.sendReset(h.ack);
        return;
      }
    }
    if (!this.processAck(seg, segOff)) return;

    // Seventh: segment text.
    if (seg.payloadLength > 0 && canReceiveData(this.state)) {
      this.receiveText(seg, segOff);
    } else if (seg.payloadLength > 0) {
      // Data after the peer's FIN cannot be accepted; acknowledge what we have.
      this.sendAck();
    }

    // Eighth: FIN.
    if (flags & FIN) {
      const finOff = segOff + seg.payloadLength;
      if (this.peerFinOff < 0) this.peerFinOff = finOff;
      if (this.finReceived) {
        // A retransmitted FIN: acknowledge again; in TIME_WAIT restart the 2·MSL wait.
        this.sendAck();
        if (this.state === TcpState.TIME_WAIT) this.timeWaitTimer.setIn(2 * this.cfg.mslNs);
        return;
      }
      if (this.rcv.nextOff === this.peerFinOff) this.receiveFin();
      else if (seg.payloadLength === 0) this.sendAck();
    }
  }

  /**
   * The ACK of in-order data, once no segment has carried it. With delayed ACKs (RFC 5681 §4.2) it
   * waits for a second segment with data, or `delayedAckNs`, whichever comes first; the ACK of data
   * that arrived while the receive buffer held a gap goes at once (`gapAtArrival`).
   */
  private acknowledgeData(): void {
    const delayNs = this.cfg.delayedAckNs;
    if (delayNs !== null && !this.delayedAckTimer.isArmed && !this.gapAtArrival) {
      this.delayedAckTimer.setIn(delayNs);
      return;
    }
    this.sendAck();
  }

  /** Step five of §3.10.7.4 for synchronized states. Returns false if the segment must be dropped. */
  private processAck(seg: Packet, segOff: number): boolean {
    const h = seg.tcp!;
    const ackOff = this.ackOff(h.ack);
    const highestAckable = Math.max(this.sndMax, this.probeEnd);
    if (ackOff > highestAckable) {
      // It acknowledges something not yet sent.
      this.sendAck();
      return false;
    }
    const st = this.state;
    if (st === TcpState.TIME_WAIT) return true;

    const windowField = h.window << this.sndWscale;
    if (ackOff > this.sndUna) {
      this.newAck(ackOff);
    } else if (
      ackOff === this.sndUna &&
      seg.payloadLength === 0 &&
      (h.flags & (SYN | FIN)) === 0 &&
      windowField === this.sndWnd &&
      this.rtxTimer.isArmed &&
      this.flightBytes > 0
    ) {
      this.dupAck();
    } else if (ackOff === this.sndUna) {
      this.dupAcks = 0;
    }
    if (this.scoreboard !== null && h.options?.sack !== undefined) {
      for (const [left, right] of h.options.sack) this.scoreboard.sack(this.ackOff(left), this.ackOff(right));
    }

    // Window update (SND.WL1/WL2 rule): only from a segment at least as recent as the last one.
    if (this.sndWl1 < segOff || (this.sndWl1 === segOff && this.sndWl2 <= ackOff)) {
      const before = this.sndWnd;
      this.sndWnd = windowField;
      this.sndWl1 = segOff;
      this.sndWl2 = ackOff;
      if (this.sndWnd > this.maxSndWnd) this.maxSndWnd = this.sndWnd;
      if (before === 0 && this.sndWnd > 0) {
        this.persistTimer.cancel();
        this.persistBackoffs = 0;
      }
    }

    // Our FIN acknowledged?
    const finAcked = this.finOff >= 0 && this.sndUna > this.finOff;
    if (st === TcpState.FIN_WAIT_1 && finAcked) this.setState(TcpState.FIN_WAIT_2);
    else if (st === TcpState.CLOSING && finAcked) this.enterTimeWait();
    else if (st === TcpState.LAST_ACK && finAcked) {
      this.enterClosed(null);
      return false;
    }
    this.outputDeferred = true;
    return true;
  }

  private newAck(ackOff: number): void {
    const acked = ackOff - this.sndUna;
    // RTT sample (RFC 6298 §3, Karn: never from a retransmitted segment; timing stops on retransmit).
    if (this.rttTiming && ackOff >= this.rttEndOff) {
      this.rttTiming = false;
      this.sampleRtt(this.sim.nowNs - this.rttStartNs);
    }
    this.sndUna = ackOff;
    if (this.sndNxt < this.sndUna) this.sndNxt = this.sndUna;
    if (this.sndMax < this.sndUna) this.sndMax = this.sndUna;
    this.consecutiveTimeouts = 0;
    const dataLimit = this.finOff >= 0 ? this.finOff : Infinity;
    // Bytes of data: a FIN takes a sequence number but carries none, and grows no window (RFC 5681 §3.1 counts bytes).
    const ackedData = Math.max(0, Math.min(ackOff, dataLimit) - Math.max(ackOff - acked, 0));
    this.stats.bytesAcked += ackedData;
    this.dupAcks = 0;
    this.sendBuffer.release(Math.max(0, Math.min(ackOff, this.sendBuffer.endOff)));
    this.scoreboard?.acked(ackOff);

    let action: AckAction = AckAction.NONE;
    if (this.congestionControlled) {
      action = this.cc.onNewAck(ackedData, ackOff, this.sndMax - ackOff);
    }
    // RFC 6298 §5.2/5.3: stop the timer when everything is acknowledged, else restart it.
    if (this.sndUna >= this.sndMax) {
      this.rtxTimer.cancel();
    } else if (this.scoreboard !== null) {
      this.armSelectiveTimer();
    } else if (action !== AckAction.RETRANSMIT) {
      // NewReno's later partial ACKs leave the timer alone (RFC 6582 §3.2 step 5, "impatient").
      this.rtxTimer.setIn(this.rto.rtoNs);
    }
    if (action !== AckAction.NONE) this.retransmitFirst();
    this.app.writable?.(this);
  }

  private dupAck(): void {
    this.dupAcks++;
    this.stats.dupAcks++;
    if (!this.congestionControlled) return;
    const action = this.cc.onDupAck(this.dupAcks, this.flightBytes, this.sndUna, this.sndMax);
    if (action !== AckAction.NONE) {
      this.stats.fastRetransmits++;
      this.retransmitFirst();
    }
  }

  private receiveText(seg: Packet, segOff: number): void {
    const start = segOff;
    const end = segOff + seg.payloadLength;
    // Data that fills a gap, or arrives beside one, is acknowledged at once even with delayed ACKs.
    this.gapAtArrival = this.rcv.hasOutOfOrder;
    const inOrderBytes = this.rcv.accept(
      start,
      end,
      seg.payloadBytesIfReal,
      seg.payloadSourceRef,
      seg.payloadSourceOffset,
      this.keepsOutOfOrder,
    );
    if (inOrderBytes > 0) {
      // Owed from now on: whatever the application sends while it reads carries the ACK; otherwise
      // it goes once the segment is processed, with the window the application's read reopened.
      this.ackOwed = true;
      this.app.readable?.(this);
      if (this.state === TcpState.CLOSED) return;
      // Data up to a FIN that arrived early may now be complete.
      if (this.peerFinOff >= 0 && !this.finReceived && this.rcv.nextOff === this.peerFinOff) this.receiveFin();
      return;
    }
    // Out of order, duplicate or beyond the window: an immediate (duplicate) ACK (RFC 5681 §4.2).
    this.sendAck();
  }

  private receiveFin(): void {
    this.finReceived = true;
    this.sendAck();
    switch (this.state) {
      case TcpState.SYN_RECEIVED:
      case TcpState.ESTABLISHED:
        this.setState(TcpState.CLOSE_WAIT);
        break;
      case TcpState.FIN_WAIT_1:
        if (this.finOff >= 0 && this.sndUna > this.finOff) this.enterTimeWait();
        else this.setState(TcpState.CLOSING);
        break;
      case TcpState.FIN_WAIT_2:
        this.enterTimeWait();
        break;
      default:
        break;
    }
    this.app.readable?.(this);
    this.app.eof?.(this);
  }

  // ---------------------------------------------------------------- state transitions

  private establish(): void {
    this.setState(TcpState.ESTABLISHED);
    if (this.synRetransmits > 0) this.rto.resetAfterSynRetransmit();
    const ssthresh = this.cfg.initialSsthreshBytes ?? MAX_WINDOW_FIELD << this.sndWscale;
    if (this.congestionControlled) {
      this.cc.ssthresh = this.cfg.cc === 'aimd' ? this.cc.cwnd : ssthresh;
    }
    this.app.established?.(this);
  }

  private enterTimeWait(): void {
    this.setState(TcpState.TIME_WAIT);
    this.rtxTimer.cancel();
    this.persistTimer.cancel();
    this.timeWaitTimer.setIn(2 * this.cfg.mslNs);
  }

  private enterClosed(error: string | null): void {
    if (this.state === TcpState.CLOSED) return;
    this.error = error;
    this.setState(TcpState.CLOSED);
    this.rtxTimer.cancel();
    this.persistTimer.cancel();
    this.timeWaitTimer.cancel();
    this.delayedAckTimer.cancel();
    this.host.closed(this);
    this.app.closed?.(this, error);
  }

  // ---------------------------------------------------------------- sending

  /** Offset just past the last data byte the application has written. */
  private dataEndOff(): number {
    return this.sendBuffer.endOff;
  }

  /** Send what the windows allow (RFC 9293 §3.8.6.2.1 sender-side silly window avoidance). */
  private output(): void {
    const st = this.state;
    if (st !== TcpState.ESTABLISHED && st !== TcpState.CLOSE_WAIT && st !== TcpState.FIN_WAIT_1 && st !== TcpState.CLOSING && st !== TcpState.LAST_ACK) {
      return;
    }
    if (this.closeRequested && this.finOff < 0 && this.sendBuffer.complete) {
      this.finOff = this.dataEndOff();
      if (st === TcpState.ESTABLISHED) this.setState(TcpState.FIN_WAIT_1);
      else if (st === TcpState.CLOSE_WAIT) this.setState(TcpState.LAST_ACK);
    }
    for (let guard = 0; guard < 100_000; guard++) {
      const available = this.dataEndOff() - this.sndNxt;
      // The windows matter only when there is data to send (a receiver's ACKs end here at once).
      const usable = available > 0 ? this.sendWindowBytes - this.flightBytes : 0;
      if (available > 0 && usable > 0) {
        const len = Math.min(this.mss, available, usable);
        // Sender-side silly window avoidance: a full segment, the last of the data, or half the
        // largest window the peer ever offered; otherwise wait (the persist timer is the override).
        const worthSending = len === this.mss || len === available || usable >= this.maxSndWnd / 2;
        if (!worthSending) break;
        this.sendData(this.sndNxt, len);
        continue;
      }
      if (this.finOff >= 0 && this.sndNxt === this.finOff && available <= 0) {
        this.sendFin();
      }
      break;
    }
    // Data waiting, nothing in flight to bring an ACK, and the window too small to use (zero, or
    // below the SWS threshold): the persist timer probes or overrides (RFC 9293 §3.8.6.1, §3.8.6.2.1).
    if (this.dataEndOff() > this.sndNxt && !this.rtxTimer.isArmed && !this.persistTimer.isArmed && canSendData(this.state)) {
      this.persistTimer.setIn(this.persistIntervalNs());
    }
  }

  private persistIntervalNs(): number {
    return Math.min(this.rto.rtoNs * 2 ** this.persistBackoffs, this.cfg.maxRtoNs);
  }

  private sendData(off: number, len: number): void {
    // Flow control (the seed's rule): LastByteSent − LastByteAcked ≤ rwnd. Zero-window probes are
    // the one sanctioned exception and do not come through here.
    if (off + len - this.sndUna > this.sndWnd) {
      throw new Error(`invariant: sending [${off}, ${off + len}) exceeds the peer's window ${this.sndWnd} from ${this.sndUna}`);
    }
    const retransmit = off < this.sndMax;
    let index = 0;
    if (!retransmit) {
      index = ++this.firstDataSegmentCount;
      if (index === 1) this.traceCwnd('init');
    }
    const end = off + len;
    this.emitSegment(ACK | (end === this.dataEndOff() ? PSH : 0), off, len, retransmit, index);
    this.sndNxt = end;
    if (end > this.sndMax) this.sndMax = end;
    this.afterSend(off, end, retransmit);
  }

  private sendFin(): void {
    const off = this.finOff;
    const retransmit = off < this.sndMax;
    this.emitSegment(FIN | ACK, off, 0, retransmit, 0);
    this.sndNxt = off + 1;
    if (this.sndNxt > this.sndMax) this.sndMax = this.sndNxt;
    this.afterSend(off, off + 1, retransmit);
  }

  private afterSend(start: number, end: number, retransmit: boolean): void {
    if (retransmit) {
      this.rttTiming = false; // Karn
    } else if (!this.rttTiming) {
      this.rttTiming = true;
      this.rttEndOff = end;
      this.rttStartNs = this.sim.nowNs;
    }
    if (this.scoreboard !== null) {
      this.scoreboard.sent(start, end, this.sim.nowNs);
      this.armSelectiveTimer();
    } else if (!this.rtxTimer.isArmed) {
      this.rtxTimer.setIn(this.rto.rtoNs); // RFC 6298 §5.1
    }
  }

  /**
   * Resend the segment at SND.UNA without moving SND.NXT (fast retransmit, partial ACK). The timer is
   * only started if it is not running (RFC 6298 §5.1); the caller restarts it where the RFCs say so.
   */
  private retransmitFirst(): void {
    const off = this.sndUna;
    if (off >= this.sndMax) return;
    if (this.finOff >= 0 && off === this.finOff) {
      this.emitSegment(FIN | ACK, off, 0, true, 0);
    } else {
      const len = Math.min(this.mss, this.dataEndOff() - off, this.sndMax - off);
      if (len <= 0) return;
      this.emitSegment(ACK, off, len, true, 0);
    }
    this.rttTiming = false;
    if (!this.rtxTimer.isArmed) this.rtxTimer.setIn(this.rto.rtoNs);
  }

  private sendSyn(withAck: boolean): void {
    this.emitSegment(withAck ? SYN | ACK : SYN, -1, 0, this.synRetransmits > 0, 0);
    if (this.sndNxt < 0) this.sndNxt = 0;
    if (this.sndMax < 0) this.sndMax = 0;
    if (this.synRetransmits === 0) {
      this.rttTiming = true;
      this.rttEndOff = 0;
      this.rttStartNs = this.sim.nowNs;
    }
    this.rtxTimer.setIn(this.rto.rtoNs);
  }

  private sampleHandshakeRtt(): void {
    if (this.rttTiming && this.synRetransmits === 0) this.sampleRtt(this.sim.nowNs - this.rttStartNs);
    this.rttTiming = false;
  }

  private sampleRtt(rttNs: number): void {
    this.rto.sample(rttNs);
    if (this.sim.trace.enabled('rtt')) {
      this.sim.trace.emit({
        type: 'rtt',
        t: this.sim.nowMs,
        flow: this.flowId,
        side: this.side,
        node: this.nodeId,
        sampleMs: nsToMs(rttNs),
        srttMs: nsToMs(this.rto.srttNs),
        rttvarMs: nsToMs(this.rto.rttvarNs),
        rtoMs: nsToMs(this.rto.rtoNs),
      });
    }
  }

  sendAck(): void {
    this.emitSegment(ACK, this.sndNxt, 0, false, 0);
  }

  private sendReset(ack: number): void {
    const header: TcpHeader = {
      srcPort: this.localPort,
      dstPort: this.remotePort,
      seq: ack,
      ack: 0,
      flags: RST,
      window: 0,
      urgentPointer: 0,
      options: null,
    };
    this.host.transmit(this, header, 0, null, null, 0, false, 0);
  }

  private synOptions(): TcpOptions {
    const o: TcpOptions = { mss: this.cfg.mssBytes, windowScale: this.rcvWscale };
    if (this.cfg.arq === 'selective-repeat') o.sackPermitted = true;
    return o;
  }

  private readSynOptions(o: TcpOptions | null): void {
    if (o?.mss !== undefined) this.mss = Math.max(1, Math.min(this.cfg.mssBytes, o.mss));
    else this.mss = Math.min(this.cfg.mssBytes, 536); // RFC 9293 §3.7.1 default send MSS
    // Window scaling only when both sides offered it (RFC 7323 §2.2); our offer is in every SYN.
    this.sndWscale = o?.windowScale !== undefined ? Math.min(o.windowScale, MAX_WINDOW_SCALE) : 0;
    this.sackEnabled = this.cfg.arq === 'selective-repeat' && o?.sackPermitted === true;
    if (o?.windowScale === undefined) this.ownScaleDisabled = true;
  }

  private advertisedWindowField(isSyn: boolean): number {
    if (isSyn) {
      const wnd = Math.min(this.rcv.windowBytes, MAX_WINDOW_FIELD);
      this.rcvRightEdge = wnd; // data offset 0 is RCV.NXT at this point
      return wnd;
    }
    const shift = this.ownScaleDisabled ? 0 : this.rcvWscale;
    return Math.min(this.windowToOffer(shift) >> shift, MAX_WINDOW_FIELD);
  }

  private emitSegment(flags: number, off: number, len: number, retransmit: boolean, dataSegmentIndex: number): void {
    const isSyn = (flags & SYN) !== 0;
    const withAck = (flags & ACK) !== 0;
    let options: TcpOptions | null = null;
    if (isSyn) options = this.synOptions();
    else if (this.sackEnabled && withAck && this.rcv.hasOutOfOrder) {
      const recvBase = this.irs + 1;
      options = {
        sack: this.rcv
          .blocks(TCP_MAX_SACK_BLOCKS)
          .map(([s, e]) => [(recvBase + s) >>> 0, (recvBase + e) >>> 0] as [number, number]),
      };
    }
    if (withAck) {
      this.ackOwed = false;
      this.delayedAckTimer.cancel();
    }
    const window = this.advertisedWindowField(isSyn);
    const header: TcpHeader = {
      srcPort: this.localPort,
      dstPort: this.remotePort,
      seq: this.seqOf(off),
      ack: withAck ? this.ackSeq() : 0,
      flags,
      window,
      urgentPointer: 0,
      options,
    };
    let bytes: Uint8Array | null = null;
    if (len > 0) bytes = this.sendBuffer.bytesAt(off, len);
    const source = len > 0 ? this.sendBuffer.source : null;
    this.host.transmit(this, header, len, bytes, source, off, retransmit, dataSegmentIndex);

    const scaledWindow = isSyn ? window : window << (this.ownScaleDisabled ? 0 : this.rcvWscale);
    this.noteAdvertisedWindow(scaledWindow);
    const carriesSequence = len > 0 || (flags & (SYN | FIN)) !== 0;
    if (carriesSequence) {
      if (len > 0) this.stats.sentSegments++;
      if (retransmit) this.stats.retransmits++;
      if (this.sim.trace.enabled('send')) {
        this.sim.trace.emit({
          type: 'send',
          t: this.sim.nowMs,
          flow: this.flowId,
          side: this.side,
          node: this.nodeId,
          seq: header.seq,
          ack: header.ack,
          len,
          flags: flagsToString(flags),
          retransmit,
        });
      }
    } else if ((flags & RST) === 0 && this.sim.trace.enabled('ack')) {
      this.sim.trace.emit({
        type: 'ack',
        t: this.sim.nowMs,
        flow: this.flowId,
        side: this.side,
        node: this.nodeId,
        seq: header.seq,
        ack: header.ack,
        window: scaledWindow,
        sack: options?.sack ?? null,
      });
    }
  }

  private noteAdvertisedWindow(windowBytes: number): void {
    const zero = windowBytes === 0;
    if (zero !== this.windowWasZero) {
      this.windowWasZero = zero;
      if (this.sim.trace.enabled('window')) {
        this.sim.trace.emit({ type: 'window', t: this.sim.nowMs, flow: this.flowId, side: this.side, node: this.nodeId, rwnd: windowBytes, event: zero ? 'zero' : 'open' });
      }
    }
  }

  /**
   * After the application read, tell the sender the window opened if it grew enough to matter
   * (receiver-side silly window avoidance, RFC 9293 §3.8.6.2.2: by min(buffer/2, MSS)).
   */
  private maybeSendWindowUpdate(): void {
    if (this.processingInput) return;
    if (this.state === TcpState.CLOSED || this.state === TcpState.TIME_WAIT || this.state === TcpState.SYN_SENT) return;
    const offered = this.receiveWindowBytes;
    // Only a sender that may be starved needs an unsolicited update; otherwise ACKs of data carry it.
    if (offered >= this.cfg.rcvBufBytes / 2) return;
    if (this.rcv.windowBytes - offered >= this.swsThresholdBytes) this.sendAck();
  }

  // ---------------------------------------------------------------- timers

  private onRetransmitTimeout(): void {
    const st = this.state;
    if (st === TcpState.SYN_SENT || st === TcpState.SYN_RECEIVED) {
      if (this.synRetransmits >= this.cfg.synRetries) {
        this.enterClosed('handshake timed out');
        return;
      }
      this.synRetransmits++;
      this.stats.timeouts++;
      this.rto.backoff();
      this.traceRto(-1);
      this.sendSyn(st === TcpState.SYN_RECEIVED);
      return;
    }
    if (this.sndUna >= this.sndMax) return;
    this.stats.timeouts++;
    this.consecutiveTimeouts++;
    if (this.consecutiveTimeouts > this.cfg.maxRetransmits) {
      this.abort('retransmission limit reached');
      return;
    }
    this.rttTiming = false; // Karn: the timed segment is being retransmitted
    if (this.congestionControlled) this.cc.onTimeout(this.flightBytes, this.sndMax);
    const expired = this.scoreboard?.expired(this.sim.nowNs, this.rto.rtoNs) ?? [];
    this.rto.backoff();
    this.traceRto(this.sndUna);
    this.dupAcks = 0;
    if (this.scoreboard !== null) {
      for (const s of expired) this.resend(s.start, s.end);
      this.armSelectiveTimer();
      return;
    }
    // TCP, stop-and-wait and go-back-n: resume sending from the oldest unacknowledged byte.
    this.sndNxt = this.sndUna;
    this.rtxTimer.setIn(this.rto.rtoNs);
    this.output();
    if (this.sndNxt === this.sndUna) {
      // Nothing could be sent (e.g. a zero window): resend the first segment anyway.
      this.retransmitFirst();
    }
  }

  private resend(start: number, end: number): void {
    if (this.finOff >= 0 && start === this.finOff) this.emitSegment(FIN | ACK, start, 0, true, 0);
    else this.emitSegment(ACK, start, end - start, true, 0);
    this.scoreboard?.sent(start, end, this.sim.nowNs);
  }

  private armSelectiveTimer(): void {
    const deadline = this.scoreboard!.nextDeadlineNs(this.rto.rtoNs);
    if (deadline === Infinity) this.rtxTimer.cancel();
    else this.rtxTimer.setAt(Math.max(deadline, this.sim.nowNs));
  }

  private traceRto(off: number): void {
    if (this.sim.trace.enabled('rto')) {
      this.sim.trace.emit({
        type: 'rto',
        t: this.sim.nowMs,
        flow: this.flowId,
        side: this.side,
        node: this.nodeId,
        seq: this.seqOf(off),
        rtoMs: nsToMs(this.rto.rtoNs),
        backoffs: this.rto.backoffs,
      });
    }
  }

  private onPersistTimeout(): void {
    if (this.dataEndOff() <= this.sndNxt || !canSendData(this.state) || this.rtxTimer.isArmed) return;
    const usable = this.sendWindowBytes - this.flightBytes;
    if (this.sndWnd > 0) {
      // The SWS override: the window is open but small, and waiting longer would stall the transfer.
      if (usable > 0) this.sendData(this.sndNxt, Math.min(this.mss, this.dataEndOff() - this.sndNxt, usable));
      this.persistBackoffs = 0;
      return;
    }
    // A one-byte probe of new data beyond the closed window; SND.NXT does not move (as BSD's persist).
    const off = this.sndNxt;
    this.emitSegment(ACK, off, 1, false, 0);
    this.probeEnd = Math.max(this.probeEnd, off + 1);
    this.stats.probes++;
    if (this.sim.trace.enabled('probe')) {
      this.sim.trace.emit({ type: 'probe', t: this.sim.nowMs, flow: this.flowId, side: this.side, node: this.nodeId, seq: this.seqOf(off) });
    }
    if (this.persistIntervalNs() < this.cfg.maxRtoNs) this.persistBackoffs++;
    this.persistTimer.setIn(this.persistIntervalNs());
  }
}
