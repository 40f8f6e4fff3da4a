// The client's picture of the game: topology, clock, players, packets on links, queues at
// player-controlled routers and each flow's history. A source (the engine in this page, or the game
// server) writes into it; scenes and panels read it and listen to its events. It decides nothing.

import type { BalancerView } from '../../shared/protocols/net/load-balancer.ts';
import type { ServerView } from '../../shared/protocols/net/server.ts';
import type { BaseEvent, DropEvent, SendEvent, TapEvent, TxEvent, WorldEvent } from './events.ts';
import { FlowHistory } from './flow-history.ts';
import { PacketTable, type PacketFact } from './packet-table.ts';
import { flowEndNode, type FlowView, type LinkView, type NodeView, type PlayerView } from './topology.ts';

export interface QueueEntry {
  id: number;
  kind: string;
  /** The application the packet belongs to ('dns', 'tls', ...: it picks the colour), or null. */
  app: string | null;
  flow: string | null;
  /** Destination node id, when known. */
  dest: string | null;
  /** The link the routing table would send it on (what a bot would do). */
  next: string | null;
  held: boolean;
  retransmit: boolean;
  duplicate: boolean;
  sinceMs: number;
}

export type Phase = 'lobby' | 'running' | 'ended';

/** A role a person can take in a room (a router, a sender host, ...) and who holds it. */
export interface SeatView {
  /** `"<role>:<node>"` */
  id: string;
  role: string;
  node: string;
  /** Player id of its holder, or null (a bot plays it). */
  player: string | null;
}

export type WorldListener = (e: WorldEvent) => void;

export type { BalancerView, ServerView };

/** Frames a tap keeps for its player to read, newest last. */
export const TAP_FRAMES_KEPT = 200;

export class World {
  scenarioName = '';
  durationMs = 0;
  /** Simulated time being shown, ms. */
  nowMs = 0;
  speed = 1;
  paused = false;
  phase: Phase = 'running';
  readonly nodes = new Map<string, NodeView>();
  readonly links = new Map<string, LinkView>();
  readonly flows = new Map<string, FlowView>();
  readonly players = new Map<string, PlayerView>();
  readonly seats = new Map<string, SeatView>();
  /** Load balancers as their role, backends and waiting connections are now. */
  readonly balancers = new Map<string, BalancerView>();
  /** Servers' threads (or event loop), accept queues and connections, as they are now. */
  readonly servers = new Map<string, ServerView>();
  /** What crossed each tap, newest last. */
  readonly taps = new Map<string, TapEvent[]>();
  readonly packets = new PacketTable();
  readonly queues = new Map<string, QueueEntry[]>();
  readonly histories = new Map<string, FlowHistory>();
  /** Bumped whenever nodes or links are replaced, so views rebuild. */
  topologyVersion = 0;
  /** The fact of the packet the latest drop destroyed (effects show where it died). */
  lastDropped: PacketFact | null = null;
  /** Drops by reason over the whole session. */
  readonly dropsByReason = new Map<string, number>();
  private readonly listeners = new Set<WorldListener>();
  /**
   * While set, events update the picture but are not told to the listeners: a jump in time takes in
   * a stretch of events at once, and their captions and effects would all fire in one frame.
   */
  muted = false;
  private readonly otherListeners = new Set<(e: BaseEvent) => void>();
  /** Retransmissions announced by `send` and not yet matched to the packet that carries them. */
  private readonly pendingRetransmit = new Map<string, number>();
  /** The latest segment each endpoint put on a link ("<flow>|<node>"), for a `send` that follows its `tx`. */
  private readonly lastTx = new Map<string, { packet: number; t: number }>();
  /** Ids of packets known to carry a retransmission, kept while they cross the network. */
  private readonly retransmitIds = new Set<number>();
  /** The node each flow's server end was last seen on, from events that name it (a balanced flow's backend). */
  private readonly serverEnds = new Map<string, string>();

  setTopology(nodes: readonly NodeView[], links: readonly LinkView[], flows: readonly FlowView[]): void {
    this.nodes.clear();
    this.links.clear();
    this.flows.clear();
    for (const n of nodes) this.nodes.set(n.id, n);
    for (const l of links) this.links.set(l.id, l);
    for (const f of flows) {
      this.flows.set(f.id, f);
      if (!this.histories.has(f.id)) this.histories.set(f.id, new FlowHistory(f.id));
    }
    this.topologyVersion++;
  }

  /**
   * The node a flow's server end was last seen on, by an event that names it (a backend a balancer
   * gave the connection to, a tap answering in the server's name); undefined before any did.
   */
  serverEnd(flowId: string): string | undefined {
    return this.serverEnds.get(flowId);
  }

  /** The node at one end of a flow (topology.ts flowEndNode, with what this world has seen). */
  endNode(f: FlowView, side: 'client' | 'server', node?: string): string {
    return flowEndNode(f, side, node, this.serverEnds.get(f.id));
  }

  history(flowId: string): FlowHistory {
    let h = this.histories.get(flowId);
    if (h === undefined) {
      h = new FlowHistory(flowId);
      this.histories.set(flowId, h);
    }
    return h;
  }

  on(fn: WorldListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Events the client has no model for yet (new engine features) still reach whoever asks. */
  onOther(fn: (e: BaseEvent) => void): () => void {
    this.otherListeners.add(fn);
    return () => this.otherListeners.delete(fn);
  }

  emitOther(e: BaseEvent): void {
    for (const fn of this.otherListeners) fn(e);
  }

  /** Take in one event: update packets, queues and histories, then tell the listeners. */
  ingest(e: WorldEvent): void {
    switch (e.type) {
      case 'tx':
        this.onTx(e);
        break;
      case 'drop':
        this.onDrop(e);
        break;
      case 'send':
        this.onSend(e);
        break;
      case 'fault':
        this.onFault(e.kind, e);
        break;
      case 'tap': {
        let list = this.taps.get(e.node);
        if (list === undefined) {
          list = [];
          this.taps.set(e.node, list);
        }
        list.push(e);
        if (list.length > TAP_FRAMES_KEPT) list.splice(0, list.length - TAP_FRAMES_KEPT);
        break;
      }
      default:
        break;
    }
    const flow = (e as { flow?: unknown }).flow;
    const node = (e as { node?: unknown }).node;
    if (typeof flow === 'string' && typeof node === 'string' && (e as { side?: unknown }).side === 'server') this.serverEnds.set(flow, node);
    if (typeof flow === 'string' && e.type !== 'tx') this.history(flow).apply(e);
    if (!this.muted) for (const fn of this.listeners) fn(e);
  }

  /**
   * A `send` says whether a segment is a retransmission; the `tx` of the packet carrying it comes at
   * the same instant, just before or just after. Match them, so the packet is marked on every hop.
   */
  private onSend(e: SendEvent): void {
    if (!e.retransmit) return;
    const f = this.flows.get(e.flow);
    if (f === undefined) return;
    const key = `${e.flow}|${this.endNode(f, e.side, e.node)}`;
    const last = this.lastTx.get(key);
    if (last !== undefined && last.t === e.t) {
      this.retransmitIds.add(last.packet);
      const fact = this.packets.get(last.packet);
      if (fact !== undefined) fact.retransmit = true;
      this.lastTx.delete(key);
      return;
    }
    this.pendingRetransmit.set(key, e.t);
  }

  private onTx(e: TxEvent): void {
    let retransmit = e.retransmit === true || this.retransmitIds.has(e.packet);
    if (!retransmit && e.flow !== null) {
      const key = `${e.flow}|${e.from}`;
      const at = this.pendingRetransmit.get(key);
      if (at !== undefined && at === e.t && e.kind !== 'ack') {
        retransmit = true;
        this.pendingRetransmit.delete(key);
      }
    }
    if (retransmit) this.retransmitIds.add(e.packet);
    if (e.flow !== null && e.kind !== 'ack') this.lastTx.set(`${e.flow}|${e.from}`, { packet: e.packet, t: e.t });
    this.packets.put({
      id: e.packet,
      kind: e.kind,
      flow: e.flow,
      link: e.link,
      from: e.from,
      to: e.to,
      bytes: e.bytes,
      departMs: e.departMs,
      arriveMs: e.arriveMs,
      retransmit,
      duplicate: e.duplicateOf !== undefined && e.duplicateOf !== 0,
      app: e.app ?? (e.flow === null ? null : (this.flows.get(e.flow)?.label ?? null)),
    });
  }

  private onDrop(e: DropEvent): void {
    this.lastDropped = this.packets.remove(e.packet) ?? null;
    this.retransmitIds.delete(e.packet);
    const count = typeof e.count === 'number' ? e.count : 1;
    this.dropsByReason.set(e.reason, (this.dropsByReason.get(e.reason) ?? 0) + count);
    if (e.flow !== null) {
      // A retransmission refused at the sender's own queue never reaches a link.
      for (const [key, at] of this.pendingRetransmit) if (at === e.t && key.startsWith(`${e.flow}|`)) this.pendingRetransmit.delete(key);
    }
  }

  private onFault(kind: string, e: { link?: string; node?: string; up?: boolean }): void {
    if (e.link !== undefined) {
      const l = this.links.get(e.link);
      if (l !== undefined && (kind === 'link-down' || kind === 'link-up')) l.up = kind === 'link-up';
    }
    if (e.node !== undefined) {
      const n = this.nodes.get(e.node);
      if (n !== undefined && (kind === 'node-down' || kind === 'node-up')) n.up = kind === 'node-up';
    }
  }

  /** Advance the shown time; packets that finished their hop are forgotten. */
  setNow(ms: number): void {
    this.nowMs = ms;
    this.packets.prune(ms);
    if (this.retransmitIds.size > 4096) {
      for (const id of this.retransmitIds) if (this.packets.get(id) === undefined) this.retransmitIds.delete(id);
    }
  }

  setQueue(nodeId: string, entries: QueueEntry[]): void {
    this.queues.set(nodeId, entries);
  }

  /** Counts resets, so views holding their own history (captions) know to start over. */
  generation = 0;

  /** Forget all dynamic state (a new scenario or a rejoin). */
  reset(): void {
    this.generation++;
    this.packets.clear();
    this.queues.clear();
    this.histories.clear();
    this.balancers.clear();
    this.servers.clear();
    this.taps.clear();
    this.dropsByReason.clear();
    this.pendingRetransmit.clear();
    this.lastTx.clear();
    this.retransmitIds.clear();
    this.serverEnds.clear();
    this.nowMs = 0;
  }
}
