// Every client→server message of the `classroom` room, as zod schemas shared by the server (which
// validates with them) and the client (which can type its payloads with them). This file and
// docs/protocol.md are a public contract: extend, never rename.
//
// Payloads are plain objects. Unknown fields are ignored (stripped), so an older server accepts a newer
// client's extra fields; a missing or ill-typed field fails validation. A `send` that fails validation
// disconnects the sender (close code 4002); a `request` that fails it is answered with an error.

import { z } from 'zod';
import { ARQ_MODES } from '../protocols/transport/tcp/arq.ts';
import { TAP_TAMPERS } from '../protocols/app/tls/spec.ts';
import { MAX_SERVER_THREADS, SERVER_IO_MODELS } from '../protocols/app/http/spec.ts';
import { CONGESTION_ALGORITHMS } from '../protocols/transport/tcp/congestion/index.ts';
import type { RefusalWhy } from '../protocols/roles/commands.ts';

export const ROOM_NAME = 'classroom';

/** Join codes: 6 characters without look-alikes (no 0/O, no 1/I/L), so a code read aloud or off a projector is typed right. */
export const JOIN_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const JOIN_CODE_LENGTH = 6;

export const LIMITS = {
  /** Characters kept of a player's name, after trimming and stripping control characters. */
  nameChars: 24,
  /** Clients in one room: a class of 40, its teacher and some spectators. */
  clientsPerRoom: 60,
  /** Longest a dropped player's seat and score are kept for a reconnection. */
  reconnectSeconds: 60,
  /** Messages a client may send per second before it is disconnected (close code 4002). */
  messagesPerSecond: 60,
  /** Commands a client may send per second before they are refused with `rate-limited`. */
  commandsPerSecond: 30,
  /** Largest WebSocket message a client may send, in bytes (a scenario sent with the `scenario` message must fit). */
  messageBytes: 64 * 1024,
  /** Limits of a scenario run in a classroom room (beyond the scenario file's own limits): its JSON text when a host sends one, its parts. */
  scenarioJsonBytes: 48 * 1024,
  scenarioNodes: 64,
  scenarioLinks: 128,
  scenarioFlows: 32,
  /** Longest single step of simulated time. */
  stepMs: 60_000,
  /** Longest a router may hold a packet back (the engine's limit). */
  holdMs: 60_000,
  /** Longest a host-injected fault may last before it heals itself. */
  faultMs: 3_600_000,
  /** Characters of a kick reason. */
  reasonChars: 200,
  /** Addresses GET /api/join-addresses lists, and a page shows, at most. */
  joinAddresses: 4,
} as const;

/**
 * What keeps a scenario object from being sent to a class, by its JSON text's size (the server's
 * rule, which the host screen applies before sending), or null when it fits.
 */
export function scenarioSizeProblem(scenario: unknown): string | null {
  let size: number;
  try {
    size = JSON.stringify(scenario).length;
  } catch {
    return 'not a JSON object';
  }
  return size > LIMITS.scenarioJsonBytes ? `larger than ${LIMITS.scenarioJsonBytes} bytes of JSON` : null;
}

/** Simulation speeds the host may choose (simulated seconds per wall-clock second). */
export const SPEEDS = [0.25, 0.5, 1, 2, 4] as const;
export type Speed = (typeof SPEEDS)[number];

const id = z
  .string()
  .min(1, 'must not be empty')
  .max(32, 'must be at most 32 characters')
  .regex(/^[A-Za-z0-9_.-]+$/, 'may use only letters, digits, "_", "." and "-"');
const packetId = z.number().int('must be a whole number').min(1, 'must be a packet id').max(Number.MAX_SAFE_INTEGER);
const probability = z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');
/** A session id of a player (the key of `players` in the state). */
const playerId = z.string().min(1).max(64);

/** Payload of a message that carries nothing: `room.send('pause')` and `room.send('pause', {})` both pass. */
const empty = z.object({}).optional();

// Router commands act on a packet waiting at the player's own router. `node` may be left out: it is
// then the router the player holds; naming another node is refused.
export const forwardMessage = z.object({ node: id.optional(), packet: packetId, link: id });
export const dropMessage = z.object({ node: id.optional(), packet: packetId });
export const holdMessage = z.object({
  node: id.optional(),
  packet: packetId,
  ms: z.number().positive('must be greater than 0').max(LIMITS.holdMs, `must be at most ${LIMITS.holdMs}`),
});
export const duplicateMessage = z.object({ node: id.optional(), packet: packetId });

// Load-balancer commands act on the player's own balancer.
export const BALANCER_ALGORITHMS = ['round-robin', 'least-connections', 'source-hash', 'manual'] as const;
export const assignMessage = z.object({
  node: id.optional(),
  connection: z.number().int('must be a whole number').min(0).max(Number.MAX_SAFE_INTEGER),
  backend: id,
});
export const algorithmMessage = z.object({ node: id.optional(), algorithm: z.enum(BALANCER_ALGORITHMS) });

// Receiver: how fast the receiving application reads (null: as fast as data arrives).
export const readRateMessage = z.object({
  flow: id,
  rateBps: z.number().positive('must be greater than 0').max(10e9, 'must be at most 10000000000').nullable(),
});

// Sender: start or stop one of the player's own flows; a start may pick the congestion control and
// ARQ mode among those the scenario offers for the flow (its `ccChoices` / `arqChoices`).
export const flowMessage = z.object({ flow: id });
export const startFlowMessage = z.object({ flow: id, cc: z.enum(CONGESTION_ALGORITHMS).optional(), arq: z.enum(ARQ_MODES).optional() });

// Tap: alter one TLS handshake message in every frame that carries it from now on (null: stop).
export const tamperMessage = z.object({ node: id.optional(), target: z.enum(TAP_TAMPERS).nullable() });

// Server operator (the receiver seat of a `server` node): how its application serves connections —
// `threads` blocking threads, or one non-blocking event loop. Only before the server takes its first
// connection: threads cannot be swapped under live connections.
export const serverIoMessage = z.object({
  node: id.optional(),
  io: z.enum(SERVER_IO_MODELS),
  threads: z.number().int('must be a whole number').min(1).max(MAX_SERVER_THREADS, `must be at most ${MAX_SERVER_THREADS}`).optional(),
});

// Anyone: open a packet layer by layer (a request; the reply is the packet's layers). A tap player
// asks for `capture` (a request, no payload): the latest frames its tap recorded, and what it alters.
export const inspectMessage = z.object({ packet: packetId });

// Host only.
export const stepMessage = z.object({
  ms: z.number().positive('must be greater than 0').max(LIMITS.stepMs, `must be at most ${LIMITS.stepMs}`).optional(),
}).optional();
export const speedMessage = z.object({ speed: z.literal(SPEEDS, { error: `must be one of ${SPEEDS.join(', ')}` }) });
/** A built-in classroom scenario id, or a scenario object in the file format of docs/scenario.md. */
export const scenarioChoice = z.union([id, z.record(z.string(), z.unknown())]);
export const scenarioMessage = z.object({ scenario: scenarioChoice });
const faultMs = z.number().positive('must be greater than 0').max(LIMITS.faultMs, `must be at most ${LIMITS.faultMs}`);
export const faultMessage = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('link-down'), link: id, forMs: faultMs.optional() }),
  z.object({ kind: z.literal('link-up'), link: id }),
  z.object({ kind: z.literal('link-loss'), link: id, loss: z.union([probability, z.record(z.string().max(70), probability)]) }),
  z.object({ kind: z.literal('node-down'), node: id, forMs: faultMs.optional() }),
  z.object({ kind: z.literal('node-up'), node: id }),
]);
/** Move a player to a seat (`"router:r1"`), or off any seat with `""`. */
export const roleMessage = z.object({ player: playerId, seat: z.string().max(80) });
export const kickMessage = z.object({ player: playerId, reason: z.string().max(LIMITS.reasonChars).optional() });

/** Every message name and its payload schema. */
export const MESSAGES = {
  forward: forwardMessage,
  drop: dropMessage,
  hold: holdMessage,
  duplicate: duplicateMessage,
  assign: assignMessage,
  algorithm: algorithmMessage,
  'read-rate': readRateMessage,
  'start-flow': startFlowMessage,
  'stop-flow': flowMessage,
  inspect: inspectMessage,
  tamper: tamperMessage,
  'server-io': serverIoMessage,
  capture: empty,
  whoami: empty,
  pause: empty,
  resume: empty,
  step: stepMessage,
  speed: speedMessage,
  scenario: scenarioMessage,
  fault: faultMessage,
  role: roleMessage,
  kick: kickMessage,
  end: empty,
} as const;

export type MessageName = keyof typeof MESSAGES;
export type MessagePayload<N extends MessageName> = z.input<(typeof MESSAGES)[N]>;
export type ForwardMessage = z.output<typeof forwardMessage>;
export type DropMessage = z.output<typeof dropMessage>;
export type HoldMessage = z.output<typeof holdMessage>;
export type DuplicateMessage = z.output<typeof duplicateMessage>;
export type AssignMessage = z.output<typeof assignMessage>;
export type AlgorithmMessage = z.output<typeof algorithmMessage>;
export type TamperMessage = z.output<typeof tamperMessage>;
export type ServerIoMessage = z.output<typeof serverIoMessage>;
export type ReadRateMessage = z.output<typeof readRateMessage>;
export type FlowMessage = z.output<typeof flowMessage>;
export type FaultMessage = z.output<typeof faultMessage>;
export type RoleMessage = z.output<typeof roleMessage>;
export type KickMessage = z.output<typeof kickMessage>;
export type ScenarioChoice = z.output<typeof scenarioChoice>;
export type BalancerAlgorithm = (typeof BALANCER_ALGORITHMS)[number];

/** Options of `create("classroom", …)` (the host) and `joinById(code, …)` (everyone else). */
export const joinOptions = z.object({
  name: z.string().max(200).optional(),
  /** Only on create: the scenario to run (default: the first built-in classroom scenario). */
  scenario: scenarioChoice.optional(),
  spectator: z.boolean().optional(),
  /** The host token: joining with it makes this connection the host (a teacher's second tab, a reload). */
  hostToken: z.string().max(200).optional(),
});
export type JoinOptions = z.input<typeof joinOptions>;

/** Why a command was refused. */
export const REFUSALS = [
  'not-host', // a host-only command from someone else
  'no-seat', // the sender holds no seat
  'wrong-role', // the sender's seat cannot give this command
  'not-your-node', // the command names a node the sender does not hold
  'not-your-flow', // the flow does not start or end at the sender's node
  'unknown', // no such node, link, flow, seat, player or scenario
  'refused', // the engine refused it (packet not waiting there, no such link at the node, ...)
  'not-supported', // the engine of this server cannot do it yet
  'rate-limited', // too many commands per second
  'ended', // the session has ended
  'invalid', // well-formed but meaningless here (a scenario with errors, stepping while running, ...)
] as const;
export type RefusalCode = (typeof REFUSALS)[number];

/** The answer to every command (the reply of a `request`; a refused `send` gets a `refused` message). */
export type CommandReply = { ok: true; packet?: number } | { ok: false; code: RefusalCode; reason: string; why?: RefusalWhy };

/** Reply of `whoami`. `hostToken` only for the host. */
export interface WhoAmI {
  sessionId: string;
  code: string;
  role: string;
  seat: string;
  node: string;
  host: boolean;
  hostToken?: string;
}

/** Server→client messages. */
export interface ServerMessages {
  /** To the host, right after it joins: the secret that authorises host commands and result downloads. */
  host: { token: string; code: string; results: string };
  /** To a client whose `send` (not `request`) was refused. */
  refused: { type: string; code: RefusalCode; reason: string; why?: RefusalWhy };
  /** To everyone when the host ends the session. */
  ended: { code: string };
  /** To a tap's player only: frames that crossed the tap since the last message (at most 10 per tick; `skipped` more). */
  tap: { node: string; frames: Array<Record<string, unknown>>; skipped: number };
}

/** WebSocket close codes the server uses besides Colyseus's own (4000 consented, 4001 shutdown, 4002 protocol error). */
export const CLOSE_CODES = {
  /** The host removed this player. */
  kicked: 4100,
} as const;
