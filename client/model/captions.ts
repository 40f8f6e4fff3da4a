// Short captions tied to what just happened, in the player's language ("three duplicate ACKs → fast
// retransmit"). Each event maps to at most one caption; a feed holds back repeats so a burst of
// losses reads as one line, not thirty.

import type { MessageKey, Params } from '../i18n/index.ts';
import { reasonMessage } from '../i18n/engine-reasons.ts';
import type { DnsEvent, WorldEvent } from './events.ts';
import { TAP_TAMPERS, type TapTamper } from '../../shared/protocols/app/tls/spec.ts';
import { tamperedMessageName } from '../../shared/protocols/app/tls/tamper.ts';
import { flowEndNode, type FlowView } from './topology.ts';
import type { World } from './world.ts';

export type Tone = 'info' | 'good' | 'warn' | 'bad';

export interface Caption {
  key: MessageKey;
  params: Params;
  tone: Tone;
  t: number;
  /** Where it happened, for a camera to look at. */
  focus: { node?: string; link?: string } | null;
  /** Repeats of the same caption within the hold-back window are merged; this groups them. */
  group: string;
}

export interface CaptionContext {
  flows: ReadonlyMap<string, FlowView>;
  /** Display names of nodes (their ids, or the player playing them). */
  nodeName(id: string): string;
  /** The node a flow's server end was last seen on (World.serverEnd), if an event named it. */
  serverEnd?(flowId: string): string | undefined;
  /** The virtual IP a load balancer answers on; undefined for any other node. */
  vipOf?(nodeId: string): string | undefined;
  /** A flow's TCP state at one end as last known. */
  tcpState?(flowId: string, side: 'client' | 'server'): string;
  /** Where the packet the latest drop destroyed had last come from and gone to, if it crossed a link (World.lastDropped). */
  lastDropped?(): { from: string; to: string } | null;
  /** The OSI layer a node works at (7 for hosts and servers). */
  layerOf?(nodeId: string): number | undefined;
}

/** The context captions are worded in, from the world a scene shows. */
export function captionContextOf(w: World): CaptionContext {
  return {
    flows: w.flows,
    nodeName: (id) => {
      const n = w.nodes.get(id);
      return n?.owner !== null && n?.owner !== undefined && n.owner !== 'me' ? `${id} (${n.owner})` : id;
    },
    serverEnd: (flowId) => w.serverEnd(flowId),
    vipOf: (id) => w.balancers.get(id)?.vip,
    tcpState: (flowId, side) => {
      const h = w.histories.get(flowId);
      return h === undefined ? '' : side === 'client' ? h.clientState : h.serverState;
    },
    lastDropped: () => w.lastDropped,
    layerOf: (id) => w.nodes.get(id)?.layer,
  };
}

type Side = 'client' | 'server';

/** The node at one end of a flow (topology.ts flowEndNode), as far as the context has seen it. */
function endOf(ctx: CaptionContext, f: FlowView, side: Side, node?: string): string {
  return flowEndNode(f, side, node, ctx.serverEnd?.(f.id));
}

function otherSide(side: Side): Side {
  return side === 'client' ? 'server' : 'client';
}

/** What a client dials to open a connection: a balancer's virtual IP, or the server by name. */
function dialled(ctx: CaptionContext, f: FlowView): string | { key: MessageKey; params: Params } {
  const vip = ctx.vipOf?.(f.to);
  return vip === undefined ? ctx.nodeName(f.to) : { key: 'cap.vip', params: { ip: vip } };
}

const DROP_KEYS: Record<string, MessageKey> = {
  'queue-full': 'cap.drop.queueFull',
  loss: 'cap.drop.loss',
  'link-down': 'cap.drop.linkDown',
  player: 'cap.drop.player',
  ttl: 'cap.drop.ttl',
  checksum: 'cap.drop.checksum',
  'no-route': 'cap.drop.noRoute',
  'no-socket': 'cap.drop.noSocket',
  'node-down': 'cap.drop.nodeDown',
};

/** TLS alerts whose cause the captions explain (a failure's `alert`). */
const TLS_ALERT_KEYS: Record<string, MessageKey> = {
  decrypt_error: 'cap.tls.decryptError',
  bad_record_mac: 'cap.tls.badRecordMac',
  bad_certificate: 'cap.tls.badCertificate',
  unknown_ca: 'cap.tls.unknownCa',
};

/** A caller's system call and its result → what it means for the caller. */
const CALLER_KEYS: Record<string, MessageKey> = {
  'recv:blocked': 'cap.call.blocked',
  'wait:blocked': 'cap.call.held',
  'recv:EWOULDBLOCK': 'cap.call.notYet',
  'recv:data': 'cap.call.got',
  'callback:data': 'cap.call.callback',
};

/** A tap's tamper target (as a trace event gives it) as the handshake message's own name. */
export function handshakeMessageName(target: string | undefined): string {
  return target !== undefined && (TAP_TAMPERS as readonly string[]).includes(target) ? tamperedMessageName(target as TapTamper) : (target ?? '?');
}

type MakeCaption = (key: MessageKey, params: Params, tone: Tone, focus: Caption['focus'], group?: string) => Caption;

/**
 * A resolver's lookup (seed: DNS over UDP): its question, the answer, and above all what UDP leaves to
 * the application — its own timer asking again, and the switch to TCP for an answer cut at 512 bytes.
 */
function dnsCaption(e: DnsEvent, ctx: CaptionContext, make: MakeCaption): Caption | null {
  if (e.side !== 'client') return null;
  const who = ctx.nodeName(e.node);
  const server = ctx.nodeName((e.flow === undefined ? undefined : ctx.flows.get(e.flow)?.to) ?? '?');
  const name = e.name ?? '?';
  const focus = { node: e.node };
  const group = `dns-${e.flow ?? e.node}-${name}`;
  switch (e.action) {
    case 'query':
      // A resend is told by the timeout before it; a TCP query by the switch to TCP.
      return e.retry === true || e.transport !== 'udp' ? null : make('cap.dns.query', { who, server, name, qtype: e.qtype ?? 'A' }, 'info', focus, group);
    case 'timeout':
      if (e.next === 'retry') return make('cap.dns.retry', { who, name, ms: e.timeoutMs ?? 0, attempt: (e.attempt ?? 1) + 1 }, 'warn', focus, group);
      if (e.next === 'tcp') return make('cap.dns.timeoutTcp', { who, name }, 'warn', focus, group);
      return null; // the give-up says it
    case 'tcp-fallback':
      return e.reason === 'truncated' ? make('cap.dns.truncated', { who, name }, 'warn', focus, group) : null;
    case 'response':
      if (e.rcode !== undefined && e.rcode !== 'NOERROR') return make('cap.dns.error', { who, server, name, rcode: e.rcode }, 'bad', focus, group);
      if (e.tc === true && e.transport === 'udp') return make('cap.dns.cut', { who, name, n: e.answers ?? 0 }, 'warn', focus, group);
      return make('cap.dns.answer', { who, name, n: e.answers ?? 0, ms: Math.round(e.latencyMs ?? 0), transport: (e.transport ?? 'udp').toUpperCase() }, 'good', focus, group);
    case 'give-up':
      return make('cap.dns.giveUp', { who, name, reason: reasonMessage(e.reason ?? '?') }, 'bad', focus, group);
    case 'axfr':
      return e.done === true ? make('cap.dns.zoneCopied', { who, server, n: e.total ?? 0 }, 'good', focus, group) : null;
    default:
      return null;
  }
}

export function captionFor(e: WorldEvent, ctx: CaptionContext): Caption | null {
  const make = (key: MessageKey, params: Params, tone: Tone, focus: Caption['focus'], group: string = key): Caption => ({
    key,
    params,
    tone,
    t: e.t,
    focus,
    group,
  });
  switch (e.type) {
    case 'lb-assign':
      if (e.backend === null) return make('cap.lbRefused', { connection: e.connection, node: ctx.nodeName(e.node) }, 'bad', { node: e.node });
      if (e.reason === 'timeout') return make('cap.lbTimeout', { connection: e.connection, node: ctx.nodeName(e.node), backend: e.backend }, 'warn', { node: e.node });
      if (e.overloaded) return make('cap.lbOverload', { backend: e.backend }, 'bad', { node: e.backend });
      return null;
    case 'failover':
      return make('cap.failover', { from: ctx.nodeName(e.from), to: ctx.nodeName(e.to), missed: e.missedHeartbeats, n: e.connectionsTakenOver }, 'warn', { node: e.to });
    case 'lb-health':
      return make(e.up ? 'cap.backendUp' : 'cap.backendDown', { node: ctx.nodeName(e.node), backend: e.backend }, e.up ? 'good' : 'bad', { node: e.backend }, `health-${e.node}-${e.backend}`);
    case 'tap':
      if (e.action === 'mitm-connect') return make('cap.mitm', { node: ctx.nodeName(e.node) }, 'bad', { node: e.node });
      if (e.action === 'plaintext') return make('cap.plaintext', { node: ctx.nodeName(e.node) }, 'bad', { node: e.node }, `plain-${e.node}`);
      if (e.action === 'tamper') {
        const key = e.tampered === 'certificate' ? 'cap.tamperCertificate' : 'cap.tamper';
        return make(key, { node: ctx.nodeName(e.node), message: handshakeMessageName(e.tampered) }, 'bad', { node: e.node }, `tamper-${e.node}`);
      }
      return null;
    case 'io': {
      // How a caller waits for its answer (seed: sync/async × blocking/non-blocking), for callers whose waiting matters.
      if (e.thread !== 'caller' || typeof e.flow !== 'string' || ctx.flows.get(e.flow)?.call === undefined) return null;
      const key = CALLER_KEYS[`${e.call}:${e.result}`];
      return key === undefined ? null : make(key, { who: ctx.nodeName(e.node) }, e.result === 'blocked' || e.result === 'EWOULDBLOCK' ? 'warn' : 'good', { node: e.node }, `call-${e.flow}-${e.call}`);
    }
    case 'http': {
      if (e.side !== 'client' || e.flow === undefined) return null;
      const f = ctx.flows.get(e.flow);
      const server = ctx.nodeName(f?.to ?? '?');
      // No answer at all: refused by the server's TCP (nothing listens on that port), or the connection failed.
      if (e.event === 'error') {
        if (e.reason === 'connection refused') return make('cap.httpRefused', { server, who: ctx.nodeName(e.node) }, 'bad', { node: e.node }, `http-${e.flow}-refused`);
        return make('cap.httpFailed', { who: ctx.nodeName(e.node), method: e.method ?? '?', path: e.path ?? '?', reason: reasonMessage(e.reason ?? '?') }, 'bad', { node: e.node }, `http-${e.flow}-failed`);
      }
      // An error answer: the network and TCP delivered the request; the application said no.
      if (e.event !== 'response' || (e.status ?? 0) < 400) return null;
      return make('cap.httpError', { server, who: ctx.nodeName(e.node), status: e.status ?? 0, method: e.method ?? '?', path: e.path ?? '?' }, 'bad', { node: e.node }, `http-${e.flow}-${e.status}`);
    }
    case 'dns':
      return dnsCaption(e, ctx, make);
    case 'tls': {
      if (e.node === undefined) return null;
      const focus = { node: e.node };
      // The side that noticed says why; the other side only hears its alert.
      if (e.step === 'failure' && e.by === 'local') {
        const key = TLS_ALERT_KEYS[e.alert ?? ''] ?? 'cap.tls.failure';
        return make(key, { node: ctx.nodeName(e.node), at: e.at ?? '?', alert: e.alert ?? '?' }, 'bad', focus, `tls-${e.flow ?? e.node}`);
      }
      // The handshake's main steps as they are sent (seed: TLS/SSL HandShake).
      if (e.dir === 'send') {
        const group = `tls-${e.flow ?? ''}-${e.node}-${e.step}`;
        const node = ctx.nodeName(e.node);
        switch (e.step) {
          case 'ClientHello':
            return make('cap.tls.clientHello', { node, n: e.cipherSuites?.length ?? 0 }, 'info', focus, group);
          case 'Certificate':
            return e.side === 'server' ? make('cap.tls.certificate', { node, issuer: e.certificates?.[0]?.issuer ?? '?' }, 'info', focus, group) : null;
          case 'ClientKeyExchange':
            return make('cap.tls.keyExchange', { node }, 'info', focus, group);
          case 'Finished':
            return make('cap.tls.finished', { node }, 'info', focus, group);
          default:
            return null;
        }
      }
      // A certificate that does not check out, clicked through: the seed's "Not secure" warning.
      if (e.step === 'warning') return make('cap.tls.warning', { node: ctx.nodeName(e.node) }, 'bad', focus, `tls-${e.flow ?? e.node}`);
      if (e.step === 'established' && e.side === 'client' && e.flow !== undefined) {
        const f = ctx.flows.get(e.flow);
        return make('cap.tls.established', { from: ctx.nodeName(e.node), to: ctx.nodeName(f === undefined ? '?' : endOf(ctx, f, 'server')) }, 'good', focus, `tls-${e.flow}`);
      }
      return null;
    }
    case 'drop': {
      // Frames a switch floods reach hosts they are not for: normal layer-2 life, not worth a caption.
      if (e.reason === 'mac-filter') return null;
      let key = DROP_KEYS[e.reason];
      if (key === undefined) return null;
      const where = e.link ?? (e.node !== undefined ? ctx.nodeName(e.node) : '?');
      // A host that a packet for someone else reached (sent its way by hand) is no router: it discards it.
      if (e.reason === 'no-route' && e.node !== undefined && ctx.layerOf?.(e.node) === 7 && ctx.lastDropped?.()?.to === e.node) key = 'cap.drop.notForHost';
      const focus = e.link !== undefined ? { link: e.link } : e.node !== undefined ? { node: e.node } : null;
      if (e.kind === 'udp' && (e.reason === 'loss' || e.reason === 'queue-full' || e.reason === 'player')) {
        return make('cap.drop.udp', { where }, 'bad', focus, `drop-udp-${e.flow}`);
      }
      return make(key, { where, kind: e.kind }, 'bad', focus, `drop-${e.reason}-${where}`);
    }
    case 'send': {
      const f = ctx.flows.get(e.flow);
      if (f === undefined || e.flags === 'UDP') return null;
      const node = endOf(ctx, f, e.side, e.node);
      const from = ctx.nodeName(node);
      const focus = { node };
      if (e.flags.includes('SYN') && e.flags.includes('ACK')) {
        const to = ctx.nodeName(endOf(ctx, f, 'client'));
        if (e.retransmit) return make('cap.synAckRetry', { from, flow: e.flow }, 'warn', focus, `synack-retry-${e.flow}`);
        return make('cap.hs2', { from, to, seq: e.seq, ack: e.ack }, 'info', focus);
      }
      // A new connection's SYN goes to the address the client dials, whoever ends up answering it.
      // A retry names its flow: two connections from one node (a class lab's) retry at the same instants.
      if (e.flags.includes('SYN') && e.retransmit) return make('cap.synRetry', { from, flow: e.flow }, 'warn', focus, `syn-retry-${e.flow}`);
      if (e.flags.includes('SYN')) return make('cap.hs1', { from, to: dialled(ctx, f), seq: e.seq }, 'info', focus);
      const to = ctx.nodeName(endOf(ctx, f, otherSide(e.side)));
      if (e.flags.includes('FIN') && !e.retransmit) {
        return make(e.side === 'client' ? 'cap.fin1' : 'cap.fin3', { from, to }, 'info', focus);
      }
      if (e.retransmit) return make('cap.retransmit', { from, seq: e.seq, flow: e.flow }, 'warn', focus, `retx-${e.flow}`);
      return null;
    }
    case 'state': {
      const f = ctx.flows.get(e.flow);
      if (f === undefined) return null;
      const node = endOf(ctx, f, e.side, e.node);
      const who = ctx.nodeName(node);
      const focus = { node };
      if (e.side === 'client' && e.to === 'ESTABLISHED') return make('cap.hs3', { from: who, to: ctx.nodeName(endOf(ctx, f, 'server')) }, 'good', focus);
      if (e.to === 'CLOSE_WAIT') return make('cap.closeWait', { who }, 'info', focus);
      if (e.to === 'TIME_WAIT') return make('cap.timeWait', { who }, 'info', focus);
      if (e.to === 'CLOSED' && e.from !== 'LISTEN' && e.from !== 'CLOSED') return make('cap.closed', { who }, 'info', focus);
      return null;
    }
    case 'cwnd': {
      const f = ctx.flows.get(e.flow);
      const focus = f === undefined ? null : { node: f.from };
      switch (e.reason) {
        case 'fast-retransmit':
          return make('cap.fastRetransmit', { flow: e.flow, ssthresh: e.ssthresh }, 'warn', focus, `fr-${e.flow}`);
        case 'timeout':
          return make('cap.cwndTimeout', { flow: e.flow, ssthresh: e.ssthresh }, 'bad', focus, `to-${e.flow}`);
        case 'recovery-exit':
          return make('cap.recoveryExit', { flow: e.flow, cwnd: e.cwnd }, 'good', focus, `rx-${e.flow}`);
        default:
          return null;
      }
    }
    case 'rto': {
      // A SYN or SYN-ACK sent again says so itself, right after (cap.synRetry, cap.synAckRetry).
      const state = ctx.tcpState?.(e.flow, e.side);
      if (state === 'SYN_SENT' || state === 'SYN_RECEIVED') return null;
      const f = ctx.flows.get(e.flow);
      const node = f === undefined ? null : endOf(ctx, f, e.side, e.node);
      const who = node === null ? '?' : ctx.nodeName(node);
      // A source that does not know the timer's value (a room's event log) says so without a number.
      const key: MessageKey = e.rtoMs > 0 ? 'cap.rto' : 'cap.rtoPlain';
      return make(key, { flow: e.flow, rto: Math.round(e.rtoMs), who }, 'bad', node === null ? null : { node }, `rto-${e.flow}`);
    }
    case 'window': {
      const f = ctx.flows.get(e.flow);
      if (f === undefined) return null;
      // The end that advertises the window is the receiving one.
      const at = endOf(ctx, f, e.side, e.node);
      const receiver = ctx.nodeName(at);
      const sender = ctx.nodeName(endOf(ctx, f, otherSide(e.side)));
      return e.event === 'zero'
        ? make('cap.zeroWindow', { receiver, sender }, 'warn', { node: at })
        : make('cap.windowOpen', { receiver, sender, rwnd: e.rwnd }, 'good', { node: at });
    }
    case 'probe': {
      const f = ctx.flows.get(e.flow);
      const node = f === undefined ? null : endOf(ctx, f, e.side, e.node);
      return make('cap.probe', { sender: node === null ? '?' : ctx.nodeName(node) }, 'info', node === null ? null : { node }, `probe-${e.flow}`);
    }
    case 'video':
      if (e.status === 'skipped') return make('cap.videoSkip', { flow: e.flow, frame: e.frame }, 'bad', null, `vskip-${e.flow}`);
      if (e.status === 'late') return make('cap.videoLate', { flow: e.flow, frame: e.frame }, 'warn', null, `vlate-${e.flow}`);
      return null;
    case 'fault':
      switch (e.kind) {
        case 'link-down':
          return make('cap.linkDown', { link: e.link ?? '?' }, 'bad', e.link === undefined ? null : { link: e.link });
        case 'link-up':
          return make('cap.linkUp', { link: e.link ?? '?' }, 'good', e.link === undefined ? null : { link: e.link });
        case 'node-down':
          return make('cap.nodeDown', { node: ctx.nodeName(e.node ?? '?') }, 'bad', e.node === undefined ? null : { node: e.node });
        case 'node-up':
          return make('cap.nodeUp', { node: ctx.nodeName(e.node ?? '?') }, 'good', e.node === undefined ? null : { node: e.node });
        case 'link-loss':
          return make('cap.linkLoss', { link: e.link ?? '?' }, 'warn', e.link === undefined ? null : { link: e.link });
        default:
          return null;
      }
    case 'command':
      if (!e.ok) return null;
      if (e.action === 'duplicate') return make('cap.duplicate', { node: ctx.nodeName(e.node) }, 'warn', { node: e.node });
      if (e.action === 'hold') return make('cap.hold', { node: ctx.nodeName(e.node) }, 'warn', { node: e.node });
      return null;
    default:
      return null;
  }
}

/** Keeps the latest captions, merging a repeat of the same group within `holdMs` of simulated time. */
export class CaptionFeed {
  readonly items: Array<Caption & { count: number }> = [];
  private readonly lastByGroup = new Map<string, Caption & { count: number }>();
  private readonly holdMs: number;
  private readonly keep: number;

  constructor(holdMs = 1500, keep = 4) {
    this.holdMs = holdMs;
    this.keep = keep;
  }

  /** Returns the caption to show, or null when it only added to a recent one. */
  add(c: Caption): (Caption & { count: number }) | null {
    const prev = this.lastByGroup.get(c.group);
    if (prev !== undefined && c.t - prev.t < this.holdMs && this.items.includes(prev)) {
      prev.count++;
      return null;
    }
    const item = { ...c, count: 1 };
    this.lastByGroup.set(c.group, item);
    this.items.push(item);
    while (this.items.length > this.keep) this.items.shift();
    if (this.lastByGroup.size > 256) this.lastByGroup.clear();
    return item;
  }

  clear(): void {
    this.items.length = 0;
    this.lastByGroup.clear();
  }
}
