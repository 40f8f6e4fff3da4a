// One classroom session, with no networking in it: the engine running the scenario, the seats and
// who holds them, the authority rules, scoring, and the projection of engine facts into the
// synchronised state. The Colyseus room (server/rooms/classroom-room.ts) only turns connections and
// messages into calls here, which keeps every rule testable without a socket.
//
// Time: `tick(wallDtMs)` advances the engine on a fixed timestep scaled by the host's speed
// (sim-clock.ts). Commands apply at the simulated instant the engine has reached, between ticks,
// and are logged by the engine for replay.

import type { ArraySchema, MapSchema } from '@colyseus/schema';
import { Engine } from '../../shared/protocols/engine.ts';
import { Router } from '../../shared/protocols/net/router.ts';
import { Tap } from '../../shared/protocols/net/tap.ts';
import { Server } from '../../shared/protocols/net/server.ts';
import type { EngineScenario, FaultSpec } from '../../shared/protocols/scenario.ts';
import type { CommandResult, RefusalWhy, TimedCommand } from '../../shared/protocols/roles/commands.ts';
import { TRACE_TYPES, type TraceEvent } from '../../shared/protocols/sim/trace.ts';
import { ipToString } from '../../shared/protocols/net/addresses.ts';
import type { FlowModes } from '../../shared/protocols/app/flow-modes.ts';
import { exchangeOutcome } from '../../shared/protocols/app/flow.ts';
import {
  LIMITS,
  type AlgorithmMessage,
  type TamperMessage,
  type ServerIoMessage,
  type AssignMessage,
  type CommandReply,
  type FaultMessage,
  type ReadRateMessage,
  type RefusalCode,
  type Speed,
} from '../../shared/messages/classroom-messages.ts';
import {
  BackendState,
  BalancerState,
  ClassroomState,
  FlowState,
  LinkState,
  NodeState,
  PlayerState,
  SeatState,
  ServerState,
  ThreadState,
  WaitingConnectionState,
  type EventState,
  type PacketState,
} from '../../shared/state/classroom-state.ts';
import { botTakesSeat, personTakesSeat } from '../bots/role-bots.ts';
import { layout } from './layout.ts';
import { EventLog } from './notable-events.ts';
import { PacketTracker, type TrackerLimits, DEFAULT_TRACKER_LIMITS } from './packet-tracker.ts';
import { Scoring } from './scoring.ts';
import { seatsFor, type Seat, type SeatRole } from './seats.ts';
import { SimClock, STEP_MS } from './sim-clock.ts';
import { encodeDetail } from '../../shared/messages/notable-detail.ts';

export type PlayerKind = 'host' | 'spectator' | 'student';

export interface PlayerRecord {
  sessionId: string;
  name: string;
  /** `host`, `spectator`, `observer`, or the held seat's role. */
  role: string;
  seat: string;
  connected: boolean;
  score: number;
  host: boolean;
  spectator: boolean;
  /** Order of arrival: observers waiting for a seat are served first come, first served. */
  order: number;
  /** Taken off their seat by the host: not seated again automatically. */
  benched: boolean;
  joinedAt: string;
  leftAt: string | null;
}

export interface FlowRow {
  round: number;
  flow: string;
  from: string;
  to: string;
  transport: string;
  app: string;
  stats: Record<string, unknown>;
}

export interface RunningScenario {
  /** Built-in id, or `custom`. */
  id: string;
  scenario: EngineScenario;
  /** The scenario file as written: a round's replay is this file with the engine's log (shared/scenario/replay.ts). */
  source: Readonly<Record<string, unknown>>;
}

/** What the session store has not yet written of the round's replay: its file once, then the log as it grows. */
export interface ReplayProgress {
  round: number;
  /** The scenario file, in the round's first drain only (else null). */
  source: Readonly<Record<string, unknown>> | null;
  seed: number;
  simMs: number;
  commandLogFullAtMs: number | null;
  /** The engine's events and fingerprint at `simMs`: a replay checks its run against them. */
  eventsProcessed: number;
  summarySha256: string;
  /** Index in the round's log of `commands[0]`. */
  fromIndex: number;
  commands: TimedCommand[];
}

/**
 * Trace event types the session listens to (load-balancer and tap events once the engine has them).
 * `send` and `ack` describe the segment each new packet carries; `cwnd` gives the sender's phase.
 */
const WANTED: readonly string[] = ['tx', 'wait', 'drop', 'command', 'state', 'rto', 'probe', 'video', 'window', 'fault', 'lb-assign', 'lb-health', 'failover', 'tap', 'tls', 'dns', 'http', 'send', 'ack', 'cwnd'];

/** Frames sent to a tap player per tick at most; the rest are counted as skipped (the capture request has them). */
const TAP_FRAMES_PER_TICK = 10;
/** Characters of a payload preview sent to a tap player. */
const TAP_PREVIEW_CHARS = 512;
const TAP_FIELDS = ['t', 'action', 'packet', 'flow', 'in', 'summary', 'protocol', 'layers', 'payloadBytes', 'preview', 'previewFormat', 'tampered', 'direction', 'bytes', 'client', 'server'] as const;

/** What a tap player is told of a frame: the trace event's own fields, previews cut short. */
export type TapFrame = Partial<Record<(typeof TAP_FIELDS)[number], unknown>>;

function tapFrame(e: Record<string, unknown>): TapFrame {
  const out: TapFrame = {};
  for (const k of TAP_FIELDS) {
    const v = e[k];
    if (v === undefined) continue;
    if (typeof v === 'string') out[k] = v.length > TAP_PREVIEW_CHARS ? v.slice(0, TAP_PREVIEW_CHARS) : v;
    else if (typeof v === 'number' || typeof v === 'boolean' || v === null) out[k] = v;
    else if (Array.isArray(v)) out[k] = v.slice(0, 16).map(String);
  }
  return out;
}

export interface TapDelivery {
  sessionId: string;
  node: string;
  frames: TapFrame[];
  skipped: number;
}

/** Players who left that are kept for the results (the store has every one that was saved). */
const MAX_DEPARTED = 1000;
const FLOWS_EVERY_MS = 250;
const NODES_EVERY_MS = 250;
const LINKS_EVERY_MS = 500;
const SCORES_EVERY_MS = 1000;

export interface GameOptions {
  trackerLimits?: TrackerLimits;
  now?: () => Date;
}

type Reply = CommandReply;
const ok = (packet?: number): Reply => (packet === undefined ? { ok: true } : { ok: true, packet });
const refuse = (code: RefusalCode, reason: string): Reply => ({ ok: false, code, reason });
/** The engine's refusal as a reply, with its code for the client to word when it has one. */
const refusedByEngine = (r: { reason: string; why?: RefusalWhy }): Reply =>
  r.why === undefined ? refuse('refused', r.reason) : { ok: false, code: 'refused', reason: r.reason, why: r.why };

/** Threads and queued connections listed per server: enough for a class to read, bounded for the wire. */
const SERVER_LIST_LIMIT = 64;

export class ClassroomGame {
  readonly state: InstanceType<typeof ClassroomState>;
  engine!: Engine;
  running!: RunningScenario;
  seats: Seat[] = [];
  readonly clock = new SimClock(STEP_MS);
  readonly players = new Map<string, PlayerRecord>();
  /** Players who left for good (kept for the results). */
  readonly departed: PlayerRecord[] = [];
  readonly events = new EventLog();
  /** Per-flow stats of rounds already finished (a `scenario` command starts a new round). */
  readonly finishedRounds: FlowRow[] = [];
  ended = false;

  private tracker!: PacketTracker;
  private scoring!: Scoring;
  private readonly seatHolder = new Map<string, string>();
  private readonly trackerLimits: TrackerLimits;
  private readonly now: () => Date;
  private wallMs = 0;
  private nextFlowsMs = 0;
  private nextNodesMs = 0;
  private nextLinksMs = 0;
  private nextScoresMs = 0;
  private order = 0;
  private stoppedFlows = new Set<string>();
  private readRates = new Map<string, number | null>();
  private fastRetransmitsSeen = new Map<string, number>();
  /** Reason of each flow's latest congestion window change at its sender (the `cwnd` trace). */
  private cwndReasons = new Map<string, string>();
  /** Commands of the round's log the session store has; whether it has the round's file. */
  private replaySaved = 0;
  private replaySourceSaved = false;
  /** Frames waiting to go to each tap's player, by tap node. */
  private readonly tapOut = new Map<string, { frames: TapFrame[]; skipped: number }>();

  constructor(state: InstanceType<typeof ClassroomState>, first: RunningScenario, opts: GameOptions = {}) {
    this.state = state;
    this.trackerLimits = opts.trackerLimits ?? DEFAULT_TRACKER_LIMITS;
    this.now = opts.now ?? (() => new Date());
    this.start(first);
  }

  // ---------------------------------------------------------------- scenario and seats

  /** Run a scenario from its start: a new engine, new seats; people are seated again in arrival order. */
  private start(next: RunningScenario): void {
    const s = this.state;
    // Built first: a scenario the engine cannot build leaves the running one untouched.
    const engine = new Engine(next.scenario);
    this.running = next;
    this.engine = engine;
    this.seats = seatsFor(next.scenario);
    this.tapOut.clear();
    this.tracker?.clear();
    this.tracker = new PacketTracker(this.trackerLimits, (node, id) => this.nextHop(node, id));
    this.stoppedFlows = new Set();
    this.readRates = new Map(next.scenario.flows.map((f) => [f.id, f.readRateBps]));
    this.fastRetransmitsSeen = new Map();
    this.cwndReasons = new Map();
    this.clock.simMs = 0;
    this.replaySaved = 0;
    this.replaySourceSaved = false;
    this.events.newRound(this.state.round);
    this.engine.subscribe(
      TRACE_TYPES.filter((t) => WANTED.includes(t)),
      (e) => this.onTrace(e),
    );
    this.scoring = new Scoring(this.seats, this.engine);

    s.scenario = next.id;
    s.scenarioName = next.scenario.name;
    s.clock.simMs = 0;
    s.clock.durationMs = next.scenario.durationMs;
    s.clock.finished = false;
    s.clock.stepMs = this.clock.stepMs;
    s.packets.clear();
    s.packetsHidden = 0;
    // The last round's notable events leave the window in the same patch as its topology.
    this.events.flush(s.events as ArraySchema<EventState>);
    this.buildTopology();

    // Every seat starts with its bot; people already here are seated again.
    this.seatHolder.clear();
    for (const seat of this.seats) botTakesSeat(this.engine, seat);
    const people = [...this.players.values()].sort((a, b) => a.order - b.order);
    for (const p of people) {
      p.seat = '';
      p.role = baseRole(p);
    }
    for (const p of people) if (!p.host && !p.spectator && !p.benched) this.seatNext(p);
    for (const p of people) this.mirrorPlayer(p);
    this.refreshAll();
  }

  private buildTopology(): void {
    const s = this.state;
    const sc = this.running.scenario;
    s.nodes.clear();
    s.links.clear();
    s.flows.clear();
    s.balancers.clear();
    s.servers.clear();
    s.seats.clear();
    const pos = layout(sc);
    for (const spec of sc.nodes) {
      const node = this.engine.network.nodes.get(spec.id)!;
      const n = new NodeState();
      n.id = spec.id;
      n.kind = spec.kind;
      n.ip = node.ip === 0 ? '' : ipToString(node.ip);
      n.x = pos.get(spec.id)?.x ?? 0;
      n.y = pos.get(spec.id)?.y ?? 0;
      if (node instanceof Router) n.queueLimit = Math.min(node.decisions.limitPackets, 65535);
      s.nodes.set(spec.id, n);
    }
    for (const spec of sc.links) {
      const l = new LinkState();
      l.id = spec.id;
      l.a = spec.a;
      l.b = spec.b;
      l.bandwidthBps = spec.bandwidthBps;
      l.delayMs = spec.delayMs;
      l.queuePackets = spec.queuePackets;
      s.links.set(spec.id, l);
    }
    for (const spec of sc.flows) {
      const f = new FlowState();
      f.id = spec.id;
      f.from = spec.from;
      f.to = spec.to;
      f.transport = spec.transport;
      f.app = spec.app;
      if (spec.transport === 'tcp') {
        f.cc = spec.cc;
        f.arq = spec.arq;
        f.windowSegments = spec.choices.windowSegments;
      }
      for (const m of spec.choices.cc) f.ccChoices.push(m);
      for (const m of spec.choices.arq) f.arqChoices.push(m);
      f.totalBytes = spec.app === 'bulk' && spec.bytes !== null ? spec.bytes : 0;
      s.flows.set(spec.id, f);
    }
    for (const spec of sc.nodes) {
      if (spec.kind === 'server') {
        const v = new ServerState();
        v.node = spec.id;
        s.servers.set(spec.id, v);
      }
      if (spec.kind !== 'loadbalancer') continue;
      const b = new BalancerState();
      b.node = spec.id;
      s.balancers.set(spec.id, b);
    }
    for (const seat of this.seats) {
      const st = new SeatState();
      st.id = seat.id;
      st.role = seat.role;
      st.node = seat.node;
      s.seats.set(seat.id, st);
    }
  }

  /**
   * The round's replay as far as the session store has not written it. It stays unwritten until
   * `replayWritten` says the store took it, so a failed write is tried again with the next one.
   */
  unsavedReplay(): ReplayProgress {
    const log = this.engine.commandLog;
    return {
      round: this.state.round,
      source: this.replaySourceSaved ? null : this.running.source,
      seed: this.engine.seed,
      simMs: this.engine.nowMs,
      commandLogFullAtMs: this.engine.commandLogFullAtMs,
      eventsProcessed: this.engine.eventsProcessed,
      summarySha256: this.engine.summarySha256,
      fromIndex: this.replaySaved,
      commands: log.slice(this.replaySaved),
    };
  }

  /** The session store has written `p` (if it is still this round's). */
  replayWritten(p: ReplayProgress): void {
    if (p.round !== this.state.round) return;
    this.replaySaved = Math.max(this.replaySaved, p.fromIndex + p.commands.length);
    this.replaySourceSaved = true;
  }

  /** Switch to another scenario (the host's `scenario` command): the finished round's stats are kept. */
  switchScenario(next: RunningScenario): void {
    this.finishedRounds.push(...this.flowRows());
    this.state.round++;
    this.start(next);
  }

  private seatOf(p: PlayerRecord): Seat | undefined {
    return p.seat === '' ? undefined : this.seats.find((s) => s.id === p.seat);
  }

  /** Give `p` the first free seat, if any. */
  private seatNext(p: PlayerRecord): void {
    const free = this.seats.find((s) => !this.seatHolder.has(s.id));
    if (free !== undefined) this.sit(p, free);
  }

  private sit(p: PlayerRecord, seat: Seat): void {
    this.seatHolder.set(seat.id, p.sessionId);
    p.seat = seat.id;
    p.role = seat.role;
    const st = this.state.seats.get(seat.id);
    if (st !== undefined) st.player = p.sessionId;
    if (p.connected) this.personPlays(seat);
    this.mirrorPlayer(p);
  }

  private unseat(p: PlayerRecord): void {
    const seat = this.seatOf(p);
    p.seat = '';
    p.role = baseRole(p);
    if (seat === undefined) return;
    this.seatHolder.delete(seat.id);
    const st = this.state.seats.get(seat.id);
    if (st !== undefined) st.player = '';
    this.botPlays(seat);
  }

  private personPlays(seat: Seat): void {
    personTakesSeat(this.engine, seat);
    const st = this.state.seats.get(seat.id);
    if (st !== undefined) st.bot = false;
    this.refreshController(seat.node);
  }

  private botPlays(seat: Seat): void {
    botTakesSeat(this.engine, seat);
    const st = this.state.seats.get(seat.id);
    if (st !== undefined) st.bot = true;
    this.refreshController(seat.node);
  }

  /** A seat freed up: the observer waiting longest gets it. */
  private fillFreeSeats(): void {
    const waiting = [...this.players.values()]
      .filter((p) => p.connected && p.seat === '' && !p.host && !p.spectator && !p.benched)
      .sort((a, b) => a.order - b.order);
    for (const p of waiting) {
      const free = this.seats.find((s) => !this.seatHolder.has(s.id));
      if (free === undefined) return;
      this.sit(p, free);
    }
  }

  // ---------------------------------------------------------------- people

  addPlayer(sessionId: string, name: string, kind: PlayerKind): PlayerRecord {
    const p: PlayerRecord = {
      sessionId,
      name,
      role: kind === 'host' ? 'host' : kind === 'spectator' ? 'spectator' : 'observer',
      seat: '',
      connected: true,
      score: 0,
      host: kind === 'host',
      spectator: kind === 'spectator',
      order: ++this.order,
      benched: false,
      joinedAt: this.now().toISOString(),
      leftAt: null,
    };
    this.players.set(sessionId, p);
    if (kind === 'student') this.seatNext(p);
    this.mirrorPlayer(p);
    return p;
  }

  /** Make an existing player the host (a second connection presenting the host token). */
  promoteToHost(sessionId: string): void {
    const p = this.players.get(sessionId);
    if (p === undefined) return;
    p.host = true;
    p.spectator = false;
    if (p.seat === '') p.role = 'host';
    this.mirrorPlayer(p);
  }

  /** The connection dropped: a bot plays the seat until the player is back (or the wait runs out). */
  dropPlayer(sessionId: string): void {
    const p = this.players.get(sessionId);
    if (p === undefined) return;
    p.connected = false;
    const seat = this.seatOf(p);
    if (seat !== undefined) this.botPlays(seat);
    this.mirrorPlayer(p);
  }

  reconnectPlayer(sessionId: string): void {
    const p = this.players.get(sessionId);
    if (p === undefined) return;
    p.connected = true;
    const seat = this.seatOf(p);
    if (seat !== undefined) this.personPlays(seat);
    this.mirrorPlayer(p);
  }

  /** The player is gone for good: the seat goes to a waiting observer, or back to its bot. */
  removePlayer(sessionId: string): void {
    const p = this.players.get(sessionId);
    if (p === undefined) return;
    // The results remember the role the player last played.
    const { role, seat } = p;
    this.unseat(p);
    p.role = role;
    p.seat = seat;
    p.connected = false;
    p.leftAt = this.now().toISOString();
    this.players.delete(sessionId);
    this.departed.push(p);
    // Keep the results of the latest departures; older ones are already in the session store.
    if (this.departed.length > MAX_DEPARTED) this.departed.splice(0, this.departed.length - MAX_DEPARTED);
    this.state.players.delete(sessionId);
    if (!this.ended) this.fillFreeSeats();
  }

  private mirrorPlayer(p: PlayerRecord): void {
    let s = this.state.players.get(p.sessionId);
    if (s === undefined) {
      if (!this.players.has(p.sessionId)) return;
      s = new PlayerState();
      this.state.players.set(p.sessionId, s);
    }
    s.name = p.name;
    s.role = p.role;
    s.seat = p.seat;
    s.node = this.seatOf(p)?.node ?? '';
    s.connected = p.connected;
    s.score = p.score;
  }

  isHost(sessionId: string): boolean {
    return this.players.get(sessionId)?.host === true;
  }

  // ---------------------------------------------------------------- time

  /** Wall-clock time passed: advance the engine by whole fixed steps and refresh the state. */
  tick(wallDtMs: number): void {
    this.wallMs += wallDtMs;
    if (!this.ended && !this.engine.finished) {
      const target = this.clock.advance(wallDtMs);
      this.runTo(target);
    }
    this.sync();
  }

  private runTo(targetMs: number): void {
    this.clock.clampTo(this.engine.durationMs);
    const to = Math.min(targetMs, this.engine.durationMs);
    this.engine.runUntilMs(to);
    this.tracker.sweep(this.engine.nowMs);
  }

  pause(sessionId: string): Reply {
    const denied = this.hostOnly(sessionId);
    if (denied) return denied;
    this.clock.pause();
    this.state.clock.paused = true;
    return ok();
  }

  resume(sessionId: string): Reply {
    const denied = this.hostOnly(sessionId);
    if (denied) return denied;
    this.clock.resume();
    this.state.clock.paused = false;
    return ok();
  }

  step(sessionId: string, ms: number | undefined): Reply {
    const denied = this.hostOnly(sessionId);
    if (denied) return denied;
    if (!this.clock.paused) return refuse('invalid', 'pause before stepping');
    if (this.engine.finished) return refuse('invalid', 'the scenario has reached its end');
    this.runTo(this.clock.step(ms));
    // A step is the host looking closely: everything is brought up to date at once.
    this.sync(true);
    return ok();
  }

  speed(sessionId: string, speed: Speed): Reply {
    const denied = this.hostOnly(sessionId);
    if (denied) return denied;
    this.clock.setSpeed(speed);
    this.state.clock.speed = speed;
    return ok();
  }

  // ---------------------------------------------------------------- commands

  private hostOnly(sessionId: string): Reply | null {
    if (!this.isHost(sessionId)) return refuse('not-host', 'only the host can do that');
    if (this.ended) return refuse('ended', 'the session has ended');
    return null;
  }

  /** The seat of a connected player, if it has the role; else the refusal. */
  private seatFor(sessionId: string, role: SeatRole, node: string | undefined): { seat: Seat } | { refusal: Reply } {
    if (this.ended) return { refusal: refuse('ended', 'the session has ended') };
    const p = this.players.get(sessionId);
    const seat = p === undefined ? undefined : this.seatOf(p);
    if (seat === undefined) return { refusal: refuse('no-seat', 'you hold no seat') };
    if (seat.role !== role) return { refusal: refuse('wrong-role', `a ${seat.role} cannot do that; it takes a ${role}`) };
    if (node !== undefined && node !== seat.node) return { refusal: refuse('not-your-node', `${node} is not your node (you hold ${seat.node})`) };
    return { seat };
  }

  routerCommand(
    sessionId: string,
    cmd:
      | { action: 'forward'; node?: string | undefined; packet: number; link: string }
      | { action: 'drop' | 'duplicate'; node?: string | undefined; packet: number }
      | { action: 'hold'; node?: string | undefined; packet: number; ms: number },
  ): Reply {
    const got = this.seatFor(sessionId, 'router', cmd.node);
    if ('refusal' in got) return got.refusal;
    const node = got.seat.node;
    let result: CommandResult;
    switch (cmd.action) {
      case 'forward':
        result = this.engine.command({ action: 'forward', node, packet: cmd.packet, link: cmd.link });
        break;
      case 'hold':
        result = this.engine.command({ action: 'hold', node, packet: cmd.packet, ms: cmd.ms });
        break;
      default:
        result = this.engine.command({ action: cmd.action, node, packet: cmd.packet });
    }
    if (!result.ok) return refusedByEngine(result);
    if (cmd.action === 'duplicate' && result.packet !== undefined) this.tracker.duplicated(cmd.packet, result.packet);
    return ok(result.packet);
  }

  assign(sessionId: string, msg: AssignMessage): Reply {
    const got = this.seatFor(sessionId, 'loadbalancer', msg.node);
    if ('refusal' in got) return got.refusal;
    const e = this.engine as Engine & { assignConnection?: (node: string, connection: number, backend: string) => CommandResult };
    if (typeof e.assignConnection !== 'function') return refuse('not-supported', 'this server cannot assign connections yet');
    const r = e.assignConnection(got.seat.node, msg.connection, msg.backend);
    return r.ok ? ok() : refusedByEngine(r);
  }

  algorithm(sessionId: string, msg: AlgorithmMessage): Reply {
    const got = this.seatFor(sessionId, 'loadbalancer', msg.node);
    if ('refusal' in got) return got.refusal;
    const e = this.engine as Engine & { setBalancerAlgorithm?: (node: string, algorithm: string) => CommandResult };
    if (typeof e.setBalancerAlgorithm !== 'function') return refuse('not-supported', 'this server cannot change balancer algorithms yet');
    const r = e.setBalancerAlgorithm(got.seat.node, msg.algorithm);
    if (!r.ok) return refusedByEngine(r);
    return ok();
  }

  readRate(sessionId: string, msg: ReadRateMessage): Reply {
    const got = this.seatFor(sessionId, 'receiver', undefined);
    if ('refusal' in got) return got.refusal;
    if (!got.seat.flows.includes(msg.flow)) return refuse('not-your-flow', `flow ${msg.flow} does not end at ${got.seat.node}`);
    const r = this.engine.setReadRate(msg.flow, msg.rateBps);
    if (!r.ok) return refusedByEngine(r);
    this.readRates.set(msg.flow, msg.rateBps);
    this.nextFlowsMs = 0;
    return ok();
  }

  flowControl(sessionId: string, action: 'start' | 'stop', flow: string, modes: FlowModes = {}): Reply {
    const got = this.seatFor(sessionId, 'sender', undefined);
    if ('refusal' in got) return got.refusal;
    if (!got.seat.flows.includes(flow)) return refuse('not-your-flow', `flow ${flow} does not start at ${got.seat.node}`);
    const r = action === 'start' ? this.engine.startFlow(flow, modes) : this.engine.stopFlow(flow);
    if (!r.ok) return refusedByEngine(r);
    if (action === 'stop') this.stoppedFlows.add(flow);
    else {
      // The modes it runs in now (the sender's picks), for everyone's view.
      const spec = this.engine.flows.get(flow)?.spec;
      const f = this.state.flows.get(flow);
      if (spec !== undefined && f !== undefined && spec.transport === 'tcp') {
        f.cc = spec.cc;
        f.arq = spec.arq;
      }
    }
    this.nextFlowsMs = 0;
    return ok();
  }

  /** A packet's layers, for whoever may see it: seated players see packets of their flows, at their node or on its links. */
  inspect(sessionId: string, packet: number): { ok: true; packet: unknown } | { ok: false; code: RefusalCode; reason: string } {
    const p = this.players.get(sessionId);
    if (p === undefined) return refuse('unknown', 'you are not in this room') as { ok: false; code: RefusalCode; reason: string };
    const fact = this.tracker.facts.get(packet);
    const seat = this.seatOf(p);
    if (seat !== undefined && !p.host && fact !== undefined) {
      const links = this.running.scenario.links;
      const touches = (linkId: string) => links.some((l) => l.id === linkId && (l.a === seat.node || l.b === seat.node));
      const visible = fact.at === seat.node || (fact.link !== '' && fact.at === '' && touches(fact.link)) || seat.flows.includes(fact.flow);
      if (!visible) return { ok: false, code: 'not-your-node', reason: `packet ${packet} is not at or next to ${seat.node}` };
    }
    const inspected = fact === undefined ? undefined : this.engine.inspect(packet);
    if (inspected === undefined) return { ok: false, code: 'unknown', reason: `packet ${packet} is not in the network` };
    return { ok: true, packet: inspected };
  }

  fault(sessionId: string, msg: FaultMessage): Reply {
    const denied = this.hostOnly(sessionId);
    if (denied) return denied;
    const now = this.engine.nowMs;
    const net = this.engine.network;
    const untilOf = (forMs: number | undefined) => (forMs === undefined ? null : now + forMs);
    switch (msg.kind) {
      case 'link-down':
      case 'link-up':
      case 'link-loss': {
        const link = net.links.get(msg.link);
        if (link === undefined) return refuse('unknown', `no link ${msg.link}`);
        if (msg.kind === 'link-down') {
          if (!link.up) return refuse('invalid', `link ${msg.link} is already down`);
          this.applyFault({ kind: 'link-down', link: msg.link, atMs: now, untilMs: untilOf(msg.forMs) });
        } else if (msg.kind === 'link-up') {
          if (link.up) return refuse('invalid', `link ${msg.link} is up`);
          this.applyFault({ kind: 'link-up', link: msg.link, atMs: now });
        } else {
          const spec = this.running.scenario.links.find((l) => l.id === msg.link)!;
          const ab = `${spec.a}->${spec.b}`;
          const ba = `${spec.b}->${spec.a}`;
          let loss: Record<string, number>;
          if (typeof msg.loss === 'number') loss = { [ab]: msg.loss, [ba]: msg.loss };
          else {
            const bad = Object.keys(msg.loss).find((k) => k !== ab && k !== ba);
            if (bad !== undefined) return refuse('invalid', `direction "${bad}" is not "${ab}" or "${ba}"`);
            loss = msg.loss;
          }
          this.applyFault({ kind: 'link-loss', link: msg.link, atMs: now, loss });
        }
        break;
      }
      case 'node-down':
      case 'node-up': {
        const node = net.nodes.get(msg.node);
        if (node === undefined) return refuse('unknown', `no node ${msg.node}`);
        if (msg.kind === 'node-down') {
          if (!node.up) return refuse('invalid', `node ${msg.node} is already down`);
          this.applyFault({ kind: 'node-down', node: msg.node, atMs: now, untilMs: untilOf(msg.forMs) });
        } else {
          if (node.up) return refuse('invalid', `node ${msg.node} is up`);
          this.applyFault({ kind: 'node-up', node: msg.node, atMs: now });
        }
        break;
      }
    }
    this.nextLinksMs = 0;
    this.nextNodesMs = 0;
    this.sync();
    return ok();
  }

  private applyFault(f: FaultSpec): void {
    this.engine.injectFault(f);
  }

  /**
   * Bring a link or node back up. The engine has no "up" fault of its own; a fault that ends at this
   * very instant does it through the public API (the repeated "down" it traces is not logged). The
   * engine applies it when simulated time next moves.
   */
  role(sessionId: string, target: string, seatId: string): Reply {
    const denied = this.hostOnly(sessionId);
    if (denied) return denied;
    const p = this.players.get(target);
    if (p === undefined) return refuse('unknown', `no player ${target}`);
    if (seatId === '') {
      p.benched = true;
      this.unseat(p);
      this.mirrorPlayer(p);
      this.fillFreeSeats();
      return ok();
    }
    const seat = this.seats.find((s) => s.id === seatId);
    if (seat === undefined) return refuse('unknown', `no seat ${seatId}`);
    if (p.seat === seatId) return ok();
    const holderId = this.seatHolder.get(seatId);
    const holder = holderId === undefined ? undefined : this.players.get(holderId);
    const previous = this.seatOf(p);
    this.unseat(p);
    if (holder !== undefined) this.unseat(holder);
    p.spectator = false;
    p.benched = false;
    this.sit(p, seat);
    // The one who held the seat takes the seat the player left, if any (a swap).
    if (holder !== undefined) {
      if (previous !== undefined) this.sit(holder, previous);
      this.mirrorPlayer(holder);
    }
    this.mirrorPlayer(p);
    return ok();
  }

  /** Checks a kick; the room closes the connection and then calls removePlayer. */
  kick(sessionId: string, target: string): Reply {
    const denied = this.hostOnly(sessionId);
    if (denied) return denied;
    if (target === sessionId) return refuse('invalid', 'the host cannot kick itself');
    if (!this.players.has(target)) return refuse('unknown', `no player ${target}`);
    return ok();
  }

  end(sessionId: string): Reply {
    const denied = this.hostOnly(sessionId);
    if (denied) return denied;
    this.finish();
    return ok();
  }

  /** Stop the session for good: the engine is frozen and the last figures are synchronised. */
  finish(): void {
    if (this.ended) return;
    this.sync(true);
    this.ended = true;
    this.state.phase = 'ended';
  }

  // ---------------------------------------------------------------- trace → facts

  private onTrace(e: TraceEvent): void {
    // Segment and congestion window events are frequent and matter to the packet facts and flow figures alone.
    if (e.type === 'send' || e.type === 'ack') {
      this.tracker.onTrace(e);
      return;
    }
    if (e.type === 'cwnd') {
      if (e.side === 'client' && typeof e.flow === 'string') this.cwndReasons.set(e.flow, String(e.reason));
      return;
    }
    if (e.type === 'dns' || e.type === 'http' || e.type === 'probe' || e.type === 'video') {
      this.events.onTrace(e, this.wallMs);
      return;
    }
    this.tracker.onTrace(e);
    this.scoring.onTrace(e);
    this.events.onTrace(e, this.wallMs);
    if (e.type === 'tap') this.collectTap(e);
  }

  /** A frame crossed a tap: its player (if connected) is told, privately (never in the shared state). */
  private collectTap(e: TraceEvent): void {
    const node = String(e.node);
    const holder = this.seatHolder.get(`tap:${node}`);
    if (holder === undefined || this.players.get(holder)?.connected !== true) return;
    let out = this.tapOut.get(node);
    if (out === undefined) {
      out = { frames: [], skipped: 0 };
      this.tapOut.set(node, out);
    }
    if (out.frames.length < TAP_FRAMES_PER_TICK) out.frames.push(tapFrame(e));
    else out.skipped++;
  }

  /** Frames for tap players since the last call. */
  drainTapFrames(): TapDelivery[] {
    const out: TapDelivery[] = [];
    for (const [node, { frames, skipped }] of this.tapOut) {
      const holder = this.seatHolder.get(`tap:${node}`);
      if (holder !== undefined && (frames.length > 0 || skipped > 0)) out.push({ sessionId: holder, node, frames, skipped });
    }
    this.tapOut.clear();
    return out;
  }

  /** The latest frames a tap recorded (at most `limit`), and the handshake message it alters, for its player. */
  capture(sessionId: string, limit = 200): { ok: true; node: string; frames: TapFrame[]; tamper: string | null } | Reply {
    const got = this.seatFor(sessionId, 'tap', undefined);
    if ('refusal' in got) return got.refusal;
    const tap = this.engine.network.nodes.get(got.seat.node);
    if (!(tap instanceof Tap)) return refuse('not-supported', `${got.seat.node} keeps no capture`);
    const frames = tap.capture.slice(-limit).map((r) => tapFrame({ action: 'frame', ...r } as unknown as Record<string, unknown>));
    return { ok: true, node: got.seat.node, frames, tamper: tap.tamper };
  }

  /** The tap player alters a TLS handshake message in flight from now on (or stops: null). */
  tamper(sessionId: string, msg: TamperMessage): Reply {
    const got = this.seatFor(sessionId, 'tap', msg.node);
    if ('refusal' in got) return got.refusal;
    const r = this.engine.setTapTamper(got.seat.node, msg.target);
    if (!r.ok) return refusedByEngine(r);
    return ok();
  }

  /**
   * The operator of a server (the receiver seat of a `server` node) picks how its application serves
   * connections. The engine refuses once the server has taken a connection; the host restarts the
   * scenario to let it choose again.
   */
  serverIo(sessionId: string, msg: ServerIoMessage): Reply {
    const got = this.seatFor(sessionId, 'receiver', msg.node);
    if ('refusal' in got) return got.refusal;
    const node = got.seat.node;
    if (!(this.engine.network.nodes.get(node) instanceof Server)) return refuse('not-supported', `${node} is not a server`);
    if (msg.io === 'blocking' && msg.threads === undefined) return refuse('invalid', 'threads: a blocking server needs a number of threads');
    const r = this.engine.setServerIo(node, msg.io, msg.threads ?? 1);
    if (!r.ok) return refusedByEngine(r);
    this.refreshServers();
    return ok();
  }

  /** The routing table's choice for a packet waiting at a router (the newest waiting packet is checked first: it just arrived). */
  private nextHop(nodeId: string, packetId: number): string {
    const node = this.engine.network.nodes.get(nodeId);
    if (!(node instanceof Router)) return '';
    const waiting = node.decisions.waiting;
    const last = waiting[waiting.length - 1];
    const p = last?.id === packetId ? last : waiting.find((q) => q.id === packetId);
    return p === undefined ? '' : node.routes.get(p.ip.dst)?.iface.link.id ?? '';
  }

  // ---------------------------------------------------------------- projection

  /** Copy engine facts into the synchronised state; slow-changing facts only every so often. */
  sync(force = false): void {
    const s = this.state;
    const c = s.clock;
    c.simMs = this.engine.nowMs;
    c.finished = this.engine.finished;
    s.packetsHidden = this.tracker.flush(s.packets as MapSchema<PacketState>, this.wallMs);
    if (force || this.wallMs >= this.nextFlowsMs) {
      this.nextFlowsMs = this.wallMs + FLOWS_EVERY_MS;
      this.refreshFlows();
    }
    if (force || this.wallMs >= this.nextNodesMs) {
      this.nextNodesMs = this.wallMs + NODES_EVERY_MS;
      this.refreshNodes();
    }
    if (force || this.wallMs >= this.nextLinksMs) {
      this.nextLinksMs = this.wallMs + LINKS_EVERY_MS;
      this.refreshLinks();
    }
    if (force || this.wallMs >= this.nextScoresMs) {
      this.nextScoresMs = this.wallMs + SCORES_EVERY_MS;
      this.refreshScores();
    }
    this.events.flush(s.events as ArraySchema<EventState>);
  }

  private refreshAll(): void {
    this.nextFlowsMs = this.nextNodesMs = this.nextLinksMs = this.nextScoresMs = 0;
    this.sync();
  }

  private refreshController(nodeId: string): void {
    const n = this.state.nodes.get(nodeId);
    const node = this.engine.network.nodes.get(nodeId);
    if (n === undefined) return;
    if (node instanceof Router) n.controller = node.controller;
    else {
      const view = this.engine.balancer(nodeId);
      if (view !== undefined) n.controller = view.controller;
    }
  }

  private refreshNodes(): void {
    for (const [id, node] of this.engine.network.nodes) {
      const n = this.state.nodes.get(id);
      if (n === undefined) continue;
      n.up = node.up;
      if (node instanceof Router) {
        n.controller = node.controller;
        n.queue = Math.min(node.decisions.occupancy, 65535);
      }
    }
    this.refreshBalancers();
    this.refreshServers();
  }

  private refreshServers(): void {
    for (const [id, st] of this.state.servers) {
      const view = this.engine.server(id);
      if (view === undefined) continue;
      st.io = view.io;
      st.ioSettable = view.ioSettable;
      st.up = view.up;
      st.capacity = view.capacity;
      st.activeConnections = view.activeConnections;
      st.cpuBacklog = Math.max(0, Math.round(view.cpuBacklog));
      const queue = view.acceptQueue.slice(0, SERVER_LIST_LIMIT);
      if (st.acceptQueue.length !== queue.length || queue.some((c, i) => st.acceptQueue.at(i) !== c)) {
        st.acceptQueue.clear();
        for (const c of queue) st.acceptQueue.push(c);
      }
      const threads = view.threads.slice(0, SERVER_LIST_LIMIT);
      while (st.threads.length > threads.length) st.threads.pop();
      threads.forEach((th, i) => {
        let ts = st.threads.at(i);
        if (ts === undefined) {
          ts = new ThreadState();
          st.threads.push(ts);
        }
        ts.name = th.name;
        ts.state = th.state;
        ts.conn = th.conn ?? 0;
        ts.flow = th.flow ?? '';
      });
    }
  }

  private refreshBalancers(): void {
    for (const [id, b] of this.state.balancers) {
      const view = this.engine.balancer(id);
      if (view === undefined) continue;
      b.role = view.role;
      b.active = view.active;
      b.vip = view.vip;
      b.algorithm = view.algorithm;
      b.pair = view.pair ?? '';
      const n = this.state.nodes.get(id);
      if (n !== undefined) {
        n.controller = view.controller;
        n.queue = Math.min(view.waiting.length, 65535);
      }
      view.backends.forEach((v, i) => {
        let be = b.backends.at(i);
        if (be === undefined) {
          be = new BackendState();
          b.backends.push(be);
        }
        be.node = v.node;
        be.capacity = v.capacity;
        be.open = v.open;
        be.assigned = v.assigned;
        be.up = v.up;
      });
      const same = b.waiting.length === view.waiting.length && view.waiting.every((w, i) => b.waiting.at(i)?.connection === w.connection);
      if (!same) {
        b.waiting.clear();
        for (const w of view.waiting.slice(0, 200)) {
          const ws = new WaitingConnectionState();
          ws.connection = w.connection;
          ws.client = w.client;
          ws.flow = w.flow ?? '';
          ws.sinceMs = Math.floor(w.sinceMs);
          b.waiting.push(ws);
        }
      }
    }
  }

  private refreshLinks(): void {
    for (const [id, link] of this.engine.network.links) {
      const l = this.state.links.get(id);
      if (l === undefined) continue;
      l.up = link.up;
      const [ab, ba] = link.channels;
      l.lossAB = ab.lossRate;
      l.lossBA = ba.lossRate;
      l.queueAB = ab.queueLength();
      l.queueBA = ba.queueLength();
    }
  }

  private refreshFlows(): void {
    const now = this.engine.nowMs;
    for (const [id, flow] of this.engine.flows) {
      const f = this.state.flows.get(id);
      if (f === undefined) continue;
      const sum = flow.summary();
      const stopAt = flow.spec.stopMs;
      f.running = flow.started && sum.completed !== true && !this.stoppedFlows.has(id) && !(stopAt !== null && now >= stopAt);
      f.state = typeof sum.clientState === 'string' ? sum.clientState : '';
      f.serverState = typeof sum.serverState === 'string' ? sum.serverState : '';
      f.deliveredBytes = sum.deliveredBytes;
      f.retransmits = sum.retransmits;
      f.timeouts = sum.timeouts;
      f.fastRetransmits = sum.fastRetransmits;
      f.goodputBps = sum.goodputBps;
      f.completed = sum.completed === true;
      if (typeof sum.framesPlayed === 'number') {
        f.framesPlayed = sum.framesPlayed;
        f.framesLate = typeof sum.framesLate === 'number' ? sum.framesLate : 0;
        // A frame skipped at its playout time is either never completed or completed late.
        f.framesSkipped = (typeof sum.framesMissing === 'number' ? sum.framesMissing : 0) + f.framesLate;
      }
      if (typeof sum.receivedDatagrams === 'number') {
        f.datagramsSent = sum.sentSegments;
        f.datagramsReceived = sum.receivedDatagrams;
      }
      const exchanges = exchangeOutcome(sum);
      if (exchanges !== null) {
        f.answered = exchanges.answered;
        f.unanswered = exchanges.unanswered;
      }
      f.readRateBps = this.readRates.get(id) ?? 0;
      f.cwndReason = this.cwndReasons.get(id) ?? '';
      // The window of the sender's connection, whatever the app: a bulk flow's summary has it, an
      // HTTP, HTTPS or DNS flow's does not, and its panel and cwnd chart would read 0.
      const sender = flow.clientTcp;
      f.cwnd = sender !== null ? sender.cc.cwnd : 0;
      f.ssthresh = sender !== null && Number.isFinite(sender.cc.ssthresh) ? sender.cc.ssthresh : 0;
      if (sender !== null) {
        f.una = sender.sndUna;
        f.nxt = sender.sndNxt;
        f.sndMax = sender.sndMax;
        f.rwndBytes = sender.sndWnd;
        f.mss = Math.min(sender.mss, 65535);
        // Whole milliseconds: the figure changes with every RTT sample, and finer steps would cost bytes at every refresh.
        f.srttMs = sender.rto.hasSample ? Math.max(1, Math.round(sender.rto.srttNs / 1e6)) : 0;
        f.rtoMs = Math.round(sender.rto.rtoNs / 1e6);
      }
      const seen = this.fastRetransmitsSeen.get(id) ?? 0;
      if (sum.fastRetransmits > seen) {
        this.events.add({ t: now, type: 'fast-retransmit', node: '', link: '', flow: id, packet: 0, detail: encodeDetail({ type: 'fast-retransmit', side: 'client' }), count: sum.fastRetransmits - seen }, this.wallMs);
        this.fastRetransmitsSeen.set(id, sum.fastRetransmits);
      }
    }
  }

  private refreshScores(): void {
    const points = this.scoring.collect(this.engine);
    for (const [seatId, n] of points) {
      const holder = this.seatHolder.get(seatId);
      const p = holder === undefined ? undefined : this.players.get(holder);
      if (p === undefined || !p.connected) continue;
      p.score += n;
    }
    for (const p of this.players.values()) {
      const s = this.state.players.get(p.sessionId);
      if (s !== undefined) s.score = p.score;
    }
  }

  // ---------------------------------------------------------------- results

  /** Per-flow stats of the round being played. */
  flowRows(): FlowRow[] {
    const round = this.state.round;
    return [...this.engine.flows.values()].map((f) => ({
      round,
      flow: f.spec.id,
      from: f.spec.from,
      to: f.spec.to,
      transport: f.spec.transport,
      app: f.spec.app,
      stats: f.summary(),
    }));
  }

  /** Everyone who has been in the session, present players first. */
  allPlayers(): PlayerRecord[] {
    return [...this.players.values(), ...this.departed];
  }

  /** Seat limits of a scenario in a classroom, beyond the file format's own. */
  static checkLimits(s: EngineScenario): string[] {
    const errors: string[] = [];
    if (s.nodes.length > LIMITS.scenarioNodes) errors.push(`nodes: a classroom scenario may hold at most ${LIMITS.scenarioNodes} nodes`);
    if (s.links.length > LIMITS.scenarioLinks) errors.push(`links: a classroom scenario may hold at most ${LIMITS.scenarioLinks} links`);
    if (s.flows.length > LIMITS.scenarioFlows) errors.push(`flows: a classroom scenario may hold at most ${LIMITS.scenarioFlows} flows`);
    if (s.commands.length > 0) errors.push('commands: a classroom scenario cannot carry recorded commands (players give them)');
    return errors;
  }
}

/** The role a player shows when holding no seat. */
function baseRole(p: PlayerRecord): string {
  return p.host ? 'host' : p.spectator ? 'spectator' : 'observer';
}
