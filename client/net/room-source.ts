// A classroom room on the game server as a GameSource. The server runs the engine; this turns its
// synchronised state (lifecycle facts of packets, flow figures, notable events — docs/protocol.md)
// into the same World the engine in this page would produce, and sends the player's intents as the
// room's messages. It decides nothing: every command is a request the server may refuse.
//
// Simulated time between patches is extrapolated from the clock (simMs + speed × wall time since the
// patch), shown a little behind the server so packets appear at their departure rather than midway.

import type { InspectedPacket } from '../../shared/protocols/net/layers.ts';
import type { CommandReply, ServerMessages, WhoAmI } from '../../shared/messages/classroom-messages.ts';
import { SPEEDS } from '../../shared/messages/classroom-messages.ts';
import type { AckEvent, BaseEvent, SendEvent, WorldEvent } from '../model/events.ts';
import type { AckPoint, SegmentPoint } from '../model/flow-history.ts';
import type { FaultIntent, GameSource, HostControls, IntentResult, MyRole, RouterIntent, SessionEnd, TapAttack } from '../model/source.ts';
import { osiLayerOf, type FlowModes, type FlowView, type LinkView, type NodeView, type PlayerView } from '../model/topology.ts';
import { World, type BalancerView, type QueueEntry, type ServerView } from '../model/world.ts';
import { type ClassroomRoom, fetchScenarios, httpUrl, saveRejoin } from './connection.ts';
import { windowSegmentsFor } from '../../shared/protocols/transport/tcp/arq.ts';
import { lang } from '../i18n/index.ts';
import type { ServerIoChoice } from '../../shared/protocols/app/http/spec.ts';
import { decodeDetail, isNotableType } from '../../shared/messages/notable-detail.ts';

type State = ClassroomRoom['state'];
type PacketEntry = State['packets'] extends { forEach(cb: (v: infer V) => void): void } ? V : never;

/** How far behind the extrapolated server time the picture runs, in server steps. */
const LAG_STEPS = 2;
/** Kicked by the host (server CLOSE_CODES.kicked). */
const KICKED = 4100;
const CONSENTED = 4000;

interface FlowSeen {
  retransmits: number;
  timeouts: number;
  fastRetransmits: number;
  cwnd: number;
  ssthresh: number;
  delivered: number;
  reason: string;
}

export interface RoomSourceOptions {
  code: string;
  spectator: boolean;
  /** The player's name (kept so a reloaded page can rejoin). */
  name?: string;
}

export class RoomSource implements GameSource {
  readonly mode = 'room' as const;
  readonly world = new World();
  readonly room: ClassroomRoom;
  readonly code: string;
  host: HostControls | null = null;
  /** What each tap this player holds alters, as the server last said (its capture, or an accepted tamper). */
  private readonly tamperTargets = new Map<string, string | null>();
  readonly tapAttack: TapAttack = {
    target: (node) => this.tamperTargets.get(node) ?? null,
    setTarget: async (node, target) => {
      const r = await this.ask('tamper', { node, target });
      if (r.ok) this.tamperTargets.set(node, target);
      return r;
    },
  };
  hostToken: string | null = null;
  private resultsPath: string | null = null;
  private role: MyRole = { role: 'none', node: null, flows: [] };
  private readonly endListeners: Array<(e: SessionEnd) => void> = [];
  private readonly roleListeners: Array<(r: MyRole) => void> = [];
  private readonly stateListeners: Array<() => void> = [];
  private ended = false;
  // Clock extrapolation.
  private patchSimMs = 0;
  private patchWallMs = 0;
  private shownMs = 0;
  private topologyKey = '';
  private lastEventSeq = 0;
  private readonly eventCounts = new Map<number, number>();
  private readonly flowSeen = new Map<string, FlowSeen>();
  /** Facts of packets that left the state recently: a drop reported a moment later still knows where it was. */
  private readonly recentlyGone = new Map<number, { fact: ReturnType<World['packets']['get']>; wallMs: number }>();
  private scenarioList: Array<{ id: string; name: string }> = [];
  /** A built-in lab's name per language (the state has the scenario file's own name). */
  private scenarioNames = new Map<string, Partial<Record<string, string>>>();
  /** The node each packet's latest hop left from (kept while the packet exists). */
  private readonly cameFrom = new Map<number, string>();
  /** Packets whose TCP segment is already in its flow's history (kept while the packet exists). */
  private readonly segmentsSeen = new Set<number>();
  /** Client retransmissions already told from their packets, per flow, not yet matched by the flow's counter. */
  private readonly retransmitsTold = new Map<string, number>();
  readonly spectator: boolean;
  private name = '';
  onRefused: ((type: string, reason: string) => void) | null = null;

  constructor(room: ClassroomRoom, opts: RoomSourceOptions) {
    this.room = room;
    this.code = opts.code;
    this.spectator = opts.spectator;
    room.reconnection.minUptime = 0;
    room.onStateChange((s) => this.sync(s));
    room.onMessage('host', (m: ServerMessages['host']) => {
      this.hostToken = m.token;
      this.resultsPath = m.results;
      this.remember();
      this.host = this.makeHostControls();
      for (const fn of this.roleListeners) fn(this.role);
    });
    room.onMessage('refused', (m: ServerMessages['refused']) => this.onRefused?.(m.type, m.reason));
    room.onMessage('ended', () => this.finish({ reason: 'ended-by-host' }));
    // What crosses the player's own tap comes to this player alone, as messages.
    room.onMessage('tap', (m: ServerMessages['tap']) => this.tapFrames(m.node, m.frames));
    room.onLeave((code) => this.finish({ reason: code === KICKED ? 'kicked' : code === CONSENTED ? 'left' : 'disconnected' }));
    // The reconnection token changes with every reconnection; a reload needs the latest one.
    if (typeof room.onReconnect === 'function') room.onReconnect(() => this.remember());
    this.name = opts.name ?? '';
    this.remember();
    void fetchScenarios().then((list) => {
      this.scenarioList = list.map((s) => ({ id: s.id, name: s.name }));
      this.scenarioNames = new Map(list.map((s) => [s.id, s.names]));
      if (this.room.state !== undefined && this.room.state !== null) this.world.scenarioName = this.scenarioName(this.room.state);
    });
    if (room.state !== undefined && room.state !== null) this.sync(room.state);
  }

  /** The running scenario's name in the page's language where the lab file gives one. */
  private scenarioName(s: State): string {
    return this.scenarioNames.get(s.scenario)?.[lang()] ?? s.scenarioName;
  }

  /** Ask the server who this connection is (role, seat, and the host token for the host). */
  async whoami(): Promise<WhoAmI> {
    const me = (await this.room.request('whoami', {})) as WhoAmI;
    if (me.host && me.hostToken !== undefined) {
      this.hostToken = me.hostToken;
      this.remember();
      if (this.host === null) {
        this.host = this.makeHostControls();
        for (const fn of this.roleListeners) fn(this.role);
      }
    }
    return me;
  }

  get isHost(): boolean {
    return this.host !== null;
  }

  me(): MyRole {
    return this.role;
  }

  /** Told after each state patch (the lobby redraws). */
  onState(fn: () => void): () => void {
    this.stateListeners.push(fn);
    return () => {
      const i = this.stateListeners.indexOf(fn);
      if (i >= 0) this.stateListeners.splice(i, 1);
    };
  }

  // ------------------------------------------------------------------ time

  tick(_realDtMs: number): void {
    const w = this.world;
    const now = performance.now();
    const stepSim = (this.room.state?.clock.stepMs ?? 50) * w.speed;
    let estimate = this.patchSimMs;
    if (!w.paused && w.phase !== 'ended') estimate += Math.min(now - this.patchWallMs, 1000) * w.speed;
    const target = Math.max(0, Math.min(estimate, this.patchSimMs + stepSim * 4) - LAG_STEPS * stepSim);
    // Never backwards (a late patch), except when a new scenario restarts the clock.
    if (target > this.shownMs) this.shownMs = target;
    w.setNow(this.shownMs);
    if (this.recentlyGone.size > 0) {
      for (const [id, g] of this.recentlyGone) if (now - g.wallMs > 3000) this.recentlyGone.delete(id);
    }
  }

  // ------------------------------------------------------------------ state → world

  private sync(s: State): void {
    const w = this.world;
    const now = performance.now();
    const clock = s.clock;
    if (clock.simMs < this.patchSimMs - 1) this.shownMs = 0; // a new round started the clock again
    this.patchSimMs = clock.simMs;
    this.patchWallMs = now;
    w.speed = clock.speed;
    w.paused = clock.paused || clock.finished;
    w.durationMs = clock.durationMs;
    w.scenarioName = this.scenarioName(s);
    this.syncTopology(s);
    this.syncPlayers(s);
    this.syncPackets(s);
    this.syncBalancers(s);
    this.syncServers(s);
    this.syncFlows(s);
    this.syncEvents(s);
    // After the events: a skipped frame's event (for its caption) would otherwise be counted twice.
    this.syncFrames(s);
    if (s.phase === 'ended') {
      w.phase = 'ended';
      this.finish({ reason: 'ended-by-host' });
    }
    for (const fn of this.stateListeners) fn();
  }

  private syncTopology(s: State): void {
    const w = this.world;
    let key = `${s.round}|${s.scenario}|`;
    s.nodes.forEach((n) => (key += `${n.id},`));
    s.links.forEach((l) => (key += `${l.id},`));
    if (key !== this.topologyKey) {
      this.topologyKey = key;
      w.reset();
      this.lastEventSeq = 0;
      this.eventCounts.clear();
      this.flowSeen.clear();
      this.segmentsSeen.clear();
      this.retransmitsTold.clear();
      const nodes: NodeView[] = [];
      s.nodes.forEach((n) =>
        nodes.push({ id: n.id, kind: n.kind, ip: n.ip, layer: osiLayerOf(n.kind), controller: n.controller === 'player' ? 'player' : 'bot', owner: null, up: n.up, queueLimit: n.queueLimit ?? 0, pos: { x: n.x, y: n.y } }),
      );
      const links: LinkView[] = [];
      s.links.forEach((l) => links.push(this.linkView(l)));
      const flows: FlowView[] = [];
      s.flows.forEach((f) =>
        flows.push({
          id: f.id,
          from: f.from,
          to: f.to,
          transport: f.transport === 'udp' ? 'udp' : 'tcp',
          app: f.app,
          label: f.app === 'dns' ? 'dns' : f.app === 'http' ? 'http' : null,
          cc: f.cc,
          arq: f.arq === '' ? 'tcp' : f.arq,
          // The flow's figures bring it once its sender is known (not at all for flows of many
          // connections): until then charts count in kilobytes instead of segments.
          mss: 0,
          bytes: f.totalBytes > 0 ? f.totalBytes : null,
          rateBps: 0,
          rwndBytes: 0,
          readRateBps: f.readRateBps === 0 ? null : f.readRateBps,
          windowSegments: windowSegmentsFor(f.arq, f.windowSegments),
          choices: { cc: [...(f.ccChoices ?? [])], arq: [...(f.arqChoices ?? [])], windowSegments: f.windowSegments },
          started: f.running || f.state !== '' || f.deliveredBytes > 0,
          controllable: false,
        }),
      );
      w.setTopology(nodes, links, flows);
      return;
    }
    s.nodes.forEach((n) => {
      const v = w.nodes.get(n.id);
      if (v === undefined) return;
      v.up = n.up;
      v.controller = n.controller === 'player' ? 'player' : 'bot';
    });
    s.links.forEach((l) => {
      const v = w.links.get(l.id);
      if (v === undefined) return;
      v.up = l.up;
      v.loss = { [`${l.a}->${l.b}`]: l.lossAB, [`${l.b}->${l.a}`]: l.lossBA };
    });
  }

  private linkView(l: State['links'] extends { forEach(cb: (v: infer V) => void): void } ? V : never): LinkView {
    return {
      id: l.id,
      a: l.a,
      b: l.b,
      bandwidthBps: l.bandwidthBps,
      delayMs: l.delayMs,
      queuePackets: l.queuePackets,
      loss: { [`${l.a}->${l.b}`]: l.lossAB, [`${l.b}->${l.a}`]: l.lossBA },
      up: l.up,
    };
  }

  private syncPlayers(s: State): void {
    const w = this.world;
    w.seats.clear();
    s.seats.forEach((seat, id) => w.seats.set(id, { id, role: seat.role, node: seat.node, player: seat.player === '' ? null : seat.player }));
    w.players.clear();
    for (const n of w.nodes.values()) n.owner = null;
    s.players.forEach((p, id) => {
      const view: PlayerView = { id, name: p.name, role: p.role, node: p.node === '' ? null : p.node, host: p.role === 'host', connected: p.connected, score: p.score };
      w.players.set(id, view);
      if (view.node !== null && id !== this.room.sessionId) {
        const n = w.nodes.get(view.node);
        if (n !== undefined) n.owner = n.owner === null ? p.name : `${n.owner}, ${p.name}`;
      }
    });
    const mine = s.players.get(this.room.sessionId);
    const role = mine === undefined ? 'none' : mine.role;
    const node = mine === undefined || mine.node === '' ? null : mine.node;
    const flows: string[] = [];
    if (node !== null) {
      for (const f of w.flows.values()) {
        if ((role === 'sender' && f.from === node) || (role === 'receiver' && f.to === node)) flows.push(f.id);
      }
    }
    for (const f of w.flows.values()) f.controllable = this.host !== null || flows.includes(f.id);
    const next: MyRole = { role: asRole(role, this.spectator), node, flows };
    if (next.role !== this.role.role || next.node !== this.role.node || next.flows.join() !== this.role.flows.join()) {
      // A new tap player starts with what the tap already recorded.
      if (next.role === 'tap' && next.node !== null && (this.role.role !== 'tap' || this.role.node !== next.node)) void this.loadCapture(next.node);
      this.role = next;
      for (const fn of this.roleListeners) fn(next);
    }
  }

  private syncPackets(s: State): void {
    const w = this.world;
    const present = new Set<number>();
    const queues = new Map<string, QueueEntry[]>();
    const segments: PacketEntry[] = [];
    s.packets.forEach((p) => {
      present.add(p.id);
      // Only a TCP segment of a flow has `sentMs` (fields without a default are absent until set).
      if (typeof p.sentMs === 'number' && !this.segmentsSeen.has(p.id)) {
        this.segmentsSeen.add(p.id);
        segments.push(p);
      }
      const retransmit = p.retransmit === true;
      if (p.at !== '') {
        let q = queues.get(p.at);
        if (q === undefined) {
          q = [];
          queues.set(p.at, q);
        }
        // The room does not send a packet's application label: its flow's application stands in for it.
        const app = p.flow === '' ? null : (w.flows.get(p.flow)?.app ?? null);
        q.push({ id: p.id, kind: p.kind, app, flow: p.flow === '' ? null : p.flow, dest: this.destOf(p.id, p.kind, p.flow), next: p.next === '' ? null : p.next, held: p.held, retransmit, duplicate: false, sinceMs: 0 });
        if (w.packets.get(p.id) !== undefined) w.packets.remove(p.id);
        return;
      }
      this.cameFrom.set(p.id, p.from);
      const f = w.packets.get(p.id);
      if (f !== undefined && f.link === p.link && f.departMs === p.departMs && f.from === p.from) return;
      w.packets.put({
        id: p.id,
        kind: p.kind,
        flow: p.flow === '' ? null : p.flow,
        link: p.link,
        from: p.from,
        to: p.to,
        bytes: 0,
        departMs: p.departMs,
        arriveMs: p.arriveMs,
        retransmit,
        duplicate: false,
        app: null,
      });
    });
    if (this.cameFrom.size > 4 * present.size + 256) for (const id of [...this.cameFrom.keys()]) if (!present.has(id)) this.cameFrom.delete(id);
    if (this.segmentsSeen.size > 4 * present.size + 256) for (const id of [...this.segmentsSeen]) if (!present.has(id)) this.segmentsSeen.delete(id);
    segments.sort((a, b) => a.sentMs - b.sentMs || a.id - b.id);
    for (const p of segments) this.segment(p);
    // Gone from the state before its hop ended: dropped (the drop event says why) or hidden.
    const list = w.packets.list;
    for (let i = list.length - 1; i >= 0; i--) {
      const f = list[i]!;
      if (!present.has(f.id)) {
        this.recentlyGone.set(f.id, { fact: f, wallMs: performance.now() });
        w.packets.remove(f.id);
      }
    }
    for (const [node, q] of queues) {
      q.sort((a, b) => a.id - b.id);
      w.setQueue(node, q);
      const n = w.nodes.get(node);
      if (n !== undefined && n.queueLimit < q.length) n.queueLimit = 0;
    }
    for (const node of [...w.queues.keys()]) if (!queues.has(node)) w.setQueue(node, []);
  }

  /**
   * A TCP segment seen for the first time becomes the `send` or `ack` its sender traced, at the moment
   * it was sent, with its place in the byte stream (the state counts from the ISN, as the views do):
   * the time-sequence diagram plots it, and a retransmission is told like the engine in the page tells it.
   */
  private segment(p: PacketEntry): void {
    const w = this.world;
    const f = w.flows.get(p.flow);
    if (f === undefined || f.transport !== 'tcp') return;
    const side = p.fromServer === true ? 'server' : 'client';
    // The node that sent it, when first seen on its first hop (a balanced flow's backend, a tap answering for the server).
    const origin = w.nodes.get(p.from);
    const node = origin !== undefined && (origin.layer === 7 || origin.kind === 'tap') ? { node: p.from } : {};
    const h = w.history(f.id);
    const retransmit = p.retransmit === true;
    // Absent numbers are zeros (the server leaves them out).
    const seq = p.seq ?? 0;
    const ack = p.ack ?? 0;
    const len = p.len ?? 0;
    if (p.kind === 'ack' && len === 0) {
      // The advertised window comes with the flow's figures (`rwndBytes`), not with each ACK.
      const rwnd = h.rwnd;
      const e: AckEvent = { type: 'ack', t: p.sentMs, flow: f.id, side, ...node, seq, ack, window: rwnd ?? 0, rel: ack };
      w.ingest(e);
      h.rwnd = rwnd;
      if (side === 'server') keepTimeOrder(h.acks);
      return;
    }
    // Handshake steps come from the state's `state` events; a SYN is told only when sent again. A FIN is
    // told when sent: the sender's FIN_WAIT_1 comes when its application closes, often long before.
    if (len === 0 && !retransmit && p.kind !== 'fin') return;
    const flags = p.kind === 'syn' ? 'SYN' : p.kind === 'syn-ack' ? 'SYN,ACK' : p.kind === 'fin' ? 'FIN,ACK' : p.kind === 'rst' ? 'RST' : 'ACK';
    const e: SendEvent = { type: 'send', t: p.sentMs, flow: f.id, side, ...node, seq, ack, len, flags, retransmit, rel: seq };
    w.ingest(e);
    if (side === 'client' && len > 0) keepTimeOrder(h.sends);
    if (retransmit && side === 'client') this.retransmitsTold.set(f.id, (this.retransmitsTold.get(f.id) ?? 0) + 1);
  }

  /** Balancers as the state has them (refreshed about four times a second). */
  private syncBalancers(s: State): void {
    const w = this.world;
    if (s.balancers === undefined) return;
    w.balancers.clear();
    s.balancers.forEach((b, id) => {
      const backends: BalancerView['backends'] = [];
      b.backends.forEach((x) => backends.push({ node: x.node, capacity: x.capacity, open: x.open, assigned: x.assigned, up: x.up }));
      const waiting: BalancerView['waiting'] = [];
      b.waiting.forEach((x) => waiting.push({ connection: x.connection, client: x.client, flow: x.flow === '' ? null : x.flow, sinceMs: x.sinceMs }));
      w.balancers.set(id, {
        node: b.node,
        role: b.role === 'passive' ? 'passive' : 'active',
        active: b.active,
        vip: b.vip,
        algorithm: b.algorithm as BalancerView['algorithm'],
        controller: w.nodes.get(id)?.controller ?? 'bot',
        pair: b.pair === '' ? null : b.pair,
        backends,
        waiting,
      });
    });
  }

  /** Servers as the state has them; the state lists threads and queued connections, not every connection's detail. */
  private syncServers(s: State): void {
    const w = this.world;
    if (s.servers === undefined) return;
    w.servers.clear();
    s.servers.forEach((v, id) => {
      const threads: ServerView['threads'] = [];
      v.threads.forEach((th) => threads.push({ name: th.name, state: th.state, conn: th.conn === 0 ? null : th.conn, flow: th.flow === '' ? null : th.flow }));
      const acceptQueue: number[] = [];
      v.acceptQueue.forEach((c) => acceptQueue.push(c));
      w.servers.set(id, {
        id,
        io: v.io === 'nonblocking' ? 'nonblocking' : 'blocking',
        up: v.up,
        capacity: v.capacity,
        activeConnections: v.activeConnections,
        cpuBacklog: v.cpuBacklog,
        ioSettable: v.ioSettable,
        threads,
        acceptQueue,
        ready: [],
        connections: [],
      });
    });
  }

  private tapFrames(node: string, frames: ReadonlyArray<Record<string, unknown>>): void {
    for (const f of frames) {
      const t = typeof f.t === 'number' ? f.t : this.world.nowMs;
      this.world.ingest({ ...f, type: 'tap', t, node, action: typeof f.action === 'string' ? f.action : 'frame' } as WorldEvent);
    }
  }

  /**
   * Where a waiting packet is going. The state says where it came from (its last hop) and which flow
   * it is in; it is heading for whichever end of the flow it did not come from.
   */
  private destOf(id: number, kind: string, flowId: string): string | null {
    const f = this.world.flows.get(flowId);
    if (f === undefined) return null;
    const from = this.cameFrom.get(id);
    if (from === f.from) return f.to;
    if (from === f.to) return f.from;
    if (kind === 'syn' || kind === 'data') return f.to;
    if (kind === 'syn-ack') return f.from;
    return this.fartherOf(from, f.from, f.to);
  }

  /** Of two nodes, the one farther (in hops) from `from`: a packet travels away from where it was. */
  private fartherOf(from: string | undefined, a: string, b: string): string | null {
    if (from === undefined) return null;
    const hops = (target: string): number => {
      const seen = new Map<string, number>([[from, 0]]);
      const queue = [from];
      while (queue.length > 0) {
        const u = queue.shift()!;
        if (u === target) return seen.get(u)!;
        for (const l of this.world.links.values()) {
          const v = l.a === u ? l.b : l.b === u ? l.a : null;
          if (v !== null && !seen.has(v)) {
            seen.set(v, seen.get(u)! + 1);
            queue.push(v);
          }
        }
      }
      return Infinity;
    };
    return hops(a) >= hops(b) ? a : b;
  }

  /** Flow figures arrive about four times a second; changes become the events the views expect. */
  private syncFlows(s: State): void {
    const w = this.world;
    const t = s.clock.simMs;
    s.flows.forEach((fs) => {
      const f = w.flows.get(fs.id);
      if (f === undefined) return;
      f.started = fs.running || fs.state !== '' || fs.deliveredBytes > 0;
      if (fs.cc !== '') f.cc = fs.cc;
      if (fs.arq !== '') {
        f.arq = fs.arq;
        f.windowSegments = windowSegmentsFor(fs.arq, fs.windowSegments);
      }
      f.readRateBps = fs.readRateBps === 0 ? null : fs.readRateBps;
      const h = w.history(fs.id);
      const seen = this.flowSeen.get(fs.id) ?? { retransmits: 0, timeouts: 0, fastRetransmits: 0, cwnd: 0, ssthresh: 0, delivered: 0, reason: '' };
      const emit = (e: BaseEvent) => w.ingest(e as WorldEvent);
      if (fs.retransmits > seen.retransmits) {
        // Retransmissions whose packets the state listed were told with them; the rest (packets the
        // state did not list) are told here, counted. A UDP flow's are its application's own resends
        // (a resolver asking again), which are no TCP segments and have captions of their own.
        const rise = fs.retransmits - seen.retransmits;
        const told = this.retransmitsTold.get(fs.id) ?? 0;
        this.retransmitsTold.set(fs.id, Math.max(0, told - rise));
        const flags = f.transport === 'tcp' ? '' : 'UDP';
        if (rise > told) emit({ type: 'send', t, flow: fs.id, side: 'client', seq: 0, ack: 0, len: 0, flags, retransmit: true, count: rise - told });
      }
      const reason = typeof fs.cwndReason === 'string' ? fs.cwndReason : '';
      if (f.transport === 'tcp' && (fs.cwnd !== seen.cwnd || fs.ssthresh !== seen.ssthresh || reason !== seen.reason) && fs.cwnd > 0) {
        // The sender's own reason for its latest change; before the sender traced one (no data segment
        // yet) the phase is read from the figures. (Fast retransmits also arrive as their own events.)
        const why = reason !== '' ? reason : fs.timeouts > seen.timeouts ? 'timeout' : fs.fastRetransmits > seen.fastRetransmits ? 'fast-recovery' : fs.cwnd < fs.ssthresh ? 'slow-start' : 'congestion-avoidance';
        emit({ type: 'cwnd', t, flow: fs.id, cwnd: fs.cwnd, ssthresh: fs.ssthresh, reason: why });
      }
      if (fs.deliveredBytes !== seen.delivered) h.delivered = fs.deliveredBytes;
      if (f.transport !== 'tcp') {
        // The stream's own counts: the state lists only some of its datagrams.
        h.datagramsDelivered = fs.datagramsReceived;
        h.segmentsSent = fs.datagramsSent;
      }
      if (f.transport === 'tcp' && fs.mss > 0) {
        // The sender's own figures (the state has them for flows with one connection): exact, and
        // they cover segments the state did not list. Offsets only grow; a newer segment may be ahead.
        f.mss = fs.mss;
        if (fs.una > h.una) h.una = fs.una;
        if (fs.sndMax > h.nxt) h.nxt = fs.sndMax;
        if (fs.una >= 0 && fs.state !== 'SYN_SENT') h.rwnd = fs.rwndBytes;
        h.srttMs = fs.srttMs > 0 ? fs.srttMs : null;
        h.rtoMs = fs.rtoMs > 0 ? fs.rtoMs : null;
      }
      // The server's counters are the truth; events above only carried the moments.
      h.retransmits = fs.retransmits;
      h.timeouts = fs.timeouts;
      h.fastRetransmits = fs.fastRetransmits;
      h.answered = fs.answered;
      h.unanswered = fs.unanswered;
      h.cwndBytes = fs.cwnd;
      h.ssthreshBytes = fs.ssthresh;
      if (fs.state !== '') h.clientState = fs.state;
      if (fs.serverState !== '') h.serverState = fs.serverState;
      this.flowSeen.set(fs.id, { retransmits: fs.retransmits, timeouts: fs.timeouts, fastRetransmits: fs.fastRetransmits, cwnd: fs.cwnd, ssthresh: fs.ssthresh, delivered: fs.deliveredBytes, reason });
    });
  }

  /** A video stream's frame counts are the server's (the room forwards skipped frames only, for their captions). */
  private syncFrames(s: State): void {
    s.flows.forEach((fs) => {
      if (fs.app !== 'video' || !this.world.flows.has(fs.id)) return;
      const h = this.world.history(fs.id);
      h.framesPlayed = fs.framesPlayed;
      h.framesSkipped = fs.framesSkipped;
      h.framesLate = fs.framesLate;
    });
  }

  private syncEvents(s: State): void {
    const w = this.world;
    s.events.forEach((ev) => {
      const prevCount = this.eventCounts.get(ev.seq);
      const isNew = ev.seq > this.lastEventSeq;
      if (!isNew && (prevCount === undefined || ev.count <= prevCount)) return;
      const extra = isNew ? ev.count : ev.count - prevCount!;
      this.eventCounts.set(ev.seq, ev.count);
      if (isNew) this.lastEventSeq = ev.seq;
      const e = this.toWorldEvent(ev, extra, isNew);
      if (e === null) return;
      if (e.type === 'drop' && typeof e.packet === 'number') {
        const gone = this.recentlyGone.get(e.packet);
        if (gone?.fact !== undefined) {
          w.packets.put({ ...gone.fact });
          this.recentlyGone.delete(e.packet);
        }
      }
      if ('type' in e && isWorld(e)) w.ingest(e);
      else w.emitOther(e);
    });
    if (this.eventCounts.size > 200) {
      const keep = new Set<number>();
      s.events.forEach((ev) => keep.add(ev.seq));
      for (const k of [...this.eventCounts.keys()]) if (!keep.has(k)) this.eventCounts.delete(k);
    }
  }

  private toWorldEvent(ev: State['events'] extends { forEach(cb: (v: infer V) => void): void } ? V : never, count: number, isNew: boolean): BaseEvent | null {
    const flow = ev.flow === '' ? null : ev.flow;
    const node = ev.node !== '' ? { node: ev.node } : {};
    const base = { t: ev.t, ...(ev.link !== '' ? { link: ev.link } : {}), ...node };
    const d = decodeDetail(ev.type, ev.detail);
    // An entry of a type this client does not know is passed on as it is; a known type with a detail it cannot read is skipped.
    if (d === null) return isNotableType(ev.type) ? null : { type: ev.type, ...base, flow, packet: ev.packet, detail: ev.detail, count };
    switch (d.type) {
      case 'drop': {
        const fact = this.world.packets.get(ev.packet) ?? this.recentlyGone.get(ev.packet)?.fact;
        return { type: 'drop', ...base, flow, packet: isNew ? ev.packet : 0, kind: fact?.kind ?? '', reason: d.reason, count };
      }
      case 'state': {
        if (flow === null) return null;
        const h = this.world.history(flow);
        const from = d.side === 'client' ? h.clientState : h.serverState;
        return { type: 'state', t: ev.t, flow, side: d.side, ...node, from, to: d.to };
      }
      case 'rto':
        return flow === null ? null : { type: 'rto', t: ev.t, flow, side: d.side, ...node, seq: 0, rtoMs: 0, backoffs: 0 };
      case 'probe':
        return flow === null ? null : { type: 'probe', t: ev.t, flow, side: d.side, ...node, seq: 0 };
      case 'video':
        // For its caption only: the frame counts come with the flow's figures.
        return flow === null || !isNew ? null : { type: 'video', t: ev.t, flow, frame: ev.packet, status: d.status, count };
      case 'fast-retransmit': {
        if (flow === null) return null;
        const h = this.world.history(flow);
        return { type: 'cwnd', t: ev.t, flow, cwnd: h.cwndBytes, ssthresh: h.ssthreshBytes, reason: 'fast-retransmit' };
      }
      case 'window':
        return flow === null ? null : { type: 'window', t: ev.t, flow, side: d.side, ...node, rwnd: d.event === 'zero' ? 0 : 1, event: d.event };
      case 'fault':
        return { type: 'fault', ...base, kind: d.kind };
      case 'command':
        return { type: 'command', ...base, node: ev.node, action: d.action, packet: ev.packet, ok: true };
      case 'http': {
        if (ev.node === '' || flow === null) return null;
        const http = { type: 'http', t: ev.t, node: ev.node, side: 'client', flow, method: d.method, path: d.path } as const;
        return d.what === 'answer' ? { ...http, event: 'response', status: d.status } : { ...http, event: 'error', reason: d.reason };
      }
      case 'dns': {
        // Back into the resolver's event.
        if (ev.node === '') return null;
        const dns = { type: 'dns', t: ev.t, node: ev.node, ...(flow === null ? {} : { flow }), side: 'client', name: d.name } as const;
        switch (d.what) {
          case 'retry':
            return { ...dns, action: 'timeout', next: 'retry', attempt: d.attempt - 1, timeoutMs: d.timeoutMs };
          case 'timeout-tcp':
            return { ...dns, action: 'timeout', next: 'tcp' };
          case 'truncated':
            return { ...dns, action: 'tcp-fallback', reason: 'truncated' };
          case 'give-up':
            return { ...dns, action: 'give-up', reason: d.reason };
          case 'error':
            return { ...dns, action: 'response', rcode: d.rcode };
          case 'query':
            return { ...dns, action: 'query', transport: 'udp', retry: false, qtype: d.qtype };
          case 'cut':
            return { ...dns, action: 'response', transport: 'udp', rcode: 'NOERROR', tc: true, answers: d.answers };
          case 'answer':
            return { ...dns, action: 'response', transport: d.transport, rcode: 'NOERROR', tc: false, answers: d.answers, latencyMs: d.ms };
        }
        return null;
      }
      case 'tls': {
        if (ev.node === '') return null;
        const tls = { type: 'tls', t: ev.t, node: ev.node, ...(flow === null ? {} : { flow }) } as const;
        switch (d.what) {
          case 'failure':
            // As the side that noticed it reported it: enough for its caption.
            return { ...tls, step: 'failure', by: 'local', alert: d.alert };
          case 'send':
            if (d.message === 'ClientHello') return { ...tls, step: d.message, dir: 'send', side: 'client', cipherSuites: Array.from({ length: Number(d.arg) || 0 }, () => '') };
            if (d.message === 'Certificate') return { ...tls, step: d.message, dir: 'send', side: 'server', certificates: [{ subject: '', issuer: d.arg }] };
            return { ...tls, step: d.message, dir: 'send' };
          case 'warning':
            return { ...tls, step: 'warning' };
          case 'established':
            // Both ends record an established handshake; its client tells it.
            return flow !== null && this.world.flows.get(flow)?.from === ev.node ? { ...tls, step: 'established', side: 'client' } : null;
        }
        return null;
      }
      default:
        return { type: ev.type, ...base, flow, packet: ev.packet, detail: ev.detail, count };
    }
  }

  private async loadCapture(node: string): Promise<void> {
    try {
      const reply = (await this.room.request('capture', {})) as { ok: boolean; node?: string; frames?: Array<Record<string, unknown>>; tamper?: string | null };
      if (reply.ok && Array.isArray(reply.frames)) {
        this.world.taps.delete(node);
        this.tapFrames(reply.node ?? node, reply.frames);
        if (reply.tamper !== undefined) this.tamperTargets.set(reply.node ?? node, reply.tamper);
      }
    } catch {
      /* an older server without captures: the live frames still come */
    }
  }

  // ------------------------------------------------------------------ intents

  private async ask(type: string, payload: unknown): Promise<IntentResult> {
    if (this.ended) return { ok: false, reason: 'the session has ended', code: 'ended' };
    try {
      const reply = (await this.room.request(type, payload)) as CommandReply;
      if (reply.ok) return { ok: true };
      return { ok: false, reason: reply.reason, code: reply.code, ...(reply.why === undefined ? {} : { why: reply.why }) };
    } catch (err) {
      return { ok: false, reason: err instanceof Error ? err.message : String(err) };
    }
  }

  router(intent: RouterIntent): Promise<IntentResult> {
    const payload: Record<string, unknown> = { node: intent.node, packet: intent.packet };
    if (intent.action === 'forward') payload.link = intent.link;
    if (intent.action === 'hold') payload.ms = intent.ms ?? 2000;
    return this.ask(intent.action, payload);
  }

  startFlow(flow: string, modes: FlowModes = {}): Promise<IntentResult> {
    return this.ask('start-flow', { flow, ...modes });
  }

  stopFlow(flow: string): Promise<IntentResult> {
    return this.ask('stop-flow', { flow });
  }

  async setReadRate(flow: string, bps: number | null): Promise<IntentResult> {
    const r = await this.ask('read-rate', { flow, rateBps: bps });
    const f = this.world.flows.get(flow);
    if (r.ok && f !== undefined) f.readRateBps = bps;
    return r;
  }

  assign(node: string, connection: number, backend: string): Promise<IntentResult> {
    return this.ask('assign', { node, connection, backend });
  }

  setAlgorithm(node: string, algorithm: string): Promise<IntentResult> {
    return this.ask('algorithm', { node, algorithm });
  }

  setServerIo(node: string, choice: ServerIoChoice): Promise<IntentResult> {
    return this.ask('server-io', choice.io === 'blocking' ? { node, io: 'blocking', threads: choice.threads } : { node, io: 'nonblocking' });
  }

  async inspect(packet: number): Promise<InspectedPacket | null> {
    try {
      const reply = (await this.room.request('inspect', { packet })) as { ok: true; packet: InspectedPacket } | { ok: false; reason: string };
      return reply.ok ? reply.packet : null;
    } catch {
      return null;
    }
  }

  onEnd(fn: (end: SessionEnd) => void): void {
    this.endListeners.push(fn);
  }

  onRoleChange(fn: (role: MyRole) => void): void {
    this.roleListeners.push(fn);
  }

  /** Keep what this tab needs to get back into the class after a reload. */
  private remember(): void {
    if (this.ended) return;
    saveRejoin({ code: this.code, name: this.name, spectator: this.spectator, token: this.room.reconnectionToken ?? null, hostToken: this.hostToken });
  }

  private finish(end: SessionEnd): void {
    if (this.ended) return;
    saveRejoin(null);
    this.ended = true;
    this.world.phase = 'ended';
    for (const fn of this.endListeners) fn(end);
  }

  private makeHostControls(): HostControls {
    const send = (type: string, payload: unknown = {}) => this.ask(type, payload);
    return {
      joinCode: this.code,
      pause: () => void send('pause'),
      resume: () => void send('resume'),
      step: (ms) => void send('step', { ms }),
      setSpeed: (speed) => {
        // The server offers a fixed set of speeds; the nearest one is asked for.
        const nearest = SPEEDS.reduce((best, s) => (Math.abs(s - speed) < Math.abs(best - speed) ? s : best), SPEEDS[0]);
        void send('speed', { speed: nearest });
      },
      scenarios: () => this.scenarioList,
      currentScenario: () => (this.room.state?.scenario !== undefined && this.scenarioList.some((s) => s.id === this.room.state.scenario) ? this.room.state.scenario : null),
      loadScenario: (id) => send('scenario', { scenario: id }),
      fault: (f: FaultIntent) => {
        if (f.kind === 'drop-segment') return Promise.resolve({ ok: false, reason: 'not-supported' });
        return send('fault', f);
      },
      assignRole: (player, role, node) => send('role', { player, seat: role === 'spectator' || node === null ? '' : `${role}:${node}` }),
      kick: (player) => send('kick', { player }),
      end: () => send('end'),
      report: () => this.hostDownload('results.json', `packetplay-${this.code}.json`),
      replay: () => {
        // This round's, by number: the server's latest stored round lags a new one by a few seconds.
        const round = this.room.state?.round ?? 1;
        return this.hostDownload(`replay.json?round=${round}`, `packetplay-${this.code}-round${round}.json`);
      },
    };
  }

  /** A file of the session's results the host may download (`results.json`, `replay.json`), or null. */
  private async hostDownload(file: string, name: string): Promise<{ name: string; type: string; body: string } | null> {
    if (this.resultsPath === null || this.hostToken === null) return null;
    try {
      const res = await fetch(httpUrl(this.resultsPath.replace(/results\.json$/, file)), { headers: { authorization: `Bearer ${this.hostToken}` } });
      if (!res.ok) return null;
      return { name, type: 'application/json', body: await res.text() };
    } catch {
      return null;
    }
  }

  /** Leave the room (the player chose to). */
  leave(): void {
    if (!this.ended) void this.room.leave(true);
  }

  dispose(): void {
    this.leave();
    this.ended = true;
    this.endListeners.length = 0;
    this.roleListeners.length = 0;
    this.stateListeners.length = 0;
  }
}

/** Segments may come to light out of order (a packet the state listed only from a later hop): the newest point moves back to its time. */
function keepTimeOrder(points: Array<SegmentPoint | AckPoint>): void {
  for (let i = points.length - 1; i > 0 && points[i - 1]!.t > points[i]!.t; i--) {
    const p = points[i]!;
    points[i] = points[i - 1]!;
    points[i - 1] = p;
  }
}

function asRole(role: string, spectator: boolean): MyRole['role'] {
  switch (role) {
    case 'router':
    case 'sender':
    case 'receiver':
    case 'loadbalancer':
    case 'tap':
    case 'host':
    case 'spectator':
      return role;
    default:
      return spectator ? 'spectator' : 'none';
  }
}

const WORLD_TYPES = new Set(['tx', 'drop', 'wait', 'command', 'send', 'ack', 'state', 'cwnd', 'deliver', 'rto', 'window', 'probe', 'video', 'fault', 'rtt', 'tls', 'dns', 'http']);

function isWorld(e: BaseEvent): e is WorldEvent {
  return WORLD_TYPES.has(e.type);
}
