// Commands a player (or a bot standing in for one) gives at a decision point. They are plain,
// serialisable data stamped with simulated time, so a session's commands can be logged and replayed:
// the same scenario, seed and commands give the same run.

import type { ServerIoModel } from '../app/http/spec.ts';
import type { Controller } from '../net/node.ts';
import type { FaultSpec } from '../scenario.ts';
import type { TapTamper } from '../app/tls/spec.ts';
import type { BalancerAlgorithm } from '../net/lb-scheduler.ts';
import type { ArqMode } from '../transport/tcp/arq.ts';
import type { CongestionAlgorithm } from '../transport/tcp/congestion/index.ts';

export type RouterAction = 'forward' | 'drop' | 'hold' | 'duplicate';

export interface ForwardCommand {
  action: 'forward';
  node: string;
  packet: number;
  link: string;
}
export interface DropCommand {
  action: 'drop';
  node: string;
  packet: number;
}
export interface HoldCommand {
  action: 'hold';
  node: string;
  packet: number;
  ms: number;
}
export interface DuplicateCommand {
  action: 'duplicate';
  node: string;
  packet: number;
}

export type RouterCommand = ForwardCommand | DropCommand | HoldCommand | DuplicateCommand;

/** A player's decision at a load balancer: where a waiting connection goes. */
export interface AssignCommand {
  action: 'assign';
  node: string;
  connection: number;
  backend: string;
}
/** How a load balancer (and its pair) picks backends from now on. */
export interface AlgorithmCommand {
  action: 'algorithm';
  node: string;
  algorithm: BalancerAlgorithm;
}
export type BalancerCommand = AssignCommand | AlgorithmCommand;

/**
 * A sender starts its flow, choosing the congestion control or ARQ mode among those the scenario
 * offers (`choices`); `node` is the flow's sending host.
 */
export interface StartFlowCommand {
  action: 'start-flow';
  node: string;
  flow: string;
  cc?: CongestionAlgorithm;
  arq?: ArqMode;
}
/** The sending application stops writing (TCP then closes); `node` is the sending host. */
export interface StopFlowCommand {
  action: 'stop-flow';
  node: string;
  flow: string;
}
/** The receiving application reads at `rateBps` from now on (null: as fast as data arrives); `node` is the receiving host. */
export interface ReadRateCommand {
  action: 'read-rate';
  node: string;
  flow: string;
  rateBps: number | null;
}
export type FlowCommand = StartFlowCommand | StopFlowCommand | ReadRateCommand;

/**
 * An on-path attacker at a tap alters `target` (a TLS handshake message) in every frame that carries
 * it from now on; null stops altering.
 */
export interface TamperCommand {
  action: 'tamper';
  node: string;
  target: TapTamper | null;
}

/**
 * A server's operator chooses how its application serves connections, before it has taken any:
 * `threads` blocking worker threads, or one non-blocking event loop (`threads` then ignored).
 */
export interface ServerIoCommand {
  action: 'server-io';
  node: string;
  io: ServerIoModel;
  threads: number;
}

/**
 * A host injects a fault now (a link or node down, a link's loss changed, a segment lost). Logged so
 * that a session replays: the same fault at the same instant, between the same two events.
 */
export interface FaultCommand {
  action: 'fault';
  fault: FaultSpec;
}

/**
 * A router or load balancer passes to a person (`player`: its packets or connections wait for them)
 * or back to its bot. Who holds a seat changes what the network does, so a replay needs it too.
 */
export interface ControllerCommand {
  action: 'controller';
  node: string;
  controller: Controller;
}

/** A command with the simulated time (ms) at which it takes effect. */
export type TimedCommand = (RouterCommand | BalancerCommand | FlowCommand | TamperCommand | ServerIoCommand | FaultCommand | ControllerCommand) & { atMs: number };

/**
 * Commands an engine logs at most (a scenario file holds as many). A session that gives more is
 * replayable up to the first command the log could not keep (`Engine.commandLogFullAtMs`).
 */
export const MAX_LOGGED_COMMANDS = 100_000;

/**
 * Why a command a player gave in good faith was refused: the moment passed between the click and the
 * command (the packet left the queue, the connection was taken, the server took its first
 * connection). A code with its facts, so a client can word it in the player's language; `reason`
 * says the same in English for logs and tools. Commands a correct client never sends (no such link,
 * a hold out of range) carry only the reason.
 */
export type RefusalWhy =
  | { code: 'not-waiting'; packet: number; node: string }
  | { code: 'queue-full'; node: string }
  | { code: 'node-down'; node: string }
  | { code: 'connection-gone'; connection: number; node: string }
  | { code: 'io-set'; node: string }
  | { code: 'flow-started'; flow: string };

export type CommandResult = { ok: true; packet?: number } | { ok: false; reason: string; why?: RefusalWhy };

/** Longest a packet may be held back, so a hold can never park a packet forever. */
export const MAX_HOLD_MS = 60_000;
