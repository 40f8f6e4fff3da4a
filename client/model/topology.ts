// The network as the client draws it: nodes with their kind and OSI layer, links with bandwidth,
// delay, loss and queue size, and the flows that run over them. Both sources (the engine in this page,
// or the game server's state) fill these same records.

export interface NodeView {
  id: string;
  kind: string;
  ip: string;
  /** The highest OSI layer the device works at (host 7, router 3, switch 2, hub 1, ...). */
  layer: number;
  controller: 'bot' | 'player';
  /** Name of the player who has this node's role, if any. */
  owner: string | null;
  up: boolean;
  /** Capacity of a player-controlled router's decision queue (0 when not known). */
  queueLimit: number;
  /** A layout position everyone in a room shares (0–1000 on both axes), when the server suggests one. */
  pos: { x: number; y: number } | null;
}

export interface LinkView {
  id: string;
  a: string;
  b: string;
  bandwidthBps: number;
  delayMs: number;
  queuePackets: number;
  /** Loss probability per direction, keyed "<from>-><to>". */
  loss: Record<string, number>;
  up: boolean;
}

export interface FlowChoicesView {
  cc: string[];
  arq: string[];
  /** The window of the windowed ARQ modes (stop-and-wait uses 1). */
  windowSegments: number;
}

/** The modes a sender picks before starting: congestion control and ARQ mode. */
export interface FlowModes {
  cc?: string;
  arq?: string;
}

export interface FlowView {
  id: string;
  from: string;
  to: string;
  transport: 'tcp' | 'udp';
  app: string;
  /** What its packets carry, for their look: 'tls', 'dns', 'http', or null. */
  label: string | null;
  cc: string;
  arq: string;
  mss: number;
  bytes: number | null;
  rateBps: number;
  rwndBytes: number;
  /** How fast the receiving application reads, bits/s; null for as fast as data arrives. */
  readRateBps: number | null;
  windowSegments: number;
  /**
   * How an HTTP flow's caller waits for its answers (`sync-blocking`, …), when it matters: the caller
   * has other work or waits in another way than the default. Absent otherwise.
   */
  call?: string;
  /** Modes the sender may pick when starting the flow (the scenario's `choices`); absent or empty: fixed. */
  choices?: FlowChoicesView;
  started: boolean;
  /** Whether the player may start and stop this flow (a sender role or the host). */
  controllable: boolean;
}

export interface PlayerView {
  id: string;
  name: string;
  role: string;
  /** The node the role plays, if any. */
  node: string | null;
  host: boolean;
  connected: boolean;
  score: number;
}

const LAYER_BY_KIND: Record<string, number> = {
  host: 7,
  server: 7,
  dns: 7,
  ca: 7,
  loadbalancer: 4,
  router: 3,
  switch: 2,
  tap: 2,
  hub: 1,
};

export function osiLayerOf(kind: string): number {
  return LAYER_BY_KIND[kind] ?? 3;
}

/**
 * The node at one end of a flow: `node` when the event names it; else the client end's host, or
 * the node the server end was last seen on (`serverEnd`: behind a balancer, the backend that took
 * the connection), else the flow's `to`.
 */
export function flowEndNode(f: FlowView, side: 'client' | 'server', node: string | undefined, serverEnd: string | undefined): string {
  if (node !== undefined) return node;
  return side === 'client' ? f.from : (serverEnd ?? f.to);
}

/** Loss on the direction from `from`, or 0. */
export function lossFrom(link: LinkView, from: string): number {
  const to = link.a === from ? link.b : link.a;
  return link.loss[`${from}->${to}`] ?? 0;
}

/** The other end of a link. */
export function otherEnd(link: LinkView, nodeId: string): string {
  return link.a === nodeId ? link.b : link.a;
}
