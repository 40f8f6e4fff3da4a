// A live video stream (a video call) at `fps` frames a second and `rateBps`, over UDP or TCP, with a
// playout deadline: the receiver starts playing `playoutDelayMs` after the first frame arrives and
// must have each later frame complete by its turn. A frame complete in time is played; a frame not
// complete at its turn is skipped (a glitch); if its last piece turns up afterwards it counts as late.
// Over UDP a lost datagram means a frame that never completes (missing); over TCP nothing is missing
// but retransmissions stall the stream and frames arrive late (head-of-line blocking).
//
// UDP: each frame is split into RTP datagrams with an 8-byte frame header (frame number, piece index,
// piece count). TCP: frames are written into the byte stream as [frame number u32][length u32][data].

import type { Packet } from '../net/packet.ts';
import { msToNs } from '../sim/time.ts';
import type { TcpConnection } from '../transport/tcp/connection.ts';
import { ByteSendBuffer, PatternSendBuffer } from '../transport/tcp/send-buffer.ts';
import { PatternSource } from '../net/payload.ts';
import { hashString } from './bulk.ts';
import { goodputBps, type FlowContext, type FlowRuntime, type FlowSummary } from './flow.ts';
import { emitRtp, parseRtp, RTP_HEADER_BYTES, RtpReceiverStats } from './rtp.ts';
import { tcpConfigFor } from './tcp-config.ts';

const VIDEO_CLOCK_HZ = 90000;
const PAYLOAD_TYPE_DYNAMIC = 96;
const FRAME_HEADER_BYTES = 8;
const STREAM_FRAME_HEADER_BYTES = 8;
/** Frames tracked at once by the receiver; older ones are settled. */
const MAX_TRACKED_FRAMES = 4096;
/** How long after its turn a skipped frame can still be counted late. */
const LATE_HORIZON_MS = 10_000;

interface FrameProgress {
  pieces: number;
  received: number;
  completeNs: number;
  deadlineNs: number;
  settled: 'played' | 'skipped' | 'late' | null;
}

export class VideoFlow implements FlowRuntime {
  readonly spec: FlowContext['spec'];
  private readonly ctx: FlowContext;
  started = false;
  private stopped = false;
  private startNs = 0;
  private stopNs = -1;
  private nextFrame = 0;
  private sequence = 0;
  readonly frameBytes: number;
  private readonly frameIntervalNs: number;
  private readonly ssrc: number;
  framesSent = 0;
  framesPlayed = 0;
  framesSkipped = 0;
  framesLate = 0;
  deliveredBytes = 0;
  sentDatagrams = 0;
  private playoutBaseNs = -1;
  private firstFrameSeen = -1;
  private readonly frames = new Map<number, FrameProgress>();
  readonly rtp = new RtpReceiverStats(VIDEO_CLOCK_HZ);
  // TCP transport
  client: TcpConnection | null = null;
  server: TcpConnection | null = null;
  private sendBuffer: ByteSendBuffer | null = null;

  get clientTcp(): TcpConnection | null {
    return this.client;
  }
  private pendingWrite: Uint8Array[] = [];
  private streamBuf = new Uint8Array(0);
  private readonly frameBound: () => void;
  private readonly deadlineBound: (f: unknown) => void;

  constructor(ctx: FlowContext) {
    this.ctx = ctx;
    this.spec = ctx.spec;
    this.frameBytes = Math.max(1, Math.round(ctx.spec.rateBps / 8 / ctx.spec.fps));
    this.frameIntervalNs = Math.round(1e9 / ctx.spec.fps);
    this.ssrc = hashString(`ssrc:${ctx.spec.id}`);
    this.frameBound = () => this.sendFrame();
    this.deadlineBound = (f) => this.deadline(f as number);
    const spec = ctx.spec;
    if (spec.transport === 'udp') {
      ctx.server.udp.bind(spec.port, (p) => this.receiveDatagram(p));
    } else {
      const clientIp = ctx.client.ip;
      ctx.server.tcp.listen(spec.port, (ip, port) =>
        ip === clientIp && port === spec.clientPort && this.server === null
          ? {
              flowId: spec.id,
              config: tcpConfigFor(spec, 'server'),
              sendBuffer: () => new PatternSendBuffer(new PatternSource(0), 0, 1),
              accept: (conn) => {
                this.server = conn;
                conn.app = { readable: (c) => void c.read(Infinity, (b) => this.receiveStream(b)) };
              },
            }
          : null,
      );
    }
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    const { spec, client, server, sim } = this.ctx;
    this.startNs = sim.nowNs;
    if (spec.transport === 'udp') {
      this.sendFrame();
      return;
    }
    this.sendBuffer = new ByteSendBuffer(spec.sndBufBytes);
    const conn = client.tcp.connect({
      localPort: spec.clientPort,
      remoteIp: server.ip,
      remotePort: spec.port,
      config: tcpConfigFor(spec, 'client'),
      flowId: spec.id,
      sendBuffer: this.sendBuffer,
    });
    this.client = conn;
    conn.app = {
      established: () => this.sendFrame(),
      writable: () => this.drainPending(),
    };
    conn.connect();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.stopNs = this.ctx.sim.nowNs;
    if (this.client !== null && this.pendingWrite.length === 0) {
      this.sendBuffer?.finish();
      this.client.close();
    }
  }

  private sendFrame(): void {
    if (this.stopped) return;
    const frame = this.nextFrame++;
    this.framesSent++;
    if (this.spec.transport === 'udp') this.sendFrameDatagrams(frame);
    else this.writeFrameToStream(frame);
    this.ctx.sim.after(this.frameIntervalNs, this.frameBound);
  }

  private sendFrameDatagrams(frame: number): void {
    const { spec, client, server, sim } = this.ctx;
    const perDatagram = Math.max(1, spec.mss - RTP_HEADER_BYTES - FRAME_HEADER_BYTES);
    const pieces = Math.ceil(this.frameBytes / perDatagram);
    const timestamp = Math.floor((frame * VIDEO_CLOCK_HZ) / spec.fps) >>> 0;
    for (let i = 0; i < pieces; i++) {
      const len = Math.min(perDatagram, this.frameBytes - i * perDatagram);
      const payload = new Uint8Array(RTP_HEADER_BYTES + FRAME_HEADER_BYTES + len);
      emitRtp({ marker: i === pieces - 1, payloadType: PAYLOAD_TYPE_DYNAMIC, sequence: this.sequence & 0xffff, timestamp, ssrc: this.ssrc }, payload);
      const view = new DataView(payload.buffer);
      view.setUint32(RTP_HEADER_BYTES, frame);
      view.setUint16(RTP_HEADER_BYTES + 4, i);
      view.setUint16(RTP_HEADER_BYTES + 6, pieces);
      payload.fill(frame & 0xff, RTP_HEADER_BYTES + FRAME_HEADER_BYTES);
      client.udp.send(spec.clientPort, server.ip, spec.port, payload, spec.id);
      if (sim.trace.enabled('send')) {
        sim.trace.emit({ type: 'send', t: sim.nowMs, flow: spec.id, side: 'client', seq: this.sequence, len: payload.length, flags: 'UDP', retransmit: false, frame });
      }
      this.sequence++;
      this.sentDatagrams++;
    }
  }

  private writeFrameToStream(frame: number): void {
    const bytes = new Uint8Array(STREAM_FRAME_HEADER_BYTES + this.frameBytes);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, frame);
    view.setUint32(4, this.frameBytes);
    bytes.fill(frame & 0xff, STREAM_FRAME_HEADER_BYTES);
    this.pendingWrite.push(bytes);
    this.drainPending();
  }

  private drainPending(): void {
    const buf = this.sendBuffer;
    if (buf === null || this.client === null) return;
    while (this.pendingWrite.length > 0) {
      const head = this.pendingWrite[0]!;
      const n = buf.write(head);
      if (n === head.length) this.pendingWrite.shift();
      else {
        this.pendingWrite[0] = head.subarray(n);
        break;
      }
    }
    this.client.flush();
    if (this.stopped && this.pendingWrite.length === 0 && !buf.complete) {
      buf.finish();
      this.client.close();
    }
  }

  private receiveDatagram(p: Packet): void {
    const sim = this.ctx.sim;
    const bytes = p.payload;
    const h = parseRtp(bytes);
    if (h === null || bytes.length < RTP_HEADER_BYTES + FRAME_HEADER_BYTES || !this.rtp.record(h, sim.nowNs)) return;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const frame = view.getUint32(RTP_HEADER_BYTES);
    const pieces = view.getUint16(RTP_HEADER_BYTES + 6);
    this.deliveredBytes += bytes.length;
    if (sim.trace.enabled('deliver')) {
      sim.trace.emit({ type: 'deliver', t: sim.nowMs, flow: this.spec.id, side: 'server', bytes: bytes.length, total: this.deliveredBytes, frame });
    }
    this.framePiece(frame, pieces);
  }

  private receiveStream(chunk: Uint8Array): void {
    this.deliveredBytes += chunk.length;
    const merged = new Uint8Array(this.streamBuf.length + chunk.length);
    merged.set(this.streamBuf);
    merged.set(chunk, this.streamBuf.length);
    let at = 0;
    while (merged.length - at >= STREAM_FRAME_HEADER_BYTES) {
      const view = new DataView(merged.buffer, merged.byteOffset + at);
      const frame = view.getUint32(0);
      const len = view.getUint32(4);
      if (merged.length - at < STREAM_FRAME_HEADER_BYTES + len) break;
      at += STREAM_FRAME_HEADER_BYTES + len;
      this.framePiece(frame, 1);
    }
    this.streamBuf = merged.slice(at);
  }

  /** One piece of `frame` (of `pieces`) arrived. */
  private framePiece(frame: number, pieces: number): void {
    const sim = this.ctx.sim;
    if (this.playoutBaseNs < 0) {
      // The playout clock starts with the first frame seen, plus the jitter buffer.
      this.playoutBaseNs = sim.nowNs + msToNs(this.spec.playoutDelayMs) - frame * this.frameIntervalNs;
      this.firstFrameSeen = frame;
    }
    if (frame < this.firstFrameSeen) return; // before playback began
    let f = this.frames.get(frame);
    if (f === undefined) {
      if (this.frames.size >= MAX_TRACKED_FRAMES) this.forgetOldSkipped();
      if (this.frames.size >= MAX_TRACKED_FRAMES) return;
      const deadlineNs = this.playoutBaseNs + frame * this.frameIntervalNs;
      f = { pieces, received: 0, completeNs: -1, deadlineNs, settled: null };
      this.frames.set(frame, f);
      if (deadlineNs >= sim.nowNs) sim.at(deadlineNs, this.deadlineBound, frame);
      else this.settle(frame, f, 'skipped');
    }
    f.received++;
    if (f.received >= f.pieces && f.completeNs < 0) {
      f.completeNs = sim.nowNs;
      if (f.settled === 'skipped') this.settle(frame, f, 'late');
    }
  }

  /** Skipped frames long past their turn will not be waited for any more: they stay missing. */
  private forgetOldSkipped(): void {
    const horizonNs = this.ctx.sim.nowNs - msToNs(LATE_HORIZON_MS);
    for (const [n, f] of this.frames) if (f.settled === 'skipped' && f.deadlineNs < horizonNs) this.frames.delete(n);
  }

  private deadline(frame: number): void {
    const f = this.frames.get(frame);
    if (f === undefined || f.settled !== null) return;
    this.settle(frame, f, f.completeNs >= 0 ? 'played' : 'skipped');
  }

  private settle(frame: number, f: FrameProgress, status: 'played' | 'skipped' | 'late'): void {
    f.settled = status;
    if (status === 'played') this.framesPlayed++;
    else if (status === 'skipped') this.framesSkipped++;
    else this.framesLate++;
    if (status !== 'skipped') this.frames.delete(frame);
    const sim = this.ctx.sim;
    if (sim.trace.enabled('video')) sim.trace.emit({ type: 'video', t: sim.nowMs, flow: this.spec.id, frame, status });
  }

  summary(): FlowSummary {
    const end = this.stopNs >= 0 ? this.stopNs : this.ctx.sim.nowNs;
    const c = this.client?.stats;
    // Frames whose turn has come: played, or skipped and maybe completed late. Missing = never completed.
    const missing = this.framesSkipped - this.framesLate;
    return {
      sentSegments: c?.sentSegments ?? this.sentDatagrams,
      retransmits: c?.retransmits ?? 0,
      timeouts: c?.timeouts ?? 0,
      fastRetransmits: c?.fastRetransmits ?? 0,
      deliveredBytes: this.deliveredBytes,
      goodputBps: this.started ? goodputBps(this.deliveredBytes, this.startNs, end) : 0,
      framesSent: this.framesSent,
      framesPlayed: this.framesPlayed,
      framesLate: this.framesLate,
      framesMissing: missing,
      lostDatagrams: this.spec.transport === 'udp' ? this.rtp.lost : 0,
      ...(this.spec.transport === 'udp' ? { receivedDatagrams: this.rtp.received } : {}),
    };
  }
}
