// The engine running in this page: solo levels and the sandbox need no server. Simulated time
// advances with the frame clock times the chosen speed; the engine's trace feeds the World exactly as
// the server's facts would, and the player's intents become engine commands at once.

import { Engine } from '../../shared/protocols/engine.ts';
import type { InspectedPacket } from '../../shared/protocols/net/layers.ts';
import type { Packet } from '../../shared/protocols/net/packet.ts';
import { Router } from '../../shared/protocols/net/router.ts';
import { Tap } from '../../shared/protocols/net/tap.ts';
import type { TapTamper } from '../../shared/protocols/app/tls/spec.ts';
import type { ServerIoChoice } from '../../shared/protocols/app/http/spec.ts';
import type { EngineScenario, FaultSpec } from '../../shared/protocols/scenario.ts';
import type { TraceEvent } from '../../shared/protocols/sim/trace.ts';
import type { CommandResult, TimedCommand } from '../../shared/protocols/roles/commands.ts';
import { LoadBalancer } from '../../shared/protocols/net/load-balancer.ts';
import { loadScenario } from '../../shared/scenario/load.ts';
import { replayScenario } from '../../shared/scenario/replay.ts';
import { exchangeOutcome } from '../../shared/protocols/app/flow.ts';
import { ipToString } from '../../shared/protocols/net/addresses.ts';
import { CLIENT_TRACE_TYPES, type WorldEvent } from '../model/events.ts';
import type {
  FaultIntent,
  GameSource,
  HostControls,
  IntentResult,
  MyRole,
  RouterIntent,
  SessionEnd,
  SourceMode,
  TapAttack,
} from '../model/source.ts';
import { osiLayerOf, type FlowModes, type FlowView, type LinkView, type NodeView } from '../model/topology.ts';
import type { ArqMode } from '../../shared/protocols/transport/tcp/arq.ts';
import type { CongestionAlgorithm } from '../../shared/protocols/transport/tcp/congestion/index.ts';
import { World, type QueueEntry } from '../model/world.ts';
import type { MessageKey, Params } from '../i18n/index.ts';

/** Longest stretch of simulated time one frame may run (a tab that slept must not run minutes at once). */
const MAX_FRAME_REAL_MS = 250;

export interface LocalScenario {
  id: string;
  name: string;
  scenario: EngineScenario;
  /** Speed to start it at. */
  speed: number;
  /** The scenario file as written, for a replay of the run (shared/scenario/replay.ts). */
  source?: Readonly<Record<string, unknown>>;
}

export interface LocalOptions {
  mode: Exclude<SourceMode, 'room'>;
  role: MyRole;
  speed: number;
  /** Scenarios the sandbox host may switch between. */
  library?: readonly LocalScenario[];
  /** Name shown for the scenario (translated by the caller). */
  name?: string;
  /** The scenario's id in `library`, if it is one of them. */
  scenarioId?: string;
  /** The scenario file as written, where there is one (the sandbox's): the host may download a replay. */
  source?: Readonly<Record<string, unknown>>;
  /** Tells the player something that is no answer to an action of theirs (a replay handing over to them). */
  notify?: (notice: Notice) => void;
}

/** Something to tell the player unasked: `bad` where what they watch is not what they think it is. */
export interface Notice {
  key: MessageKey;
  params?: Params;
  tone: 'info' | 'bad';
}

/** A scenario's name as part of a file name: letters of any script (a Korean name stays Korean), digits, '-'. */
export function fileSlug(name: string): string {
  return name.replace(/[^\p{L}\p{N}_-]+/gu, '-').replace(/^-+|-+$/g, '').slice(0, 40).replace(/-+$/, '') || 'session';
}

/** The scenario id of a file the player loaded (it is in no list). */
const FILE_SCENARIO_ID = 'file';
/** Applications that ask and wait for answers, whose counts the panels and the end screen show. */
const ASKING_APPS = new Set(['dns', 'http', 'https']);

export class LocalSource implements GameSource {
  readonly mode: Exclude<SourceMode, 'room'>;
  readonly world = new World();
  readonly host: HostControls;
  readonly tapAttack: TapAttack = {
    target: (node) => {
      const n = this.engine.network.nodes.get(node);
      return n instanceof Tap ? n.tamper : null;
    },
    // The engine refuses a target that is not a handshake message, with the reason to show.
    setTarget: async (node, target) => result(this.engine.setTapTamper(node, target as TapTamper | null)),
  };
  engine: Engine;
  private role: MyRole;
  private ended = false;
  private readonly endListeners: Array<(e: SessionEnd) => void> = [];
  private readonly roleListeners: Array<(r: MyRole) => void> = [];
  private readonly engineListeners: Array<(engine: Engine) => void> = [];
  private nodeByIp = new Map<number, string>();
  private playerRouters: Router[] = [];
  private balancerIds: string[] = [];
  private serverIds: string[] = [];
  private readonly library: readonly LocalScenario[];
  /** The id in `library` of the scenario running now, or null. */
  private scenarioId: string | null;
  private readonly notify: (notice: Notice) => void;
  /** Whether the player has been told the replay running now does not run as its session did. */
  private toldReplayDiffers = false;
  /** The running scenario's file as written, or null (a level's: no replay is offered). */
  private scenarioSource: Readonly<Record<string, unknown>> | null;
  /** Extra observers of raw trace events (level objectives). */
  private readonly traceTaps: Array<(e: TraceEvent) => void> = [];

  constructor(scenario: EngineScenario, opts: LocalOptions) {
    this.mode = opts.mode;
    this.role = opts.role;
    this.library = opts.library ?? [];
    this.scenarioId = opts.scenarioId ?? null;
    this.scenarioSource = opts.source ?? null;
    this.notify = opts.notify ?? (() => {});
    this.world.speed = opts.speed;
    this.engine = this.boot(scenario, opts.name ?? scenario.name);
    this.host = this.makeHostControls();
  }

  private boot(scenario: EngineScenario, name: string): Engine {
    // In the sandbox the player's first act in a run that still has commands to replay (a class's
    // replay, a file with a script) takes it over: the engine drops the rest, and the player is told.
    const engine = new Engine(scenario, this.mode === 'sandbox' ? { onTakeOver: () => this.notify({ key: 'sandbox.replayHandedOver', tone: 'info' }) } : {});
    this.toldReplayDiffers = false;
    const w = this.world;
    w.reset();
    w.scenarioName = name;
    w.durationMs = scenario.durationMs;
    w.phase = 'running';
    engine.subscribe(CLIENT_TRACE_TYPES, (e) => {
      for (const tap of this.traceTaps) tap(e);
      w.ingest(e as unknown as WorldEvent);
    });
    this.nodeByIp = new Map();
    this.balancerIds = scenario.nodes.filter((n) => n.kind === 'loadbalancer').map((n) => n.id);
    this.serverIds = scenario.nodes.filter((n) => n.kind === 'server').map((n) => n.id);
    const nodes: NodeView[] = [];
    for (const spec of scenario.nodes) {
      const n = engine.network.nodes.get(spec.id)!;
      this.nodeByIp.set(n.ip, n.id);
      nodes.push({
        id: n.id,
        kind: n.kind,
        ip: n.ip === 0 ? '' : ipToString(n.ip),
        layer: osiLayerOf(n.kind),
        controller: n instanceof Router ? n.controller : 'bot',
        owner: null,
        up: n.up,
        queueLimit: n instanceof Router ? n.decisions.limitPackets : 0,
        pos: null,
      });
    }
    const links: LinkView[] = scenario.links.map((l) => ({
      id: l.id,
      a: l.a,
      b: l.b,
      bandwidthBps: l.bandwidthBps,
      delayMs: l.delayMs,
      queuePackets: l.queuePackets,
      loss: { ...l.loss },
      up: true,
    }));
    const flows: FlowView[] = scenario.flows.map((f) => ({
      id: f.id,
      from: f.from,
      to: f.to,
      transport: f.transport,
      app: f.app,
      label: f.tls !== null ? 'tls' : f.app === 'dns' ? 'dns' : f.app === 'http' ? 'http' : null,
      cc: f.cc,
      arq: f.arq,
      mss: f.mss,
      bytes: f.bytes,
      rateBps: f.rateBps,
      rwndBytes: f.rwndBytes,
      readRateBps: f.readRateBps,
      windowSegments: f.windowSegments,
      choices: { cc: [...f.choices.cc], arq: [...f.choices.arq], windowSegments: f.choices.windowSegments },
      ...(f.http !== null && (f.http.call !== 'sync-blocking' || f.http.workMs > 0) ? { call: f.http.call } : {}),
      started: false,
      controllable: this.mode === 'sandbox' || this.role.flows.includes(f.id),
    }));
    w.setTopology(nodes, links, flows);
    this.engine = engine;
    this.refreshPlayers();
    this.refreshDynamic();
    for (const fn of this.engineListeners) fn(engine);
    return engine;
  }

  /** Observe every trace event (objectives check the engine's own facts). */
  tapTrace(fn: (e: TraceEvent) => void): void {
    this.traceTaps.push(fn);
  }

  /** Told when the sandbox switches scenario (a new engine). */
  onEngine(fn: (engine: Engine) => void): void {
    this.engineListeners.push(fn);
  }

  me(): MyRole {
    return this.role;
  }

  get finished(): boolean {
    return this.engine.finished;
  }

  tick(realDtMs: number): void {
    const w = this.world;
    if (this.ended || w.paused) return;
    const dt = Math.min(Math.max(realDtMs, 0), MAX_FRAME_REAL_MS);
    this.advance(dt * w.speed);
  }

  /** Run the engine forward by `simMs` and refresh the picture. */
  advance(simMs: number): void {
    if (this.ended) return;
    const target = Math.min(this.engine.durationMs, this.engine.nowMs + simMs);
    this.engine.runUntilMs(target);
    this.world.setNow(this.engine.nowMs);
    this.refreshDynamic();
    this.tellReplayVerdict();
    if (this.engine.finished) this.finish({ reason: 'finished' });
  }

  /** A replay this page's engine does not run as its session ran (recorded by another version) is said so, once. */
  private tellReplayVerdict(): void {
    const v = this.engine.replayVerdict;
    if (v.state !== 'differs' || this.toldReplayDiffers) return;
    this.toldReplayDiffers = true;
    this.notify({
      key: 'sandbox.replayDiffers',
      tone: 'bad',
      params: { time: (v.recorded.atMs / 1000).toFixed(1), recorded: v.recorded.events.toLocaleString('en-US'), events: v.events.toLocaleString('en-US') },
    });
  }

  /**
   * Jump the sandbox's run to `targetMs`. The engine is deterministic, so going back is running the
   * same scenario again with every command applied so far and those still to come (a replay's), to
   * that instant; whoever played a seat is then watching, and what they did is part of the run. Where
   * nothing more is recorded, the seats they held go back to their bots at the moment the jump was
   * made. The stretch jumped over updates the picture without captions or effects.
   */
  jumpTo(targetMs: number): void {
    if (this.mode !== 'sandbox') return;
    const target = Math.max(0, Math.min(targetMs, this.engine.durationMs));
    const engine = this.engine;
    if (target < engine.nowMs) {
      const left = engine.pendingCommandsLeft();
      const handBack: TimedCommand[] = [];
      if (left.length === 0) {
        for (const n of engine.network.nodes.values()) {
          if ((n instanceof Router || n instanceof LoadBalancer) && n.controller === 'player') handBack.push({ action: 'controller', node: n.id, controller: 'bot', atMs: engine.nowMs });
        }
      }
      this.role = { role: 'host', node: null, flows: [] };
      // The run again is the replay's still (its check to come) only if nobody has acted in it and no
      // seat goes back to a bot; a check already made stands, and is not made or told again.
      const recorded = engine.replayVerdict.state === 'pending' && handBack.length === 0 ? engine.scenario.recorded : null;
      this.boot({ ...engine.scenario, commands: [...engine.commandLog, ...left, ...handBack], recorded }, this.world.scenarioName);
      for (const fn of this.roleListeners) fn(this.role);
    }
    this.world.muted = true;
    try {
      this.advance(target - this.engine.nowMs);
    } finally {
      this.world.muted = false;
    }
  }

  /** Queues of player-controlled routers and which flows have started: read from the engine each frame. */
  private refreshDynamic(): void {
    const w = this.world;
    for (const r of this.playerRouters) {
      const entries: QueueEntry[] = [];
      for (const p of r.decisions.waiting) entries.push(this.entry(r, p, false));
      for (const p of r.decisions.held.values()) entries.push(this.entry(r, p, true));
      w.setQueue(r.id, entries);
    }
    for (const [id, f] of this.engine.flows) {
      const v = w.flows.get(id);
      if (v !== undefined) v.started = f.started;
    }
    for (const id of this.balancerIds) {
      const b = this.engine.balancer(id);
      if (b !== undefined) w.balancers.set(id, b);
    }
    for (const id of this.serverIds) {
      const v = this.engine.server(id);
      if (v !== undefined) w.servers.set(id, v);
    }
    this.refreshExchanges();
  }

  /** What the trace does not count on its own: how the asking applications (DNS, HTTP) fare (a few hundred lookups at most: cheap per frame). */
  private refreshExchanges(): void {
    for (const [id, flow] of this.engine.flows) {
      if (!ASKING_APPS.has(flow.spec.app)) continue;
      const exchanges = exchangeOutcome(flow.summary());
      if (exchanges === null) continue;
      const h = this.world.history(id);
      h.answered = exchanges.answered;
      h.unanswered = exchanges.unanswered;
    }
  }

  private entry(r: Router, p: Packet, held: boolean): QueueEntry {
    return {
      id: p.id,
      kind: p.kind,
      app: p.appKind,
      flow: p.flowId,
      dest: this.nodeByIp.get(p.ip.dst) ?? null,
      next: r.routes.get(p.ip.dst)?.iface.link.id ?? null,
      held,
      retransmit: p.retransmit,
      duplicate: p.duplicateOf !== 0,
      sinceMs: p.createdNs / 1e6,
    };
  }

  private refreshPlayers(): void {
    this.playerRouters = [];
    for (const n of this.engine.network.nodes.values()) {
      if (n instanceof Router && n.controller === 'player') this.playerRouters.push(n);
      const v = this.world.nodes.get(n.id);
      if (v !== undefined && n instanceof Router) {
        v.controller = n.controller;
        v.owner = n.controller === 'player' && this.role.node === n.id ? 'me' : null;
      }
    }
    for (const id of [...this.world.queues.keys()]) {
      if (!this.playerRouters.some((r) => r.id === id)) this.world.queues.delete(id);
    }
  }

  async router(intent: RouterIntent): Promise<IntentResult> {
    const r = this.commandNow(intent);
    this.refreshDynamic();
    return r;
  }

  private commandNow(intent: RouterIntent): IntentResult {
    const { action, node, packet } = intent;
    switch (action) {
      case 'forward':
        if (intent.link === undefined) return { ok: false, reason: 'no link' };
        return result(this.engine.command({ action, node, packet, link: intent.link }));
      case 'hold':
        return result(this.engine.command({ action, node, packet, ms: intent.ms ?? 2000 }));
      case 'drop':
      case 'duplicate':
        return result(this.engine.command({ action, node, packet }));
    }
  }

  async startFlow(flow: string, modes: FlowModes = {}): Promise<IntentResult> {
    const r = result(this.engine.startFlow(flow, modes as { cc?: CongestionAlgorithm; arq?: ArqMode }));
    const v = this.world.flows.get(flow);
    const spec = this.engine.flows.get(flow)?.spec;
    if (r.ok && v !== undefined && spec !== undefined) {
      v.cc = spec.cc;
      v.arq = spec.arq;
      v.windowSegments = spec.windowSegments;
    }
    this.refreshDynamic();
    return r;
  }

  async stopFlow(flow: string): Promise<IntentResult> {
    return result(this.engine.stopFlow(flow));
  }

  async setReadRate(flow: string, bps: number | null): Promise<IntentResult> {
    const r = result(this.engine.setReadRate(flow, bps));
    const v = this.world.flows.get(flow);
    if (r.ok && v !== undefined) v.readRateBps = bps;
    return r;
  }

  async assign(node: string, connection: number, backend: string): Promise<IntentResult> {
    const r = result(this.engine.assignConnection(node, connection, backend));
    this.refreshDynamic();
    return r;
  }

  async setAlgorithm(node: string, algorithm: string): Promise<IntentResult> {
    if (algorithm !== 'round-robin' && algorithm !== 'least-connections' && algorithm !== 'source-hash' && algorithm !== 'manual') return { ok: false, reason: algorithm };
    const r = result(this.engine.setBalancerAlgorithm(node, algorithm));
    this.refreshDynamic();
    return r;
  }

  async setServerIo(node: string, choice: ServerIoChoice): Promise<IntentResult> {
    const r = result(this.engine.setServerIo(node, choice.io, choice.threads));
    this.refreshDynamic();
    return r;
  }

  async inspect(packet: number): Promise<InspectedPacket | null> {
    return this.engine.inspect(packet) ?? null;
  }

  onEnd(fn: (end: SessionEnd) => void): void {
    this.endListeners.push(fn);
  }

  onRoleChange(fn: (role: MyRole) => void): void {
    this.roleListeners.push(fn);
  }

  /** End the session now (a level decided, the host pressed end, or the scenario ran out). */
  finish(end: SessionEnd): void {
    if (this.ended) return;
    this.ended = true;
    // The end screen's counts are the last ones.
    this.refreshExchanges();
    this.world.phase = 'ended';
    for (const fn of this.endListeners) fn(end);
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Take a router's role (sandbox), or hand it back to its bot. */
  takeRole(role: MyRole): IntentResult {
    const previous = this.role.node;
    if (previous !== null && previous !== role.node) this.engine.setController(previous, 'bot');
    if ((role.role === 'router' || role.role === 'loadbalancer') && role.node !== null) {
      const r = this.engine.setController(role.node, 'player');
      if (!r.ok) return r;
    }
    this.role = role;
    for (const f of this.world.flows.values()) f.controllable = this.mode === 'sandbox' || role.flows.includes(f.id);
    this.refreshPlayers();
    this.refreshDynamic();
    for (const fn of this.roleListeners) fn(role);
    return { ok: true };
  }

  private makeHostControls(): HostControls {
    const w = this.world;
    return {
      joinCode: null,
      pause: () => {
        w.paused = true;
      },
      resume: () => {
        w.paused = false;
      },
      step: (ms: number) => {
        this.advance(ms);
      },
      jumpTo: (ms: number) => this.jumpTo(ms),
      setSpeed: (speed: number) => {
        w.speed = speed;
      },
      scenarios: () => this.library.map((s) => ({ id: s.id, name: s.name })),
      currentScenario: () => this.scenarioId,
      loadScenario: async (choice: string | Record<string, unknown>) => {
        let s: LocalScenario;
        if (typeof choice === 'string') {
          const found = this.library.find((x) => x.id === choice);
          if (found === undefined) return { ok: false, reason: choice };
          s = found;
        } else {
          // A file of the player's own: checked as the sim command checks one, run at real time.
          const loaded = loadScenario(choice);
          if (!loaded.ok) return { ok: false, reason: loaded.errors.slice(0, 3).join('; ') };
          s = { id: FILE_SCENARIO_ID, name: loaded.scenario.name, scenario: loaded.scenario, speed: 1, source: choice };
        }
        const keep = this.role;
        this.role = { role: this.mode === 'sandbox' ? 'host' : keep.role, node: null, flows: [] };
        this.boot(s.scenario, s.name);
        this.scenarioId = s.id;
        this.scenarioSource = s.source ?? null;
        w.speed = s.speed;
        for (const fn of this.roleListeners) fn(this.role);
        return { ok: true };
      },
      fault: async (f: FaultIntent) => {
        const spec = this.faultSpec(f);
        if (typeof spec === 'string') return { ok: false, reason: spec };
        return this.engine.injectFault(spec);
      },
      assignRole: async (_player: string, role: string, node: string | null) => {
        if (role !== 'router' && role !== 'loadbalancer' && role !== 'tap' && role !== 'host') return { ok: false, reason: role };
        return this.takeRole({ role, node, flows: [] });
      },
      kick: async () => ({ ok: false, reason: 'solo' }),
      end: async () => {
        this.finish({ reason: 'ended-by-host' });
        return { ok: true };
      },
      report: async () => ({
        name: `packetplay-report-${fileSlug(this.world.scenarioName)}.json`,
        type: 'application/json',
        body: JSON.stringify(
          {
            scenario: this.world.scenarioName,
            seed: this.engine.seed,
            simMs: this.engine.nowMs,
            summary: this.engine.summary(),
            commands: this.engine.commandLog,
          },
          null,
          2,
        ),
      }),
      replay: async () => {
        const file = this.scenarioSource === null ? null : replayScenario(this.scenarioSource, this.engine);
        if (file === null) return null;
        // Named as the sandbox showed it (a built-in scenario's file name is only an id).
        file.name = this.world.scenarioName.slice(0, 120);
        return { name: `packetplay-replay-${fileSlug(this.world.scenarioName)}.json`, type: 'application/json', body: JSON.stringify(file, null, 1) };
      },
    };
  }

  private faultSpec(f: FaultIntent): FaultSpec | string {
    const now = this.engine.nowMs;
    switch (f.kind) {
      case 'link-down':
        if (!this.engine.network.links.has(f.link)) return f.link;
        return { kind: 'link-down', link: f.link, atMs: now, untilMs: f.forMs === undefined ? null : now + f.forMs };
      case 'link-loss': {
        const link = this.engine.network.links.get(f.link);
        if (link === undefined) return f.link;
        const loss: Record<string, number> = {};
        for (const ch of link.channels) loss[ch.key] = f.loss;
        const v = this.world.links.get(f.link);
        if (v !== undefined) v.loss = { ...loss };
        return { kind: 'link-loss', link: f.link, atMs: now, loss };
      }
      case 'node-down':
        if (!this.engine.network.nodes.has(f.node)) return f.node;
        return { kind: 'node-down', node: f.node, atMs: now, untilMs: f.forMs === undefined ? null : now + f.forMs };
      case 'drop-segment':
        if (!this.engine.flows.has(f.flow)) return f.flow;
        return { kind: 'drop-segment', flow: f.flow, segment: f.segment };
    }
  }

  dispose(): void {
    this.ended = true;
    this.endListeners.length = 0;
    this.roleListeners.length = 0;
    this.traceTaps.length = 0;
  }
}

function result(r: CommandResult): IntentResult {
  if (r.ok) return { ok: true };
  return r.why === undefined ? { ok: false, reason: r.reason } : { ok: false, reason: r.reason, why: r.why };
}
