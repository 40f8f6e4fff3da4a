// A layer-4 load balancer (seed: 로드 밸런싱; Linux IPVS in NAT mode, "LVS-NAT", and keepalived's
// VRRP for the redundant pair). Clients connect to a virtual IP (`vip`); the balancer picks a backend
// for each new TCP connection (round robin, least connections, source-IP hash, or a player's choice),
// records it in its connection table, and rewrites packets in passing: the client's packets get the
// backend's address as destination, the backend's replies get the VIP back as source (checksums are
// recomputed when a packet is put on the wire). Backends route their replies through the balancer,
// which is their gateway. A backend that is down or full is passed over; when none can take a new
// connection it is refused with RST. It learns which backends are alive from its own health checks
// (TCP probes, lb-health.ts), so a server that dies still gets connections until the checks notice;
// after that a connection to it is dropped from the table (a retried SYN goes to a live server).
//
// Two balancers can form an active/passive pair sharing the VIP: the active one sends a heartbeat (a
// VRRP advertisement carrying IPVS connection-sync entries, lb-sync.ts) to the passive one every
// `heartbeatMs` and at once when its table changes, so the passive one knows every accepted
// connection. After `failoverHeartbeats` intervals without hearing one, the passive one takes the VIP
// over (routes move to it: the gratuitous-ARP step) and continues every connection from its copy of
// the table. A balancer that comes back after being down has lost its memory: it returns passive.

import type { Controller } from './node.ts';
import { Host } from './host.ts';
import type { Interface } from './interface.ts';
import type { Network } from './network.ts';
import type { NetNode } from './node.ts';
import { Packet } from './packet.ts';
import { ipToString, parseIp } from './addresses.ts';
import { IP_PROTOCOL_TCP, originatedIpv4 } from './ipv4.ts';
import { UNADDRESSED_FRAME } from './ethernet.ts';
import { ACK, FIN, RST, SYN, type TcpHeader } from '../transport/tcp/header.ts';
import { seqAdd } from '../transport/tcp/seq.ts';
import { Timer } from '../sim/timer.ts';
import { msToNs } from '../sim/time.ts';
import type { LoadBalancerNodeSpec } from '../scenario.ts';
import type { CommandResult } from '../roles/commands.ts';
import { ConnectionTable, isOpen, isOpenState, ipvsState, stateFromIpvs, type LbConnection, type LbConnState } from './lb-connections.ts';
import {
  isBalancerAlgorithm,
  jainFairness,
  pickLeastConnections,
  pickRoundRobin,
  pickSourceHash,
  type BackendLoad,
  type BalancerAlgorithm,
  type Pick,
} from './lb-scheduler.ts';
import { encodeHeartbeat, LB_SYNC_PORT, MAX_SYNC_ENTRIES, parseHeartbeat, type SyncEntry } from './lb-sync.ts';
import './lb-sync-layer.ts';
import { HealthChecker, PROBE_PORT_FIRST } from './lb-health.ts';

/** Capacity of a backend that declares none (neither on the balancer nor on the server itself). */
export const DEFAULT_BACKEND_CAPACITY = 1000;
/** Packets of one waiting connection kept (the SYN and its retransmissions). */
const MAX_WAITING_PACKETS_PER_CONNECTION = 8;
/** Existing entries re-sent with each heartbeat, so a lost sync or a rebooted peer catches up. */
const REFRESH_ENTRIES_PER_HEARTBEAT = 4;
/** VRRP priorities: the balancer configured active wins when both claim the VIP. */
const PRIORITY_ACTIVE = 200;
const PRIORITY_PASSIVE = 100;

export type BalancerRole = 'active' | 'passive';

/** Why a backend was chosen (the `reason` of an `lb-assign` event). */
export type AssignReason = 'algorithm' | 'fallback' | 'player' | 'timeout' | 'bot' | 'no-backend' | 'table-full';

interface Backend {
  readonly id: string;
  /** Declared on the balancer, or null to use the server's own capacity. */
  readonly capacity: number | null;
  node: NetNode | null;
  assigned: number;
}

/** The balancers sharing one VIP and which of them the network delivers it to (its ARP owner). */
class VipGroup {
  readonly vip: number;
  readonly members: LoadBalancer[] = [];
  owner: LoadBalancer | null = null;
  constructor(vip: number) {
    this.vip = vip;
  }

  /** Move the VIP: only the owner answers to it and forwards; then every route is recomputed. */
  setOwner(owner: LoadBalancer | null, reroute: boolean): void {
    this.owner = owner;
    for (const m of this.members) {
      const i = m.addresses.indexOf(this.vip);
      if (m === owner && i < 0) m.addresses.push(this.vip);
      if (m !== owner && i >= 0) m.addresses.splice(i, 1);
      m.forwards = m === owner;
    }
    if (reroute && this.members.length > 0) this.members[0]!.network.recomputeRoutes();
  }
}

const groups = new WeakMap<Network, Map<number, VipGroup>>();

function groupFor(net: Network, vip: number): VipGroup {
  let byVip = groups.get(net);
  if (byVip === undefined) {
    byVip = new Map();
    groups.set(net, byVip);
  }
  let g = byVip.get(vip);
  if (g === undefined) {
    g = new VipGroup(vip);
    byVip.set(vip, g);
  }
  return g;
}

export interface BalancerBackendView {
  node: string;
  capacity: number;
  /** Open connections it serves through this balancer. */
  open: number;
  /** Connections assigned to it so far. */
  assigned: number;
  up: boolean;
}

export interface BalancerView {
  node: string;
  role: BalancerRole;
  /** Whether the network delivers the VIP to this balancer now. */
  active: boolean;
  vip: string;
  algorithm: BalancerAlgorithm;
  controller: Controller;
  pair: string | null;
  backends: BalancerBackendView[];
  /** Connections waiting for a decision (manual algorithm), oldest first. */
  waiting: Array<{ connection: number; client: string; flow: string | null; sinceMs: number }>;
}

export interface BalancerSummary {
  role: BalancerRole;
  active: boolean;
  vip: string;
  algorithm: BalancerAlgorithm;
  assignments: Record<string, number>;
  open: Record<string, number>;
  refusals: number;
  overloads: number;
  decisionTimeouts: number;
  fairness: number;
  connections: number;
  failovers: number;
  heartbeatsSent: number;
  heartbeatsReceived: number;
  syncEntriesSent: number;
  syncEntriesReceived: number;
  healthChecksSent: number;
  /** Backends its health checks see as down at the end. */
  backendsDown: string[];
}

interface Waiting {
  conn: LbConnection;
  packets: Packet[];
  sinceNs: number;
}

export class LoadBalancer extends Host {
  override readonly kind: string = 'loadbalancer';
  readonly vip: number;
  readonly pairId: string | null;
  /** The role it was configured with; `role` is the one it has now. */
  readonly configuredRole: BalancerRole;
  role: BalancerRole;
  algorithm: BalancerAlgorithm;
  controller: Controller;
  readonly heartbeatNs: number;
  readonly failoverHeartbeats: number;
  readonly decisionTimeoutNs: number;
  /** Limit of connections waiting for a decision. */
  readonly waitingLimit: number;
  readonly table: ConnectionTable;
  readonly health: HealthChecker;
  private readonly healthCheckPort: number;
  private readonly backends: Backend[];
  private readonly group: VipGroup;
  private readonly waiting = new Map<number, Waiting>();
  private rrPointer = 0;
  private readonly pendingSync = new Set<LbConnection>();
  private syncScheduled = false;
  private refreshIter: IterableIterator<LbConnection> | null = null;
  private readonly failoverTimer: Timer;
  private lastHeardNs = 0;
  /** Bumped when the node goes down, so callbacks scheduled before are void. */
  private epoch = 0;
  refusals = 0;
  overloads = 0;
  decisionTimeouts = 0;
  failovers = 0;
  heartbeatsSent = 0;
  heartbeatsReceived = 0;
  syncEntriesSent = 0;
  syncEntriesReceived = 0;

  constructor(network: Network, spec: LoadBalancerNodeSpec, index: number, ip: number) {
    super(network, spec.id, index, ip);
    const vip = parseIp(spec.vip);
    if (vip === null) throw new Error(`node ${spec.id}: bad virtual IPv4 address ${spec.vip}`);
    this.vip = vip;
    this.pairId = spec.pair;
    this.configuredRole = spec.role;
    this.role = spec.role;
    this.algorithm = spec.algorithm;
    this.controller = spec.controller;
    this.heartbeatNs = msToNs(spec.heartbeatMs);
    this.failoverHeartbeats = spec.failoverHeartbeats;
    this.decisionTimeoutNs = msToNs(spec.decisionTimeoutMs);
    this.waitingLimit = spec.queuePackets;
    this.backends = spec.backends.map((b) => ({ id: b.node, capacity: b.capacity, node: null, assigned: 0 }));
    this.table = new ConnectionTable(network.sim, this.backends.length, {
      maxConnections: spec.maxConnections,
      idleTimeoutMs: spec.idleTimeoutMs,
      closeLingerMs: spec.closeLingerMs,
      onExpire: (c) => this.expired(c),
    });
    this.udp.bind(LB_SYNC_PORT, (p) => this.heartbeatArrives(p));
    this.healthCheckPort = spec.healthCheckPort;
    this.health = new HealthChecker(network.sim, this.backends.length, {
      intervalNs: msToNs(spec.healthCheckMs),
      timeoutNs: msToNs(spec.healthCheckTimeoutMs),
      failures: spec.healthCheckFailures,
      send: (i, port, seq) => this.sendProbe(i, port, seq),
      changed: (i, up) => this.healthChanged(i, up),
    });
    this.group = groupFor(network, vip);
    this.group.members.push(this);
    if (spec.role === 'active') this.group.setOwner(this, false);
    else this.forwards = false;
    this.failoverTimer = new Timer(network.sim, () => this.masterDown());
    if (this.pairId !== null) {
      const sim = network.sim;
      sim.at(sim.nowNs, () => this.heartbeatTick());
      if (this.role === 'passive') this.failoverTimer.setIn(this.failoverHeartbeats * this.heartbeatNs);
    }
  }

  /** Whether the network delivers the VIP here now. */
  get ownsVip(): boolean {
    return this.group.owner === this;
  }

  get pair(): LoadBalancer | null {
    if (this.pairId === null) return null;
    const n = this.network.nodes.get(this.pairId);
    return n instanceof LoadBalancer ? n : null;
  }

  /** The backends' hosts (those that are hosts), for flows addressed to the VIP. */
  backendHosts(): Host[] {
    const out: Host[] = [];
    for (let i = 0; i < this.backends.length; i++) {
      const n = this.backendNode(i);
      if (n instanceof Host) out.push(n);
    }
    return out;
  }

  backendIndex(id: string): number {
    return this.backends.findIndex((b) => b.id === id);
  }

  private backendNode(i: number): NetNode | null {
    const b = this.backends[i]!;
    b.node ??= this.network.nodes.get(b.id) ?? null;
    return b.node;
  }

  /** Its capacity: the balancer's setting, else the server's own `capacity`, else the default. */
  capacityOf(i: number): number {
    const b = this.backends[i]!;
    if (b.capacity !== null) return b.capacity;
    const own = (this.backendNode(i) as { capacity?: unknown } | null)?.capacity;
    return typeof own === 'number' && own > 0 ? own : DEFAULT_BACKEND_CAPACITY;
  }

  /** Health as the balancer's checks last saw it. */
  backendUp(i: number): boolean {
    return this.health.up[i] === true;
  }

  private backendAt(ip: number): number {
    return this.backends.findIndex((_, i) => this.backendNode(i)?.ip === ip);
  }

  /** A health-check SYN from the balancer's own address to the backend's check port. */
  private sendProbe(i: number, srcPort: number, seq: number): boolean {
    const node = this.backendNode(i);
    if (!this.up || node === null || node.ip === 0) return false;
    const header: TcpHeader = { srcPort, dstPort: this.healthCheckPort, seq, ack: 0, flags: SYN, window: 65535, urgentPointer: 0, options: null };
    const p = this.tcpPacket(this.ip, node.ip, header);
    p.appKind = 'health-check';
    this.sendIp(p);
    return true;
  }

  private healthChanged(i: number, up: boolean): void {
    const sim = this.network.sim;
    if (sim.trace.enabled('lb-health')) sim.trace.emit({ type: 'lb-health', t: sim.nowMs, node: this.id, backend: this.backends[i]!.id, up });
  }

  private backendFull(i: number): boolean {
    if (this.table.openPerBackend[i]! >= this.capacityOf(i)) return true;
    // A server that counts its own connections (from every client, not only ours) may be full too.
    const n = this.backendNode(i) as { activeConnections?: unknown; capacity?: unknown } | null;
    return typeof n?.activeConnections === 'number' && typeof n.capacity === 'number' && n.activeConnections >= n.capacity;
  }

  private loads(): BackendLoad[] {
    return this.backends.map((_, i) => ({
      connections: this.table.openPerBackend[i]!,
      available: this.backendUp(i) && !this.backendFull(i),
    }));
  }

  // ---- packets ----------------------------------------------------------------------------------

  override receive(p: Packet, via: Interface): void {
    const dst = p.ip.dst;
    if (dst === this.ip) {
      // Its own address: heartbeats for its UDP socket, answers to its health checks (its TCP layer
      // then resets a SYN-ACK, as for any segment of a connection it does not have).
      const h = p.tcp;
      if (this.up && h !== null && h.dstPort >= PROBE_PORT_FIRST && p.corruptBits === null) {
        const i = this.backendAt(p.ip.src);
        if (i >= 0) this.health.answer(i, h.dstPort);
      }
      super.receive(p, via);
      return;
    }
    if (!this.up) {
      this.network.drop(p, { node: this.id }, 'node-down');
      return;
    }
    if (!this.acceptsFrame(p, via)) {
      this.network.drop(p, { node: this.id }, 'mac-filter');
      return;
    }
    const damaged = this.corruptedDatagram(p);
    // Like IPVS, it checks the TCP checksum too before it reads ports and rewrites a segment.
    if (damaged !== null && (!damaged.ip.checksumValid || (p.tcp !== null && damaged.tcp?.checksumValid !== true))) {
      this.network.drop(p, { node: this.id }, 'checksum');
      return;
    }
    if (dst === this.vip && this.ownsVip) {
      if (p.tcp === null) this.network.drop(p, { node: this.id }, 'no-socket');
      else this.fromClient(p);
      return;
    }
    if (!this.forwards) {
      this.network.drop(p, { node: this.id }, 'no-route'); // a passive balancer forwards nothing
      return;
    }
    if (p.tcp !== null) this.fromBackend(p);
    this.forward(p);
  }

  /** Send on by the routing table, as a router does (TTL decremented). */
  private forward(p: Packet): void {
    const route = this.routes.get(p.ip.dst);
    if (route === undefined) {
      this.network.drop(p, { node: this.id }, 'no-route');
      return;
    }
    if (p.ip.ttl <= 1) {
      this.network.drop(p, { node: this.id }, 'ttl');
      return;
    }
    p.ip.ttl--;
    this.transmit(p, route);
  }

  /** A packet from a client to the VIP: a new connection is scheduled, a known one follows its entry. */
  private fromClient(p: Packet): void {
    const h = p.tcp!;
    const syn = (h.flags & SYN) !== 0 && (h.flags & ACK) === 0;
    let c = this.table.get(p.ip.src, h.srcPort);
    if (c !== undefined && syn && !isOpen(c)) {
      // The client reuses its port after the old connection closed: a new connection.
      this.table.remove(c);
      c = undefined;
    }
    if (c === undefined || c.vport !== h.dstPort) {
      if (syn && c === undefined) this.newConnection(p);
      else this.reset(p); // no connection here (RFC 9293: answer a stray segment with RST)
      return;
    }
    this.table.touch(c);
    if (c.backend < 0) {
      const w = this.waiting.get(c.id)!;
      if (w.packets.length >= MAX_WAITING_PACKETS_PER_CONNECTION) this.network.drop(p, { node: this.id }, 'queue-full');
      else w.packets.push(p);
      return;
    }
    if (!this.backendUp(c.backend)) {
      // Its server is down (IPVS expire_nodest_conn): the entry goes; a retransmitted SYN is
      // scheduled again to a live server, anything else is answered with RST so the client
      // learns at once that the connection is lost rather than retrying into the void.
      this.table.setState(c, 'close');
      this.queueSync(c);
      this.table.remove(c);
      if (syn) this.newConnection(p);
      else this.reset(p);
      return;
    }
    this.track(c, h.flags, true);
    if (c.flowId === null) c.flowId = p.flowId;
    p.ip.dst = this.backendNode(c.backend)!.ip;
    this.forward(p);
  }

  /** A packet passing through from a backend: a reply of a balanced connection gets the VIP back. */
  private fromBackend(p: Packet): void {
    const h = p.tcp!;
    const c = this.table.get(p.ip.dst, h.dstPort);
    if (c === undefined || c.backend < 0 || c.vport !== h.srcPort || this.backendNode(c.backend)?.ip !== p.ip.src) return;
    p.ip.src = c.vip;
    this.table.touch(c);
    this.track(c, h.flags, false);
  }

  /** Follow the connection's handshake and teardown. */
  private track(c: LbConnection, flags: number, fromClient: boolean): void {
    let next: LbConnState = c.state;
    if (flags & RST) next = 'close';
    else if (flags & FIN) {
      if (fromClient) c.finFromClient = true;
      else c.finFromBackend = true;
      if (isOpen(c)) next = c.finFromClient && c.finFromBackend ? 'time-wait' : 'fin-wait';
    } else if (c.state === 'syn-recv' && fromClient && flags & ACK) next = 'established';
    if (next !== c.state) {
      this.table.setState(c, next);
      this.queueSync(c);
    }
  }

  private newConnection(p: Packet): void {
    const h = p.tcp!;
    if (!this.table.makeRoom()) {
      this.refuse(p, null, 'table-full', []);
      return;
    }
    if (this.algorithm === 'manual' && this.controller === 'player') {
      if (this.waiting.size >= this.waitingLimit) {
        this.network.drop(p, { node: this.id }, 'queue-full');
        return;
      }
      const c = this.table.add({ clientIp: p.ip.src, clientPort: h.srcPort, vip: this.vip, vport: h.dstPort, backend: -1, state: 'syn-recv', flowId: p.flowId, synced: false });
      this.waiting.set(c.id, { conn: c, packets: [p], sinceNs: this.network.sim.nowNs });
      p.waitingAt = this.id;
      const sim = this.network.sim;
      const epoch = this.epoch;
      sim.after(this.decisionTimeoutNs, () => {
        if (epoch === this.epoch && this.waiting.has(c.id)) this.decideByBot(c, 'timeout');
      });
      if (sim.trace.enabled('wait')) {
        sim.trace.emit({
          type: 'wait',
          t: sim.nowMs,
          node: this.id,
          packet: p.id,
          flow: p.flowId,
          kind: p.kind,
          queue: this.waiting.size,
          connection: c.id,
          client: `${ipToString(c.clientIp)}:${c.clientPort}`,
        });
      }
      return;
    }
    const pick = this.schedule(p.ip.src);
    if (pick.index < 0) {
      this.refuse(p, null, 'no-backend', pick.skipped);
      return;
    }
    const c = this.table.add({ clientIp: p.ip.src, clientPort: h.srcPort, vip: this.vip, vport: h.dstPort, backend: -1, state: 'syn-recv', flowId: p.flowId, synced: false });
    const reason: AssignReason = this.algorithm === 'manual' ? 'bot' : pick.skipped.length > 0 ? 'fallback' : 'algorithm';
    this.assign(c, pick.index, reason, pick.skipped, [p]);
  }

  /** The backend the algorithm picks now (manual: least connections, as the bot decides). */
  private schedule(clientIp: number): Pick {
    const loads = this.loads();
    switch (this.algorithm) {
      case 'round-robin': {
        const pick = pickRoundRobin(loads, this.rrPointer);
        if (pick.index >= 0) this.rrPointer = (pick.index + 1) % loads.length;
        return pick;
      }
      case 'source-hash':
        return pickSourceHash(loads, clientIp);
      case 'least-connections':
      case 'manual':
        return pickLeastConnections(loads);
    }
  }

  private assign(c: LbConnection, backend: number, reason: AssignReason, skipped: number[], packets: Packet[], overloaded = false): void {
    this.table.assign(c, backend);
    const b = this.backends[backend]!;
    b.assigned++;
    if (overloaded) this.overloads++;
    const sim = this.network.sim;
    if (sim.trace.enabled('lb-assign')) {
      sim.trace.emit({
        type: 'lb-assign',
        t: sim.nowMs,
        node: this.id,
        connection: c.id,
        client: `${ipToString(c.clientIp)}:${c.clientPort}`,
        backend: b.id,
        algorithm: this.algorithm,
        reason,
        flow: c.flowId,
        overloaded,
        skipped: skipped.map((i) => this.backends[i]!.id),
      });
    }
    this.queueSync(c);
    const backendIp = this.backendNode(backend)!.ip;
    for (const p of packets) {
      p.waitingAt = null;
      this.track(c, p.tcp!.flags, true);
      p.ip.dst = backendIp;
      this.forward(p);
    }
  }

  /** No backend can take the connection: answer its SYN with RST. */
  private refuse(p: Packet, c: LbConnection | null, reason: AssignReason, skipped: number[]): void {
    this.refusals++;
    const sim = this.network.sim;
    if (sim.trace.enabled('lb-assign')) {
      sim.trace.emit({
        type: 'lb-assign',
        t: sim.nowMs,
        node: this.id,
        connection: c?.id ?? 0,
        client: `${ipToString(p.ip.src)}:${p.tcp!.srcPort}`,
        backend: null,
        algorithm: this.algorithm,
        reason,
        flow: p.flowId,
        overloaded: false,
        skipped: skipped.map((i) => this.backends[i]!.id),
      });
    }
    if (c !== null) this.table.remove(c);
    this.reset(p);
  }

  /** Answer a segment with RST from the VIP (RFC 9293 §3.10.7.1), consuming it. */
  private reset(p: Packet): void {
    const h = p.tcp!;
    this.network.consumed(p, this.id);
    if (h.flags & RST) return;
    const segLen = p.payloadLength + (h.flags & SYN ? 1 : 0) + (h.flags & FIN ? 1 : 0);
    const header: TcpHeader =
      h.flags & ACK
        ? { srcPort: h.dstPort, dstPort: h.srcPort, seq: h.ack, ack: 0, flags: RST, window: 0, urgentPointer: 0, options: null }
        : { srcPort: h.dstPort, dstPort: h.srcPort, seq: 0, ack: seqAdd(h.seq, segLen), flags: RST | ACK, window: 0, urgentPointer: 0, options: null };
    const rst = this.tcpPacket(p.ip.dst, p.ip.src, header);
    rst.flowId = p.flowId;
    this.sendIp(rst);
  }

  /** A TCP segment without payload that the balancer itself originates. */
  private tcpPacket(src: number, dst: number, header: TcpHeader): Packet {
    const net = this.network;
    return new Packet(
      net.nextPacketId(),
      net.sim.nowNs,
      UNADDRESSED_FRAME,
      originatedIpv4(this.nextIpId(), IP_PROTOCOL_TCP, src, dst),
      header,
      null,
      0,
      null,
    );
  }

  private decideByBot(c: LbConnection, reason: 'timeout' | 'bot'): void {
    const w = this.waiting.get(c.id);
    if (w === undefined) return;
    this.waiting.delete(c.id);
    if (reason === 'timeout') this.decisionTimeouts++;
    const pick = pickLeastConnections(this.loads());
    if (pick.index < 0) {
      for (const extra of w.packets.slice(1)) this.network.drop(extra, { node: this.id }, 'queue-full');
      w.packets[0]!.waitingAt = null;
      this.refuse(w.packets[0]!, c, 'no-backend', pick.skipped);
      return;
    }
    this.assign(c, pick.index, reason, pick.skipped, w.packets);
  }

  private expired(c: LbConnection): void {
    const w = this.waiting.get(c.id);
    if (w === undefined) return;
    this.waiting.delete(c.id);
    for (const p of w.packets) this.network.drop(p, { node: this.id }, 'queue-full');
  }

  // ---- commands --------------------------------------------------------------------------------

  /** A player (or the game's bot) sends a waiting connection to `backendId`. */
  assignConnection(connectionId: number, backendId: string): CommandResult {
    if (!this.up) return { ok: false, reason: `${this.id} is down`, why: { code: 'node-down', node: this.id } };
    const w = this.waiting.get(connectionId);
    if (w === undefined) return { ok: false, reason: `connection ${connectionId} is not waiting at ${this.id}`, why: { code: 'connection-gone', connection: connectionId, node: this.id } };
    const i = this.backendIndex(backendId);
    if (i < 0) return { ok: false, reason: `${backendId} is not a backend of ${this.id}` };
    if (!this.backendUp(i)) return { ok: false, reason: `${backendId} is down`, why: { code: 'node-down', node: backendId } };
    this.waiting.delete(connectionId);
    this.assign(w.conn, i, 'player', [], w.packets, this.backendFull(i));
    return { ok: true };
  }

  /** Change the algorithm of this balancer and its pair (they share one virtual service). */
  setAlgorithm(algorithm: string): CommandResult {
    if (!isBalancerAlgorithm(algorithm)) return { ok: false, reason: `unknown algorithm "${algorithm}"` };
    for (const lb of [this, this.pair]) {
      if (lb === null) continue;
      lb.algorithm = algorithm;
      lb.flushWaiting();
    }
    return { ok: true };
  }

  setController(controller: Controller): void {
    this.controller = controller;
    this.flushWaiting();
  }

  /** Waiting connections no longer wait once nobody decides by hand. */
  private flushWaiting(): void {
    if (this.algorithm === 'manual' && this.controller === 'player') return;
    for (const w of [...this.waiting.values()]) {
      if (this.algorithm === 'manual') {
        this.decideByBot(w.conn, 'bot');
        continue;
      }
      this.waiting.delete(w.conn.id);
      const pick = this.schedule(w.conn.clientIp);
      if (pick.index < 0) {
        for (const extra of w.packets.slice(1)) this.network.drop(extra, { node: this.id }, 'queue-full');
        w.packets[0]!.waitingAt = null;
        this.refuse(w.packets[0]!, w.conn, 'no-backend', pick.skipped);
      } else this.assign(w.conn, pick.index, pick.skipped.length > 0 ? 'fallback' : 'algorithm', pick.skipped, w.packets);
    }
  }

  setUp(up: boolean): void {
    if (this.up === up) return;
    this.up = up;
    if (!up) {
      this.epoch++;
      for (const w of this.waiting.values()) for (const p of w.packets) this.network.drop(p, { node: this.id }, 'node-down');
      this.waiting.clear();
      this.failoverTimer.cancel();
      this.health.setRunning(false);
      return;
    }
    this.health.setRunning(true);
    // Back from a crash: its memory is gone. In a pair it returns passive (no preemption, so the
    // connections the other one carries stay where they are); alone it is active again.
    this.table.clear();
    this.pendingSync.clear();
    this.refreshIter = null;
    if (this.pairId === null) {
      this.role = 'active';
      return;
    }
    this.role = 'passive';
    if (this.ownsVip) this.group.setOwner(null, true);
    this.lastHeardNs = this.network.sim.nowNs;
    this.failoverTimer.setIn(this.failoverHeartbeats * this.heartbeatNs);
  }

  // ---- the pair: heartbeats, connection sync, failover -----------------------------------------

  private queueSync(c: LbConnection): void {
    if (this.pairId === null || c.backend < 0 || this.role !== 'active') return;
    this.pendingSync.add(c);
    if (this.syncScheduled) return;
    this.syncScheduled = true;
    // Changes made in the same instant travel in one datagram.
    this.network.sim.after(0, () => {
      this.syncScheduled = false;
      this.sendHeartbeats(false);
    });
  }

  private heartbeatTick(): void {
    this.sendHeartbeats(true);
    this.network.sim.after(this.heartbeatNs, () => this.heartbeatTick());
  }

  private syncEntry(c: LbConnection): SyncEntry {
    const backendIp = this.backendNode(c.backend)?.ip ?? 0;
    return {
      state: ipvsState(c.state),
      clientIp: c.clientIp,
      clientPort: c.clientPort,
      vip: c.vip,
      vport: c.vport,
      backendIp,
      backendPort: c.vport,
      timeoutS: this.table.timeoutS(c),
    };
  }

  /** Send the pending changes (and, on a heartbeat, a few existing entries) to the pair. */
  private sendHeartbeats(periodic: boolean): void {
    const pair = this.pair;
    if (!this.up || this.role !== 'active' || pair === null) {
      this.pendingSync.clear();
      return;
    }
    const entries: SyncEntry[] = [];
    for (const c of this.pendingSync) if (c.backend >= 0) entries.push(this.syncEntry(c));
    this.pendingSync.clear();
    if (!periodic && entries.length === 0) return;
    if (periodic) {
      for (let k = 0; k < REFRESH_ENTRIES_PER_HEARTBEAT && this.table.size > 0; k++) {
        this.refreshIter ??= this.table.values();
        const next = this.refreshIter.next();
        if (next.done === true) {
          this.refreshIter = null;
          break;
        }
        if (next.value.backend >= 0) entries.push(this.syncEntry(next.value));
      }
    }
    const intervalCs = Math.min(0x0fff, Math.round(this.heartbeatNs / 1e7));
    const priority = this.configuredRole === 'active' ? PRIORITY_ACTIVE : PRIORITY_PASSIVE;
    for (let at = 0; at === 0 || at < entries.length; at += MAX_SYNC_ENTRIES) {
      const chunk = entries.slice(at, at + MAX_SYNC_ENTRIES);
      const payload = encodeHeartbeat({ vrid: this.vrid, priority, intervalCs, vip: this.vip, entries: chunk });
      this.heartbeatsSent++;
      this.syncEntriesSent += chunk.length;
      this.udp.send(LB_SYNC_PORT, pair.ip, LB_SYNC_PORT, payload, null, 'vrrp');
    }
  }

  /** The VRRP virtual router id: the VIP's last byte (0 is not a valid id, so it becomes 1). */
  get vrid(): number {
    return this.vip & 0xff || 1;
  }

  private heartbeatArrives(p: Packet): void {
    const pair = this.pair;
    const hb = parseHeartbeat(p.payload);
    if (pair === null || p.ip.src !== pair.ip || hb === null || hb.vip !== this.vip || hb.vrid !== this.vrid) return;
    this.heartbeatsReceived++;
    this.lastHeardNs = this.network.sim.nowNs;
    if (this.role === 'passive') this.failoverTimer.setIn(this.failoverHeartbeats * this.heartbeatNs);
    else {
      // Both claim the VIP (the heartbeats were cut off for a while): the higher priority, then the
      // higher address keeps it (RFC 5798 §6.4.3).
      const mine = this.configuredRole === 'active' ? PRIORITY_ACTIVE : PRIORITY_PASSIVE;
      if (hb.priority > mine || (hb.priority === mine && pair.ip > this.ip)) {
        this.role = 'passive';
        if (this.ownsVip) this.group.setOwner(pair, true);
        this.failoverTimer.setIn(this.failoverHeartbeats * this.heartbeatNs);
      }
    }
    for (const e of hb.entries) this.applySync(e);
  }

  private applySync(e: SyncEntry): void {
    const state = stateFromIpvs(e.state);
    const backend = this.backendAt(e.backendIp);
    if (state === null || backend < 0 || e.vip !== this.vip) return;
    this.syncEntriesReceived++;
    let c = this.table.get(e.clientIp, e.clientPort);
    if (c !== undefined && c.vport !== e.vport) return;
    if (c === undefined) {
      if (!isOpenState(state) || !this.table.makeRoom()) return; // a closed one is not worth a slot
      c = this.table.add({ clientIp: e.clientIp, clientPort: e.clientPort, vip: e.vip, vport: e.vport, backend, state, flowId: null, synced: true });
      return;
    }
    if (c.backend !== backend) this.table.assign(c, backend);
    this.table.setState(c, state);
    this.table.touch(c);
  }

  /** No heartbeat for `failoverHeartbeats` intervals: the passive balancer takes the VIP over. */
  private masterDown(): void {
    if (!this.up || this.role !== 'passive') return;
    const sim = this.network.sim;
    const missed = Math.floor((sim.nowNs - this.lastHeardNs) / this.heartbeatNs);
    const from = this.group.owner?.id ?? this.pairId;
    this.role = 'active';
    this.failovers++;
    this.group.setOwner(this, true);
    let taken = 0;
    for (const c of this.table.values()) if (c.backend >= 0 && isOpen(c)) taken++;
    if (sim.trace.enabled('failover')) {
      sim.trace.emit({ type: 'failover', t: sim.nowMs, from, to: this.id, vip: ipToString(this.vip), missedHeartbeats: missed, connectionsTakenOver: taken });
    }
  }

  // ---- what the game draws and the summary reports ---------------------------------------------

  /** Packets waiting here for a decision (the SYNs of waiting connections), oldest first. */
  waitingPackets(): Packet[] {
    const out: Packet[] = [];
    for (const w of this.waiting.values()) out.push(...w.packets);
    return out;
  }

  view(): BalancerView {
    return {
      node: this.id,
      role: this.role,
      active: this.ownsVip,
      vip: ipToString(this.vip),
      algorithm: this.algorithm,
      controller: this.controller,
      pair: this.pairId,
      backends: this.backends.map((b, i) => ({
        node: b.id,
        capacity: this.capacityOf(i),
        open: this.table.openPerBackend[i]!,
        assigned: b.assigned,
        up: this.backendUp(i),
      })),
      waiting: [...this.waiting.values()].map((w) => ({
        connection: w.conn.id,
        client: `${ipToString(w.conn.clientIp)}:${w.conn.clientPort}`,
        flow: w.conn.flowId,
        sinceMs: w.sinceNs / 1e6,
      })),
    };
  }

  summary(): BalancerSummary {
    const assignments: Record<string, number> = {};
    const open: Record<string, number> = {};
    this.backends.forEach((b, i) => {
      assignments[b.id] = b.assigned;
      open[b.id] = this.table.openPerBackend[i]!;
    });
    return {
      role: this.role,
      active: this.ownsVip,
      vip: ipToString(this.vip),
      algorithm: this.algorithm,
      assignments,
      open,
      refusals: this.refusals,
      overloads: this.overloads,
      decisionTimeouts: this.decisionTimeouts,
      fairness: Math.round(jainFairness(this.backends.map((b) => b.assigned)) * 1000) / 1000,
      connections: this.table.size,
      failovers: this.failovers,
      heartbeatsSent: this.heartbeatsSent,
      heartbeatsReceived: this.heartbeatsReceived,
      syncEntriesSent: this.syncEntriesSent,
      syncEntriesReceived: this.syncEntriesReceived,
      healthChecksSent: this.health.probesSent,
      backendsDown: this.backends.filter((_, i) => !this.backendUp(i)).map((b) => b.id),
    };
  }
}
