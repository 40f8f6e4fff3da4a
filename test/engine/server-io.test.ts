// Blocking vs non-blocking server I/O (seed: Blocking I/O & Non-Blocking I/O): a slow client holds a
// blocking server's threads in recv() and every other client waits in the accept queue; the event
// loop reads the slow client's pieces between everyone else's requests, and their latency does not
// move by a nanosecond.

import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../shared/protocols/sim/trace.ts';
import type { ScenarioInput } from '../../shared/scenario/schema.ts';
import type { Server } from '../../shared/protocols/net/server.ts';
import { build, run } from './helpers.ts';
import { loadScenario } from '../../shared/scenario/load.ts';
import { ioBed } from './server-io-scenario.ts';

/** Latencies (ms) of the fast clients' responses, sorted. */
function fastLatencies(events: TraceEvent[]): number[] {
  return events
    .filter((e) => e.type === 'http' && e.side === 'client' && e.event === 'response' && String(e.flow).startsWith('c'))
    .map((e) => e.latencyMs as number)
    .sort((a, b) => a - b);
}

const p = (sorted: number[], q: number) => sorted[Math.ceil(q * sorted.length) - 1]!;

describe('the slow client against both servers', () => {
  const blockingAlone = run(ioBed('blocking', { slow: false }), ['http', 'io']);
  const blocking = run(ioBed('blocking'), ['http', 'io']);
  const loopAlone = run(ioBed('nonblocking', { slow: false }), ['http', 'io']);
  const loop = run(ioBed('nonblocking'), ['http', 'io']);

  it('without it, both servers answer every fast request in two round trips (40.6 ms)', () => {
    expect(new Set(fastLatencies(blockingAlone.events))).toEqual(new Set([40.625508]));
    expect(new Set(fastLatencies(loopAlone.events))).toEqual(new Set([40.626508]));
  });

  it("with it, the blocking server's tail latency grows by seconds", () => {
    const lat = fastLatencies(blocking.events);
    expect(lat).toHaveLength(30);
    expect(p(lat, 0.5)).toBe(6243.95006);
    expect(p(lat, 0.99)).toBe(8040.778901);
    expect(lat[0]).toBe(4546.69);
    expect(blocking.engine.summary().flows.c1).toMatchObject({ latencyMsMax: 8040.779, responses: 10, errors: 0 });
  });

  it("the event loop's latencies do not change at all", () => {
    expect(fastLatencies(loop.events)).toEqual(fastLatencies(loopAlone.events));
    expect(loop.engine.summary().flows.slow1).toMatchObject({ responses: 1, statuses: { 201: 1 } });
  });

  it('the two slow uploads hold both worker threads, parked in recv(), while the others wait to be accepted', () => {
    const io = blocking.of('io').filter((e) => e.node === 'srv');
    const accepts = io.filter((e) => e.call === 'accept' && e.result === 'ok');
    expect(accepts.slice(0, 2).map((e) => [e.thread, e.flow])).toEqual([
      ['worker-1', 'slow1'],
      ['worker-2', 'slow2'],
    ]);
    // The next accept comes only when an upload has arrived whole and been answered.
    const third = accepts[2]!;
    expect(third.flow).toBe('c1');
    expect(third.t as number).toBeGreaterThan(8500);
    expect(third.waitedMs).toBe(8000.236544);
    // Each 5-byte piece (400 bit/s, every 100 ms) wakes the thread for one recv(), then it parks again.
    const slow1 = io.filter((e) => e.flow === 'slow1' && e.call === 'recv');
    const pieces = slow1.filter((e) => e.result === 'data').map((e) => e.bytes as number);
    expect(pieces.filter((n) => n === 5).length).toBeGreaterThan(pieces.length - 3);
    expect(pieces.reduce((x, y) => x + y, 0)).toBe(blocking.engine.summary().flows.slow1!.requestBytes);
    expect(slow1.filter((e) => e.result === 'blocked').length).toBe(slow1.filter((e) => e.result === 'data').length);
    const s = blocking.engine.summary().servers!.srv!;
    expect(s).toMatchObject({ acceptQueuePeak: 3, acceptWaitMaxMs: 8000.237, recvWouldBlock: 0, polls: 0 });
    expect(s.contextSwitches).toBe(235);
  });

  it('the event loop takes each piece with recv() until EWOULDBLOCK, accepts at once and never switches threads', () => {
    const io = loop.of('io').filter((e) => e.node === 'srv');
    expect(new Set(io.map((e) => e.thread))).toEqual(new Set(['loop']));
    const slow1 = io.filter((e) => e.flow === 'slow1' && e.call === 'recv').map((e) => e.result);
    // data, then EWOULDBLOCK, for every piece but the last (its request is whole: answered, then closed).
    expect(slow1.slice(0, 4)).toEqual(['data', 'EWOULDBLOCK', 'data', 'EWOULDBLOCK']);
    const s = loop.engine.summary().servers!.srv!;
    expect(s).toMatchObject({ contextSwitches: 0, recvBlocked: 0, acceptWaitMaxMs: 0.002, recvWouldBlock: 168, polls: 232 });
  });

  it('a context switch costs CPU time whenever the CPU passes to another thread', () => {
    const engine = build(ioBed('blocking', { contextSwitchUs: 100, slow: false }));
    const srv = engine.network.nodes.get('srv') as Server;
    const done: string[] = [];
    srv.runOn('worker-1', 1000, () => done.push(`w1 ${engine.sim.nowNs}`));
    srv.runOn('worker-1', 1000, () => done.push(`w1 ${engine.sim.nowNs}`));
    srv.runOn('worker-2', 1000, () => done.push(`w2 ${engine.sim.nowNs}`));
    engine.runUntilMs(1);
    // 1 µs, 1 µs, then 100 µs of switching and 1 µs of work.
    expect(done).toEqual(['w1 1000', 'w1 2000', 'w2 103000']);
    expect(srv.stats.contextSwitches).toBe(1);
  });

  it('more threads than slow connections: the fast clients are served again', () => {
    const lat = fastLatencies(run(ioBed('blocking', { threads: 3 }), ['http']).events);
    expect(lat.at(-1)!).toBeLessThan(41);
  });

  it('a request timeout frees the blocking threads: the slow uploads get 408 and the others wait less', () => {
    const r = run(ioBed('blocking', { requestTimeoutMs: 3000 }), ['http', 'io']);
    const s = r.engine.summary();
    expect(s.flows.slow1).toMatchObject({ statuses: { 408: 1 } });
    expect(s.servers!.srv!.timeouts).toBe(2);
    const lat = fastLatencies(r.events);
    // The first fast request (due at 500 ms) is accepted when the first 408 has gone out, at 3130 ms.
    expect(lat.at(-1)).toBe(2640.524687);
    expect(r.of('http').find((e) => e.flow === 'slow1' && e.side === 'client' && e.event === 'response')).toMatchObject({ status: 408 });
  });
});

describe("a route's delay (waiting on something outside the CPU)", () => {
  function kitchen(io: 'blocking' | 'nonblocking'): ScenarioInput {
    return {
      durationMs: 3000,
      nodes: [
        { id: 'a', kind: 'host' },
        { id: 'b', kind: 'host' },
        { id: 'shop', kind: 'server', io, threads: 1, routes: [{ path: '/slow', delayMs: 1000 }, { path: '/fast' }] },
      ],
      links: [
        { id: 'la', a: 'a', b: 'shop', bandwidthBps: 10_000_000, delayMs: 5 },
        { id: 'lb', a: 'b', b: 'shop', bandwidthBps: 10_000_000, delayMs: 5 },
      ],
      flows: [
        { id: 'slow', from: 'a', to: 'shop', transport: 'tcp', app: 'http', http: { requests: [{ path: '/slow' }] } },
        { id: 'fast', from: 'b', to: 'shop', transport: 'tcp', app: 'http', startMs: 100, http: { requests: [{ path: '/fast' }] } },
      ],
    } as ScenarioInput;
  }

  it('holds a blocking thread (the only one), so a request behind it waits', () => {
    const r = run(kitchen('blocking'), ['io', 'http']);
    expect(r.of('io').find((e) => e.call === 'wait')).toMatchObject({ thread: 'worker-1', result: 'blocked', ms: 1000 });
    expect(r.engine.summary().flows.fast!.latencyMsMax as number).toBeGreaterThan(900);
  });

  it('is a timer in the event loop, which serves the other request meanwhile', () => {
    const r = run(kitchen('nonblocking'), ['io', 'http']);
    expect(r.of('io').find((e) => e.call === 'wait')).toMatchObject({ thread: 'loop', result: 'timer', ms: 1000 });
    expect(r.engine.summary().flows.fast!.latencyMsMax as number).toBeLessThan(21);
    expect(r.engine.summary().flows.slow!.latencyMsMax as number).toBeGreaterThan(1020);
  });
});

describe('a client that reads its response slowly', () => {
  function reader(io: 'blocking' | 'nonblocking'): ScenarioInput {
    return {
      durationMs: 30_000,
      nodes: [
        { id: 'slow', kind: 'host' },
        { id: 'fast', kind: 'host' },
        { id: 'r', kind: 'router' },
        { id: 'srv', kind: 'server', io, threads: 1, sndBufBytes: 16_384, routes: [{ path: '/' }, { path: '/big', bodyBytes: 200_000 }] },
      ],
      links: [
        { id: 'a', a: 'slow', b: 'r', bandwidthBps: 10_000_000, delayMs: 5 },
        { id: 'b', a: 'fast', b: 'r', bandwidthBps: 10_000_000, delayMs: 5 },
        { id: 'c', a: 'r', b: 'srv', bandwidthBps: 100_000_000, delayMs: 5 },
      ],
      flows: [
        // 10 KB/s into an 8 KiB receive buffer: the window closes and the server's send buffer fills.
        { id: 'reader', from: 'slow', to: 'srv', transport: 'tcp', app: 'http', readRateBps: 80_000, rwndBytes: 8192, http: { requests: [{ path: '/big' }] } },
        { id: 'f', from: 'fast', to: 'srv', transport: 'tcp', app: 'http', http: { requests: [{ path: '/', atMs: 500 }] } },
      ],
    } as ScenarioInput;
  }

  it('holds a blocking thread parked in send(); the next client waits for the whole download', () => {
    const r = run(reader('blocking'), ['io', 'http', 'window']);
    const sends = r.of('io').filter((e) => e.node === 'srv' && e.call === 'send');
    expect(sends.length).toBeGreaterThan(10);
    expect(sends.every((e) => e.thread === 'worker-1' && e.result === 'blocked' && e.flow === 'reader')).toBe(true);
    expect(r.of('window').some((e) => e.side === 'client' && e.event === 'zero')).toBe(true);
    const s = r.engine.summary().flows;
    expect(s.reader).toMatchObject({ responses: 1, responseBytes: 200_168 });
    expect(s.reader!.latencyMsMax as number).toBeGreaterThan(20_000);
    expect(s.f!.latencyMsMax).toBe(19_582.09);
  });

  it('costs the event loop an EWOULDBLOCK now and then, and nobody waits', () => {
    const r = run(reader('nonblocking'), ['io', 'http']);
    expect(r.of('io').filter((e) => e.call === 'send').every((e) => e.result === 'EWOULDBLOCK')).toBe(true);
    expect(r.engine.summary().flows.f!.latencyMsMax).toBe(40.582);
  });

  it('the engine shows the server to draw: the worker, its state and connection, the accept queue', () => {
    const engine = build(reader('blocking'));
    engine.runUntilMs(1000);
    const view = engine.server('srv')!;
    expect(view).toMatchObject({ io: 'blocking', up: true, capacity: 256, activeConnections: 2, acceptQueue: [2] });
    expect(view.threads).toEqual([{ name: 'worker-1', state: 'send', conn: 1, flow: 'reader' }]);
    expect(view.connections.map((c) => [c.id, c.flow, c.state, c.thread])).toEqual([
      [1, 'reader', 'open', 'worker-1'],
      [2, 'f', 'queued', null],
    ]);
    expect(engine.server('r')).toBeUndefined();
  });
});

describe('the server-io command: the operator picks the I/O model before the server takes a connection', () => {
  it('a scenario that sets the model by command at 0 runs exactly as one that declares it', () => {
    const declared = run(ioBed('nonblocking'), ['http', 'io']);
    const commanded = run({ ...ioBed('blocking', { threads: 2 }), commands: [{ action: 'server-io', atMs: 0, node: 'srv', io: 'nonblocking', threads: 1 }] } as ScenarioInput, ['http', 'io']);
    expect(commanded.events).toEqual(declared.events);
    expect(commanded.engine.summary().servers!.srv).toMatchObject({ io: 'nonblocking', threads: 1, recvBlocked: 0 });
  });

  it('more threads by command: the slow uploads no longer hold up the fast clients', () => {
    const r = run({ ...ioBed('blocking', { threads: 2 }), commands: [{ action: 'server-io', atMs: 0, node: 'srv', io: 'blocking', threads: 8 }] } as ScenarioInput, ['http']);
    // Two round trips, as with no slow client; a few requests also wait for one 5 µs context switch.
    expect(new Set(fastLatencies(r.events))).toEqual(new Set([40.625508, 40.630508]));
    expect(r.engine.summary().servers!.srv).toMatchObject({ io: 'blocking', threads: 8 });
  });

  it('once the server has taken a connection the command is refused and changes nothing', () => {
    const r = run({ ...ioBed('blocking', { threads: 2 }), commands: [{ action: 'server-io', atMs: 1000, node: 'srv', io: 'nonblocking', threads: 1 }] } as ScenarioInput, ['command']);
    expect(r.of('command')).toEqual([
      { type: 'command', t: 1000, node: 'srv', action: 'server-io', io: 'nonblocking', threads: 1, ok: false, reason: 'srv has already taken connections: its I/O model is set' },
    ]);
    expect(r.engine.summary().servers!.srv).toMatchObject({ io: 'blocking', threads: 2 });
    expect(r.engine.commandLog).toEqual([]);
  });

  it('a scenario file names the problem with a bad server-io command', () => {
    const errors = (command: Record<string, unknown>) => {
      const loaded = loadScenario({ ...ioBed('blocking'), commands: [{ action: 'server-io', atMs: 0, ...command }] } as ScenarioInput);
      return loaded.ok ? [] : loaded.errors;
    };
    expect(errors({ node: 'r', io: 'blocking', threads: 4 })).toEqual(['commands[0].node: "r" is not a server']);
    expect(errors({ node: 'srv', io: 'blocking', threads: 0 })).toEqual(['commands[0].threads: must be at least 1']);
    expect(errors({ node: 'srv', io: 'epoll', threads: 4 })[0]).toMatch(/^commands\[0\]\.io: /);
  });
});

