// The HTTP settings a scenario gives a `server` node and an `http` flow (docs/scenario.md, "Servers
// and HTTP"), fully defaulted by the loader (shared/scenario/http.ts).

/** How the server's application reads its sockets (seed: Blocking I/O & Non-Blocking I/O). */
export const SERVER_IO_MODELS = ['blocking', 'nonblocking'] as const;
export type ServerIoModel = (typeof SERVER_IO_MODELS)[number];
/** Most worker threads a blocking server may run. */
export const MAX_SERVER_THREADS = 1024;

/** How a server's application serves connections: `threads` blocking threads, or one event loop (threads ignored). */
export interface ServerIoChoice {
  io: ServerIoModel;
  threads: number;
}

/** The I/O models a server's player picks from (the solo level and the classroom server seat). */
export const SERVER_IO_CHOICES: readonly ServerIoChoice[] = [
  { io: 'blocking', threads: 2 },
  { io: 'blocking', threads: 4 },
  { io: 'blocking', threads: 8 },
  { io: 'blocking', threads: 16 },
  { io: 'nonblocking', threads: 1 },
];

/** What a route does with a request. */
export type RouteAction = 'static' | 'echo' | 'store';

export interface ServerRouteSpec {
  /** Exact path ("/login"), or a prefix ending in "*" ("/static/*"). */
  path: string;
  method: 'GET' | 'POST';
  status: number;
  contentType: string;
  /** Response body text (static and store). */
  body: string;
  /** Instead of `body`: a generated text body of this many bytes (a large page or file). */
  bodyBytes: number | null;
  /** static: answer `body`; echo: answer the request's body; store: keep the request's body, answer `body`. */
  action: RouteAction;
  /** Time the handler waits for something outside the CPU (a database, the fryer) before answering. */
  delayMs: number;
  /** CPU work of this route per request, replacing the server's `requestCostUs`; null: the server's. */
  costUs: number | null;
}

export interface ServerNodeFields {
  io: ServerIoModel;
  /** Worker threads of a blocking server (one connection each); the event loop is one thread. */
  threads: number;
  /** Connections held at once (being served or waiting to be accepted); more are refused (RST). */
  maxConnections: number;
  /** Relative CPU speed (2 = the same work in half the time: scale-up). */
  cpuSpeed: number;
  /** CPU time of switching the processor from one thread to another. */
  contextSwitchUs: number;
  /** CPU time of one system call (accept, recv, send, poll, close). */
  syscallUs: number;
  /** CPU time per byte copied between the kernel's socket buffers and the application. */
  copyNsPerByte: number;
  /** CPU work per request (parse, route, build the answer). */
  requestCostUs: number;
  /** An idle keep-alive connection is closed after this long. */
  keepAliveTimeoutMs: number;
  /** A request must arrive whole within this long of its first byte (else 408 and close). */
  requestTimeoutMs: number;
  /** TCP port HTTP listens on. */
  port: number;
  /** Each connection's socket send buffer: a response larger than this waits for the client to take it. */
  sndBufBytes: number;
  routes: ServerRouteSpec[];
}

/** How the calling application waits for each response (seed: Blocking/Non-blocking & Synchronous/Asynchronous). */
export type CallModel = 'sync-blocking' | 'async-blocking' | 'sync-nonblocking' | 'async-nonblocking';

export interface HttpRequestSpec {
  method: 'GET' | 'POST';
  /** Request-target in origin-form ("/login", "/search?q=x"). */
  path: string;
  /** Request body (POST); sent as `contentType`. */
  body: string | null;
  contentType: string;
  /** When the application wants to send it, from the flow's start; null: as soon as the one before is answered. */
  atMs: number | null;
}

export interface HttpFlowSpec {
  requests: HttpRequestSpec[];
  /** Reuse one connection for several requests (Connection: keep-alive) or one connection per request. */
  keepAlive: boolean;
  /** Send a request while earlier ones are unanswered (needs keepAlive and a non-blocking call). */
  pipeline: boolean;
  /** The Host field; default the `to` node's id. */
  host: string;
  /** A slow client: each request's bytes are written at this rate (bits/s), or null for at once. */
  trickleBps: number | null;
  call: CallModel;
  /** sync-nonblocking: how often the caller asks "is mine ready?". */
  pollIntervalMs: number;
  /** Other work the caller has to do (ms); it gets on with it whenever a call does not block it. */
  workMs: number;
}
