// HTTP/1.1 over the engine's TCP: requests and responses as real text in the segments, keep-alive
// and close, pipelining, routes and their status codes, a server's capacity, and the packet
// inspector's HTTP layer reading a login's password off the wire.

import { describe, expect, it } from 'vitest';
import { decodeHttp } from '../../shared/protocols/app/http/decoder.ts';
import type { InspectedPacket } from '../../shared/protocols/net/layers.ts';
import type { TraceEvent } from '../../shared/protocols/sim/trace.ts';
import type { ScenarioInput } from '../../shared/scenario/schema.ts';
import { build, run } from './helpers.ts';

type Req = { method?: 'GET' | 'POST'; path: string; body?: string; atMs?: number; repeat?: number; everyMs?: number };

function web(requests: Req[], http: Record<string, unknown> = {}, server: Record<string, unknown> = {}, durationMs = 5000): ScenarioInput {
  return {
    durationMs,
    nodes: [
      { id: 'alice', kind: 'host' },
      {
        id: 'web',
        kind: 'server',
        routes: [
          { path: '/', body: 'home\n' },
          { path: '/login', method: 'POST', action: 'store', body: 'welcome\n' },
          { path: '/echo', method: 'POST', action: 'echo' },
          { path: '/big', bodyBytes: 20_000 },
        ],
        ...server,
      },
    ],
    links: [{ id: 'l', a: 'alice', b: 'web', bandwidthBps: 10_000_000, delayMs: 10 }],
    flows: [{ id: 'f', from: 'alice', to: 'web', transport: 'tcp', app: 'http', http: { requests, ...http } }],
  } as ScenarioInput;
}

const fields = (layer: { fields: Array<{ name: string; value: unknown }> } | undefined) =>
  Object.fromEntries((layer?.fields ?? []).map((f) => [f.name, f.value]));

describe('HTTP over TCP', () => {
  it('a login: GET, POST with the form, GET, on one keep-alive connection, answered in order', () => {
    const r = run(web([{ path: '/' }, { method: 'POST', path: '/login', body: 'user=alice&password=hunter2' }, { path: '/' }]), ['http', 'state']);
    const http = r.of('http');
    expect(http.map((e) => `${e.side} ${e.event} ${e.method} ${e.path}${e.status !== undefined ? ` ${e.status}` : ''}`)).toEqual([
      'client request GET /',
      'server request GET /',
      'server response GET / 200',
      'client response GET / 200',
      'client request POST /login',
      'server request POST /login',
      'server response POST /login 200',
      'client response POST /login 200',
      'client request GET /',
      'server request GET /',
      'server response GET / 200',
      'client response GET / 200',
    ]);
    // One TCP connection: one SYN_SENT on the client, closed by the client when it is done.
    const clientStates = r.of('state').filter((e) => e.side === 'client').map((e) => e.to);
    expect(clientStates).toEqual(['SYN_SENT', 'ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2', 'TIME_WAIT']);
    const s = r.engine.summary();
    expect(s.flows.f).toMatchObject({ requests: 3, responses: 3, errors: 0, statuses: { 200: 3 }, connections: 1, completed: true });
    expect(s.servers!.web).toMatchObject({ requests: 3, responses: 3, stored: 1, connectionsAccepted: 1, activeConnections: 0 });
    // The first request waits for the handshake (one RTT of 20 ms), then one more RTT.
    const latencies = http.filter((e) => e.side === 'client' && e.event === 'response').map((e) => e.latencyMs as number);
    expect(latencies[0]).toBeGreaterThan(40);
    expect(latencies[0]).toBeLessThan(41);
    expect(latencies[1]).toBeGreaterThan(20);
    expect(latencies[1]).toBeLessThan(21);
    expect(s.flows.f!.latencyMsMax).toBe(Math.round(latencies[0]! * 1000) / 1000);
  });

  it('without keep-alive each request gets its own connection, closed by the server after its response', () => {
    const r = run(web([{ path: '/' }, { path: '/' }], { keepAlive: false }), ['http', 'state', 'io']);
    const s = r.engine.summary();
    expect(s.flows.f).toMatchObject({ responses: 2, connections: 2 });
    const serverClose = r.of('io').filter((e) => e.node === 'web' && e.call === 'close');
    expect(serverClose).toHaveLength(2);
    // The server closes first (it answered "Connection: close"), so it is the side in TIME_WAIT.
    expect(r.of('state').filter((e) => e.to === 'TIME_WAIT').map((e) => e.side)).toEqual(['server', 'server']);
  });

  it('pipelining: three requests written back to back, three responses in order', () => {
    const r = run(
      web([{ path: '/', atMs: 0 }, { method: 'POST', path: '/echo', body: 'ping', atMs: 0 }, { path: '/nope', atMs: 0 }], { pipeline: true, call: 'async-nonblocking' }),
      ['http'],
    );
    const client = r.of('http').filter((e) => e.side === 'client');
    expect(client.map((e) => `${e.event} ${e.path}`)).toEqual([
      'request /',
      'request /echo',
      'request /nope',
      'response /',
      'response /echo',
      'response /nope',
    ]);
    expect(client.filter((e) => e.event === 'response').map((e) => e.status)).toEqual([200, 200, 404]);
    expect(r.engine.summary().flows.f).toMatchObject({ statuses: { 200: 2, 404: 1 }, connections: 1 });
  });

  it('answers a path with no route 404 and a method the route does not take 405', () => {
    const r = run(web([{ path: '/missing' }, { method: 'POST', path: '/' }]), ['http']);
    expect(r.of('http').filter((e) => e.side === 'client' && e.event === 'response').map((e) => e.status)).toEqual([404, 405]);
  });

  it('a large page crosses in many segments and is read whole', () => {
    const r = run(web([{ path: '/big' }]), ['http', 'send']);
    const res = r.of('http').find((e) => e.side === 'client' && e.event === 'response')!;
    expect(res.status).toBe(200);
    expect(res.bytes as number).toBeGreaterThan(20_000);
    expect(r.of('send').filter((e) => e.side === 'server' && (e.len as number) > 0).length).toBeGreaterThanOrEqual(14);
  });

  it('a server at capacity refuses the next connection with RST', () => {
    const input = web([{ path: '/', atMs: 0 }], {}, { maxConnections: 1 }) as { flows: unknown[] };
    input.flows.push({ id: 'g', from: 'alice', to: 'web', transport: 'tcp', app: 'http', startMs: 5, http: { requests: [{ path: '/' }] } });
    const r = run(input as ScenarioInput, ['http', 'io']);
    const s = r.engine.summary();
    expect(s.servers!.web!.connectionsRefused).toBe(1);
    expect(s.flows.g).toMatchObject({ responses: 0, errors: 1 });
    expect(r.of('http').find((e) => e.flow === 'g' && e.event === 'error')!.reason).toBe('connection refused');
    expect(r.of('io').filter((e) => e.result === 'refused')).toHaveLength(1);
  });

  it('a request to a port the server does not listen on is refused with RST by its TCP, not by the application', () => {
    const input = web([{ path: '/' }, { path: '/login', method: 'POST', body: 'user=a' }]) as { flows: Array<Record<string, unknown>> };
    input.flows[0]!.port = 8080;
    const r = run(input as unknown as ScenarioInput, ['http', 'io', 'state']);
    // Each SYN is answered with RST|ACK one round trip later (the second request tries a connection of its own);
    // the server's application never sees a connection.
    expect(r.of('state').map((e) => [Math.round(e.t), e.side, e.to])).toEqual([
      [0, 'client', 'SYN_SENT'], [20, 'client', 'CLOSED'],
      [20, 'client', 'SYN_SENT'], [40, 'client', 'CLOSED'],
    ]);
    expect(r.of('http').map((e) => [e.event, e.path, e.reason])).toEqual([
      ['error', '/', 'connection refused'],
      ['error', '/login', 'connection refused'],
    ]);
    expect(r.of('io').filter((e) => e.node === 'web')).toEqual([]);
    expect(r.engine.summary().flows.f).toMatchObject({ requests: 0, responses: 0, errors: 2 });
  });

  it('closes an idle keep-alive connection after keepAliveTimeoutMs; the next request opens a new one', () => {
    const r = run(web([{ path: '/', atMs: 0 }, { path: '/', atMs: 500 }], {}, { keepAliveTimeoutMs: 200 }), ['io', 'http']);
    const close = r.of('io').find((e) => e.node === 'web' && e.call === 'close')!;
    // The response left at 30.2 ms (handshake, then the request); 200 ms of idleness later the server closes.
    expect(close.t as number).toBeGreaterThan(230.2);
    expect(close.t as number).toBeLessThan(230.5);
    expect(r.engine.summary().flows.f).toMatchObject({ responses: 2, connections: 2, errors: 0 });
  });

  it('the packet inspector shows an HTTP layer, and the password of a login in clear text', () => {
    const engine = build(web([{ method: 'POST', path: '/login', body: 'user=alice&password=hunter2' }]));
    const seen: InspectedPacket[] = [];
    engine.subscribe(['tx'], (e: TraceEvent) => {
      if (e.kind === 'data') seen.push(engine.inspect(e.packet as number)!);
    });
    engine.runUntilMs(engine.durationMs);
    const layers = seen.map((p) => p.layers.at(-1)!);
    expect(layers.every((l) => l.protocol === 'HTTP' && l.osi === 7)).toBe(true);
    const request = fields(layers[0]);
    expect(request).toMatchObject({
      method: 'POST',
      requestTarget: '/login',
      version: 'HTTP/1.1',
      Host: 'web',
      'Content-Type': 'application/x-www-form-urlencoded',
      'Content-Length': '27',
      body: 'user=alice&password=hunter2',
    });
    const response = fields(layers[1]);
    expect(response).toMatchObject({ version: 'HTTP/1.1', statusCode: 200, reasonPhrase: 'OK', Server: 'PacketPlay/1.0', Connection: 'keep-alive', body: 'welcome\n' });
    expect(String(response.Date)).toMatch(/^Thu, 01 Jan 1970 00:00:00 GMT$/);
  });

  it('a segment in the middle of an HTTP message shows as a continuation; other payloads are not HTTP', () => {
    const body = new TextEncoder().encode('password=hunter2');
    expect(fields(decodeHttp(body, 54, true)!)).toEqual({ continuation: true, length: 16, data: 'password=hunter2' });
    expect(decodeHttp(body, 54, false)).toBeNull();
  });
});
