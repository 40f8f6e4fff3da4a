// The load-balancing topic scenarios (T16, scenarios/topics/t16-*.json), each run through the `sim`
// command as a teacher or tool would, checking the facts the scenario exists to show.

import { describe, expect, it } from 'vitest';
import { simTopic, type SimRun } from './run-sim.ts';



const sim = (file: string, trace: string): SimRun => simTopic(file, trace);

describe('T16 round robin (t16-round-robin.json)', () => {
  const r = sim('t16-round-robin.json', 'lb-assign,lb-health,fault');
  it('deals the connections in turn; once the health checks see s2 dead, its turn passes to the next', () => {
    expect(r.of('lb-assign').map((e) => e.backend)).toEqual(['s1', 's2', 's3', 's1', 's2', 's3', 's1', 's2', 's3', 's1', 's3', 's1', 's3']);
    expect(r.of('lb-assign').map((e) => e.reason)).toEqual([...Array(10).fill('algorithm'), 'fallback', 'algorithm', 'fallback']);
    expect(r.of('lb-assign')[10]).toMatchObject({ flow: 'req11', skipped: ['s2'], client: '10.0.0.2:49162' });
    expect(r.summary.balancers.lb).toMatchObject({ algorithm: 'round-robin', assignments: { s1: 5, s2: 3, s3: 5 }, refusals: 0, backendsDown: ['s2'] });
  });
  it('s2 dies at 450 ms; two unanswered probes later (probes every 200 ms, 100 ms timeout) it is marked down', () => {
    expect(r.of('fault')).toEqual([expect.objectContaining({ kind: 'node-down', node: 's2', t: 450 })]);
    expect(r.of('lb-health')).toEqual([{ type: 'lb-health', t: 900, node: 'lb', backend: 's2', up: false }]);
  });
  it('the SYN sent to dead s2 before the checks noticed is retried a second later and goes to s3', () => {
    const req8 = r.of('lb-assign').filter((e) => e.flow === 'req8');
    expect(req8.map((e) => [e.connection, e.backend, e.reason])).toEqual([
      [8, 's2', 'algorithm'],
      [13, 's3', 'fallback'],
    ]);
    expect(req8[1]!.t - req8[0]!.t).toBeCloseTo(1000, 6); // the client's initial RTO
    expect(r.summary.flows.req8).toMatchObject({ verifiedBytes: 50_000, completed: true });
  });
  it('the upload s2 was serving when it died is lost: the balancer answers its retransmission with RST', () => {
    const incomplete = Object.entries(r.summary.flows).filter(([, f]: [string, any]) => !f.completed).map(([id]) => id);
    expect(incomplete).toEqual(['req5']);
    expect(r.summary.flows.req5.clientState).toBe('CLOSED');
    for (const [id, f] of Object.entries(r.summary.flows) as Array<[string, any]>) if (id !== 'req5') expect(f.verifiedBytes).toBe(50_000);
  });
});

describe('T16 source hash (t16-source-hash.json)', () => {
  const r = sim('t16-source-hash.json', 'lb-assign');
  const byClient = new Map<string, string[]>();
  for (const e of r.of('lb-assign')) {
    const client = (e.flow as string).split('-')[0]!;
    byClient.set(client, [...(byClient.get(client) ?? []), e.backend]);
  }
  it('every visit of one client lands on the same server', () => {
    expect(byClient.size).toBe(6);
    for (const visits of byClient.values()) expect(visits).toEqual([visits[0], visits[0], visits[0]]);
  });
  it('different clients spread over the servers', () => {
    expect([...byClient.values()].map((v) => v[0])).toEqual(['s1', 's3', 's2', 's3', 's1', 's2']);
    expect(r.summary.balancers.lb).toMatchObject({ assignments: { s1: 6, s2: 6, s3: 6 }, fairness: 1 });
    for (const f of Object.values(r.summary.flows) as any[]) expect(f).toMatchObject({ verifiedBytes: 20_000, completed: true });
  });
});

describe('T16 active/passive failover (t16-failover.json)', () => {
  const r = sim('t16-failover.json', 'failover,lb-assign,fault,tx');
  it('lb2 takes the virtual IP over three heartbeats after lb1 dies, with every connection', () => {
    expect(r.of('fault')).toEqual([expect.objectContaining({ kind: 'node-down', node: 'lb1', t: 1000 })]);
    const [f, ...more] = r.of('failover');
    expect(more).toEqual([]);
    expect(f).toMatchObject({ from: 'lb1', to: 'lb2', vip: '10.0.9.1', missedHeartbeats: 3, connectionsTakenOver: 6 });
    expect(f!.t).toBeGreaterThan(1200);
    expect(f!.t).toBeLessThan(1400);
  });
  it('no accepted connection is lost: every upload delivers all its bytes, verified', () => {
    for (let i = 1; i <= 6; i++) {
      expect(r.summary.flows[`upload${i}`]).toMatchObject({ deliveredBytes: 2_000_000, verifiedBytes: 2_000_000, mismatchedBytes: 0, completed: true });
    }
    expect(r.summary.flows['after-failover']).toMatchObject({ verifiedBytes: 100_000, completed: true });
    expect(r.of('lb-assign').filter((e) => e.node === 'lb2').map((e) => e.flow)).toEqual(['after-failover']);
  });
  it('the heartbeats were real packets on the network, lb1 to lb2, until lb1 died', () => {
    const beats = r.of('tx').filter((e) => e.from === 'lb1' && e.kind === 'udp');
    expect(beats.length).toBeGreaterThanOrEqual(11);
    expect(beats.every((e) => e.t < 1000 && e.link === 'lb1-sw')).toBe(true);
    expect(r.summary.balancers.lb2).toMatchObject({ active: true, failovers: 1, heartbeatsReceived: r.summary.balancers.lb1.heartbeatsSent });
  });
});

describe('T16 scale-up vs scale-out (t16-scale-up-vs-scale-out.json)', () => {
  const r = sim('t16-scale-up-vs-scale-out.json', 'lb-assign,lb-health,fault');
  const flows = (prefix: string) => ['1', '2', '3'].map((n) => r.summary.flows[`${prefix}${n}`] as any);
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const servers = r.summary.servers as Record<string, any>;

  it('before the failure both serve every request; the big server answers each faster, the small ones share the work', () => {
    // 50 requests per client were due before 3000 ms; the big server answered all of them.
    expect(flows('up-u').map((f) => [f.requests, f.responses, f.errors])).toEqual([
      [50, 50, 0],
      [50, 50, 0],
      [50, 50, 0],
    ]);
    // Median latency: 20 ms of work at speed 3 against speed 1 (and two more hops through the balancer).
    for (const f of flows('up-u')) expect(f.latencyMsP50).toBeLessThan(25);
    for (const f of flows('out-o')) expect(f.latencyMsP50).toBeGreaterThan(40);
    // The same CPU work: 150 requests on one fast CPU, or 150 spread over three slow ones before the failure.
    expect(servers.big).toMatchObject({ requests: 150, responses: 150, capacity: 48 });
    expect(servers.big.cpuBusyMs).toBeCloseTo(150 * (20 / 3), -1);
    expect([servers.small1.capacity, servers.small2.capacity, servers.small3.capacity]).toEqual([16, 16, 16]);
    expect(servers.small2).toMatchObject({ requests: 50, responses: 50 });
  });

  it('when one server fails, scale-up loses the whole service and scale-out carries on with two', () => {
    expect(r.of('fault').map((e) => e.node)).toEqual(['big', 'small2']);
    // Nothing answered after 3000 ms on the scale-up side; the scale-out side answered 249 of its 300 requests.
    expect(sum(flows('up-u').map((f) => f.responses))).toBe(150);
    expect(flows('up-u').every((f) => f.clientState === 'SYN_SENT')).toBe(true); // knocking on a dead server
    expect(flows('out-o').map((f) => f.responses)).toEqual([100, 49, 100]);
    expect(sum(flows('out-o').map((f) => f.responses))).toBe(249);
    // small2 had accepted one of o2's requests: that client waits for an answer that never comes.
    expect(r.summary.flows['out-o2']).toMatchObject({ requests: 50, responses: 49, clientState: 'ESTABLISHED', completed: false });
    // Health checks every 250 ms: small2 is marked down at 3350 ms and gets nothing after that.
    expect(r.of('lb-health')).toEqual([expect.objectContaining({ t: 3350, backend: 'small2', up: false })]);
    const late = r.of('lb-assign').filter((e) => e.t > 3350);
    expect(late.length).toBeGreaterThan(50);
    expect(late.map((e) => e.backend)).not.toContain('small2');
    // Requests sent to small2 between its death and the checks' verdict were retried a second later (p95).
    expect(r.summary.flows['out-o1'].latencyMsP95).toBeGreaterThan(1000);
    expect(r.summary.balancers.lb).toMatchObject({ refusals: 0, backendsDown: ['small2'], assignments: { small1: 100, small2: 52, small3: 100 } });
  });
});

describe('T16 a player balances by hand (t16-manual.json)', () => {
  const r = sim('t16-manual.json', 'lb-assign,wait,command');
  it('each new connection waits at the balancer until the player’s command assigns it', () => {
    expect(r.of('wait').map((e) => [e.connection, e.flow, e.kind])).toEqual([
      [1, 'conn1', 'syn'],
      [2, 'conn2', 'syn'],
      [3, 'conn3', 'syn'],
      [4, 'conn4', 'syn'],
    ]);
    expect(r.of('command').map((e) => [e.t, e.action, e.ok])).toEqual([
      [50, 'assign', true],
      [150, 'assign', true],
      [250, 'assign', true],
      [2000, 'algorithm', true],
    ]);
    expect(r.of('lb-assign').map((e) => [e.connection, e.backend, e.reason, e.overloaded])).toEqual([
      [1, 's2', 'player', false],
      [2, 's2', 'player', true], // s2 takes one connection at a time and still had the first
      [3, 's3', 'player', false],
      [4, 's1', 'timeout', false],
      [5, 's1', 'algorithm', false],
      [6, 's2', 'algorithm', false],
    ]);
  });
  it('the connection nobody assigned goes to the least-loaded server 1.5 s after its SYN arrived; every upload completes', () => {
    const waited = r.of('wait').find((e) => e.connection === 4)!;
    expect(r.of('lb-assign').find((e) => e.connection === 4)!.t).toBeCloseTo(waited.t + 1500, 6);
    expect(r.summary.balancers.lb).toMatchObject({ overloads: 1, decisionTimeouts: 1, assignments: { s1: 2, s2: 3, s3: 1 } });
    for (const f of Object.values(r.summary.flows) as any[]) expect(f).toMatchObject({ verifiedBytes: 200_000, completed: true });
  });
});
