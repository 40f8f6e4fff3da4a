// A game source feeds a World and carries the player's intents. The engine running in this page
// (solo levels, the sandbox) and a room on the game server both implement it, so scenes and panels
// never know which one they talk to.

import type { InspectedPacket } from '../../shared/protocols/net/layers.ts';
import type { RefusalWhy, RouterAction } from '../../shared/protocols/roles/commands.ts';
import type { RefusalCode } from '../../shared/messages/classroom-messages.ts';
import type { ServerIoChoice } from '../../shared/protocols/app/http/spec.ts';
import type { FlowModes } from './topology.ts';
import type { World } from './world.ts';

export type SourceMode = 'solo' | 'sandbox' | 'room';

/** The role this player has: what the HUD offers. */
export interface MyRole {
  /** `technician`: a solo player who watches and opens packets to find what is broken (no controls of a node). */
  role: 'router' | 'sender' | 'receiver' | 'loadbalancer' | 'tap' | 'host' | 'technician' | 'spectator' | 'none';
  /** The node the role plays (a router, a sender host, ...). */
  node: string | null;
  /** Flows the role may control (a sender's transfers, a receiver's reading). */
  flows: string[];
}

export interface RouterIntent {
  action: RouterAction;
  node: string;
  packet: number;
  link?: string;
  ms?: number;
}

/** Faults the host injects now; a link or node taken down comes back after `forMs` if given. */
export type FaultIntent =
  | { kind: 'link-down'; link: string; forMs?: number }
  | { kind: 'link-loss'; link: string; loss: number }
  | { kind: 'node-down'; node: string; forMs?: number }
  | { kind: 'drop-segment'; flow: string; segment: number };

/** The outcome of an intent: accepted, or refused with a reason to show. */
export type IntentResult =
  | { ok: true }
  | {
      ok: false;
      /** What happened, in English (the engine's or the server's words). */
      reason: string;
      /** A refusal the engine gave a code, for the player's language. */
      why?: RefusalWhy;
      /** A room's reason code (rate-limited, ended, ...). */
      code?: RefusalCode;
    };

export interface HostControls {
  pause(): void;
  resume(): void;
  step(ms: number): void;
  /**
   * Jump to `simMs` of the run (the sandbox only, where the engine runs in the page): forward by
   * running there at once, back by running the same scenario and commands again from the start.
   */
  jumpTo?(simMs: number): void;
  setSpeed(speed: number): void;
  /** Scenarios the host can switch to: id and name. */
  scenarios(): Array<{ id: string; name: string }>;
  /** The id of the scenario running now, if it is one of `scenarios()` (the host's choice starts out on it). */
  currentScenario(): string | null;
  /** Start a scenario from its beginning: one the list offers (its id), or one from a file in the format of docs/scenario.md. */
  loadScenario(choice: string | Record<string, unknown>): Promise<IntentResult>;
  fault(f: FaultIntent): Promise<IntentResult>;
  assignRole(playerId: string, role: string, node: string | null): Promise<IntentResult>;
  kick(playerId: string): Promise<IntentResult>;
  end(): Promise<IntentResult>;
  /** The session report as a file to save. */
  report(): Promise<{ name: string; type: string; body: string } | null>;
  /**
   * The run so far as a scenario file that plays it again (docs/scenario.md, "Replays"): in a class
   * the current round's, from the server; null when there is none.
   */
  replay(): Promise<{ name: string; type: string; body: string } | null>;
  /** The code students join with (rooms only). */
  readonly joinCode: string | null;
}

/** An on-path tap's attack: which TLS handshake message it alters in flight (see TapCommand). */
export interface TapAttack {
  /** The message the tap alters now (`client-hello`, `server-hello`, `certificate`, `client-key-exchange`), or null. */
  target(node: string): string | null;
  setTarget(node: string, target: string | null): Promise<IntentResult>;
}

export interface SessionEnd {
  reason: 'finished' | 'ended-by-host' | 'left' | 'disconnected' | 'kicked';
}

export interface GameSource {
  readonly mode: SourceMode;
  readonly world: World;
  me(): MyRole;
  /** Called every frame with real elapsed ms: the local engine advances, a room extrapolates its clock. */
  tick(realDtMs: number): void;
  router(intent: RouterIntent): Promise<IntentResult>;
  /** Start a flow, in modes chosen among its `choices` (none: its own modes). */
  startFlow(flow: string, modes?: FlowModes): Promise<IntentResult>;
  stopFlow(flow: string): Promise<IntentResult>;
  setReadRate(flow: string, bps: number | null): Promise<IntentResult>;
  /** Send a connection waiting at a (manual) load balancer to a backend. */
  assign(node: string, connection: number, backend: string): Promise<IntentResult>;
  /** How a load balancer picks backends: round-robin, least-connections, source-hash or manual. */
  setAlgorithm(node: string, algorithm: string): Promise<IntentResult>;
  /** How a server's application serves connections (threads or an event loop); refused once it has taken one. */
  setServerIo(node: string, choice: ServerIoChoice): Promise<IntentResult>;
  inspect(packet: number): Promise<InspectedPacket | null>;
  /** How a tapping player alters handshakes (the engine in this page, or a class on the server); null where it cannot. */
  readonly tapAttack: TapAttack | null;
  /** Present when this player may run the session (the host, or anyone in solo and the sandbox). */
  readonly host: HostControls | null;
  /** Called once when the session ends. */
  onEnd(fn: (end: SessionEnd) => void): void;
  /** Role changes (the host assigned a new role). */
  onRoleChange(fn: (role: MyRole) => void): void;
  dispose(): void;
}
