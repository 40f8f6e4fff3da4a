// The synchronised state of a `classroom` room (Colyseus schema 5), shared by the server that writes
// it and the client that reads it. Field names are a public contract (docs/protocol.md): extend,
// never rename.
//
// The state holds lifecycle facts, never per-frame positions: a packet on a link is described once
// per hop (link, direction, departure and arrival in simulated ms) and the client interpolates its
// position from `clock`. Secrets (the host token) never go here; they travel as direct messages.

import { schema, t, type SchemaType } from '@colyseus/schema';

/** Simulated time. The client extrapolates `simMs` between patches: `simMs + speed · (wall ms since the patch)` unless paused. */
export const ClockState = schema(
  {
    /** Simulated milliseconds since the scenario started. */
    simMs: t.float64().default(0),
    /** Simulated seconds per wall-clock second (0.25, 0.5, 1, 2 or 4). */
    speed: t.float32().default(1),
    paused: t.boolean().default(false),
    /** The scenario's length; the simulation stops there (`finished`). */
    durationMs: t.float64().default(0),
    finished: t.boolean().default(false),
    /** Wall-clock milliseconds per fixed simulation step (a step advances `stepMs · speed` simulated ms). */
    stepMs: t.uint16().default(50),
  },
  'ClockState',
);
export type ClockState = SchemaType<typeof ClockState>;

/** A person in the room. Keyed by session id in `players`. */
export const PlayerState = schema(
  {
    name: t.string().default(''),
    /** `host`, `spectator`, `observer` (a student without a seat) or the seat's role: `router`, `loadbalancer`, `sender`, `receiver`, `tap`. */
    role: t.string().default('observer'),
    /** The seat held (`"router:r1"`), or `""`. */
    seat: t.string().default(''),
    /** The node of the seat, or `""`. */
    node: t.string().default(''),
    /** False while the player is disconnected and a bot plays the seat (up to 60 s). */
    connected: t.boolean().default(true),
    score: t.int32().default(0),
  },
  'PlayerState',
);
export type PlayerState = SchemaType<typeof PlayerState>;

/** A role a person can take: one per router, balancer and tap, one per sending and one per receiving host. Keyed by id (`"<role>:<node>"`). */
export const SeatState = schema(
  {
    id: t.string().default(''),
    role: t.string().default(''),
    node: t.string().default(''),
    /** Session id of the person holding it, or `""` (a bot plays it). */
    player: t.string().default(''),
    /** True when a bot plays the seat now (nobody holds it, or its player is disconnected). */
    bot: t.boolean().default(true),
  },
  'SeatState',
);
export type SeatState = SchemaType<typeof SeatState>;

export const NodeState = schema(
  {
    id: t.string().default(''),
    /** `host`, `router`, `loadbalancer` or `tap`. */
    kind: t.string().default('host'),
    ip: t.string().default(''),
    /** A suggested layout position (0–1000 on both axes), the same for everyone in the room. */
    x: t.uint16().default(0),
    y: t.uint16().default(0),
    up: t.boolean().default(true),
    /** `player` when a connected person decides for the node (packets wait for commands), else `bot`. */
    controller: t.string().default('bot'),
    /** Packets waiting or held at the node for a decision. */
    queue: t.uint16().default(0),
    /** How many packets the router's decision queue holds before it drops at the tail; 0 for other nodes. */
    queueLimit: t.uint16().default(0),
  },
  'NodeState',
);
export type NodeState = SchemaType<typeof NodeState>;

export const LinkState = schema(
  {
    id: t.string().default(''),
    a: t.string().default(''),
    b: t.string().default(''),
    bandwidthBps: t.number().default(0),
    delayMs: t.number().default(0),
    queuePackets: t.uint32().default(0),
    up: t.boolean().default(true),
    /** Loss probability from a to b and from b to a. */
    lossAB: t.float32().default(0),
    lossBA: t.float32().default(0),
    /** Frames queued now (refreshed about twice a second). */
    queueAB: t.uint32().default(0),
    queueBA: t.uint32().default(0),
  },
  'LinkState',
);
export type LinkState = SchemaType<typeof LinkState>;

/** One TCP connection or UDP stream, refreshed about four times a second. */
export const FlowState = schema(
  {
    id: t.string().default(''),
    from: t.string().default(''),
    to: t.string().default(''),
    transport: t.string().default('tcp'),
    app: t.string().default('bulk'),
    /** The sending application is running (started and not stopped). */
    running: t.boolean().default(false),
    /** TCP state of the client (sender) and server (receiver) ends; `""` for UDP. */
    state: t.string().default(''),
    serverState: t.string().default(''),
    /** Congestion window and slow-start threshold of the sender, in bytes (TCP). */
    cwnd: t.number().default(0),
    ssthresh: t.number().default(0),
    deliveredBytes: t.number().default(0),
    retransmits: t.number().default(0),
    timeouts: t.number().default(0),
    fastRetransmits: t.number().default(0),
    goodputBps: t.number().default(0),
    /** The receiving application's read rate; 0 means as fast as data arrives. */
    readRateBps: t.number().default(0),
    completed: t.boolean().default(false),
    /**
     * The sender's window over its byte stream (TCP flows whose sender the server can read; all 0
     * otherwise), as offsets from its initial sequence number + 1 (0 = the first data byte, -1 before
     * the SYN is acknowledged; the FIN counts one): SND.UNA (oldest unacknowledged), SND.NXT (next to
     * send; it falls back to `una` when the retransmission timer fires) and the highest sent + 1.
     */
    una: t.number().default(0),
    nxt: t.number().default(0),
    sndMax: t.number().default(0),
    /** The receive window the receiver last advertised, as the sender uses it (SND.WND), bytes. */
    rwndBytes: t.number().default(0),
    /** The sender's segment size, bytes; 0 when the sender's figures are not available. */
    mss: t.uint16().default(0),
    /** The sender's smoothed round-trip time (0 before the first sample) and retransmission timeout, in whole ms. */
    srttMs: t.number().default(0),
    rtoMs: t.number().default(0),
    /** Reason of the sender's latest congestion window change (the `cwnd` trace event's `reason`), or `""`. */
    cwndReason: t.string().default(''),
    /**
     * The TCP modes the flow runs in (or will, unless its sender picks others): congestion control,
     * ARQ mode, and the window of the windowed ARQ modes (stop-and-wait sends one segment at a time).
     */
    cc: t.string().default(''),
    arq: t.string().default(''),
    windowSegments: t.uint16().default(0),
    /** Modes the sender may pick when starting the flow (`start-flow` with `cc`/`arq`); empty: fixed. */
    ccChoices: t.array('string'),
    arqChoices: t.array('string'),
    /** Bytes a bulk transfer sends before closing; 0: no end. */
    totalBytes: t.number().default(0),
    /**
     * A video stream's frames whose playout time has come: played on time, skipped (not whole in
     * time), and of those completed late.
     */
    framesPlayed: t.number().default(0),
    framesSkipped: t.number().default(0),
    framesLate: t.number().default(0),
    /** A UDP stream (voice, video): datagrams its sender sent, and its receiver took in. */
    datagramsSent: t.number().default(0),
    datagramsReceived: t.number().default(0),
    /** An application that asks and waits (DNS lookups, HTTP requests): exchanges answered, and ended without an answer. */
    answered: t.number().default(0),
    unanswered: t.number().default(0),
  },
  'FlowState',
);
export type FlowState = SchemaType<typeof FlowState>;

/** A backend of a load balancer. */
export const BackendState = schema(
  {
    node: t.string().default(''),
    /** Concurrent connections it may serve. */
    capacity: t.uint32().default(0),
    /** Connections it serves now through this balancer, and all it was given so far. */
    open: t.uint32().default(0),
    assigned: t.uint32().default(0),
    /** The balancer's health checks find it alive. */
    up: t.boolean().default(true),
  },
  'BackendState',
);
export type BackendState = SchemaType<typeof BackendState>;

/** A new connection waiting at a player's balancer for an `assign` (manual algorithm). */
export const WaitingConnectionState = schema(
  {
    connection: t.uint32().default(0),
    /** The client's `ip:port`. */
    client: t.string().default(''),
    flow: t.string().default(''),
    sinceMs: t.uint32().default(0),
  },
  'WaitingConnectionState',
);
export type WaitingConnectionState = SchemaType<typeof WaitingConnectionState>;

/** A load balancer, refreshed about four times a second. Keyed by node id in `balancers`. */
export const BalancerState = schema(
  {
    node: t.string().default(''),
    /** `active` or `passive` (as configured), and whether the network delivers the VIP to it now. */
    role: t.string().default('active'),
    active: t.boolean().default(true),
    vip: t.string().default(''),
    /** `round-robin`, `least-connections`, `source-hash` or `manual`. */
    algorithm: t.string().default('round-robin'),
    /** The other balancer of an active/passive pair, or `""`. */
    pair: t.string().default(''),
    backends: t.array(BackendState),
    waiting: t.array(WaitingConnectionState),
  },
  'BalancerState',
);
export type BalancerState = SchemaType<typeof BalancerState>;

/** A worker thread of a blocking server, or the event loop of a non-blocking one. */
export const ThreadState = schema(
  {
    name: t.string().default(''),
    /** `accept`, `recv`, `send`, `wait` (blocked on those), `run` (on or queued for the CPU); the loop: `poll` or `run`. */
    state: t.string().default(''),
    /** The connection it serves (0: none) and that connection's flow (`""`: none). */
    conn: t.uint32().default(0),
    flow: t.string().default(''),
  },
  'ThreadState',
);
export type ThreadState = SchemaType<typeof ThreadState>;

/** A `server` node's I/O model and what it is doing, refreshed about four times a second. Keyed by node id in `servers`. */
export const ServerState = schema(
  {
    node: t.string().default(''),
    /** `blocking` (a thread per client) or `nonblocking` (one event loop). */
    io: t.string().default('blocking'),
    /** Its operator may still change `io`: it has taken no connection yet (the `server-io` message). */
    ioSettable: t.boolean().default(true),
    up: t.boolean().default(true),
    /** Connections it may hold at once (threads, or the loop's limit). */
    capacity: t.uint32().default(0),
    activeConnections: t.uint32().default(0),
    /** Work queued for its CPU, and connections waiting in the accept queue (their ids, oldest first, at most 64 listed). */
    cpuBacklog: t.uint32().default(0),
    acceptQueue: t.array('uint32'),
    /** Its threads (at most 64 listed), or the one event loop. */
    threads: t.array(ThreadState),
  },
  'ServerState',
);
export type ServerState = SchemaType<typeof ServerState>;

/**
 * A packet in the network, keyed by its id (as a string) in `packets`. On a link (`at` is `""`): it
 * leaves `from` at `departMs` and has fully arrived at `to` at `arriveMs` (simulated, whole ms).
 * Waiting at a node for a decision (`at` is the node id), or `held` there by a router player. It is
 * removed when it is delivered to its endpoint or dropped.
 *
 * Every packet waiting at a node is listed. Packets on links are listed while the network starts
 * fewer of them than the room's budget per second (see docs/protocol.md); beyond it only some are,
 * and `packetsHidden` counts the rest, so a fast network never floods a classroom's Wi-Fi.
 */
export const PacketState = schema(
  {
    id: t.uint32().default(0),
    /** `syn`, `syn-ack`, `ack`, `data`, `fin`, `rst`, `udp`. */
    kind: t.string().default(''),
    flow: t.string().default(''),
    link: t.string().default(''),
    from: t.string().default(''),
    to: t.string().default(''),
    departMs: t.uint32().default(0),
    arriveMs: t.uint32().default(0),
    at: t.string().default(''),
    held: t.boolean().default(false),
    /** While it waits at a router: the link the routing table would forward it on (a hint for the router player). */
    next: t.string().default(''),
    // The fields below have no default: each is sent only when it says something (a default would
    // cost two bytes per field for every packet), and a reader takes an absent one as false or 0.
    /** It carries a retransmission (a TCP segment sent again, a DNS query resent); set only then. */
    retransmit: t.boolean(),
    /**
     * TCP segments of a flow: when the sending end sent it (simulated ms; present for every such
     * segment, absent for anything else), whether that end is the flow's server (else its client),
     * and its sequence number, acknowledgment number and payload length. `seq` counts from the sender's
     * initial sequence number + 1 (0 = its first data byte, -1 for the SYN itself), `ack` from the other
     * end's, both modulo 2^32, as the flow views count; `ack` is 0 without the ACK flag.
     */
    sentMs: t.uint32(),
    fromServer: t.boolean(),
    seq: t.number(),
    ack: t.number(),
    len: t.number(),
  },
  'PacketState',
);
export type PacketState = SchemaType<typeof PacketState>;

/**
 * A notable protocol event, for captions (the client words it in the player's language). `type` is a
 * trace event type (`drop`, `state`, `rto`, `fast-retransmit`, `window`, `fault`, `command`, ...);
 * `detail` its reason or new state; `count` how many alike were folded into it.
 */
export const EventState = schema(
  {
    seq: t.uint32().default(0),
    t: t.uint32().default(0),
    type: t.string().default(''),
    node: t.string().default(''),
    link: t.string().default(''),
    flow: t.string().default(''),
    packet: t.uint32().default(0),
    detail: t.string().default(''),
    count: t.uint16().default(1),
  },
  'EventState',
);
export type EventState = SchemaType<typeof EventState>;

export const ClassroomState = schema(
  {
    /** The join code (also the room id). */
    code: t.string().default(''),
    /** Built-in scenario id, or `custom`. */
    scenario: t.string().default(''),
    scenarioName: t.string().default(''),
    /** Scenarios run so far in this session (a `scenario` command starts the next round). */
    round: t.uint16().default(1),
    /** `running` or `ended`. */
    phase: t.string().default('running'),
    clock: ClockState,
    players: t.map(PlayerState),
    seats: t.map(SeatState),
    nodes: t.map(NodeState),
    links: t.map(LinkState),
    flows: t.map(FlowState),
    balancers: t.map(BalancerState),
    servers: t.map(ServerState),
    packets: t.map(PacketState),
    /** Packets in the network beyond the synchronised limit (not in `packets`). */
    packetsHidden: t.uint32().default(0),
    /** The latest notable events, oldest first (at most 30). */
    events: t.array(EventState),
  },
  'ClassroomState',
);
export type ClassroomState = SchemaType<typeof ClassroomState>;
