// The protocol engine's front door: builds the network a scenario describes, starts its flows,
// schedules its faults, applies player commands between steps of simulated time, and reports. The
// same scenario, seed and commands always give the same trace: everything random draws from the one
// seeded PRNG and everything happens on the simulator's clock.

import { BulkFlow } from './app/bulk.ts';
import type { FlowRuntime, FlowSummary } from './app/flow.ts';
import { APPS } from './app/registry.ts';
import { serveHttps } from './app/tls/https.ts';
import { installPki } from './app/tls/pki.ts';
import { parseIp } from './net/addresses.ts';
import { Host } from './net/host.ts';
import { DnsServer, type DnsServerSummary, type DnsServerView } from './net/dns-server.ts';
import { LoadBalancer, type BalancerSummary, type BalancerView } from './net/load-balancer.ts';
import { buildNode, nodeLayer } from './node-kinds.ts';
import { Link } from './net/link.ts';
import { Network, type SegmentFault } from './net/network.ts';
import type { Controller, NetNode } from './net/node.ts';
import type { Packet } from './net/packet.ts';
import { inspectPacket, type InspectedPacket } from './net/layers.ts';
import { Router } from './net/router.ts';
import { Tap, type TapRecord } from './net/tap.ts';
import { Server, type ServerSummary, type ServerView } from './net/server.ts';
import { computeRoutes } from './net/routing.ts';
import { MAX_LOGGED_COMMANDS, type BalancerCommand, type CommandResult, type ControllerCommand, type FaultCommand, type FlowCommand, type RouterCommand, type ServerIoCommand, type TamperCommand, type TimedCommand } from './roles/commands.ts';
import type { ServerIoModel } from './app/http/spec.ts';
import { TAP_TAMPERS, type TapTamper } from './app/tls/spec.ts';
import { windowSegmentsFor } from './transport/tcp/arq.ts';
import { flowCommandHost, modeNotOffered, type FlowModes } from './app/flow-modes.ts';
import type { EngineScenario, FaultSpec, FlowSpec } from './scenario.ts';
import { compareWithRecording, initialVerdict, summarySha256, type ReplayVerdict } from './replay-check.ts';
import { Simulator } from './sim/simulator.ts';
import { msToNs, nsToMs } from './sim/time.ts';
import type { TraceEvent, TraceSink, TraceType } from './sim/trace.ts';

export interface SummaryEvent extends TraceEvent {
  type: 'summary';
  simMs: number;
  events: number;
  flows: Record<string, FlowSummary>;
  drops: Record<string, number>;
  packets: { created: number; duplicated: number; dropped: number; consumed: number };
  /** Per tap, when the scenario has any: what it saw, altered and (as a man in the middle) read. */
  taps?: Record<string, Record<string, unknown>>;
  /** Per load balancer, when the scenario has any. */
  balancers?: Record<string, BalancerSummary>;
  /** Per dns node, when the scenario has any: queries, answers by RCODE, truncations, zone transfers. */
  dnsServers?: Record<string, DnsServerSummary>;
  /** Per server node, when the scenario has any: requests, connections, CPU, threads or event loop. */
  servers?: Record<string, ServerSummary>;
}

export interface EngineOptions {
  /** Overrides the scenario's seed. */
  seed?: number;
  /**
   * Live commands take a replayed run over: the first one applied while the scenario still has
   * commands to come drops those (the packets and connections they name belong to a run that has
   * now gone another way), and this is told how many. Without it the two interleave, as a class
   * running a scripted scenario needs.
   */
  onTakeOver?: (dropped: number) => void;
}

/** A command as given live: the engine stamps it with the current time. */
type LiveCommand = TimedCommand extends infer C ? (C extends TimedCommand ? Omit<C, 'atMs'> : never) : never;

function segmentFault(fault: Extract<FaultSpec, { segment: number }>): SegmentFault {
  if (fault.kind === 'delay-segment') return { action: 'delay', delayNs: msToNs(fault.delayMs) };
  if (fault.kind === 'duplicate-segment') return { action: 'duplicate' };
  return { action: 'drop' };
}

function defaultIp(index: number): number {
  const n = index + 1;
  return ((10 << 24) | (Math.floor(n / 256) << 8) | n % 256) >>> 0;
}

export class Engine {
  readonly scenario: EngineScenario;
  readonly seed: number;
  readonly sim: Simulator;
  readonly network: Network;
  readonly flows = new Map<string, FlowRuntime>();
  /**
   * Every command applied (a player's, a bot taking a seat, a host's fault), stamped with the
   * simulated time it took effect: with the scenario and seed, a replayable log (docs/scenario.md).
   */
  readonly commandLog: TimedCommand[] = [];
  /** When the log first had to leave a command out (it keeps MAX_LOGGED_COMMANDS), else null. */
  commandLogFullAtMs: number | null = null;
  private readonly pendingCommands: TimedCommand[];
  private nextPending = 0;
  private readonly onTakeOver: ((dropped: number) => void) | null;
  private verdict: ReplayVerdict;

  constructor(scenario: EngineScenario, opts: EngineOptions = {}) {
    this.scenario = scenario;
    this.seed = opts.seed ?? scenario.seed;
    this.onTakeOver = opts.onTakeOver ?? null;
    // With another seed the run is another one: there is nothing to compare.
    this.verdict = initialVerdict(opts.seed === undefined || opts.seed === scenario.seed ? scenario.recorded : null);
    this.sim = new Simulator(this.seed);
    this.network = new Network(this.sim);
    this.build();
    // Stable sort keeps the file's order for commands at the same instant.
    this.pendingCommands = scenario.commands.map((c, i) => ({ c, i })).sort((x, y) => x.c.atMs - y.c.atMs || x.i - y.i).map((x) => x.c);
  }

  private build(): void {
    const s = this.scenario;
    const net = this.network;
    s.nodes.forEach((spec, index) => {
      let ip = 0;
      if (nodeLayer(spec.kind) >= 3) {
        const parsed = spec.ip === null ? defaultIp(index) : parseIp(spec.ip);
        if (parsed === null) throw new Error(`node ${spec.id}: bad IPv4 address ${spec.ip}`);
        ip = parsed;
      }
      const node = buildNode(net, spec, index, ip);
      net.addNode(node);
      if (node instanceof Router && spec.controller === 'player') node.setController('player');
    });
    // Keys and certificates, drawn from the seed before any flow starts (app/tls/pki.ts).
    installPki(net, s.nodes);
    serveHttps(net); // every server also answers HTTPS on port 443
    for (const spec of s.links) {
      const a = net.nodes.get(spec.a)!;
      const b = net.nodes.get(spec.b)!;
      net.addLink(
        new Link(
          net,
          {
            id: spec.id,
            bandwidthBps: spec.bandwidthBps,
            delayNs: msToNs(spec.delayMs),
            queuePackets: spec.queuePackets,
            loss: spec.loss,
            corruption: spec.corruption,
          },
          a,
          b,
        ),
      );
    }
    net.routeOverrides = s.routes;
    computeRoutes(net, s.routes);
    for (const spec of s.flows) this.addFlow(spec);
    for (const fault of s.faults) this.scheduleFault(fault);
  }

  private addFlow(spec: FlowSpec): void {
    const client = this.network.nodes.get(spec.from);
    const server = this.network.nodes.get(spec.to);
    if (!(client instanceof Host) || !(server instanceof Host)) {
      throw new Error(`flow ${spec.id}: both ends must be hosts`);
    }
    // A flow to a load balancer connects to its virtual IP and is served by the backend it picks.
    const serverIp = server instanceof LoadBalancer ? server.vip : server.ip;
    const serverHosts = server instanceof LoadBalancer ? server.backendHosts() : [server];
    const flow = APPS[spec.app]({ sim: this.sim, network: this.network, spec, client, server, serverIp, serverHosts });
    this.flows.set(spec.id, flow);
    if (spec.autoStart) this.sim.at(msToNs(spec.startMs), () => flow.start());
    if (spec.stopMs !== null) this.sim.at(msToNs(spec.stopMs), () => flow.stop());
  }

  private scheduleFault(fault: FaultSpec): void {
    if (fault.kind === 'drop-segment' || fault.kind === 'delay-segment' || fault.kind === 'duplicate-segment') {
      this.network.scheduleSegmentFault(fault.flow, fault.segment, segmentFault(fault));
      return;
    }
    this.sim.at(Math.max(msToNs(fault.atMs), this.sim.nowNs), () => this.applyFault(fault));
  }

  /** A host's fault, taking effect now; logged for replay (the scenario's own faults are scheduled). */
  injectFault(fault: FaultSpec): CommandResult {
    return this.live({ action: 'fault', fault });
  }

  private applyFaultCommand(cmd: FaultCommand & { atMs: number }): CommandResult {
    const f = cmd.fault;
    const missing =
      'link' in f ? (this.network.links.has(f.link) ? null : `no link ${f.link}`) : 'node' in f ? (this.network.nodes.has(f.node) ? null : `no node ${f.node}`) : this.flows.has(f.flow) ? null : `no flow ${f.flow}`;
    if (missing !== null) return { ok: false, reason: missing };
    let fault: FaultSpec = 'atMs' in f ? { ...f, atMs: this.sim.nowMs } : f;
    if (fault.kind === 'link-loss') {
      // Logged with both directions, a direction left out at the rate it has: a scenario file's
      // link-loss sets a direction it leaves out to 0.
      const loss: Record<string, number> = {};
      for (const ch of this.network.links.get(fault.link)!.channels) loss[ch.key] = fault.loss[ch.key] ?? ch.lossRate;
      fault = { ...fault, loss };
    }
    this.log({ ...cmd, fault });
    this.applyFault(fault);
    return { ok: true };
  }

  /** Make a fault take effect now (a host's and the scenario's scheduled ones alike). */
  private applyFault(fault: FaultSpec): void {
    const sim = this.sim;
    const traceFault = (fields: Record<string, unknown>) => {
      if (sim.trace.enabled('fault')) sim.trace.emit({ type: 'fault', t: sim.nowMs, kind: fault.kind, ...fields });
    };
    switch (fault.kind) {
      case 'drop-segment':
      case 'delay-segment':
      case 'duplicate-segment':
        this.network.scheduleSegmentFault(fault.flow, fault.segment, segmentFault(fault));
        traceFault({ flow: fault.flow, segment: fault.segment });
        return;
      case 'link-down': {
        const link = this.network.links.get(fault.link)!;
        link.setUp(false);
        traceFault({ link: fault.link, up: false });
        if (fault.untilMs !== null) {
          sim.at(Math.max(msToNs(fault.untilMs), sim.nowNs), () => this.applyFault({ kind: 'link-up', link: fault.link, atMs: sim.nowMs }));
        }
        return;
      }
      case 'link-up':
        this.network.links.get(fault.link)!.setUp(true);
        traceFault({ link: fault.link, up: true });
        return;
      case 'node-up':
        this.setNodeUp(this.network.nodes.get(fault.node)!, true);
        traceFault({ node: fault.node, up: true });
        return;
      case 'link-loss': {
        const link = this.network.links.get(fault.link)!;
        for (const ch of link.channels) {
          const p = fault.loss[ch.key];
          if (p !== undefined) ch.lossRate = p;
        }
        traceFault({ link: fault.link, loss: fault.loss });
        return;
      }
      case 'node-down': {
        const node = this.network.nodes.get(fault.node)!;
        this.setNodeUp(node, false);
        traceFault({ node: fault.node, up: false });
        if (fault.untilMs !== null) {
          sim.at(Math.max(msToNs(fault.untilMs), sim.nowNs), () => this.applyFault({ kind: 'node-up', node: fault.node, atMs: sim.nowMs }));
        }
      }
    }
  }

  private setNodeUp(node: NetNode, up: boolean): void {
    if (node instanceof Router || node instanceof LoadBalancer) node.setUp(up);
    else node.up = up;
  }

  subscribe(types: Iterable<TraceType>, sink: TraceSink): void {
    this.sim.trace.subscribe(types, sink);
  }

  get nowMs(): number {
    return this.sim.nowMs;
  }

  get durationMs(): number {
    return this.scenario.durationMs;
  }

  /** Simulation events processed so far. */
  get eventsProcessed(): number {
    return this.sim.eventsProcessed;
  }

  /** The fingerprint of the run so far: the SHA-256 of its summary (replay-check.ts). */
  get summarySha256(): string {
    return summarySha256(this.summary());
  }

  /** For a replay (a scenario with `recorded`): whether it runs as the session it records did. */
  get replayVerdict(): ReplayVerdict {
    return this.verdict;
  }

  /** Advance simulated time to `ms`, applying the scenario's commands at their instants. */
  runUntilMs(ms: number): void {
    const v = this.verdict;
    if (v.state === 'pending' && v.recorded.atMs <= Math.min(ms, this.scenario.durationMs)) {
      this.advanceTo(v.recorded.atMs);
      this.verdict = compareWithRecording(v.recorded, this.sim.eventsProcessed, this.summary());
    }
    this.advanceTo(ms);
  }

  private advanceTo(ms: number): void {
    const untilNs = msToNs(Math.min(ms, this.scenario.durationMs));
    while (this.nextPending < this.pendingCommands.length) {
      const cmd = this.pendingCommands[this.nextPending]!;
      const atNs = Math.max(msToNs(cmd.atMs), this.sim.nowNs);
      if (atNs > untilNs) break;
      // Only when time moves: a command given live at an instant comes after the events the engine
      // had run up to it (none, before the first step), and right after the commands before it.
      if (atNs > this.sim.nowNs) this.sim.runUntil(atNs);
      this.nextPending++;
      this.apply(cmd);
    }
    if (untilNs > this.sim.nowNs) this.sim.runUntil(untilNs);
  }

  /** The scenario's commands not yet applied, in the order they will be. */
  pendingCommandsLeft(): TimedCommand[] {
    return this.pendingCommands.slice(this.nextPending);
  }

  /** A command given now, through the public API; applied, it may take a replayed run over (`onTakeOver`). */
  private live(cmd: LiveCommand): CommandResult {
    const result = this.apply({ ...cmd, atMs: this.sim.nowMs } as TimedCommand);
    if (result.ok && this.verdict.state === 'pending') this.verdict = { state: 'changed', recorded: this.verdict.recorded };
    const dropped = this.pendingCommands.length - this.nextPending;
    if (result.ok && this.onTakeOver !== null && dropped > 0) {
      this.pendingCommands.length = this.nextPending;
      this.onTakeOver(dropped);
    }
    return result;
  }

  /** Run to the scenario's end. */
  run(): SummaryEvent {
    this.runUntilMs(this.scenario.durationMs);
    return this.summary();
  }

  get finished(): boolean {
    return this.sim.nowNs >= msToNs(this.scenario.durationMs);
  }

  /** Apply a player's (or bot's) command now; it is logged for replay. */
  command(cmd: RouterCommand): CommandResult {
    return this.live(cmd);
  }

  /** Keep an applied command for replay, stamped with now; past the limit, note when the log filled. */
  private log(cmd: TimedCommand): void {
    if (this.commandLog.length < MAX_LOGGED_COMMANDS) this.commandLog.push({ ...cmd, atMs: this.sim.nowMs });
    else this.commandLogFullAtMs ??= this.sim.nowMs;
  }

  private apply(cmd: TimedCommand): CommandResult {
    if (cmd.action === 'fault') return this.applyFaultCommand(cmd);
    if (cmd.action === 'controller') return this.applyController(cmd);
    if (cmd.action === 'assign' || cmd.action === 'algorithm') return this.applyBalancer(cmd);
    if (cmd.action === 'start-flow' || cmd.action === 'stop-flow' || cmd.action === 'read-rate') return this.applyFlow(cmd);
    if (cmd.action === 'tamper') return this.applyTamper(cmd);
    if (cmd.action === 'server-io') return this.applyServerIo(cmd);
    const node = this.network.nodes.get(cmd.node);
    let result: CommandResult;
    if (!(node instanceof Router)) result = { ok: false, reason: `${cmd.node} is not a router` };
    else {
      const { atMs: _at, ...routerCommand } = cmd;
      result = node.command(routerCommand as RouterCommand);
    }
    if (result.ok) this.log(cmd);
    const sim = this.sim;
    if (sim.trace.enabled('command')) {
      sim.trace.emit({
        type: 'command',
        t: sim.nowMs,
        node: cmd.node,
        action: cmd.action,
        packet: cmd.packet,
        ok: result.ok,
        ...(result.ok ? (result.packet !== undefined ? { copy: result.packet } : {}) : { reason: result.reason }),
      });
    }
    return result;
  }

  /** Hand a router or load balancer to a player (its packets wait for commands) or back to its bot. */
  setController(nodeId: string, controller: Controller): CommandResult {
    return this.live({ action: 'controller', node: nodeId, controller });
  }

  /** A change of who plays a node, now or from the scenario's log; applied ones are logged for replay. */
  private applyController(cmd: ControllerCommand & { atMs: number }): CommandResult {
    const node = this.network.nodes.get(cmd.node);
    let result: CommandResult;
    if (cmd.controller !== 'bot' && cmd.controller !== 'player') result = { ok: false, reason: `controller must be bot or player, got ${String(cmd.controller)}` };
    else if (node instanceof LoadBalancer || node instanceof Router) {
      node.setController(cmd.controller);
      result = { ok: true };
    } else result = { ok: false, reason: `${cmd.node} is not a router` };
    if (result.ok) this.log(cmd);
    const sim = this.sim;
    if (sim.trace.enabled('command')) {
      sim.trace.emit({ type: 'command', t: sim.nowMs, node: cmd.node, action: cmd.action, controller: cmd.controller, ok: result.ok, ...(result.ok ? {} : { reason: result.reason }) });
    }
    return result;
  }

  /** Send a connection waiting at a balancer (manual algorithm, player-controlled) to `backendId`. */
  assignConnection(nodeId: string, connectionId: number, backendId: string): CommandResult {
    return this.live({ action: 'assign', node: nodeId, connection: connectionId, backend: backendId });
  }

  /** Change how a balancer (and its pair) picks backends; waiting connections are assigned if it is no longer manual. */
  setBalancerAlgorithm(nodeId: string, algorithm: 'round-robin' | 'least-connections' | 'source-hash' | 'manual'): CommandResult {
    return this.live({ action: 'algorithm', node: nodeId, algorithm });
  }

  /** From now on a tap alters `target` (a TLS handshake message) in the frames that carry it; null stops it. */
  setTapTamper(nodeId: string, target: TapTamper | null): CommandResult {
    return this.live({ action: 'tamper', node: nodeId, target });
  }

  /** A tapping attacker's command, from a player now or from the scenario's log; applied ones are logged for replay. */
  private applyTamper(cmd: TamperCommand & { atMs: number }): CommandResult {
    const node = this.network.nodes.get(cmd.node);
    let result: CommandResult;
    if (!(node instanceof Tap)) result = { ok: false, reason: `${cmd.node} is not a tap` };
    else if (cmd.target !== null && !(TAP_TAMPERS as readonly string[]).includes(cmd.target)) result = { ok: false, reason: `target must be one of ${TAP_TAMPERS.join(', ')} or null, got ${String(cmd.target)}` };
    else {
      node.tamper = cmd.target;
      result = { ok: true };
    }
    if (result.ok) this.log(cmd);
    const sim = this.sim;
    if (sim.trace.enabled('command')) {
      sim.trace.emit({ type: 'command', t: sim.nowMs, node: cmd.node, action: cmd.action, target: cmd.target, ok: result.ok, ...(result.ok ? {} : { reason: result.reason }) });
    }
    return result;
  }

  /** Choose a server's I/O model before it has taken a connection: `threads` blocking threads, or one event loop. */
  setServerIo(nodeId: string, io: ServerIoModel, threads: number): CommandResult {
    return this.live({ action: 'server-io', node: nodeId, io, threads });
  }

  /** A server operator's command, from a player now or from the scenario's log; applied ones are logged for replay. */
  private applyServerIo(cmd: ServerIoCommand & { atMs: number }): CommandResult {
    const node = this.network.nodes.get(cmd.node);
    const result: CommandResult = node instanceof Server ? node.configureIo(cmd.io, cmd.threads) : { ok: false, reason: `${cmd.node} is not a server` };
    if (result.ok) this.log(cmd);
    const sim = this.sim;
    if (sim.trace.enabled('command')) {
      sim.trace.emit({ type: 'command', t: sim.nowMs, node: cmd.node, action: cmd.action, io: cmd.io, threads: cmd.threads, ok: result.ok, ...(result.ok ? {} : { reason: result.reason }) });
    }
    return result;
  }

  /** What the game draws of a balancer: role, algorithm, backends and their loads, waiting connections. */
  balancer(nodeId: string): BalancerView | undefined {
    const node = this.network.nodes.get(nodeId);
    return node instanceof LoadBalancer ? node.view() : undefined;
  }

  /** What the game draws of a server: its threads (or event loop), accept queue and connections. */
  server(nodeId: string): ServerView | undefined {
    const node = this.network.nodes.get(nodeId);
    return node instanceof Server ? node.view() : undefined;
  }

  /** A balancer command, from a player now or from the scenario's log; applied ones are logged for replay. */
  private applyBalancer(cmd: BalancerCommand & { atMs: number }): CommandResult {
    const node = this.network.nodes.get(cmd.node);
    let result: CommandResult;
    if (!(node instanceof LoadBalancer)) result = { ok: false, reason: `${cmd.node} is not a load balancer` };
    else if (cmd.action === 'algorithm') result = node.setAlgorithm(cmd.algorithm);
    else if (!Number.isSafeInteger(cmd.connection)) result = { ok: false, reason: `connection must be a whole number, got ${String(cmd.connection)}` };
    else if (typeof cmd.backend !== 'string') result = { ok: false, reason: 'backend must be a node id' };
    else result = node.assignConnection(cmd.connection, cmd.backend);
    if (result.ok) this.log(cmd);
    const sim = this.sim;
    if (sim.trace.enabled('command')) {
      const { atMs: _at, node: _node, action, ...fields } = cmd;
      sim.trace.emit({ type: 'command', t: sim.nowMs, node: cmd.node, action, ...fields, ok: result.ok, ...(result.ok ? {} : { reason: result.reason }) });
    }
    return result;
  }

  /** What the game draws of a name server: its zones (records in zone-file form), figures and open connections. */
  dnsServer(nodeId: string): DnsServerView | undefined {
    const node = this.network.nodes.get(nodeId);
    return node instanceof DnsServer ? node.view() : undefined;
  }

  /** Packets waiting for a decision at a player-controlled router, oldest first. */
  waitingAt(nodeId: string): Packet[] {
    const node = this.network.nodes.get(nodeId);
    if (node instanceof LoadBalancer) return node.waitingPackets();
    return node instanceof Router ? [...node.decisions.waiting] : [];
  }

  /** The receiving application of a flow reads at `readRateBps` from now on (null: as fast as data arrives). */
  setReadRate(flowId: string, readRateBps: number | null): CommandResult {
    const node = this.flows.get(flowId)?.spec.to ?? '';
    return this.live({ action: 'read-rate', node, flow: flowId, rateBps: readRateBps });
  }

  /** A packet in the network opened layer by layer, or undefined if it is gone. */
  inspect(packetId: number): InspectedPacket | undefined {
    const p = this.findPacket(packetId);
    return p === undefined ? undefined : inspectPacket(p);
  }

  /** Start a flow now, in the congestion control or ARQ mode its scenario offers (`choices`). */
  startFlow(flowId: string, modes: FlowModes = {}): CommandResult {
    const node = this.flows.get(flowId)?.spec.from ?? '';
    const chosen = { ...(modes.cc !== undefined ? { cc: modes.cc } : {}), ...(modes.arq !== undefined ? { arq: modes.arq } : {}) };
    return this.live({ action: 'start-flow', node, flow: flowId, ...chosen });
  }

  stopFlow(flowId: string): CommandResult {
    const node = this.flows.get(flowId)?.spec.from ?? '';
    return this.live({ action: 'stop-flow', node, flow: flowId });
  }

  /** A sender's or receiver's command, from a player now or from the scenario's log; applied ones are logged for replay. */
  private applyFlow(cmd: FlowCommand & { atMs: number }): CommandResult {
    const result = this.flowCommandResult(cmd);
    if (result.ok) this.log(cmd);
    const sim = this.sim;
    if (sim.trace.enabled('command')) {
      const { atMs: _at, node, action, ...fields } = cmd;
      sim.trace.emit({ type: 'command', t: sim.nowMs, node, action, ...fields, ok: result.ok, ...(result.ok ? {} : { reason: result.reason }) });
    }
    return result;
  }

  private flowCommandResult(cmd: FlowCommand): CommandResult {
    const flow = this.flows.get(cmd.flow);
    if (flow === undefined) return { ok: false, reason: `no flow ${cmd.flow}` };
    const end = flowCommandHost(flow.spec, cmd.action);
    if (cmd.node !== end) return { ok: false, reason: `flow ${cmd.flow} is ${cmd.action === 'read-rate' ? 'read' : 'sent'} at ${end}, not ${cmd.node}` };
    switch (cmd.action) {
      case 'read-rate': {
        if (!(flow instanceof BulkFlow)) return { ok: false, reason: `flow ${cmd.flow} has no reading application` };
        if (cmd.rateBps !== null && !(cmd.rateBps > 0)) return { ok: false, reason: 'read rate must be greater than 0' };
        flow.setReadRate(cmd.rateBps);
        return { ok: true };
      }
      case 'stop-flow':
        flow.stop();
        return { ok: true };
      case 'start-flow': {
        if (flow.started) return { ok: false, reason: `flow ${cmd.flow} already started`, why: { code: 'flow-started', flow: cmd.flow } };
        const spec = flow.spec;
        const missing = modeNotOffered(spec, cmd);
        if (missing === 'cc') return { ok: false, reason: `flow ${cmd.flow} does not offer congestion control ${cmd.cc}` };
        if (missing === 'arq') return { ok: false, reason: `flow ${cmd.flow} does not offer ARQ mode ${cmd.arq}` };
        const cc = cmd.cc ?? spec.cc;
        const arq = cmd.arq ?? spec.arq;
        if (cc !== spec.cc || arq !== spec.arq) {
          if (!(flow instanceof BulkFlow)) return { ok: false, reason: `flow ${cmd.flow} has fixed modes` };
          flow.configure({ ...spec, cc, arq, windowSegments: windowSegmentsFor(arq, spec.choices.windowSegments) });
        }
        flow.start();
        return { ok: true };
      }
    }
  }

  /** Find a packet still in the network (on a link or waiting at a node) by id. */
  findPacket(id: number): Packet | undefined {
    for (const link of this.network.links.values()) {
      for (const ch of link.channels) for (const p of ch.packetsInTransit()) if (p.id === id) return p;
    }
    for (const node of this.network.nodes.values()) {
      if (node instanceof Router) {
        const p = node.decisions.waiting.find((q) => q.id === id) ?? node.decisions.held.get(id);
        if (p !== undefined) return p;
      }
      if (node instanceof LoadBalancer) {
        const p = node.waitingPackets().find((q) => q.id === id);
        if (p !== undefined) return p;
      }
    }
    return undefined;
  }

  /** Packets now in the network (on links, queued, waiting or held). */
  packetsInNetwork(): Packet[] {
    const out = new Set<Packet>();
    for (const link of this.network.links.values()) for (const ch of link.channels) for (const p of ch.packetsInTransit()) out.add(p);
    for (const node of this.network.nodes.values()) {
      if (node instanceof Router) {
        for (const p of node.decisions.waiting) out.add(p);
        for (const p of node.decisions.held.values()) out.add(p);
      }
      if (node instanceof LoadBalancer) for (const p of node.waitingPackets()) out.add(p);
    }
    return [...out];
  }

  /** What a tap recorded (its last frames, oldest first): the tapping player's view; undefined for another node. */
  tapCapture(nodeId: string): TapRecord[] | undefined {
    const node = this.network.nodes.get(nodeId);
    return node instanceof Tap ? [...node.capture] : undefined;
  }

  summary(): SummaryEvent {
    const flows: Record<string, FlowSummary> = {};
    for (const [id, f] of this.flows) flows[id] = f.summary();
    const taps: Record<string, Record<string, unknown>> = {};
    for (const node of this.network.nodes.values()) if (node instanceof Tap) taps[node.id] = node.summary();
    const net = this.network;
    const balancers: Record<string, BalancerSummary> = {};
    for (const node of net.nodes.values()) if (node instanceof LoadBalancer) balancers[node.id] = node.summary();
    const dnsServers: Record<string, DnsServerSummary> = {};
    for (const node of net.nodes.values()) if (node instanceof DnsServer) dnsServers[node.id] = node.summary();
    const servers: Record<string, ServerSummary> = {};
    for (const node of net.nodes.values()) if (node instanceof Server) servers[node.id] = node.summary();
    return {
      type: 'summary',
      t: this.sim.nowMs,
      simMs: nsToMs(this.sim.nowNs),
      events: this.sim.eventsProcessed,
      flows,
      drops: { ...net.dropsByReason } as Record<string, number>,
      packets: {
        created: net.packetsCreated,
        duplicated: net.packetsDuplicated,
        dropped: net.packetsDropped,
        consumed: net.packetsConsumed,
      },
      ...(Object.keys(taps).length > 0 ? { taps } : {}),
      ...(Object.keys(balancers).length > 0 ? { balancers } : {}),
      ...(Object.keys(dnsServers).length > 0 ? { dnsServers } : {}),
      ...(Object.keys(servers).length > 0 ? { servers } : {}),
    };
  }
}
