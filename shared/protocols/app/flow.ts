// What every flow (one TCP connection or one UDP stream between two hosts, as a scenario declares it)
// offers the engine: start, stop, and its figures for the summary.

import type { Host } from '../net/host.ts';
import type { Network } from '../net/network.ts';
import type { FlowSpec } from '../scenario.ts';
import type { Simulator } from '../sim/simulator.ts';
import type { TcpConnection } from '../transport/tcp/connection.ts';

export interface FlowSummary {
  sentSegments: number;
  retransmits: number;
  timeouts: number;
  fastRetransmits: number;
  deliveredBytes: number;
  goodputBps: number;
  [extra: string]: unknown;
}

export interface FlowContext {
  sim: Simulator;
  network: Network;
  spec: FlowSpec;
  client: Host;
  /** The node the flow is addressed to (a host, or a load balancer). */
  server: Host;
  /** The address the client connects to: the server's, or the balancer's virtual IP. */
  serverIp: number;
  /** The hosts that accept the flow's connection: the server, or every backend of the balancer. */
  serverHosts: Host[];
}

export interface FlowRuntime {
  readonly spec: FlowSpec;
  /** Open the connection or start the stream (called at startMs). */
  start(): void;
  /** The sending application stops (stopMs, or a player's stop-flow). */
  stop(): void;
  readonly started: boolean;
  /**
   * The sending end's TCP connection, whose window and RTT a view of the flow shows: the newest one
   * for flows that open several (HTTP, HTTPS, DNS); null for UDP and before the first.
   */
  readonly clientTcp: TcpConnection | null;
  summary(): FlowSummary;
}

/**
 * How an application that asks and waits for answers (DNS lookups, HTTP requests) fared, from its
 * summary: exchanges answered, and ended without an answer; null for a flow that only moves bytes.
 */
export function exchangeOutcome(sum: FlowSummary): { answered: number; unanswered: number } | null {
  const count = (v: unknown): number => (typeof v === 'number' ? v : 0);
  if (typeof sum.queries === 'number') return { answered: count(sum.answered), unanswered: count(sum.failed) };
  if (typeof sum.requests === 'number') return { answered: count(sum.responses), unanswered: count(sum.errors) };
  return null;
}

/** Goodput over the flow's active time: from its start until it completed, or until now. */
export function goodputBps(deliveredBytes: number, startNs: number, endNs: number): number {
  const seconds = (endNs - startNs) / 1e9;
  return seconds > 0 ? Math.round((deliveredBytes * 8) / seconds) : 0;
}
