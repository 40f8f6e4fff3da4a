// The scenario file format (docs/scenario.md), as a zod schema: field names, types, ranges and
// defaults. Every number has a limit, so no file can ask the engine for an unbounded queue, window or
// run. Cross-references (a link naming a node that does not exist, ...) are checked in load.ts.

import { z } from 'zod';
import { TAP_TAMPERS } from '../protocols/app/tls/spec.ts';
import { MAX_SERVER_THREADS, SERVER_IO_MODELS } from '../protocols/app/http/spec.ts';
import { ARQ_MODES } from '../protocols/transport/tcp/arq.ts';
import { MAX_LOGGED_COMMANDS } from '../protocols/roles/commands.ts';
import { CONGESTION_ALGORITHMS } from '../protocols/transport/tcp/congestion/index.ts';
import { dnsNodeFields, flowDnsSchema } from './dns.ts';
import { caNodeFields, flowTlsSchema, tapNodeFields, tlsNodeFields } from './tls.ts';
import { httpFlowSchema, serverNodeFields } from './http.ts';

export const LIMITS = {
  nodes: 500,
  links: 2000,
  flows: 500,
  faults: 1000,
  commands: MAX_LOGGED_COMMANDS,
  routes: 10_000,
  idChars: 32,
  nameChars: 120,
  durationMs: 24 * 3600 * 1000,
  bandwidthBps: 100e9,
  delayMs: 10_000,
  queuePackets: 100_000,
  mss: 9000,
  bufferBytes: 1 << 30,
  rateBps: 10e9,
  windowSegments: 1024,
  cwndSegments: 65_535,
} as const;

const id = z
  .string()
  .min(1, 'must not be empty')
  .max(LIMITS.idChars, `must be at most ${LIMITS.idChars} characters`)
  .regex(/^[A-Za-z0-9_.-]+$/, 'may use only letters, digits, "_", "." and "-"');

const probability = z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');
/** A probability for both directions, or per direction keyed "<from>-><to>". */
const perDirection = z.union([probability, z.record(z.string(), probability)]);
const ms = (max: number) => z.number().min(0, 'must not be negative').max(max, `must be at most ${max}`);
const positiveInt = (max: number) => z.number().int('must be a whole number').min(1, 'must be at least 1').max(max, `must be at most ${max}`);
const port = z.number().int('must be a whole number').min(1, 'must be a port number (1-65535)').max(65535, 'must be a port number (1-65535)');

const nodeBase = {
  id,
  ip: z.string().regex(/^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/, 'must be a dotted IPv4 address').optional(),
  controller: z.enum(['bot', 'player']).default('bot'),
  queuePackets: positiveInt(LIMITS.queuePackets).default(64),
};

/** One schema per node kind; a new kind adds its entry (and its line in shared/protocols/node-kinds.ts). */
export const nodeKindSchemas = [
  z.strictObject({ kind: z.literal('host'), ...nodeBase, ...tlsNodeFields, cpuSpeed: z.number().positive('must be greater than 0').max(1000, 'must be at most 1000').optional() }),
  z.strictObject({ kind: z.literal('router'), ...nodeBase }),
  z.strictObject({ kind: z.literal('switch'), ...nodeBase, macTableSize: positiveInt(65_536).default(1024) }),
  z.strictObject({ kind: z.literal('hub'), ...nodeBase }),
  z.strictObject({ kind: z.literal('ca'), ...nodeBase, ...caNodeFields }),
  z.strictObject({ kind: z.literal('tap'), ...nodeBase, ...tapNodeFields }),
  z.strictObject({ kind: z.literal('dns'), ...nodeBase, ...dnsNodeFields }),
  z.strictObject({
    kind: z.literal('loadbalancer'),
    ...nodeBase,
    // vip, backends and algorithm may be left to the pair's entry (the passive one inherits them).
    vip: z.string().regex(/^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/, 'must be a dotted IPv4 address').optional(),
    backends: z
      .array(z.union([id, z.strictObject({ node: id, capacity: positiveInt(1_000_000).optional() })]))
      .min(1, 'needs at least one backend')
      .max(64, 'may hold at most 64 backends')
      .optional(),
    algorithm: z.enum(['round-robin', 'least-connections', 'source-hash', 'manual']).optional(),
    pair: id.optional(),
    role: z.enum(['active', 'passive']).optional(),
    // Timing a passive balancer leaves out is its pair's (defaults: 100 ms, 3 heartbeats; checks every
    // 500 ms, 200 ms timeout, 2 failures).
    heartbeatMs: z.number().min(10, 'must be at least 10').max(40_000, 'must be at most 40000').optional(),
    failoverHeartbeats: positiveInt(255).optional(),
    decisionTimeoutMs: z.number().positive('must be greater than 0').max(60_000, 'must be at most 60000').default(1000),
    idleTimeoutMs: z.number().positive('must be greater than 0').max(LIMITS.durationMs).default(900_000),
    closeLingerMs: ms(600_000).default(10_000),
    maxConnections: positiveInt(65_536).default(4096),
    healthCheckMs: ms(60_000).optional(),
    healthCheckTimeoutMs: z.number().positive('must be greater than 0').max(60_000, 'must be at most 60000').optional(),
    healthCheckFailures: positiveInt(100).optional(),
    healthCheckPort: port.default(80),
  }),
  z.strictObject({ kind: z.literal('server'), ...nodeBase, ...tlsNodeFields, ...serverNodeFields }),
] as const;

export const nodeSchema = z.discriminatedUnion('kind', nodeKindSchemas);

export const linkSchema = z.strictObject({
  id,
  a: id,
  b: id,
  bandwidthBps: z.number().positive('must be greater than 0').max(LIMITS.bandwidthBps, `must be at most ${LIMITS.bandwidthBps}`),
  delayMs: ms(LIMITS.delayMs),
  queuePackets: positiveInt(LIMITS.queuePackets).default(100),
  loss: perDirection.default(0),
  corruption: perDirection.default(0),
});

const ccSchema = z.enum(CONGESTION_ALGORITHMS);
const arqSchema = z.enum(ARQ_MODES);

export const flowSchema = z.strictObject({
  id,
  from: id,
  to: id,
  transport: z.enum(['tcp', 'udp']),
  app: z.enum(['bulk', 'cbr', 'video', 'http', 'dns', 'https']).optional(),
  bytes: z.number().int('must be a whole number').min(0, 'must not be negative').max(Number.MAX_SAFE_INTEGER).nullable().optional(),
  rateBps: z.number().positive('must be greater than 0').max(LIMITS.rateBps, `must be at most ${LIMITS.rateBps}`).optional(),
  startMs: ms(LIMITS.durationMs).default(0),
  autoStart: z.boolean().default(true),
  stopMs: ms(LIMITS.durationMs).optional(),
  mss: positiveInt(LIMITS.mss).min(64, 'must be at least 64').optional(),
  cc: ccSchema.default('newreno'),
  arq: arqSchema.default('tcp'),
  /** Modes the sending player may choose when starting the flow (bulk TCP only). */
  choices: z
    .strictObject({
      cc: z.array(ccSchema).min(1, 'must offer at least one mode').max(4).optional(),
      arq: z.array(arqSchema).min(1, 'must offer at least one mode').max(4).optional(),
    })
    .optional(),
  windowSegments: positiveInt(LIMITS.windowSegments).default(4),
  initialCwndSegments: positiveInt(LIMITS.cwndSegments).default(1),
  initialSsthreshSegments: positiveInt(LIMITS.cwndSegments).optional(),
  rwndBytes: positiveInt(LIMITS.bufferBytes).default(262_144),
  sndBufBytes: positiveInt(LIMITS.bufferBytes).default(1_048_576),
  readRateBps: z.number().positive('must be greater than 0').max(LIMITS.rateBps).optional(),
  minRtoMs: ms(60_000).default(1000),
  initialRtoMs: ms(60_000).default(1000),
  maxRtoMs: ms(600_000).default(60_000),
  mslMs: ms(600_000).default(30_000),
  // RFC 9293 §3.8.6.3: an ACK must not be delayed by 0.5 s or more.
  delayedAckMs: z.number().positive('must be greater than 0').lt(500, 'must be below 500 (RFC 9293 §3.8.6.3)').optional(),
  synRetries: z.number().int().min(0).max(20).default(6),
  iss: z.number().int('must be a whole number').min(0).max(4294967295, 'must fit in 32 bits').optional(),
  port: port.optional(),
  clientPort: port.optional(),
  packetBytes: positiveInt(1472).min(12, 'must be at least 12 (an RTP header)').default(160),
  fps: positiveInt(240).default(30),
  playoutDelayMs: ms(10_000).default(150),
  verify: z.boolean().default(false),
  dns: flowDnsSchema.optional(),
  tls: flowTlsSchema.optional(),
  http: httpFlowSchema.optional(),
});

export const faultSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('drop-segment'), flow: id, segment: positiveInt(Number.MAX_SAFE_INTEGER) }),
  z.strictObject({ kind: z.literal('delay-segment'), flow: id, segment: positiveInt(Number.MAX_SAFE_INTEGER), delayMs: ms(60_000) }),
  z.strictObject({ kind: z.literal('duplicate-segment'), flow: id, segment: positiveInt(Number.MAX_SAFE_INTEGER) }),
  z.strictObject({ kind: z.literal('link-down'), link: id, atMs: ms(LIMITS.durationMs), untilMs: ms(LIMITS.durationMs).nullable().optional() }),
  z.strictObject({ kind: z.literal('link-loss'), link: id, atMs: ms(LIMITS.durationMs), loss: perDirection }),
  z.strictObject({ kind: z.literal('node-down'), node: id, atMs: ms(LIMITS.durationMs), untilMs: ms(LIMITS.durationMs).nullable().optional() }),
  z.strictObject({ kind: z.literal('link-up'), link: id, atMs: ms(LIMITS.durationMs) }),
  z.strictObject({ kind: z.literal('node-up'), node: id, atMs: ms(LIMITS.durationMs) }),
]);

const packetId = z.number().int('must be a whole number').min(1, 'must be a packet id');
export const commandSchema = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('forward'), atMs: ms(LIMITS.durationMs), node: id, packet: packetId, link: id }),
  z.strictObject({ action: z.literal('drop'), atMs: ms(LIMITS.durationMs), node: id, packet: packetId }),
  z.strictObject({ action: z.literal('hold'), atMs: ms(LIMITS.durationMs), node: id, packet: packetId, ms: ms(60_000) }),
  z.strictObject({ action: z.literal('duplicate'), atMs: ms(LIMITS.durationMs), node: id, packet: packetId }),
  z.strictObject({ action: z.literal('assign'), atMs: ms(LIMITS.durationMs), node: id, connection: z.number().int('must be a whole number').min(1, 'must be a connection id'), backend: id }),
  z.strictObject({ action: z.literal('algorithm'), atMs: ms(LIMITS.durationMs), node: id, algorithm: z.enum(['round-robin', 'least-connections', 'source-hash', 'manual']) }),
  z.strictObject({ action: z.literal('start-flow'), atMs: ms(LIMITS.durationMs), node: id, flow: id, cc: ccSchema.optional(), arq: arqSchema.optional() }),
  z.strictObject({ action: z.literal('stop-flow'), atMs: ms(LIMITS.durationMs), node: id, flow: id }),
  z.strictObject({
    action: z.literal('read-rate'),
    atMs: ms(LIMITS.durationMs),
    node: id,
    flow: id,
    rateBps: z.number().positive('must be greater than 0').max(LIMITS.rateBps, `must be at most ${LIMITS.rateBps}`).nullable(),
  }),
  z.strictObject({ action: z.literal('tamper'), atMs: ms(LIMITS.durationMs), node: id, target: z.enum(TAP_TAMPERS).nullable() }),
  z.strictObject({
    action: z.literal('server-io'),
    atMs: ms(LIMITS.durationMs),
    node: id,
    io: z.enum(SERVER_IO_MODELS),
    threads: z.number().int('must be a whole number').min(1, 'must be at least 1').max(MAX_SERVER_THREADS, `must be at most ${MAX_SERVER_THREADS}`).default(16),
  }),
  // A host's fault at `atMs` (a replayed session's); a link or node fault's own atMs is the same instant.
  z.strictObject({ action: z.literal('fault'), atMs: ms(LIMITS.durationMs), fault: faultSchema }),
  z.strictObject({ action: z.literal('controller'), atMs: ms(LIMITS.durationMs), node: id, controller: z.enum(['bot', 'player']) }),
]);

export const routeSchema = z.strictObject({ node: id, to: id, via: id });

export const scenarioSchema = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().max(LIMITS.nameChars).optional(),
  description: z.string().max(4000).optional(),
  /** The name and description in other languages, for people choosing a scenario (e.g. a Korean class). */
  i18n: z
    .partialRecord(z.enum(['ko', 'en']), z.strictObject({ name: z.string().max(LIMITS.nameChars).optional(), description: z.string().max(4000).optional() }))
    .optional(),
  seed: z.number().int('must be a whole number').min(0).max(Number.MAX_SAFE_INTEGER).default(1),
  durationMs: z.number().positive('must be greater than 0').max(LIMITS.durationMs, `must be at most ${LIMITS.durationMs} (one day)`),
  nodes: z.array(nodeSchema).min(1, 'needs at least one node').max(LIMITS.nodes, `may hold at most ${LIMITS.nodes} nodes`),
  links: z.array(linkSchema).max(LIMITS.links, `may hold at most ${LIMITS.links} links`).default([]),
  routes: z.array(routeSchema).max(LIMITS.routes).default([]),
  flows: z.array(flowSchema).max(LIMITS.flows, `may hold at most ${LIMITS.flows} flows`).default([]),
  faults: z.array(faultSchema).max(LIMITS.faults).default([]),
  commands: z.array(commandSchema).max(LIMITS.commands).default([]),
  /** A replay's record of the session it plays again: what the engine had counted at `atMs` (docs/scenario.md, "Replays"). */
  recorded: z
    .strictObject({
      atMs: ms(LIMITS.durationMs),
      events: z.number().int('must be a whole number').min(0).max(Number.MAX_SAFE_INTEGER),
      summarySha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits (a SHA-256)'),
    })
    .optional(),
});

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type ScenarioParsed = z.output<typeof scenarioSchema>;
