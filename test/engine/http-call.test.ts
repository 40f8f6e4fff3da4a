// Sync vs async, blocking vs non-blocking (seed: "ordering at the chicken shop"): the same order,
// fried for 3 s, by a caller with 2 s of errands, in each of the four quadrants.

import { describe, expect, it } from 'vitest';
import type { CallModel } from '../../shared/protocols/app/http/spec.ts';
import type { ScenarioInput } from '../../shared/scenario/schema.ts';
import { run } from './helpers.ts';

function shop(call: CallModel, extra: Record<string, unknown> = {}, requests: unknown[] = [{ path: '/chicken' }]): ScenarioInput {
  return {
    durationMs: 10_000,
    nodes: [
      { id: 'me', kind: 'host' },
      { id: 'shop', kind: 'server', routes: [{ path: '/chicken', delayMs: 3000, body: 'chicken\n' }] },
    ],
    links: [{ id: 'street', a: 'me', b: 'shop', bandwidthBps: 10_000_000, delayMs: 5 }],
    flows: [{ id: 'order', from: 'me', to: 'shop', transport: 'tcp', app: 'http', http: { call, workMs: 2000, pollIntervalMs: 500, requests, ...extra } }],
  } as ScenarioInput;
}

/** Handshake (10 ms), the order's trip (5 ms), frying (3000 ms), the answer's trip (5 ms), plus CPU. */
const ANSWERED_MS = 3020.556;

describe('the four quadrants', () => {
  const runs = Object.fromEntries(
    (['sync-blocking', 'async-blocking', 'sync-nonblocking', 'async-nonblocking'] as const).map((c) => {
      const r = run(shop(c), ['io', 'http']);
      return [c, { r, f: r.engine.summary().flows.order! }];
    }),
  );

  it('the chicken is ready at the same moment in every quadrant: only the caller differs', () => {
    for (const { f } of Object.values(runs)) expect(f).toMatchObject({ latencyMsMax: ANSWERED_MS, statuses: { 200: 1 } });
  });

  it('blocking & synchronous: stands and watches (blocked the whole time), errands after', () => {
    expect(runs['sync-blocking']!.f).toMatchObject({ blockedMs: ANSWERED_MS, otherWorkMs: 0, polls: 0, callbacks: 0, finishedMs: 5020.556 });
    const caller = runs['sync-blocking']!.r.of('io').filter((e) => e.thread === 'caller');
    expect(caller.map((e) => `${e.call} ${e.result}`)).toEqual(['recv blocked', 'recv data']);
  });

  it('blocking & asynchronous: a callback comes, but the caller was held anyway: no time saved', () => {
    expect(runs['async-blocking']!.f).toMatchObject({ blockedMs: ANSWERED_MS, otherWorkMs: 0, polls: 0, callbacks: 1, finishedMs: 5020.556 });
    const caller = runs['async-blocking']!.r.of('io').filter((e) => e.thread === 'caller');
    expect(caller.map((e) => `${e.call} ${e.result}`)).toEqual(['wait blocked', 'callback data']);
  });

  it('non-blocking & synchronous: errands done meanwhile, "is mine ready?" every 500 ms, noticed at the next ask', () => {
    const { r, f } = runs['sync-nonblocking']!;
    expect(f).toMatchObject({ blockedMs: 0, otherWorkMs: 2000, workDoneMs: 2000, polls: 7, wouldBlock: 6, callbacks: 0, finishedMs: 3500 });
    expect(f.noticeDelayMaxMs).toBe(Math.round((3500 - ANSWERED_MS) * 1000) / 1000);
    const asks = r.of('io').filter((e) => e.thread === 'caller');
    expect(asks.map((e) => e.t)).toEqual([500, 1000, 1500, 2000, 2500, 3000, 3500]);
    expect(asks.map((e) => e.result)).toEqual(['EWOULDBLOCK', 'EWOULDBLOCK', 'EWOULDBLOCK', 'EWOULDBLOCK', 'EWOULDBLOCK', 'EWOULDBLOCK', 'data']);
  });

  it('non-blocking & asynchronous: errands done meanwhile, told the moment it is ready: done first', () => {
    expect(runs['async-nonblocking']!.f).toMatchObject({ blockedMs: 0, otherWorkMs: 2000, polls: 0, callbacks: 1, noticeDelayMaxMs: 0, finishedMs: ANSWERED_MS });
  });

  it('a slower poll notices later; a faster one asks in vain more often', () => {
    const slow = run(shop('sync-nonblocking', { pollIntervalMs: 2000 }), []).engine.summary().flows.order!;
    const fast = run(shop('sync-nonblocking', { pollIntervalMs: 100 }), []).engine.summary().flows.order!;
    expect(slow).toMatchObject({ polls: 2, wouldBlock: 1, finishedMs: 4000 });
    expect(fast).toMatchObject({ polls: 31, wouldBlock: 30, finishedMs: 3100 });
  });
});

describe('several calls', () => {
  it('a blocked caller sends the next request only when the last is answered; a non-blocking one pipelines', () => {
    const requests = [
      { path: '/chicken', atMs: 0 },
      { path: '/chicken', atMs: 100 },
    ];
    const blocked = run(shop('sync-blocking', { workMs: 0 }, requests), ['http']);
    const sent = blocked.of('http').filter((e) => e.side === 'client' && e.event === 'request');
    expect(sent[1]!.t as number).toBeGreaterThan(3000);
    // Its latency counts from when the caller wanted it (100 ms), so it includes the wait.
    expect(blocked.engine.summary().flows.order!.latencyMsMax as number).toBeGreaterThan(5900);
    const piped = run(shop('async-nonblocking', { workMs: 0, pipeline: true }, requests), ['http']);
    const sentPiped = piped.of('http').filter((e) => e.side === 'client' && e.event === 'request');
    expect(sentPiped[1]!.t).toBe(100);
  });

  it('the loader refuses pipelining for a blocked caller, and a body on a GET', () => {
    expect(() => run(shop('sync-blocking', { pipeline: true }), [])).toThrow(/http.pipeline: a blocked caller cannot send/);
    expect(() => run(shop('sync-blocking', {}, [{ path: '/chicken', body: 'x' }]), [])).toThrow(/requests\[0\].body: a GET request carries no body/);
  });
});
