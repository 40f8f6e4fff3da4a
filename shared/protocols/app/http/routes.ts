// A server's routes (RFC 9110 §9 method semantics, §15 status codes): which answer each request
// gets. A path that no route has is 404; a path whose routes do not take the method is 405 with an
// Allow field; HEAD is GET without the body. `echo` answers the request's body, `store` keeps it (a
// login form's fields end up in the server's records) and answers the route's body.

import { httpDate, isFieldValue, utf8, type HttpHeader, type HttpRequest } from './message.ts';
import type { ServerRouteSpec } from './spec.ts';

export const SERVER_SOFTWARE = 'PacketPlay/1.0';
/** Bodies a server keeps (store routes), at most; older ones are forgotten. */
export const MAX_STORED_BODIES = 64;

/** The answer to one request, before the connection decides keep-alive or close. */
export interface RouteResult {
  status: number;
  headers: HttpHeader[];
  body: Uint8Array;
  /** Bytes announced in Content-Length (a HEAD answer announces the GET body it omits). */
  contentLength: number;
  delayNs: number;
  /** CPU work for this request; null: the server's default cost. */
  costNs: number | null;
  route: ServerRouteSpec | null;
}

const FILLER = utf8('PacketPlay sends this page byte by byte through every queue on the way. ');

/** A deterministic text body of `n` bytes. */
export function fillerBody(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = FILLER[i % FILLER.length]!;
  return out;
}

function matches(route: ServerRouteSpec, path: string): boolean {
  return route.path.endsWith('*') ? path.startsWith(route.path.slice(0, -1)) : route.path === path;
}

export class RouteTable {
  private readonly routes: ServerRouteSpec[];
  /** Prepared bodies per route (generated once). */
  private readonly bodies = new Map<ServerRouteSpec, Uint8Array>();
  readonly stored: Array<{ path: string; body: string }> = [];
  storedTotal = 0;

  constructor(routes: ServerRouteSpec[]) {
    this.routes = routes;
    for (const r of routes) this.bodies.set(r, r.bodyBytes !== null ? fillerBody(r.bodyBytes) : utf8(r.body));
  }

  /** The answer to `req`, with Date, Server, Content-Type and Content-Length fields. */
  handle(req: HttpRequest, nowMs: number): RouteResult {
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    const onPath = this.routes.filter((r) => matches(r, req.path));
    const route = onPath.find((r) => r.method === method) ?? null;
    if (route === null) {
      if (onPath.length === 0) return this.error(404, `No route for ${req.path}\n`, nowMs, req.method === 'HEAD');
      const allow = [...new Set(onPath.flatMap((r) => (r.method === 'GET' ? ['GET', 'HEAD'] : [r.method])))].join(', ');
      const res = this.error(405, `${req.method} is not allowed on ${req.path}\n`, nowMs, req.method === 'HEAD');
      res.headers.push({ name: 'Allow', value: allow });
      return res;
    }
    let body: Uint8Array;
    let contentType = route.contentType;
    if (route.action === 'echo') {
      body = req.body;
      const requestType = req.headers.find((h) => h.name.toLowerCase() === 'content-type')?.value;
      if (requestType !== undefined && requestType !== '' && isFieldValue(requestType)) contentType = requestType;
    } else {
      body = this.bodies.get(route)!;
      if (route.action === 'store') this.store(req);
    }
    const contentLength = body.length;
    if (req.method === 'HEAD') body = new Uint8Array(0);
    return {
      status: route.status,
      headers: baseHeaders(nowMs, contentType, contentLength),
      body,
      contentLength,
      delayNs: Math.round(route.delayMs * 1e6),
      costNs: route.costUs === null ? null : Math.round(route.costUs * 1e3),
      route,
    };
  }

  /** An error answer (400, 404, 408, 413, ...) with a short text body. */
  error(status: number, text: string, nowMs: number, head = false): RouteResult {
    const body = utf8(text);
    return {
      status,
      headers: baseHeaders(nowMs, 'text/plain; charset=utf-8', body.length),
      body: head ? new Uint8Array(0) : body,
      contentLength: body.length,
      delayNs: 0,
      costNs: null,
      route: null,
    };
  }

  private store(req: HttpRequest): void {
    this.storedTotal++;
    let text = '';
    for (const b of req.body.subarray(0, 512)) text += String.fromCharCode(b);
    this.stored.push({ path: req.path, body: text });
    if (this.stored.length > MAX_STORED_BODIES) this.stored.shift();
  }
}

function baseHeaders(nowMs: number, contentType: string, contentLength: number): HttpHeader[] {
  return [
    { name: 'Date', value: httpDate(nowMs) },
    { name: 'Server', value: SERVER_SOFTWARE },
    { name: 'Content-Type', value: contentType },
    { name: 'Content-Length', value: String(contentLength) },
  ];
}

/** The routes of a server that declares none: a home page. */
export function defaultRoutes(): ServerRouteSpec[] {
  return [
    {
      path: '/',
      method: 'GET',
      status: 200,
      contentType: 'text/html; charset=utf-8',
      body: '<!doctype html><title>PacketPlay</title><h1>It works</h1>\n',
      bodyBytes: null,
      action: 'static',
      delayMs: 0,
      costUs: null,
    },
  ];
}
