// The T14 test bed (also scenarios/topics/t14-blocking-vs-nonblocking.json): fast clients c1-c3 fetch
// a page ten times each from a server; a slow client opens two connections and trickles an upload.

import type { ScenarioInput } from '../../shared/scenario/schema.ts';

export function ioBed(io: 'blocking' | 'nonblocking', opts: { slow?: boolean; threads?: number; contextSwitchUs?: number; trickleBps?: number; requestTimeoutMs?: number } = {}): ScenarioInput {
  const flows: unknown[] = [];
  if (opts.slow ?? true) {
    for (const k of [1, 2]) {
      flows.push({
        id: `slow${k}`,
        from: 'slow',
        to: 'srv',
        transport: 'tcp',
        app: 'http',
        http: { trickleBps: opts.trickleBps ?? 400, keepAlive: false, requests: [{ method: 'POST', path: '/upload', body: `photo=${'x'.repeat(250)}` }] },
      });
    }
  }
  ['c1', 'c2', 'c3'].forEach((c, j) => {
    flows.push({
      id: c,
      from: c,
      to: 'srv',
      transport: 'tcp',
      app: 'http',
      http: { keepAlive: false, requests: [{ method: 'GET', path: '/', atMs: 500 + 130 * j, repeat: 10, everyMs: 400 }] },
    });
  });
  return {
    seed: 14,
    durationMs: 15_000,
    nodes: [
      { id: 'c1', kind: 'host' },
      { id: 'c2', kind: 'host' },
      { id: 'c3', kind: 'host' },
      { id: 'slow', kind: 'host' },
      { id: 'r', kind: 'router' },
      {
        id: 'srv',
        kind: 'server',
        io,
        threads: opts.threads ?? 2,
        contextSwitchUs: opts.contextSwitchUs ?? 5,
        requestTimeoutMs: opts.requestTimeoutMs ?? 60_000,
        routes: [
          { path: '/', body: "<!doctype html><title>News</title><p>Today's headlines.</p>\n" },
          { path: '/upload', method: 'POST', action: 'store', status: 201, body: 'stored\n' },
        ],
      },
    ],
    links: [
      ...['c1', 'c2', 'c3', 'slow'].map((h) => ({ id: `${h}-r`, a: h, b: 'r', bandwidthBps: 10_000_000, delayMs: 5 })),
      { id: 'r-srv', a: 'r', b: 'srv', bandwidthBps: 100_000_000, delayMs: 5 },
    ],
    flows,
  } as ScenarioInput;
}
