// A constant-bit-rate stream over UDP (a voice call): every interval the sender writes one RTP
// datagram of `packetBytes`, whatever happens to the earlier ones. Nothing is acknowledged or resent;
// the receiver counts what arrived, what was lost, reordered or duplicated, and the jitter.

import type { Packet } from '../net/packet.ts';
import { goodputBps, type FlowContext, type FlowRuntime, type FlowSummary } from './flow.ts';
import { emitRtp, parseRtp, RtpReceiverStats, RTP_HEADER_BYTES } from './rtp.ts';
import { hashString } from './bulk.ts';

const AUDIO_CLOCK_HZ = 8000;
const PAYLOAD_TYPE_PCMU = 0;

export class CbrFlow implements FlowRuntime {
  readonly spec: FlowContext['spec'];
  /** A UDP stream has no TCP connection. */
  readonly clientTcp = null;
  private readonly ctx: FlowContext;
  started = false;
  private stopped = false;
  private startNs = 0;
  private stopNs = -1;
  private sequence = 0;
  sentDatagrams = 0;
  deliveredBytes = 0;
  readonly rtp = new RtpReceiverStats(AUDIO_CLOCK_HZ);
  private readonly intervalNs: number;
  private readonly ssrc: number;
  private readonly sendBound: () => void;

  constructor(ctx: FlowContext) {
    this.ctx = ctx;
    this.spec = ctx.spec;
    this.intervalNs = Math.max(1, Math.round((ctx.spec.packetBytes * 8 * 1e9) / ctx.spec.rateBps));
    this.ssrc = hashString(`ssrc:${ctx.spec.id}`);
    this.sendBound = () => this.sendNext();
    ctx.server.udp.bind(ctx.spec.port, (p) => this.receive(p));
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.startNs = this.ctx.sim.nowNs;
    this.sendNext();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.stopNs = this.ctx.sim.nowNs;
  }

  private sendNext(): void {
    if (this.stopped) return;
    const { sim, spec, client, server } = this.ctx;
    const payload = new Uint8Array(Math.max(spec.packetBytes, RTP_HEADER_BYTES));
    const elapsedNs = sim.nowNs - this.startNs;
    emitRtp(
      {
        marker: this.sequence === 0,
        payloadType: PAYLOAD_TYPE_PCMU,
        sequence: this.sequence & 0xffff,
        timestamp: Math.floor((elapsedNs / 1e9) * AUDIO_CLOCK_HZ) >>> 0,
        ssrc: this.ssrc,
      },
      payload,
    );
    // The samples themselves: a recognisable pattern of the sequence number.
    payload.fill(this.sequence & 0xff, RTP_HEADER_BYTES);
    const packet = client.udp.send(spec.clientPort, server.ip, spec.port, payload, spec.id);
    this.traceSend(packet, this.sequence);
    this.sequence++;
    this.sentDatagrams++;
    sim.after(this.intervalNs, this.sendBound);
  }

  private traceSend(p: Packet, seq: number): void {
    const sim = this.ctx.sim;
    if (sim.trace.enabled('send')) {
      sim.trace.emit({ type: 'send', t: sim.nowMs, flow: this.spec.id, side: 'client', seq, len: p.payloadLength, flags: 'UDP', retransmit: false });
    }
  }

  private receive(p: Packet): void {
    const sim = this.ctx.sim;
    const h = parseRtp(p.payload);
    if (h === null || !this.rtp.record(h, sim.nowNs)) return;
    this.deliveredBytes += p.payloadLength;
    if (sim.trace.enabled('deliver')) {
      sim.trace.emit({ type: 'deliver', t: sim.nowMs, flow: this.spec.id, side: 'server', bytes: p.payloadLength, total: this.deliveredBytes, seq: h.sequence });
    }
  }

  summary(): FlowSummary {
    const end = this.stopNs >= 0 ? this.stopNs : this.ctx.sim.nowNs;
    return {
      sentSegments: this.sentDatagrams,
      retransmits: 0,
      timeouts: 0,
      fastRetransmits: 0,
      deliveredBytes: this.deliveredBytes,
      goodputBps: this.started ? goodputBps(this.deliveredBytes, this.startNs, end) : 0,
      receivedDatagrams: this.rtp.received,
      lostDatagrams: Math.max(0, this.sentDatagrams - this.rtp.received),
      reordered: this.rtp.reordered,
      duplicates: this.rtp.duplicates,
      jitterMs: Math.round(this.rtp.jitterMs * 1000) / 1000,
    };
  }
}
