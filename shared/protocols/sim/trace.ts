// The trace: the engine's public record of what happened, one plain object per event, in the order
// events happen. Its names are a public contract (docs/scenario.md): extend, never rename.
// Building an event object costs an allocation, so producers test `enabled(type)` first.

export const TRACE_TYPES = [
  'cwnd', // congestion window change
  'send', // a TCP segment with data, SYN or FIN, or a UDP datagram, leaves its endpoint
  'ack', // a pure TCP acknowledgment leaves its endpoint
  'drop', // a packet is destroyed, with the reason
  'deliver', // bytes handed in order to the receiving application
  'state', // a TCP connection changes state
  'tx', // a packet is accepted onto a link: when it departs and when it will arrive
  'wait', // a packet waits at a player-controlled node for a decision
  'command', // a player or bot command was applied or refused
  'rtt', // an RTT sample updated SRTT/RTTVAR/RTO (RFC 6298)
  'rto', // the retransmission timer expired
  'probe', // a zero-window probe was sent
  'window', // the advertised receive window closed to zero or reopened
  'video', // a video frame was played, late or missing at its playout deadline
  'fault', // a scheduled fault took effect
  'l2', // a switch learned, forwarded, flooded or filtered a frame; a hub repeated one
  'arrive', // a packet reached the endpoint that takes it (its journey ends there)
  'lb-assign', // a load balancer assigned a new connection to a backend (or refused it)
  'failover', // the passive balancer of a pair took the virtual IP over
  'lb-health', // a balancer's health checks found a backend down, or up again
  'tls', // a TLS handshake step (message sent or received, certificate check, keys, failure)
  'tap', // a frame crossed a tap (layers and payload preview), or a man-in-the-middle tap read plaintext
  'dns', // a DNS query or answer, a timeout and resend, the switch to TCP, a zone-transfer message
  'http', // an HTTP request or response was sent or received (status, latency)
  'io', // a server thread or event loop (or a client's caller) made an I/O call: accept, recv, send, poll
] as const;

export type TraceType = (typeof TRACE_TYPES)[number];

export type DropReason =
  | 'queue-full'
  | 'loss'
  | 'link-down'
  | 'player'
  | 'ttl'
  | 'checksum'
  | 'no-route'
  | 'no-socket'
  | 'node-down'
  | 'mac-filter';

export type CwndReason =
  | 'init'
  | 'slow-start'
  | 'congestion-avoidance'
  | 'fast-retransmit'
  | 'fast-recovery'
  | 'recovery-exit'
  | 'timeout';

export interface TraceEvent {
  type: TraceType | 'summary';
  t: number;
  [field: string]: unknown;
}

// One bit per type in a 32-bit mask.
if (TRACE_TYPES.length > 31) throw new Error('too many trace types for the 32-bit trace mask');
const BIT: Record<TraceType, number> = Object.freeze(
  Object.fromEntries(TRACE_TYPES.map((t, i) => [t, 2 ** i])) as Record<TraceType, number>,
);

export function isTraceType(name: string): name is TraceType {
  return (TRACE_TYPES as readonly string[]).includes(name);
}

export type TraceSink = (event: TraceEvent) => void;

export class Trace {
  private mask = 0;
  private sink: TraceSink | null = null;

  /** Send the given event types to `sink` (replacing any earlier subscription). */
  subscribe(types: Iterable<TraceType>, sink: TraceSink): void {
    let mask = 0;
    for (const t of types) mask |= BIT[t];
    this.mask = mask;
    this.sink = sink;
  }

  enabled(type: TraceType): boolean {
    // Untraced runs (benchmarks, bots) skip the per-type lookup entirely.
    return this.mask !== 0 && (this.mask & BIT[type]) !== 0;
  }

  emit(event: TraceEvent): void {
    if (this.sink !== null && (this.mask & BIT[event.type as TraceType]) !== 0) this.sink(event);
  }
}
