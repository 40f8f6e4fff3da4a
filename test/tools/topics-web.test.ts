// The web topic scenarios — T1 (HTTP in plain text), T14 (blocking vs non-blocking server I/O) and
// T15 (the chicken shop's four quadrants) — each run through the `sim` command as a teacher or tool
// would, checking the protocol facts the scenario exists to show.

import { describe, expect, it } from 'vitest';
import { simTopic, type SimRun } from './run-sim.ts';



const sim = (file: string, trace: string): SimRun => simTopic(file, trace);

describe('T1 HTTP in plain text (t01-http-plaintext.json)', () => {
  const r = sim('t01-http-plaintext.json', 'http,state,tap');
  it('GET the login page, POST the form, GET the account, on one keep-alive connection', () => {
    const client = r.of('http').filter((e) => e.side === 'client');
    expect(client.map((e) => `${e.event} ${e.method} ${e.path}`)).toEqual([
      'request GET /login',
      'response GET /login',
      'request POST /login',
      'response POST /login',
      'request GET /account',
      'response GET /account',
    ]);
    expect(client.filter((e) => e.event === 'response').every((e) => e.status === 200)).toBe(true);
    expect(r.summary.flows.login).toMatchObject({ requests: 3, responses: 3, errors: 0, connections: 1, completed: true });
    expect(r.of('state').filter((e) => e.side === 'client' && e.to === 'SYN_SENT')).toHaveLength(1);
  });
  it('the server received the Host field and stored the login form', () => {
    const server = r.of('http').filter((e) => e.side === 'server' && e.event === 'request');
    expect(server.every((e) => e.host === 'shop.example')).toBe(true);
    expect(r.summary.servers.web).toMatchObject({ requests: 3, stored: 1, responsesByStatus: { 200: 3 } });
  });
  it('the tap on Alice\'s line reads the login form, password and all, as text', () => {
    const post = r.of('tap').find((e) => e.flow === 'login' && String(e.preview).startsWith('POST /login HTTP/1.1\r\n'))!;
    expect(post).toMatchObject({ node: 'eve', action: 'frame', in: 'alice-eve', protocol: 'HTTP', previewFormat: 'text' });
    expect(post.layers).toEqual(['Ethernet II', 'IPv4', 'TCP', 'HTTP']);
    expect(post.preview).toContain('Host: shop.example\r\n');
    expect(post.preview.endsWith('\r\n\r\nuser=alice&password=hunter2')).toBe(true);
    // Every HTTP frame of the flow is readable text.
    const http = r.of('tap').filter((e) => e.flow === 'login' && e.payloadBytes > 0);
    expect(http.length).toBe(6);
    expect(http.every((e) => e.previewFormat === 'text')).toBe(true);
  });
});

describe('T14 blocking vs non-blocking (t14-blocking-vs-nonblocking.json)', () => {
  const r = sim('t14-blocking-vs-nonblocking.json', 'http,io');
  const fast = (tag: string) =>
    r
      .of('http')
      .filter((e) => e.side === 'client' && e.event === 'response' && /^c\d-/.test(e.flow) && e.flow.endsWith(tag))
      .map((e) => e.latencyMs as number)
      .sort((a, b) => a - b);
  it("one slow client stalls the blocking server's other clients: seconds of tail latency", () => {
    const b = fast('-b');
    expect(b).toHaveLength(30);
    expect(b.at(-1)).toBe(8140.778911);
    expect(b[14]).toBe(6343.969095);
  });
  it("and not the event loop's: every fast request takes two round trips", () => {
    // 40.63 ms, or 40.80 when it queues behind the same client's request to the other server.
    expect([...new Set(fast('-e'))].sort()).toEqual([40.631794, 40.798194]);
  });
  it('the blocking threads sit parked in recv() on the slow uploads; the loop reads them until EWOULDBLOCK', () => {
    const io = r.of('io');
    const parked = io.filter((e) => e.node === 'blocking' && e.call === 'recv' && e.result === 'blocked');
    expect(new Set(parked.filter((e) => e.flow.startsWith('slow')).map((e) => e.thread))).toEqual(new Set(['worker-1', 'worker-2']));
    expect(io.filter((e) => e.node === 'eventloop' && e.call === 'recv' && e.result === 'EWOULDBLOCK').length).toBeGreaterThan(150);
    expect(r.summary.servers.blocking).toMatchObject({ io: 'blocking', threads: 2, acceptQueuePeak: 3, acceptWaitMaxMs: 8100.237 });
    expect(r.summary.servers.eventloop).toMatchObject({ io: 'nonblocking', threads: 1, contextSwitches: 0, acceptWaitMaxMs: 0.002 });
    expect(r.summary.servers.blocking.contextSwitches).toBeGreaterThan(200);
  });
});

describe('T15 the chicken shop (t15-chicken-shop-*.json)', () => {
  const quadrant = (call: string) => sim(`t15-chicken-shop-${call}.json`, 'io').summary.flows.order;
  const answered = 3020.571;
  it('blocking & synchronous: blocked for the whole frying, errands after', () => {
    expect(quadrant('sync-blocking')).toMatchObject({ call: 'sync-blocking', blockedMs: answered, otherWorkMs: 0, polls: 0, callbacks: 0, finishedMs: 5020.571 });
  });
  it('blocking & asynchronous: a callback, but held anyway', () => {
    expect(quadrant('async-blocking')).toMatchObject({ call: 'async-blocking', blockedMs: answered, otherWorkMs: 0, callbacks: 1, finishedMs: 5020.571 });
  });
  it('non-blocking & synchronous: errands meanwhile, asking every 500 ms', () => {
    expect(quadrant('sync-nonblocking')).toMatchObject({ call: 'sync-nonblocking', blockedMs: 0, otherWorkMs: 2000, polls: 7, wouldBlock: 6, finishedMs: 3500 });
  });
  it('non-blocking & asynchronous: errands meanwhile, called the moment it is ready', () => {
    expect(quadrant('async-nonblocking')).toMatchObject({ call: 'async-nonblocking', blockedMs: 0, otherWorkMs: 2000, polls: 0, callbacks: 1, finishedMs: answered });
  });
});
