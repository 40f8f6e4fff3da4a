// A tap (seed: HTTP & HTTPS — "if someone intercepts the signal on the network, the contents are
// exposed"): a transparent bump in the wire between two nodes, working at layer 1. Every frame that
// arrives on one of its two ports leaves unchanged on the other, and the tap records it: its layers
// and a preview of its payload — an HTTP login's password as readable text, an HTTPS record as
// ciphertext. It has no address of its own, so routing sees straight through it.
//
// Two attacks a tap can mount (an on-path attacker, not just a listener):
//   tamper  flip one byte of a chosen TLS handshake message in flight (app/tls/tamper.ts); checksums
//           are computed afresh from the altered segment, as a real attacker recomputes them, so only
//           TLS itself can notice.
//   mitm    intercept TLS connections to port 443 as a transparent proxy (app/tls/mitm.ts): answer
//           the client with its own certificate and open its own TLS connection to the real server.

import { inspectPacket } from './layers.ts';
import type { Interface } from './interface.ts';
import type { Network } from './network.ts';
import { NetNode } from './node.ts';
import { Packet } from './packet.ts';
import { packetFromDatagram } from './wire.ts';
import { ipToString } from './addresses.ts';
import { flagsToString } from '../transport/tcp/header.ts';
import type { TapNodeSpec } from '../scenario.ts';
import type { TapMode, TapTamper } from '../app/tls/spec.ts';
import { tamperHandshake } from '../app/tls/tamper.ts';
import { MitmProxy } from '../app/tls/mitm.ts';
import { payloadPreview } from './payload-preview.ts';

/** Frames kept in a tap's capture for a player to browse (the oldest are forgotten first). */
export const TAP_CAPTURE_FRAMES = 1000;
export const MAX_PREVIEW_BYTES = 4096;

export interface TapRecord {
  t: number;
  packet: number;
  flow: string | null;
  /** Link the frame came in on. */
  in: string;
  summary: string;
  /** Protocol of the innermost layer the tap could name (HTTP, TLS, DNS, TCP, UDP, ...). */
  protocol: string;
  preview: string;
  previewFormat: 'text' | 'hex' | 'none';
}

export class Tap extends NetNode {
  readonly kind: string = 'tap';
  readonly layer: 1 | 2 = 1;
  readonly mode: TapMode;
  /** The handshake message this tap alters in flight, or null (a scenario's choice, or a player's command). */
  tamper: TapTamper | null;
  readonly previewBytes: number;
  readonly mitm: MitmProxy | null;
  framesSeen = 0;
  bytesSeen = 0;
  framesTampered = 0;
  /** The most recent frames, for the tapping player's view. */
  readonly capture: TapRecord[] = [];

  constructor(network: Network, spec: TapNodeSpec, index: number) {
    super(network, spec.id, index, 0);
    this.mode = spec.mode;
    this.tamper = spec.tamper ?? null;
    this.previewBytes = Math.min(spec.previewBytes, MAX_PREVIEW_BYTES);
    this.mitm = spec.mode === 'mitm' ? new MitmProxy(this, spec.certificate ?? { selfSigned: true }) : null;
  }

  receive(packet: Packet, via: Interface): void {
    let p = packet;
    if (!this.up) {
      this.network.drop(p, { node: this.id }, 'node-down');
      return;
    }
    const out = this.interfaces.find((i) => i !== via);
    if (out === undefined) {
      this.network.drop(p, { node: this.id }, 'no-route');
      return;
    }
    this.framesSeen++;
    this.bytesSeen += p.wireBytes;
    if (this.mitm !== null && this.mitm.intercepts(p, via)) {
      // The tap's own TCP endpoints check what they take, as a host's network stack does.
      const damaged = this.corruptedDatagram(p);
      if (damaged !== null) {
        const l4Valid = damaged.l4Intact && (damaged.tcp?.checksumValid ?? false);
        if (!damaged.ip.checksumValid || !l4Valid) {
          this.network.drop(p, { node: this.id }, 'checksum');
          return;
        }
        p = packetFromDatagram(p, damaged);
      }
      this.record(p, via, 'intercept');
      this.mitm.take(p, via);
      return;
    }
    if (this.tamper !== null && p.tcp !== null && p.payloadLength > 0 && p.corruptBits === null) {
      const altered = tamperHandshake(p.payload, this.tamper);
      if (altered !== null) {
        p = withPayload(p, altered);
        this.framesTampered++;
        this.record(p, via, 'tamper');
      }
    }
    if (p === packet) this.record(p, via, 'frame');
    out.tx.enqueue(p);
  }

  private record(p: Packet, via: Interface, action: 'frame' | 'tamper' | 'intercept'): void {
    const sim = this.network.sim;
    const tracing = sim.trace.enabled('tap');
    const layers = inspectPacket(p, 0).layers;
    const app = layers.length > 3 ? layers[layers.length - 1]! : null;
    const { preview, previewFormat } = payloadPreview(p.payloadLength > 0 ? p.payload : new Uint8Array(0), this.previewBytes);
    const ports = p.tcp ?? p.udp;
    const summary =
      `${ipToString(p.ip.src)}${ports === null ? '' : `:${ports.srcPort}`} → ${ipToString(p.ip.dst)}${ports === null ? '' : `:${ports.dstPort}`} ` +
      (p.tcp !== null ? `TCP [${flagsToString(p.tcp.flags)}] seq=${p.tcp.seq} ack=${p.tcp.ack} len=${p.payloadLength}` : p.udp !== null ? `UDP len=${p.payloadLength}` : 'IP') +
      (app === null ? '' : ` ${app.protocol}`);
    const rec: TapRecord = {
      t: sim.nowMs,
      packet: p.id,
      flow: p.flowId,
      in: via.link.id,
      summary,
      protocol: app?.protocol ?? layers[layers.length - 1]!.protocol,
      preview,
      previewFormat,
    };
    if (this.capture.length >= TAP_CAPTURE_FRAMES) this.capture.shift();
    this.capture.push(rec);
    if (!tracing) return;
    sim.trace.emit({
      type: 'tap',
      t: rec.t,
      node: this.id,
      action,
      packet: p.id,
      flow: p.flowId,
      in: via.link.id,
      layers: layers.map((l) => l.protocol),
      summary,
      protocol: rec.protocol,
      payloadBytes: p.payloadLength,
      preview,
      previewFormat,
      ...(action === 'tamper' ? { tampered: this.tamper } : {}),
    });
  }

  /** Figures for the summary. */
  summary(): Record<string, unknown> {
    return {
      mode: this.mode,
      framesSeen: this.framesSeen,
      bytesSeen: this.bytesSeen,
      framesTampered: this.framesTampered,
      ...(this.mitm === null ? {} : this.mitm.summary()),
    };
  }
}

/** The same packet (id, flow, bookkeeping) carrying other payload bytes; checksums follow the new bytes. */
export function withPayload(p: Packet, payload: Uint8Array): Packet {
  const q = new Packet(
    p.id,
    p.createdNs,
    { ...p.eth },
    { ...p.ip },
    p.tcp === null ? null : { ...p.tcp },
    p.udp === null ? null : { ...p.udp },
    payload.length,
    payload,
  );
  q.flowId = p.flowId;
  q.appKind = p.appKind;
  q.retransmit = p.retransmit;
  q.dataSegmentIndex = p.dataSegmentIndex;
  q.duplicateOf = p.duplicateOf;
  return q;
}
