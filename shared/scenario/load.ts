// Turns a scenario file into the engine's fully defaulted scenario, or into clear messages that name
// the field at fault ("links[1].b: no node with id 'r9'"). Never throws for bad input.

import type { EngineScenario, FlowChoices, FlowSpec, AppKind, FaultSpec, NodeSpec } from '../protocols/scenario.ts';
import { nodeLayer } from '../protocols/node-kinds.ts';
import type { FlowCommand, TimedCommand } from '../protocols/roles/commands.ts';
import { checkDnsNodes, dnsFlowSpec } from './dns.ts';
import { scenarioSchema, type flowSchema, type ScenarioParsed } from './schema.ts';
import type { z } from 'zod';
import { balancerSpec } from './balancers.ts';
import { checkTls } from './tls.ts';
import { httpFlowSpec, serverSpec } from './http.ts';
import { windowSegmentsFor } from '../protocols/transport/tcp/arq.ts';
import { flowCommandHost, modeNotOffered } from '../protocols/app/flow-modes.ts';

export type LoadResult = { ok: true; scenario: EngineScenario } | { ok: false; errors: string[] };

const MAX_ERRORS = 20;
export const MAX_SCENARIO_BYTES = 4 * 1024 * 1024;

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(scenario)' : out;
}

/** Parse JSON text, then validate. */
export function loadScenarioText(text: string): LoadResult {
  if (text.length > MAX_SCENARIO_BYTES) return { ok: false, errors: [`scenario is larger than ${MAX_SCENARIO_BYTES} bytes`] };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, errors: [`not valid JSON: ${(e as Error).message}`] };
  }
  return loadScenario(json);
}

export function loadScenario(input: unknown): LoadResult {
  const parsed = scenarioSchema.safeParse(input);
  if (!parsed.success) {
    const errors = parsed.error.issues.slice(0, MAX_ERRORS).map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
    return { ok: false, errors };
  }
  const errors: string[] = [];
  const scenario = normalize(parsed.data, errors);
  if (errors.length > 0) return { ok: false, errors: errors.slice(0, MAX_ERRORS) };
  return { ok: true, scenario };
}

/** Node kinds that run applications (the ends of a flow). */
const ENDPOINT_KINDS = new Set<string>(['host', 'server']);
/** Node kinds that have a decision point a player can take over. */
const PLAYER_KINDS = new Set<string>(['router', 'loadbalancer']);
/** Applications that can connect to a load balancer's virtual IP (their server side runs on its backends). */
const VIP_APPS = new Set<string>(['bulk', 'http', 'https']);

const DEFAULT_PORT: Record<AppKind, number> = { bulk: 5001, cbr: 5004, video: 5006, http: 80, dns: 53, https: 443 };
const DEFAULT_RATE_BPS: Record<AppKind, number> = { bulk: 1_000_000, cbr: 64_000, video: 1_000_000, http: 1_000_000, dns: 64_000, https: 1_000_000 };
/** Applications whose byte stream can run over TLS (a `tls` object on the flow); their port is then 443. */
const TLS_APPS = new Set<string>(['bulk', 'https']);
const TLS_PORT = 443;

function directional(
  value: number | Record<string, number>,
  a: string,
  b: string,
  where: string,
  errors: string[],
): Record<string, number> {
  const ab = `${a}->${b}`;
  const ba = `${b}->${a}`;
  if (typeof value === 'number') return { [ab]: value, [ba]: value };
  for (const key of Object.keys(value)) {
    if (key !== ab && key !== ba) errors.push(`${where}: direction "${key}" is not "${ab}" or "${ba}"`);
  }
  return { [ab]: value[ab] ?? 0, [ba]: value[ba] ?? 0 };
}

function normalize(s: ScenarioParsed, errors: string[]): EngineScenario {
  const nodeKinds = new Map<string, string>();
  s.nodes.forEach((n, i) => {
    if (nodeKinds.has(n.id)) errors.push(`nodes[${i}].id: "${n.id}" is used by another node`);
    nodeKinds.set(n.id, n.kind);
    if (n.controller === 'player' && !PLAYER_KINDS.has(n.kind)) {
      errors.push(`nodes[${i}].controller: a ${n.kind} cannot be player-controlled (only ${[...PLAYER_KINDS].join(', ')})`);
    }
    if (n.ip !== undefined && nodeLayer(n.kind) < 3) errors.push(`nodes[${i}].ip: a ${n.kind} works below layer 3 and has no IP address`);
    if (n.ip !== undefined && n.ip.split('.').some((p) => Number(p) > 255)) errors.push(`nodes[${i}].ip: "${n.ip}" is not an IPv4 address`);
  });
  const ips = new Set<string>();
  s.nodes.forEach((n, i) => {
    if (n.ip === undefined) return;
    if (ips.has(n.ip)) errors.push(`nodes[${i}].ip: ${n.ip} is used by another node`);
    ips.add(n.ip);
  });

  const linkIds = new Map<string, { a: string; b: string }>();
  const links = s.links.map((l, i) => {
    const where = `links[${i}]`;
    if (linkIds.has(l.id)) errors.push(`${where}.id: "${l.id}" is used by another link`);
    linkIds.set(l.id, { a: l.a, b: l.b });
    if (!nodeKinds.has(l.a)) errors.push(`${where}.a: no node with id "${l.a}"`);
    if (!nodeKinds.has(l.b)) errors.push(`${where}.b: no node with id "${l.b}"`);
    if (l.a === l.b) errors.push(`${where}.b: a link must join two different nodes`);
    return {
      id: l.id,
      a: l.a,
      b: l.b,
      bandwidthBps: l.bandwidthBps,
      delayMs: l.delayMs,
      queuePackets: l.queuePackets,
      loss: directional(l.loss, l.a, l.b, `${where}.loss`, errors),
      corruption: directional(l.corruption, l.a, l.b, `${where}.corruption`, errors),
    };
  });

  s.routes.forEach((r, i) => {
    if (!nodeKinds.has(r.node)) errors.push(`routes[${i}].node: no node with id "${r.node}"`);
    if (!nodeKinds.has(r.to)) errors.push(`routes[${i}].to: no node with id "${r.to}"`);
    const link = linkIds.get(r.via);
    if (link === undefined) errors.push(`routes[${i}].via: no link with id "${r.via}"`);
    else if (link.a !== r.node && link.b !== r.node) errors.push(`routes[${i}].via: link "${r.via}" does not touch node "${r.node}"`);
  });

  const flowIds = new Set<string>();
  const usedPorts = new Set<string>();
  const flows: FlowSpec[] = s.flows.map((f, i) => {
    const where = `flows[${i}]`;
    if (flowIds.has(f.id)) errors.push(`${where}.id: "${f.id}" is used by another flow`);
    flowIds.add(f.id);
    for (const end of ['from', 'to'] as const) {
      const kind = nodeKinds.get(f[end]);
      if (kind === undefined) errors.push(`${where}.${end}: no node with id "${f[end]}"`);
      else if (end === 'to' && kind === 'loadbalancer') {
        // A flow to a balancer connects to its virtual IP; a backend serves it.
        const app = f.app ?? (f.transport === 'tcp' ? 'bulk' : 'cbr');
        if (f.transport !== 'tcp' || !VIP_APPS.has(app)) {
          errors.push(`${where}.to: "${f.to}" is a loadbalancer; only TCP flows (${[...VIP_APPS].join(', ')}) can connect to its virtual IP`);
        }
      } else if (kind === 'dns') {
        // A name server is a host too: any flow may end there (a dns flow's ends are checked by dnsFlowSpec).
      } else if (!ENDPOINT_KINDS.has(kind)) {
        errors.push(`${where}.${end}: "${f[end]}" is a ${kind}; flows run between ${[...ENDPOINT_KINDS].join('s, ')}s`);
      }
    }
    if (f.from === f.to) errors.push(`${where}.to: a flow needs two different hosts`);
    const app: AppKind = f.app ?? (f.transport === 'tcp' ? 'bulk' : 'cbr');
    const resolver = dnsFlowSpec(f, app, where, nodeKinds, errors);
    if (app === 'bulk' && f.transport !== 'tcp') errors.push(`${where}.app: "bulk" runs over TCP`);
    if (app === 'cbr' && f.transport !== 'udp') errors.push(`${where}.app: "cbr" runs over UDP`);
    if (f.tls !== undefined && !TLS_APPS.has(app)) errors.push(`${where}.tls: TLS runs under ${[...TLS_APPS].join(', ')} flows, not "${app}"`);
    if (f.stopMs !== undefined && f.stopMs < f.startMs) errors.push(`${where}.stopMs: must not be before startMs`);
    const mss = f.mss ?? (f.transport === 'tcp' ? 1460 : 1200);
    const web = httpFlowSpec(f, app, where, s.nodes, errors);
    const port = f.port ?? web.port ?? (f.tls !== undefined ? TLS_PORT : DEFAULT_PORT[app]);
    const clientPort = f.clientPort ?? 49152 + i;
    const serverKey = `${f.to}/${f.transport}/${port}/${f.from}/${clientPort}`;
    if (usedPorts.has(serverKey)) errors.push(`${where}.clientPort: another flow uses the same ports between these hosts`);
    usedPorts.add(serverKey);
    // A name server's port 53 takes every dns flow's queries; a resolver binds its own client port.
    if (f.transport === 'udp' && app !== 'dns') {
      const udpKey = `${f.to}/udp/${port}`;
      if (usedPorts.has(udpKey)) errors.push(`${where}.port: another UDP flow to "${f.to}" uses port ${port}`);
      usedPorts.add(udpKey);
    }
    if (app === 'dns') {
      const clientKey = `${f.from}/udp/${clientPort}`;
      if (usedPorts.has(clientKey)) errors.push(`${where}.clientPort: UDP port ${clientPort} of "${f.from}" is taken by another flow`);
      usedPorts.add(clientKey);
    }
    if (f.maxRtoMs < f.minRtoMs) errors.push(`${where}.maxRtoMs: must not be below minRtoMs`);
    const choices = flowChoices(f, app, where, errors);
    return {
      id: f.id,
      from: f.from,
      to: f.to,
      transport: f.transport,
      app,
      bytes: f.bytes ?? null,
      rateBps: f.rateBps ?? DEFAULT_RATE_BPS[app],
      startMs: f.startMs,
      autoStart: f.autoStart,
      stopMs: f.stopMs ?? null,
      mss,
      cc: f.cc,
      arq: f.arq,
      choices,
      windowSegments: windowSegmentsFor(f.arq, f.windowSegments),
      initialCwndSegments: f.initialCwndSegments,
      initialSsthreshSegments: f.initialSsthreshSegments ?? null,
      rwndBytes: f.rwndBytes,
      sndBufBytes: f.sndBufBytes,
      readRateBps: f.readRateBps ?? null,
      minRtoMs: f.minRtoMs,
      initialRtoMs: Math.max(f.initialRtoMs, f.minRtoMs),
      maxRtoMs: f.maxRtoMs,
      mslMs: f.mslMs,
      delayedAckMs: f.delayedAckMs ?? null,
      synRetries: f.synRetries,
      iss: f.iss ?? null,
      port,
      clientPort,
      packetBytes: f.packetBytes,
      fps: f.fps,
      playoutDelayMs: f.playoutDelayMs,
      verify: f.verify,
      dns: resolver,
      // An https flow always runs over TLS; a bulk flow when it has a `tls` object.
      tls: app === 'https' || (f.tls !== undefined && TLS_APPS.has(app)) ? { serverName: f.tls?.serverName ?? null } : null,
      http: web.http,
    };
  });

  /** A fault's references checked, with its defaults filled in. */
  const checkFault = (f: ScenarioParsed['faults'][number], where: string): FaultSpec => {
    switch (f.kind) {
      case 'drop-segment':
      case 'delay-segment':
      case 'duplicate-segment':
        if (!flowIds.has(f.flow)) errors.push(`${where}.flow: no flow with id "${f.flow}"`);
        return f;
      case 'link-down':
        if (!linkIds.has(f.link)) errors.push(`${where}.link: no link with id "${f.link}"`);
        if (f.untilMs != null && f.untilMs < f.atMs) errors.push(`${where}.untilMs: must not be before atMs`);
        return { ...f, untilMs: f.untilMs ?? null };
      case 'link-loss': {
        const link = linkIds.get(f.link);
        if (link === undefined) {
          errors.push(`${where}.link: no link with id "${f.link}"`);
          return { ...f, loss: {} };
        }
        return { ...f, loss: directional(f.loss, link.a, link.b, `${where}.loss`, errors) };
      }
      case 'node-down':
        if (!nodeKinds.has(f.node)) errors.push(`${where}.node: no node with id "${f.node}"`);
        if (f.untilMs != null && f.untilMs < f.atMs) errors.push(`${where}.untilMs: must not be before atMs`);
        return { ...f, untilMs: f.untilMs ?? null };
      case 'link-up':
        if (!linkIds.has(f.link)) errors.push(`${where}.link: no link with id "${f.link}"`);
        return f;
      case 'node-up':
        if (!nodeKinds.has(f.node)) errors.push(`${where}.node: no node with id "${f.node}"`);
        return f;
    }
  };
  const faults: FaultSpec[] = s.faults.map((f, i) => checkFault(f, `faults[${i}]`));

  checkTls(s.nodes, s.links, errors);
  checkDnsNodes(s.nodes, errors);

  // A router a person plays at some point (a replayed class hands routers to players): its packets take commands.
  const played = new Set(s.commands.flatMap((c) => (c.action === 'controller' && c.controller === 'player' ? [c.node] : [])));
  const commands: TimedCommand[] = s.commands.map((c, i) => {
    const where = `commands[${i}]`;
    if (c.action === 'start-flow' || c.action === 'stop-flow' || c.action === 'read-rate') {
      checkFlowCommand(c, where, flows, errors);
      return c;
    }
    if (c.action === 'fault') return { ...c, fault: checkFault(c.fault, `${where}.fault`) };
    const node = s.nodes.find((n) => n.id === c.node);
    if (node === undefined) errors.push(`${where}.node: no node with id "${c.node}"`);
    else if (c.action === 'controller') {
      if (node.kind !== 'router' && node.kind !== 'loadbalancer') errors.push(`${where}.node: "${c.node}" is not a router or loadbalancer`);
    }
    else if (c.action === 'assign' || c.action === 'algorithm') {
      if (node.kind !== 'loadbalancer') errors.push(`${where}.node: "${c.node}" is not a loadbalancer`);
    } else if (c.action === 'tamper') {
      if (node.kind !== 'tap') errors.push(`${where}.node: "${c.node}" is not a tap`);
    } else if (c.action === 'server-io') {
      if (node.kind !== 'server') errors.push(`${where}.node: "${c.node}" is not a server`);
    } else if (node.kind !== 'router' || (node.controller !== 'player' && !played.has(node.id))) errors.push(`${where}.node: "${c.node}" is not a player-controlled router`);
    if (c.action === 'forward') {
      const link = linkIds.get(c.link);
      if (link === undefined) errors.push(`${where}.link: no link with id "${c.link}"`);
      else if (link.a !== c.node && link.b !== c.node) errors.push(`${where}.link: link "${c.link}" does not touch node "${c.node}"`);
    }
    return c;
  });

  return {
    name: s.name ?? '',
    seed: s.seed,
    durationMs: s.durationMs,
    nodes: s.nodes.map((n, i) =>
      n.kind === 'server' ? serverSpec(n, `nodes[${i}]`, errors) : n.kind === 'loadbalancer' ? balancerSpec(n, i, s.nodes, (k) => ENDPOINT_KINDS.has(k), errors) : (({ ...n, ip: n.ip ?? null }) as NodeSpec),
    ),
    links,
    routes: s.routes,
    flows,
    faults,
    commands,
    recorded: s.recorded ?? null,
  };
}

/** The modes a sender may pick when starting a bulk TCP flow; each list keeps the flow's own default. */
function flowChoices(f: z.infer<typeof flowSchema>, app: AppKind, where: string, errors: string[]): FlowChoices {
  const none: FlowChoices = { cc: [], arq: [], windowSegments: f.windowSegments };
  if (f.choices === undefined) return none;
  if (app !== 'bulk') {
    errors.push(`${where}.choices: only bulk TCP transfers offer a choice of modes, not "${app}"`);
    return none;
  }
  const cc = f.choices.cc ?? [];
  const arq = f.choices.arq ?? [];
  for (const [field, list, own] of [['cc', cc, f.cc], ['arq', arq, f.arq]] as const) {
    if (new Set<string>(list).size !== list.length) errors.push(`${where}.choices.${field}: lists a mode twice`);
    if (list.length > 0 && !(list as readonly string[]).includes(own)) errors.push(`${where}.${field}: "${own}" is not among choices.${field} (${list.join(', ')})`);
  }
  return { cc: [...cc], arq: [...arq], windowSegments: f.windowSegments };
}

/** A flow command names the flow, the host that gives it (sender or receiver) and only offered modes. */
function checkFlowCommand(c: FlowCommand, where: string, flows: readonly FlowSpec[], errors: string[]): void {
  const flow = flows.find((f) => f.id === c.flow);
  if (flow === undefined) {
    errors.push(`${where}.flow: no flow with id "${c.flow}"`);
    return;
  }
  const end = flowCommandHost(flow, c.action);
  if (c.node !== end) errors.push(`${where}.node: "${c.action}" for flow "${c.flow}" is given at ${c.action === 'read-rate' ? 'its receiver' : 'its sender'} "${end}", not "${c.node}"`);
  if (c.action !== 'start-flow') return;
  const missing = modeNotOffered(flow, c);
  if (missing !== null) errors.push(`${where}.${missing}: flow "${c.flow}" does not offer "${c[missing]}"`);
}
