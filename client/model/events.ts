// What the client hears about: the engine's trace events (docs/scenario.md), whether they come from
// the engine running in this page (solo, sandbox) or from the game server. Only the fields the client
// reads are typed; anything else an event carries passes through untouched.

export interface BaseEvent {
  type: string;
  t: number;
  [field: string]: unknown;
}

/** An event at one end of a flow's TCP connection (its UDP datagrams' `send` too). */
export interface ConnectionEndEvent extends BaseEvent {
  flow: string;
  side: 'client' | 'server';
  /** The node that end lives on, when the source knows it: a balanced flow's server end is a backend, an intercepted one a tap. */
  node?: string;
}

export interface TxEvent extends BaseEvent {
  type: 'tx';
  packet: number;
  flow: string | null;
  kind: string;
  link: string;
  from: string;
  to: string;
  bytes: number;
  departMs: number;
  arriveMs: number;
  /** Set by sources that know it (the server's packet facts); else derived from `send`. */
  retransmit?: boolean;
  duplicateOf?: number;
  app?: string | null;
}

export interface DropEvent extends BaseEvent {
  type: 'drop';
  link?: string;
  node?: string;
  flow: string | null;
  packet: number;
  kind: string;
  reason: string;
}

export interface WaitEvent extends BaseEvent {
  type: 'wait';
  node: string;
  packet: number;
  flow: string | null;
  kind: string;
  queue: number;
}

export interface CommandEvent extends BaseEvent {
  type: 'command';
  node: string;
  action: string;
  packet: number;
  ok: boolean;
  reason?: string;
}

export interface SendEvent extends ConnectionEndEvent {
  type: 'send';
  seq: number;
  ack: number;
  len: number;
  flags: string;
  retransmit: boolean;
  /** The segment's offset in its sender's byte stream, when the source already counts from the ISN (a room's packet facts); else derived from `seq`. */
  rel?: number;
}

export interface AckEvent extends ConnectionEndEvent {
  type: 'ack';
  seq: number;
  ack: number;
  window: number;
  /** The acknowledged offset in the other end's byte stream, when the source already counts from the ISN (a room's packet facts); else derived from `ack`. */
  rel?: number;
}

export interface StateEvent extends ConnectionEndEvent {
  type: 'state';
  from: string;
  to: string;
}

export interface CwndEvent extends BaseEvent {
  type: 'cwnd';
  flow: string;
  cwnd: number;
  ssthresh: number;
  reason: string;
}

export interface DeliverEvent extends ConnectionEndEvent {
  type: 'deliver';
  bytes: number;
  total: number;
}

export interface RtoEvent extends ConnectionEndEvent {
  type: 'rto';
  seq: number;
  rtoMs: number;
  backoffs: number;
}

export interface WindowEvent extends ConnectionEndEvent {
  type: 'window';
  rwnd: number;
  event: 'zero' | 'open';
}

export interface ProbeEvent extends ConnectionEndEvent {
  type: 'probe';
  seq: number;
}

export interface VideoEvent extends BaseEvent {
  type: 'video';
  flow: string;
  frame: number;
  status: 'played' | 'skipped' | 'late';
}

export interface FaultEvent extends BaseEvent {
  type: 'fault';
  kind: string;
  link?: string;
  node?: string;
  flow?: string;
  up?: boolean;
}

export interface RttEvent extends BaseEvent {
  type: 'rtt';
  flow: string;
  side: 'client' | 'server';
  sampleMs: number;
  srttMs: number;
  rttvarMs: number;
  rtoMs: number;
}

export interface TapEvent extends BaseEvent {
  type: 'tap';
  node: string;
  /** `frame`, `tamper`, `intercept`, `mitm-connect` or `plaintext`. */
  action: string;
  packet?: number;
  flow?: string | null;
  in?: string;
  summary?: string;
  protocol?: string;
  payloadBytes?: number;
  preview?: string;
  previewFormat?: 'text' | 'hex' | 'none';
  /** For `tamper`: the handshake message the tap altered. */
  tampered?: string;
  direction?: string;
  client?: string;
  server?: string;
}

/** An HTTP request or response at one end (only the fields the client reads). */
export interface HttpEvent extends BaseEvent {
  type: 'http';
  node: string;
  side: 'client' | 'server';
  /** `request` or `response` (and others the client ignores). */
  event: string;
  flow?: string;
  method?: string;
  path?: string;
  status?: number;
  /** Why a request got no answer (`error` events): `connection refused`, a reset, a timeout, … */
  reason?: string;
}

/** A system call of a server thread or an HTTP caller (only the fields the client reads). */
export interface IoEvent extends BaseEvent {
  type: 'io';
  node: string;
  /** A server's `worker-N` or `loop`, or `caller`: the application of an HTTP flow's client. */
  thread: string;
  call: string;
  result: string;
  flow?: string | null;
}

/** A step of a TLS handshake (only the fields the client reads; the engine's event has more). */
export interface TlsEvent extends BaseEvent {
  type: 'tls';
  /** `ClientHello`, …, `verify-certificate`, `keys`, `established`, `failure`, `certificate-issued`, … */
  step: string;
  node?: string;
  flow?: string;
  side?: 'client' | 'server';
  /** A failure's alert (`decrypt_error`, `bad_record_mac`, `bad_certificate`, …). */
  alert?: string;
  /** The handshake message a failure was detected at. */
  at?: string;
  /** `local`: this side detected the problem; `peer`: the other side's alert told it. */
  by?: 'local' | 'peer';
  cipherSuite?: string;
  /** `send` or `recv` for a handshake message. */
  dir?: 'send' | 'recv';
  /** A ClientHello's offer. */
  cipherSuites?: string[];
  /** A Certificate message's chain. */
  certificates?: Array<{ subject: string; issuer: string }>;
}

/** A DNS resolver's step (only the fields the client reads; docs/scenario.md has them all). */
export interface DnsEvent extends BaseEvent {
  type: 'dns';
  node: string;
  flow?: string;
  /** `client`: a resolver; `server`: a name server. */
  side: 'client' | 'server';
  /** `query`, `response`, `timeout`, `tcp-fallback`, `give-up`, `axfr`, `answer`, `ignored`. */
  action: string;
  name?: string;
  qtype?: string;
  transport?: 'udp' | 'tcp';
  attempt?: number;
  retry?: boolean;
  timeoutMs?: number;
  /** After a timeout: `retry`, `tcp` or `give-up`. */
  next?: string;
  /** Why it went to TCP or gave up. */
  reason?: string;
  rcode?: string;
  tc?: boolean;
  answers?: number;
  latencyMs?: number;
  /** A zone transfer's records so far, and whether it is complete. */
  total?: number;
  done?: boolean;
}

export interface LbAssignEvent extends BaseEvent {
  type: 'lb-assign';
  node: string;
  connection: number;
  client: string;
  /** null: refused (answered with RST). */
  backend: string | null;
  algorithm: string;
  reason: string;
  flow: string | null;
  overloaded: boolean;
}

export interface FailoverEvent extends BaseEvent {
  type: 'failover';
  from: string;
  to: string;
  vip: string;
  missedHeartbeats: number;
  connectionsTakenOver: number;
}

export interface LbHealthEvent extends BaseEvent {
  type: 'lb-health';
  node: string;
  backend: string;
  up: boolean;
}

export type WorldEvent =
  | TxEvent
  | DropEvent
  | WaitEvent
  | CommandEvent
  | SendEvent
  | AckEvent
  | StateEvent
  | CwndEvent
  | DeliverEvent
  | RtoEvent
  | WindowEvent
  | ProbeEvent
  | VideoEvent
  | FaultEvent
  | RttEvent
  | TapEvent
  | TlsEvent
  | HttpEvent
  | IoEvent
  | DnsEvent
  | LbAssignEvent
  | FailoverEvent
  | LbHealthEvent;

/** Narrow an untyped trace object (engine or server) to the events the client understands. */
export function asWorldEvent(e: BaseEvent): WorldEvent | null {
  switch (e.type) {
    case 'tx':
    case 'drop':
    case 'wait':
    case 'command':
    case 'send':
    case 'ack':
    case 'state':
    case 'cwnd':
    case 'deliver':
    case 'rto':
    case 'window':
    case 'probe':
    case 'video':
    case 'fault':
    case 'rtt':
    case 'tap':
    case 'tls':
    case 'http':
    case 'io':
    case 'dns':
    case 'lb-assign':
    case 'failover':
    case 'lb-health':
      return e as WorldEvent;
    default:
      return null;
  }
}

/** Every trace type the client subscribes to. */
export const CLIENT_TRACE_TYPES = [
  'tx',
  'drop',
  'wait',
  'command',
  'send',
  'ack',
  'state',
  'cwnd',
  'deliver',
  'rto',
  'window',
  'probe',
  'video',
  'fault',
  'rtt',
  'tap',
  'tls',
  'http',
  'io',
  'dns',
  'lb-assign',
  'failover',
  'lb-health',
] as const;
