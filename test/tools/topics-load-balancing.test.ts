// The load-balancing topic scenarios (T16, scenarios/topics/t16-*.json), each run through the `sim`
// command as a teacher or tool would, checking the facts the scenario exists to show.

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;

interface Run {
  events: Array<Record<string, any>>;
  summary: Record<string, any>;
  of(type: string): Array<Record<string, any>>;
}

function sim(file: string, trace: string): Run {
  const r = spawnSync(process.execPath, ['tools/sim.ts', `scenarios/topics/${file}`, '--trace', trace], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`sim ${file} failed (${r.status}): ${r.stderr}`);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const summary = lines.pop()!;
  expect(summary.type).toBe('summary');
  return { events: lines, summary, of: (type) => lines.filter((e) => e.type === type) };
}

describe('T16 round robin (t16-round-robin.json)', () => {
  const r = sim('t16-round-robin.json', 'lb-assign,lb-health,fault');
  it('deals the connections in turn; once the health checks see s2 dead, its turn passes to the next', () => {
    expect(r.of('lb-assign').map((e) => e.backend)).toEqual(['s1', 's2', 's3', 's1', 's2', 's3', 's1', 's2', 's3', 's1', 's3', 's1']);
    expect(r.of('lb-assign').map((e) => e.reason)).toEqual([...Array(10).fill('algorithm'), 'fallback', 'algorithm']);
    expect(r.of('lb-assign')[10]).toMatchObject({ flow: 'req11', skipped: ['s2'], client: '10.0.0.2:49162' });
    expect(r.summary.balancers.lb).toMatchObject({ algorithm: 'round-robin', assignments: { s1: 5, s2: 3, s3: 4 }, refusals: 0, backendsDown: ['s2'] });
  });
  it('s2 dies at 450 ms; two unanswered probes later (probes every 200 ms, 100 ms timeout) it is marked down', () => {
    expect(r.of('fault')).toEqual([expect.objectContaining({ kind: 'node-down', node: 's2', t: 450 })]);
    expect(r.of('lb-health')).toEqual([{ type: 'lb-health', t: 900, node: 'lb', backend: 's2', up: false }]);
  });
  it('the download s2 was serving and the one sent to it before the checks noticed are lost; all others complete', () => {
    const incomplete = Object.entries(r.summary.flows).filter(([, f]: [string, any]) => !f.completed).map(([id]) => id);
    expect(incomplete).toEqual(['req5', 'req8']);
    for (const [id, f] of Object.entries(r.summary.flows) as Array<[string, any]>) if (!incomplete.includes(id)) expect(f.verifiedBytes).toBe(50_000);
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
  it('no accepted connection is lost: every download delivers all its bytes, verified', () => {
    for (let i = 1; i <= 6; i++) {
      expect(r.summary.flows[`download${i}`]).toMatchObject({ deliveredBytes: 2_000_000, verifiedBytes: 2_000_000, mismatchedBytes: 0, completed: true });
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
  const flows = (prefix: string) => Object.entries(r.summary.flows).filter(([id]) => id.startsWith(prefix)).map(([, f]) => f as any);
  const before = (prefix: string) => flows(prefix).slice(0, 15); // over before the failure at 2300 ms
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

  it('before the failure both set-ups serve every request; the one big server serves each faster', () => {
    for (const prefix of ['up', 'out']) expect(before(prefix).every((f) => f.completed && f.verifiedBytes === 300_000)).toBe(true);
    const up = mean(before('up').map((f) => f.goodputBps));
    const out = mean(before('out').map((f) => f.goodputBps));
    expect(up).toBeGreaterThan(15e6); // one 30 Mbit/s server, requests rarely overlap
    expect(out).toBeGreaterThan(6e6); // each request on one 10 Mbit/s server
    expect(out).toBeLessThan(up);
  });

  it('when one server fails, scale-up loses the whole service and scale-out only what that server got', () => {
    const done = (prefix: string) => flows(prefix).filter((f) => f.completed).length;
    expect(done('up')).toBe(15);
    expect(done('out')).toBe(29);
    expect(r.summary.flows.out17.completed).toBe(false); // sent to small2 before the health checks noticed
    const served = (prefix: string) => flows(prefix).reduce((a, f) => a + f.deliveredBytes, 0);
    expect(served('out')).toBeGreaterThan(1.9 * served('up'));
    // Health checks every 250 ms: small2 is marked down 550 ms after it died, and gets nothing after that.
    expect(r.of('lb-health')).toEqual([expect.objectContaining({ t: 2850, backend: 'small2', up: false })]);
    const afterFault = r.of('lb-assign').filter((e) => e.t > 2300);
    expect(afterFault.map((e) => e.backend).filter((b) => b === 'small2')).toHaveLength(1);
    expect(afterFault.filter((e) => e.t > 2850).map((e) => e.backend)).not.toContain('small2');
    expect(r.summary.balancers.lb).toMatchObject({ refusals: 0, assignments: { small1: 13, small2: 6, small3: 11 }, backendsDown: ['small2'] });
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
  it('the connection nobody assigned goes to the least-loaded server 1.5 s after its SYN arrived; every download completes', () => {
    const waited = r.of('wait').find((e) => e.connection === 4)!;
    expect(r.of('lb-assign').find((e) => e.connection === 4)!.t).toBeCloseTo(waited.t + 1500, 6);
    expect(r.summary.balancers.lb).toMatchObject({ overloads: 1, decisionTimeouts: 1, assignments: { s1: 2, s2: 3, s3: 1 } });
    for (const f of Object.values(r.summary.flows) as any[]) expect(f).toMatchObject({ verifiedBytes: 200_000, completed: true });
  });
});
