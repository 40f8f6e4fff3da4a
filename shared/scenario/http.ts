// HTTP entries of a scenario (docs/scenario.md, "Servers and HTTP"): the zod fields of `server` nodes
// and of an `http` flow's `http` object, the checks that need other entries (an http flow goes to a
// server, on the port it listens on), and the defaulting into the engine's specs.

import { z } from 'zod';
import { MAX_BODY_BYTES, MAX_TARGET_CHARS } from '../protocols/app/http/message.ts';
import { defaultRoutes } from '../protocols/app/http/routes.ts';
import { MAX_SERVER_THREADS, SERVER_IO_MODELS, type HttpFlowSpec, type HttpRequestSpec, type ServerRouteSpec } from '../protocols/app/http/spec.ts';
import type { ServerNodeSpec } from '../protocols/scenario.ts';
import type { ScenarioParsed } from './schema.ts';

/** Requests one flow may make, after `repeat` is expanded. */
export const MAX_HTTP_REQUESTS = 1000;
export const MAX_ROUTES = 64;
const MAX_BODY_CHARS = 65_536;
/** Simultaneous connections of one host's TCP layer (transport/tcp/socket-table.ts). */
const MAX_SERVER_CONNECTIONS = 4096;

const nonNegative = (max: number) => z.number().min(0, 'must not be negative').max(max, `must be at most ${max}`);
const positive = (max: number) => z.number().positive('must be greater than 0').max(max, `must be at most ${max}`);
const positiveInt = (max: number) => z.number().int('must be a whole number').min(1, 'must be at least 1').max(max, `must be at most ${max}`);
const path = z
  .string()
  .min(1, 'must not be empty')
  .max(MAX_TARGET_CHARS, `must be at most ${MAX_TARGET_CHARS} characters`)
  .regex(/^\/[\x21-\x7e]*$/, 'must start with "/" and hold only visible ASCII characters (no spaces)');
/** A header field value the engine writes (Content-Type, Host). */
const fieldValue = z
  .string()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .regex(/^[\x20-\x7e]+$/, 'may hold only printable ASCII characters');

export const routeSchema = z.strictObject({
  path,
  method: z.enum(['GET', 'POST']).default('GET'),
  status: z.number().int('must be a whole number').min(200, 'must be a final status (200-599)').max(599, 'must be a final status (200-599)').default(200),
  contentType: fieldValue.default('text/html; charset=utf-8'),
  body: z.string().max(MAX_BODY_CHARS, `must be at most ${MAX_BODY_CHARS} characters`).optional(),
  bodyBytes: z.number().int('must be a whole number').min(0).max(MAX_BODY_BYTES, `must be at most ${MAX_BODY_BYTES}`).optional(),
  action: z.enum(['static', 'echo', 'store']).default('static'),
  delayMs: nonNegative(600_000).default(0),
  costUs: nonNegative(10_000_000).optional(),
});

/** The fields of a `server` node (beside the common ones and the TLS ones). */
export const serverNodeFields = {
  io: z.enum(SERVER_IO_MODELS).default('nonblocking'),
  threads: positiveInt(MAX_SERVER_THREADS).default(16),
  maxConnections: positiveInt(MAX_SERVER_CONNECTIONS).default(256),
  cpuSpeed: positive(1000).default(1),
  contextSwitchUs: nonNegative(1_000_000).default(5),
  syscallUs: nonNegative(1_000_000).default(1),
  copyNsPerByte: nonNegative(1_000_000).default(1),
  requestCostUs: nonNegative(10_000_000).default(100),
  keepAliveTimeoutMs: positive(3_600_000).default(5000),
  requestTimeoutMs: positive(3_600_000).default(60_000),
  port: z.number().int('must be a whole number').min(1, 'must be a port number (1-65535)').max(65535, 'must be a port number (1-65535)').default(80),
  routes: z.array(routeSchema).max(MAX_ROUTES, `may hold at most ${MAX_ROUTES} routes`).optional(),
  sndBufBytes: positiveInt(1 << 30).min(1024, 'must be at least 1024').default(65_536),
};

export const httpRequestSchema = z.strictObject({
  method: z.enum(['GET', 'POST']).default('GET'),
  path,
  body: z.string().max(MAX_BODY_CHARS, `must be at most ${MAX_BODY_CHARS} characters`).optional(),
  contentType: fieldValue.default('application/x-www-form-urlencoded'),
  atMs: nonNegative(24 * 3600 * 1000).optional(),
  repeat: positiveInt(MAX_HTTP_REQUESTS).default(1),
  everyMs: nonNegative(24 * 3600 * 1000).optional(),
});

export const httpFlowSchema = z.strictObject({
  requests: z.array(httpRequestSchema).min(1, 'needs at least one request').max(MAX_HTTP_REQUESTS, `may hold at most ${MAX_HTTP_REQUESTS} requests`),
  keepAlive: z.boolean().default(true),
  pipeline: z.boolean().default(false),
  host: fieldValue.optional(),
  trickleBps: positive(1e9).optional(),
  call: z.enum(['sync-blocking', 'async-blocking', 'sync-nonblocking', 'async-nonblocking']).default('sync-blocking'),
  pollIntervalMs: z.number().min(1, 'must be at least 1').max(600_000, 'must be at most 600000').default(100),
  workMs: nonNegative(24 * 3600 * 1000).default(0),
});

type ServerInput = Extract<ScenarioParsed['nodes'][number], { kind: 'server' }>;
type HttpInput = z.output<typeof httpFlowSchema>;

/** A server node with its routes defaulted. */
export function serverSpec(n: ServerInput, where: string, errors: string[]): ServerNodeSpec {
  const routes: ServerRouteSpec[] =
    n.routes === undefined
      ? defaultRoutes()
      : n.routes.map((r, i) => {
          if (r.body !== undefined && r.bodyBytes !== undefined) errors.push(`${where}.routes[${i}].bodyBytes: give body or bodyBytes, not both`);
          return {
            path: r.path,
            method: r.method,
            status: r.status,
            contentType: r.contentType,
            body: r.body ?? '',
            bodyBytes: r.bodyBytes ?? null,
            action: r.action,
            delayMs: r.delayMs,
            costUs: r.costUs ?? null,
          };
        });
  const seen = new Set<string>();
  routes.forEach((r, i) => {
    const key = `${r.method} ${r.path}`;
    if (seen.has(key)) errors.push(`${where}.routes[${i}].path: another route already answers ${key}`);
    seen.add(key);
  });
  return { ...n, ip: n.ip ?? null, routes };
}

interface FlowLike {
  to: string;
  transport: string;
  port?: number;
  http?: HttpInput;
}

interface NodeLike {
  id: string;
  kind: string;
  port?: number;
  backends?: Array<string | { node: string }>;
  pair?: string;
}

/**
 * Checks of an `http` flow against the nodes: it runs over TCP to a server (or a balancer in front of
 * servers), on the port the server listens on. Returns the port and the request list, defaulted.
 */
export function httpFlowSpec(f: FlowLike, app: string, where: string, nodes: readonly NodeLike[], errors: string[]): { port: number | null; http: HttpFlowSpec | null } {
  if (app !== 'http' && app !== 'https') {
    if (f.http !== undefined) errors.push(`${where}.http: only "http" and "https" flows take an http object (this flow's app is "${app}")`);
    return { port: null, http: null };
  }
  if (f.transport !== 'tcp') errors.push(`${where}.transport: "${app}" runs over TCP`);
  if (f.http === undefined) {
    errors.push(`${where}.http: an "${app}" flow needs an http object with its requests`);
    return { port: null, http: null };
  }
  const servers = serversBehind(f.to, nodes);
  const target = nodes.find((n) => n.id === f.to);
  if (target !== undefined && servers.length === 0) {
    errors.push(`${where}.to: "${f.to}" is a ${target.kind}; an http flow goes to a server (or a loadbalancer in front of servers)`);
  }
  // HTTPS: every server also serves HTTP over TLS on port 443 (app/tls/https.ts).
  const serverPort = app === 'https' ? 443 : (servers[0]?.port ?? 80);
  const port = f.port ?? serverPort;
  // Straight to a server, another port is allowed: nothing listens there, so its connections are
  // refused (RST), a transport-layer fault to find. Behind a balancer the port must be the backends'.
  const direct = target?.kind === 'server';
  for (const s of app === 'https' || direct ? [] : servers) {
    if ((s.port ?? 80) !== port) errors.push(`${where}.port: server "${s.id}" listens on ${s.port ?? 80}, not ${port}`);
  }
  const h = f.http;
  if (h.pipeline && !h.keepAlive) errors.push(`${where}.http.pipeline: pipelining needs keepAlive`);
  if (h.pipeline && (h.call === 'sync-blocking' || h.call === 'async-blocking')) {
    errors.push(`${where}.http.pipeline: a blocked caller cannot send a request before the last one is answered; use call "sync-nonblocking" or "async-nonblocking"`);
  }
  const requests: HttpRequestSpec[] = [];
  h.requests.forEach((r, i) => {
    if (r.method === 'GET' && r.body !== undefined) errors.push(`${where}.http.requests[${i}].body: a GET request carries no body`);
    if (r.repeat > 1 && r.atMs === undefined && r.everyMs !== undefined) {
      errors.push(`${where}.http.requests[${i}].everyMs: give atMs too (repeats without atMs follow each other)`);
    }
    for (let k = 0; k < r.repeat && requests.length <= MAX_HTTP_REQUESTS; k++) {
      requests.push({
        method: r.method,
        path: r.path,
        body: r.body ?? null,
        contentType: r.contentType,
        atMs: r.atMs === undefined ? null : r.atMs + k * (r.everyMs ?? 0),
      });
    }
  });
  if (requests.length > MAX_HTTP_REQUESTS) errors.push(`${where}.http.requests: at most ${MAX_HTTP_REQUESTS} requests after repeat`);
  return {
    port,
    http: {
      requests: requests.slice(0, MAX_HTTP_REQUESTS),
      keepAlive: h.keepAlive,
      pipeline: h.pipeline,
      host: h.host ?? f.to,
      trickleBps: h.trickleBps ?? null,
      call: h.call,
      pollIntervalMs: h.pollIntervalMs,
      workMs: h.workMs,
    },
  };
}

/** The server nodes a flow to `id` reaches: the server itself, or a balancer's (or its pair's) server backends. */
function serversBehind(id: string, nodes: readonly NodeLike[]): NodeLike[] {
  const node = nodes.find((n) => n.id === id);
  if (node === undefined) return [];
  if (node.kind === 'server') return [node];
  if (node.kind !== 'loadbalancer') return [];
  const backends = node.backends ?? nodes.find((n) => n.id === node.pair)?.backends ?? [];
  const out: NodeLike[] = [];
  for (const b of backends) {
    const backend = nodes.find((n) => n.id === (typeof b === 'string' ? b : b.node));
    if (backend === undefined || backend.kind !== 'server') return [];
    out.push(backend);
  }
  return out;
}
