// Properties of HTTP over the engine, for random servers, clients and lossy links: the run never
// throws, every request ends answered or failed, answers come back in order with the bytes the
// server sent, and a server ends holding no connection it does not know about.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Server } from '../../shared/protocols/net/server.ts';
import type { ScenarioInput } from '../../shared/scenario/schema.ts';
import { run } from './helpers.ts';

const call = fc.constantFrom('sync-blocking', 'async-blocking', 'sync-nonblocking', 'async-nonblocking');

const client = fc.record({
  keepAlive: fc.boolean(),
  pipeline: fc.boolean(),
  call,
  trickleBps: fc.option(fc.integer({ min: 800, max: 200_000 }), { nil: undefined }),
  readRateBps: fc.option(fc.integer({ min: 20_000, max: 2_000_000 }), { nil: undefined }),
  requests: fc.array(
    fc.record({
      method: fc.constantFrom('GET', 'POST'),
      path: fc.constantFrom('/', '/big', '/echo', '/slow', '/missing'),
      atMs: fc.option(fc.integer({ min: 0, max: 2000 }), { nil: undefined }),
    }),
    { minLength: 1, maxLength: 6 },
  ),
});

const setup = fc.record({
  io: fc.constantFrom('blocking', 'nonblocking'),
  threads: fc.integer({ min: 1, max: 4 }),
  maxConnections: fc.integer({ min: 1, max: 8 }),
  loss: fc.constantFrom(0, 0, 0.02),
  clients: fc.array(client, { minLength: 1, maxLength: 4 }),
  seed: fc.integer({ min: 0, max: 1000 }),
});

type Setup = typeof setup extends fc.Arbitrary<infer T> ? T : never;

function scenario(s: Setup): ScenarioInput {
  return {
    seed: s.seed,
    durationMs: 120_000,
    nodes: [
      { id: 'r', kind: 'router' },
      {
        id: 'srv',
        kind: 'server',
        io: s.io,
        threads: s.threads,
        maxConnections: s.maxConnections,
        sndBufBytes: 8192,
        requestTimeoutMs: 20_000,
        keepAliveTimeoutMs: 1000,
        routes: [
          { path: '/', body: 'home\n' },
          { path: '/', method: 'POST', action: 'store', body: 'ok\n' },
          { path: '/big', bodyBytes: 30_000 },
          { path: '/echo', method: 'POST', action: 'echo' },
          { path: '/slow', delayMs: 300 },
        ],
      },
      ...s.clients.map((_, i) => ({ id: `c${i}`, kind: 'host' as const })),
    ],
    links: [
      { id: 'core', a: 'r', b: 'srv', bandwidthBps: 20_000_000, delayMs: 2, loss: s.loss },
      ...s.clients.map((_, i) => ({ id: `l${i}`, a: `c${i}`, b: 'r', bandwidthBps: 5_000_000, delayMs: 5 })),
    ],
    flows: s.clients.map((c, i) => ({
      id: `f${i}`,
      from: `c${i}`,
      to: 'srv',
      transport: 'tcp',
      app: 'http',
      minRtoMs: 200,
      initialRtoMs: 200,
      ...(c.readRateBps !== undefined ? { readRateBps: c.readRateBps } : {}),
      http: {
        keepAlive: c.keepAlive,
        pipeline: c.pipeline && c.keepAlive && (c.call === 'sync-nonblocking' || c.call === 'async-nonblocking'),
        call: c.call,
        pollIntervalMs: 50,
        workMs: 100,
        ...(c.trickleBps !== undefined ? { trickleBps: c.trickleBps } : {}),
        requests: c.requests.map((r) => ({
          method: r.method as 'GET' | 'POST',
          path: r.path,
          ...(r.method === 'POST' ? { body: 'a=1&b=2' } : {}),
          ...(r.atMs !== undefined ? { atMs: r.atMs } : {}),
        })),
      },
    })),
  } as ScenarioInput;
}

describe('HTTP properties', () => {
  it('every request ends answered or failed, in order, and servers hold nothing at the end', () => {
    fc.assert(
      fc.property(setup, (s) => {
        const r = run(scenario(s), ['http']);
        const summary = r.engine.summary();
        s.clients.forEach((c, i) => {
          const f = summary.flows[`f${i}`]!;
          expect(f.responses as number + (f.errors as number)).toBe(c.requests.length);
          expect(f.finishedMs).not.toBeNull();
          if (c.keepAlive) {
            // One connection at a time: responses come back in the order the requests went out.
            const mine = r.of('http').filter((e) => e.flow === `f${i}` && e.side === 'client');
            const answered = new Set(mine.filter((e) => e.event === 'response').map((e) => e.request));
            const sent = mine.filter((e) => e.event === 'request' && answered.has(e.request)).map((e) => e.request);
            expect(mine.filter((e) => e.event === 'response').map((e) => e.request)).toEqual(sent);
          }
        });
        const srv = r.engine.network.nodes.get('srv') as Server;
        expect(srv.activeConnections).toBe(0);
        const stats = summary.servers!.srv!;
        expect(stats.responses).toBeLessThanOrEqual(stats.requests + stats.timeouts + stats.badRequests);
      }),
      { numRuns: 60, seed: 3 },
    );
  });
});
