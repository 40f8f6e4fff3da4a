// The scenario the engine runs, fully defaulted. shared/scenario/ validates a scenario file against
// the public schema (docs/scenario.md) and produces this; the engine trusts it.

import type { ArqMode } from './transport/tcp/arq.ts';
import type { CongestionAlgorithm } from './transport/tcp/congestion/index.ts';
import type { Controller } from './net/node.ts';
import type { RouteOverride } from './net/routing.ts';
import type { TimedCommand } from './roles/commands.ts';
import type { RecordedRun } from './replay-check.ts';
import type { DnsFlowSpec, DnsServerFields } from './app/dns/spec.ts';
import type { CertificateSpec, FlowTlsSpec, TapMode, TapTamper, TlsNodeFields } from './app/tls/spec.ts';
import type { BalancerAlgorithm } from './net/lb-scheduler.ts';
import type { HttpFlowSpec, ServerNodeFields } from './app/http/spec.ts';

export type Transport = 'tcp' | 'udp';
export type AppKind = 'bulk' | 'cbr' | 'video' | 'http' | 'dns' | 'https';

interface NodeSpecBase {
  id: string;
  /** Dotted IPv4 address; assigned from 10.0.0.0/16 in declaration order when absent (layer-3 nodes only). */
  ip: string | null;
  controller: Controller;
  /** Limit of the decision queue when a player controls the node. */
  queuePackets: number;
}

export interface HostNodeSpec extends NodeSpecBase, TlsNodeFields {
  kind: 'host';
  /** Relative speed of its processor for TLS work (an old phone: 0.02, fifty times slower); default 1. */
  cpuSpeed?: number;
}
export interface RouterNodeSpec extends NodeSpecBase {
  kind: 'router';
}
export interface SwitchNodeSpec extends NodeSpecBase {
  kind: 'switch';
  macTableSize: number;
}
export interface HubNodeSpec extends NodeSpecBase {
  kind: 'hub';
}
/** A certificate authority: an Ed25519 key pair and the name certificates carry as issuer. */
export interface CaNodeSpec extends NodeSpecBase {
  kind: 'ca';
  /** The name certificates carry as issuer; defaults to the id. */
  name?: string;
}
/** A bump in the wire between two nodes: records what crosses; `mitm` intercepts TLS to port 443. */
export interface TapNodeSpec extends NodeSpecBase {
  kind: 'tap';
  mode: TapMode;
  /** The certificate a man-in-the-middle presents (default: self-signed, for the name asked for). */
  certificate?: CertificateSpec;
  tamper?: TapTamper;
  /** Payload bytes shown in each `tap` trace event. */
  previewBytes: number;
}

export interface BalancerBackendSpec {
  node: string;
  /** Concurrent connections it may serve, or null for the server's own capacity (else 1000). */
  capacity: number | null;
}
export interface LoadBalancerNodeSpec extends NodeSpecBase {
  kind: 'loadbalancer';
  /** The virtual IPv4 address clients connect to (shared by an active/passive pair). */
  vip: string;
  backends: BalancerBackendSpec[];
  algorithm: BalancerAlgorithm;
  /** The other balancer of an active/passive pair, or null. */
  pair: string | null;
  role: 'active' | 'passive';
  heartbeatMs: number;
  failoverHeartbeats: number;
  /** How long a connection waits for a player's decision before a bot assigns it (manual). */
  decisionTimeoutMs: number;
  idleTimeoutMs: number;
  closeLingerMs: number;
  maxConnections: number;
  /** Health checks: a TCP SYN to each backend's `healthCheckPort` every `healthCheckMs` (0: none). */
  healthCheckMs: number;
  healthCheckTimeoutMs: number;
  healthCheckFailures: number;
  healthCheckPort: number;
}

/** An HTTP server on a CPU, blocking (a thread per connection) or non-blocking (an event loop). */
export interface ServerNodeSpec extends NodeSpecBase, TlsNodeFields, ServerNodeFields {
  kind: 'server';
}

/** An authoritative name server: its zones, answered on UDP and TCP port 53. */
export interface DnsNodeSpec extends NodeSpecBase, DnsServerFields {
  kind: 'dns';
}

/** One entry per node kind; each kind's module reads its own fields. */
export type NodeSpec = HostNodeSpec | RouterNodeSpec | SwitchNodeSpec | HubNodeSpec | CaNodeSpec | TapNodeSpec | LoadBalancerNodeSpec | ServerNodeSpec | DnsNodeSpec;
export type NodeKind = NodeSpec['kind'];

export interface LinkSpecInput {
  id: string;
  a: string;
  b: string;
  bandwidthBps: number;
  delayMs: number;
  queuePackets: number;
  /** Per direction, keyed "<from>-><to>". */
  loss: Record<string, number>;
  corruption: Record<string, number>;
}

/** Modes a sender may pick before starting a bulk TCP flow; a list that is not empty includes the flow's own mode. */
export interface FlowChoices {
  cc: CongestionAlgorithm[];
  arq: ArqMode[];
  /** The window of the windowed ARQ modes as the file gave it (stop-and-wait uses 1). */
  windowSegments: number;
}

export interface FlowSpec {
  id: string;
  from: string;
  to: string;
  transport: Transport;
  app: AppKind;
  /** Bytes to transfer (bulk), or null for an unlimited transfer. */
  bytes: number | null;
  rateBps: number;
  startMs: number;
  /** False: the flow starts only when a player (the sender role) or a tool starts it. */
  autoStart: boolean;
  stopMs: number | null;
  mss: number;
  cc: CongestionAlgorithm;
  arq: ArqMode;
  /** What the sender may choose when it starts the flow (a `start-flow` command); empty: fixed. */
  choices: FlowChoices;
  windowSegments: number;
  initialCwndSegments: number;
  initialSsthreshSegments: number | null;
  rwndBytes: number;
  sndBufBytes: number;
  /** How fast the receiving application reads, or null for as fast as data arrives. */
  readRateBps: number | null;
  minRtoMs: number;
  initialRtoMs: number;
  maxRtoMs: number;
  mslMs: number;
  /** Delayed ACKs: the longest the ACK of in-order data waits, or null for an ACK per segment with data. */
  delayedAckMs: number | null;
  synRetries: number;
  iss: number | null;
  /** Server port; defaults by application. */
  port: number;
  /** Client port; defaults to 49152 + the flow's position. */
  clientPort: number;
  /** UDP stream datagram payload size (cbr). */
  packetBytes: number;
  /** Video frames per second. */
  fps: number;
  /** Video playout delay (jitter buffer) after the first frame, in ms. */
  playoutDelayMs: number;
  /** Check every delivered byte against what was sent (costs time; tests use it). */
  verify: boolean;
  /** TLS settings when the flow's byte stream runs over TLS (null: plain TCP or UDP). */
  tls: FlowTlsSpec | null;
  /** The requests and client behaviour of an `http` flow (null for other applications). */
  http: HttpFlowSpec | null;
  /** The resolver of a `dns` flow: its queries, timeout and retries (null for other applications). */
  dns: DnsFlowSpec | null;
}

export type FaultSpec =
  | { kind: 'drop-segment'; flow: string; segment: number }
  | { kind: 'delay-segment'; flow: string; segment: number; delayMs: number }
  | { kind: 'duplicate-segment'; flow: string; segment: number }
  | { kind: 'link-down'; link: string; atMs: number; untilMs: number | null }
  | { kind: 'link-loss'; link: string; atMs: number; loss: Record<string, number> }
  | { kind: 'node-down'; node: string; atMs: number; untilMs: number | null }
  | { kind: 'link-up'; link: string; atMs: number }
  | { kind: 'node-up'; node: string; atMs: number };

export interface EngineScenario {
  name: string;
  seed: number;
  durationMs: number;
  nodes: NodeSpec[];
  links: LinkSpecInput[];
  routes: RouteOverride[];
  flows: FlowSpec[];
  faults: FaultSpec[];
  commands: TimedCommand[];
  /** A replay's record of the session it plays again (replay-check.ts); absent or null otherwise. */
  recorded?: RecordedRun | null;
}
