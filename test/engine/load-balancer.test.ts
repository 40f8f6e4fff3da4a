// The load balancer (seed: 로드 밸런싱, T16): each algorithm's exact assignment sequence, source-hash
// stickiness, least connections following closes, capacity and health, manual assignment and the bot
// fallback, NAT rewriting, and the scenario checks.

import { describe, expect, it } from 'vitest';
import { build, run } from './helpers.ts';
import { LoadBalancer } from '../../shared/protocols/net/load-balancer.ts';
import { sourceHashBucket, jainFairness } from '../../shared/protocols/net/lb-scheduler.ts';
import { parseIp } from '../../shared/protocols/net/addresses.ts';
import type { Packet } from '../../shared/protocols/net/packet.ts';
import { loadScenario } from '../../shared/scenario/load.ts';
import { farm, conn, VIP } from './lb-helpers.ts';

const assigned = (r: { of(t: 'lb-assign'): any[] }) => r.of('lb-assign').map((e) => e.backend);

describe('round robin', () => {
  it('deals new connections to the backends in list order, wrapping around', () => {
    const flows = Array.from({ length: 7 }, (_, i) => conn(`f${i}`, `c${(i % 3) + 1}`, i * 20));
    const r = run(farm({ flows, lb: { algorithm: 'round-robin' } }), ['lb-assign']);
    expect(assigned(r)).toEqual(['s1', 's2', 's3', 's1', 's2', 's3', 's1']);
    expect(r.of('lb-assign').map((e) => e.connection)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(r.of('lb-assign')[0]).toMatchObject({ node: 'lb', client: '10.0.0.1:49152', algorithm: 'round-robin', reason: 'algorithm', flow: 'f0' });
    const s = r.engine.summary();
    for (const f of Object.values(s.flows)) expect(f).toMatchObject({ verifiedBytes: 20_000, mismatchedBytes: 0, completed: true });
    expect(s.balancers!.lb).toMatchObject({ assignments: { s1: 3, s2: 2, s3: 2 }, refusals: 0, overloads: 0 });
  });

  it("names in each connection's TCP events the node that end lives on: the client, and the backend that took it", () => {
    const flows = Array.from({ length: 4 }, (_, i) => conn(`f${i}`, `c${(i % 3) + 1}`, i * 20));
    const r = run(farm({ flows, lb: { algorithm: 'round-robin' } }), ['lb-assign', 'state', 'send', 'ack']);
    const backendOf = new Map(r.of('lb-assign').map((e) => [e.flow, e.backend]));
    expect([...backendOf]).toEqual([
      ['f0', 's1'],
      ['f1', 's2'],
      ['f2', 's3'],
      ['f3', 's1'],
    ]);
    for (const type of ['state', 'send', 'ack'] as const) {
      const nodes = new Set(r.of(type).map((e) => `${e.flow} ${e.side} ${e.node}`));
      expect([...nodes].sort(), type).toEqual(['f0 client c1', 'f0 server s1', 'f1 client c2', 'f1 server s2', 'f2 client c3', 'f2 server s3', 'f3 client c1', 'f3 server s1']);
    }
  });

  it('passes over a backend its health checks found down (the next one takes its turn)', () => {
    const flows = Array.from({ length: 5 }, (_, i) => conn(`f${i}`, 'c1', 1000 + i * 20));
    const r = run(farm({ flows, lb: { algorithm: 'round-robin' }, faults: [{ kind: 'node-down', node: 's2', atMs: 0 }] }), ['lb-assign']);
    expect(assigned(r)).toEqual(['s1', 's3', 's1', 's3', 's1']);
    expect(r.of('lb-assign').map((e) => e.reason)).toEqual(['algorithm', 'fallback', 'algorithm', 'fallback', 'algorithm']);
    expect(r.of('lb-assign')[1]!.skipped).toEqual(['s2']);
    for (const f of Object.values(r.engine.summary().flows)) expect(f.completed).toBe(true);
  });
});

describe('least connections', () => {
  it('picks the backend with the fewest open connections, and follows closes', () => {
    const flows = [
      conn('long', 'c1', 0, null), // never ends: s1 keeps one connection
      conn('short', 'c2', 10, 5_000), // s2, closes within ~100 ms
      conn('after-close', 'c3', 1000, null), // s1 has 1, s2 has 0 again → s2
      conn('tie', 'c1', 1100, 5_000), // 1 and 1 → the first, s1
    ];
    const r = run(farm({ backends: 2, flows, lb: { algorithm: 'least-connections' } }), ['lb-assign']);
    expect(assigned(r)).toEqual(['s1', 's2', 's2', 's1']);
    const rr = run(farm({ backends: 2, flows, lb: { algorithm: 'round-robin' } }), ['lb-assign']);
    expect(assigned(rr)).toEqual(['s1', 's2', 's1', 's2']);
    expect(r.engine.balancer('lb')!.backends.map((b) => b.open)).toEqual([1, 1]);
  });
});

describe('source hash', () => {
  const flows = [1, 2, 3, 4, 5, 6].flatMap((c, i) => [conn(`a${c}`, `c${c}`, i * 30), conn(`b${c}`, `c${c}`, 500 + i * 30)]);
  const r = run(farm({ clients: 6, flows, lb: { algorithm: 'source-hash' } }), ['lb-assign']);
  const byClient = new Map<string, string[]>();
  for (const e of r.of('lb-assign')) {
    const ip = (e.client as string).split(':')[0]!;
    byClient.set(ip, [...(byClient.get(ip) ?? []), e.backend as string]);
  }

  it('sends the same client to the same backend every time', () => {
    expect(byClient.size).toBe(6);
    for (const backends of byClient.values()) expect(new Set(backends).size).toBe(1);
  });

  it('lands where IPVS hashing puts it (hash_32 bucket, buckets dealt in list order), and spreads clients', () => {
    for (const [ip, backends] of byClient) expect(backends[0]).toBe(`s${(sourceHashBucket(parseIp(ip)!) % 3) + 1}`);
    expect(new Set([...byClient.values()].map((b) => b[0])).size).toBeGreaterThan(1);
  });

  it('moves a client to the next bucket’s backend while its own is down, and back when it returns', () => {
    const ip = parseIp('10.0.0.1')!;
    const home = (sourceHashBucket(ip) % 3) + 1;
    const next = (((sourceHashBucket(ip) + 1) % 256) % 3) + 1;
    const flows2 = [conn('x1', 'c1', 1000), conn('x2', 'c1', 2200)];
    const r2 = run(farm({ flows: flows2, lb: { algorithm: 'source-hash' }, faults: [{ kind: 'node-down', node: `s${home}`, atMs: 0, untilMs: 1600 }] }), ['lb-assign']);
    expect(assigned(r2)).toEqual([`s${next}`, `s${home}`]);
    expect(r2.of('lb-assign')[0]).toMatchObject({ reason: 'fallback', skipped: [`s${home}`] });
  });
});

describe('capacity and health', () => {
  it('a full backend is passed over; when every backend is full the SYN is answered with RST', () => {
    const flows = [conn('a', 'c1', 0, null), conn('b', 'c2', 10, null), conn('c', 'c3', 20, null)];
    const r = run(farm({ backends: 2, flows, lb: { backends: [{ node: 's1', capacity: 1 }, { node: 's2', capacity: 1 }], algorithm: 'round-robin' } }), [
      'lb-assign',
      'state',
    ]);
    expect(assigned(r)).toEqual(['s1', 's2', null]);
    expect(r.of('lb-assign')[2]).toMatchObject({ reason: 'no-backend', skipped: ['s1', 's2'], flow: 'c' });
    // The client's SYN met a RST: its connection is closed at once, not left retrying.
    expect(r.of('state').filter((e) => e.flow === 'c' && e.side === 'client').map((e) => e.to)).toEqual(['SYN_SENT', 'CLOSED']);
    expect(r.engine.summary().balancers!.lb).toMatchObject({ refusals: 1, open: { s1: 1, s2: 1 } });
  });

  it('a backend that is down gets nothing once the health checks have seen it', () => {
    const flows = Array.from({ length: 6 }, (_, i) => conn(`f${i}`, `c${(i % 3) + 1}`, 1000 + i * 20));
    for (const algorithm of ['round-robin', 'least-connections', 'source-hash']) {
      const r = run(farm({ flows, lb: { algorithm }, faults: [{ kind: 'node-down', node: 's1', atMs: 0 }] }), ['lb-assign']);
      expect(assigned(r)).not.toContain('s1');
      expect(assigned(r)).toHaveLength(6);
      expect(r.engine.summary().balancers!.lb!.assignments.s1).toBe(0);
    }
  });
});

describe('health checks', () => {
  it('probe every backend with a TCP SYN; two unanswered probes mark it down, one answer up again', () => {
    const r = run(farm({ faults: [{ kind: 'node-down', node: 's3', atMs: 100, untilMs: 1800 }], durationMs: 3000 }), ['lb-health', 'tx']);
    // Probes at 0, 500, 1000, ... (200 ms timeout): the ones at 500 and 1000 go unanswered.
    expect(r.of('lb-health')).toEqual([
      { type: 'lb-health', t: 1200, node: 'lb', backend: 's3', up: false },
      { type: 'lb-health', t: expect.closeTo(2008.2, 0), node: 'lb', backend: 's3', up: true },
    ]);
    const probes = r.of('tx').filter((e) => e.from === 'lb' && e.link === 'lb-sw' && e.kind === 'syn');
    expect(probes.filter((e) => e.t === 0)).toHaveLength(3);
    expect(probes).toHaveLength(3 * 7); // 0, 500, ..., 3000 ms
    // A live backend answers with SYN-ACK (nothing listens on port 80: RST); the balancer's answer to a SYN-ACK is RST.
    expect(r.engine.summary().balancers!.lb!).toMatchObject({ healthChecksSent: 21, backendsDown: [] });
  });

  it('a server that dies still gets connections until its checks fail; the SYN retried after that goes to a live one', () => {
    const flows = [conn('a', 'c1', 300), conn('b', 'c2', 320), conn('c', 'c3', 340), conn('d', 'c1', 1300)];
    const r = run(farm({ flows, faults: [{ kind: 'node-down', node: 's2', atMs: 100 }] }), ['lb-assign']);
    // b's SYN is lost at dead s2; marked down at 700 ms, s2 loses b's entry when b retries at 1320 ms.
    expect(r.of('lb-assign').map((e) => [e.flow, e.backend, e.reason])).toEqual([
      ['a', 's1', 'algorithm'],
      ['b', 's2', 'algorithm'],
      ['c', 's3', 'algorithm'],
      ['d', 's1', 'algorithm'],
      ['b', 's3', 'fallback'],
    ]);
    for (const f of Object.values(r.engine.summary().flows)) expect(f).toMatchObject({ verifiedBytes: 20_000, completed: true });
  });

  it('an established connection to a server found dead is answered with RST, so its client gives up at once', () => {
    const flows = [conn('x', 'c1', 0, null), conn('y', 'c2', 10, null)];
    const r = run(farm({ backends: 2, flows, faults: [{ kind: 'node-down', node: 's2', atMs: 300 }] }), ['lb-health', 'state']);
    expect(r.of('lb-health')).toEqual([expect.objectContaining({ t: 1200, backend: 's2', up: false })]);
    const y = r.of('state').filter((e) => e.flow === 'y' && e.side === 'client');
    expect(y.map((e) => e.to)).toEqual(['SYN_SENT', 'ESTABLISHED', 'CLOSED']);
    expect(y[2]!.t).toBeGreaterThan(1200);
    expect(y[2]!.t).toBeLessThan(4000);
    expect(r.engine.summary().flows.x!.clientState).toBe('ESTABLISHED');
  });

  it('with healthCheckMs 0 the balancer never checks and keeps sending to a dead server', () => {
    const flows = [conn('a', 'c1', 1000), conn('b', 'c2', 1020)];
    const r = run(farm({ flows, lb: { healthCheckMs: 0 }, faults: [{ kind: 'node-down', node: 's1', atMs: 0 }] }), ['lb-assign']);
    expect(assigned(r)).toEqual(['s1', 's2']);
    expect(r.engine.summary().balancers!.lb!.healthChecksSent).toBe(0);
  });
});

describe('manual assignment', () => {
  const manual = (flows: unknown[]) => farm({ flows, lb: { algorithm: 'manual', controller: 'player', decisionTimeoutMs: 2000 } });

  it('a new connection waits until a command assigns it; the flow then completes on that backend', () => {
    const engine = build(manual([conn('f', 'c1', 0)]));
    const waits: any[] = [];
    const assigns: any[] = [];
    engine.subscribe(['wait', 'lb-assign'], (e) => (e.type === 'wait' ? waits : assigns).push(e));
    engine.runUntilMs(100);
    expect(waits).toEqual([expect.objectContaining({ node: 'lb', connection: 1, client: '10.0.0.1:49152', kind: 'syn', queue: 1 })]);
    expect(engine.balancer('lb')!.waiting).toEqual([{ connection: 1, client: '10.0.0.1:49152', flow: 'f', sinceMs: expect.any(Number) }]);
    // The waiting SYN can be opened in the packet inspector.
    const [syn] = engine.waitingAt('lb');
    expect(syn!.id).toBe(waits[0].packet);
    expect(engine.inspect(syn!.id)!.layers.map((l) => l.protocol)).toEqual(['Ethernet II', 'IPv4', 'TCP']);
    expect(engine.packetsInNetwork()).toContain(syn);
    expect(engine.assignConnection('lb', 1, 's3')).toEqual({ ok: true });
    expect(engine.waitingAt('lb')).toEqual([]);
    engine.runUntilMs(5000);
    expect(assigns).toEqual([expect.objectContaining({ connection: 1, backend: 's3', reason: 'player', algorithm: 'manual', overloaded: false })]);
    expect(engine.summary().flows.f).toMatchObject({ verifiedBytes: 20_000, completed: true });
    expect(engine.balancer('lb')!.backends.map((b) => b.assigned)).toEqual([0, 0, 1]);
  });

  it('bad commands are refused with a reason and change nothing', () => {
    const engine = build({ ...manual([conn('f', 'c1', 0)]), faults: [{ kind: 'node-down', node: 's1', atMs: 0 }] });
    engine.runUntilMs(900);
    expect(engine.assignConnection('r', 1, 's1')).toEqual({ ok: false, reason: 'r is not a load balancer' });
    expect(engine.assignConnection('nope', 1, 's1').ok).toBe(false);
    expect(engine.assignConnection('lb', 99, 's1')).toEqual({ ok: false, reason: 'connection 99 is not waiting at lb', why: { code: 'connection-gone', connection: 99, node: 'lb' } });
    expect(engine.assignConnection('lb', 1, 'c2')).toEqual({ ok: false, reason: 'c2 is not a backend of lb' });
    expect(engine.assignConnection('lb', Number.NaN, 's1').ok).toBe(false);
    expect(engine.setBalancerAlgorithm('lb', 'random' as any)).toEqual({ ok: false, reason: 'unknown algorithm "random"' });
    expect(engine.setBalancerAlgorithm('c1', 'round-robin')).toEqual({ ok: false, reason: 'c1 is not a load balancer' });
    expect(engine.balancer('c1')).toBeUndefined();
    expect(engine.balancer('lb')!.waiting).toHaveLength(1);
    expect(engine.assignConnection('lb', 1, 's1')).toEqual({ ok: false, reason: 's1 is down', why: { code: 'node-down', node: 's1' } });
    expect(engine.balancer('lb')!.backends.map((b) => b.up)).toEqual([false, true, true]);
  });

  it('an assignment over capacity is allowed and counted as an overload', () => {
    const engine = build(farm({ flows: [conn('a', 'c1', 0, null), conn('b', 'c2', 0, null)], lb: { algorithm: 'manual', controller: 'player', backends: [{ node: 's1', capacity: 1 }, 's2'] } }));
    engine.runUntilMs(100);
    expect(engine.assignConnection('lb', 1, 's1').ok).toBe(true);
    expect(engine.assignConnection('lb', 2, 's1').ok).toBe(true);
    engine.runUntilMs(500);
    expect(engine.summary().balancers!.lb).toMatchObject({ overloads: 1, open: { s1: 2, s2: 0 } });
  });

  it('a connection nobody assigns is given to the least-loaded backend by a bot after the timeout', () => {
    const r = run(manual([conn('f', 'c1', 0), conn('g', 'c2', 10)]), ['lb-assign', 'wait']);
    expect(r.of('wait').map((e) => e.connection)).toEqual([1, 2]);
    const a = r.of('lb-assign');
    expect(a.map((e) => [e.connection, e.backend, e.reason])).toEqual([
      [1, 's1', 'timeout'],
      [2, 's2', 'timeout'],
    ]);
    expect(a[0]!.t).toBeCloseTo(r.of('wait')[0]!.t + 2000, 6);
    expect(r.engine.summary().balancers!.lb!.decisionTimeouts).toBe(2);
    for (const f of Object.values(r.engine.summary().flows)) expect(f.completed).toBe(true);
  });

  it('switching away from manual assigns the waiting connections by the new algorithm', () => {
    const engine = build(manual([conn('f', 'c1', 0), conn('g', 'c2', 0)]));
    const assigns: any[] = [];
    engine.subscribe(['lb-assign'], (e) => assigns.push(e));
    engine.runUntilMs(100);
    expect(engine.setBalancerAlgorithm('lb', 'round-robin')).toEqual({ ok: true });
    expect(assigns.map((e) => [e.backend, e.reason])).toEqual([
      ['s1', 'algorithm'],
      ['s2', 'algorithm'],
    ]);
    expect(engine.balancer('lb')!.waiting).toEqual([]);
  });

  it('a session’s balancer commands are logged and replay from the scenario file to the same trace', () => {
    const s = manual([conn('f', 'c1', 0), conn('g', 'c2', 10), conn('h', 'c3', 400)]);
    const types = ['lb-assign', 'wait', 'command', 'state'] as const;
    const engine = build(s);
    const live: unknown[] = [];
    engine.subscribe(types, (e) => live.push(e));
    engine.runUntilMs(100);
    expect(engine.assignConnection('lb', 2, 's2').ok).toBe(true);
    expect(engine.assignConnection('lb', 2, 's2').ok).toBe(false); // not waiting any more: refused, not logged
    engine.runUntilMs(200);
    expect(engine.assignConnection('lb', 1, 's3').ok).toBe(true);
    expect(engine.setBalancerAlgorithm('lb', 'least-connections').ok).toBe(true);
    engine.runUntilMs(5000);
    expect(engine.commandLog).toEqual([
      { action: 'assign', node: 'lb', connection: 2, backend: 's2', atMs: 100 },
      { action: 'assign', node: 'lb', connection: 1, backend: 's3', atMs: 200 },
      { action: 'algorithm', node: 'lb', algorithm: 'least-connections', atMs: 200 },
    ]);
    const replay = run({ ...s, commands: engine.commandLog }, types);
    // The same run, less the refused command (refused commands change nothing and are not logged).
    const applied = live.filter((e: any) => e.type !== 'command' || e.ok);
    expect(applied).toHaveLength(live.length - 1);
    expect(JSON.stringify(replay.events)).toBe(JSON.stringify(applied));
    expect(replay.of('command').map((e) => [e.action, e.ok])).toEqual([['assign', true], ['assign', true], ['algorithm', true]]);
    expect(replay.of('lb-assign').map((e) => [e.flow, e.backend, e.reason])).toEqual([
      ['g', 's2', 'player'],
      ['f', 's3', 'player'],
      ['h', 's1', 'algorithm'],
    ]);
  });

  it('a bot in charge of a manual balancer decides at once (least connections)', () => {
    const r = run(farm({ flows: [conn('f', 'c1', 0)], lb: { algorithm: 'manual' } }), ['lb-assign']);
    expect(r.of('lb-assign').map((e) => [e.backend, e.reason])).toEqual([['s1', 'bot']]);
  });
});

describe('NAT forwarding', () => {
  it('rewrites the destination to the backend on the way in and the source to the VIP on the way out', () => {
    const engine = build(farm({ flows: [conn('f', 'c1', 0)] }));
    const seen = { atServer: [] as Array<[number, number]>, atClient: [] as Array<[number, number]> };
    const tap = (id: string, into: Array<[number, number]>) => {
      const node = engine.network.nodes.get(id)!;
      const receive = node.receive.bind(node);
      node.receive = (p: Packet, via) => {
        if (p.tcp !== null && p.flowId === 'f') into.push([p.ip.src, p.ip.dst]);
        receive(p, via);
      };
    };
    tap('s1', seen.atServer);
    tap('c1', seen.atClient);
    engine.runUntilMs(2000);
    const ip = (name: string) => engine.network.nodes.get(name)!.ip;
    const vip = parseIp(VIP)!;
    expect(seen.atServer.length).toBeGreaterThan(10);
    expect(seen.atServer.every(([src, dst]) => src === ip('c1') && dst === ip('s1'))).toBe(true);
    expect(seen.atClient.every(([src, dst]) => src === vip && dst === ip('c1'))).toBe(true);
    expect(engine.summary().flows.f).toMatchObject({ verifiedBytes: 20_000, completed: true, serverState: 'CLOSED' });
  });

  it('a balancer that lost its table (down and back up) answers the old connection with RST from the VIP', () => {
    const r = run(farm({ flows: [conn('f', 'c1', 0, null)], faults: [{ kind: 'node-down', node: 'lb', atMs: 100, untilMs: 110 }] }), ['state', 'lb-assign']);
    expect(assigned(r)).toEqual(['s1']);
    const client = r.of('state').filter((e) => e.side === 'client').map((e) => e.to);
    expect(client).toEqual(['SYN_SENT', 'ESTABLISHED', 'CLOSED']);
    expect(r.engine.summary().flows.f!.completed).toBe(false);
  });

  it('the table forgets closed connections after closeLingerMs', () => {
    const engine = build(farm({ flows: [conn('f', 'c1', 0)], lb: { closeLingerMs: 1000 } }));
    const lb = engine.network.nodes.get('lb') as LoadBalancer;
    engine.runUntilMs(300);
    expect(lb.table.size).toBe(1);
    engine.runUntilMs(3000);
    expect(lb.table.size).toBe(0);
    expect(engine.summary().balancers!.lb!.connections).toBe(0);
  });

  it('connections idle past idleTimeoutMs are forgotten', () => {
    const engine = build(farm({ flows: [{ ...conn('f', 'c1', 0, null), stopMs: 100000 }], lb: { idleTimeoutMs: 500 } }));
    const lb = engine.network.nodes.get('lb') as LoadBalancer;
    engine.runUntilMs(200);
    expect(lb.table.size).toBe(1);
    // Cut the client off: no packet crosses the balancer any more.
    engine.injectFault({ kind: 'link-down', link: 'c1-r', atMs: 200, untilMs: null });
    engine.runUntilMs(1500);
    expect(lb.table.size).toBe(0);
  });
});

describe('damaged segments', () => {
  it('a corrupted segment is dropped at the balancer (IP or TCP checksum) and TCP recovers it', () => {
    const s = farm({ flows: [conn('f', 'c1', 0, 200_000)] });
    s.links.find((l: any) => l.id === 'r-lb').corruption = { 'r->lb': 0.05 };
    const r = run(s, ['drop']);
    const atLb = r.of('drop').filter((e) => e.node === 'lb');
    expect(atLb.length).toBeGreaterThan(3);
    expect(atLb.every((e) => e.reason === 'checksum')).toBe(true);
    expect(r.of('drop').filter((e) => e.node === 's1' && e.reason === 'checksum')).toEqual([]);
    expect(r.engine.summary().flows.f).toMatchObject({ verifiedBytes: 200_000, mismatchedBytes: 0, completed: true });
  });
});

describe('fairness figure', () => {
  it('is Jain’s index of the assignments', () => {
    expect(jainFairness([2, 2, 2])).toBe(1);
    expect(jainFairness([6, 0, 0])).toBeCloseTo(1 / 3, 12);
    expect(jainFairness([0, 0])).toBe(1);
  });
});

describe('scenario checks', () => {
  const errors = (s: unknown) => {
    const r = loadScenario(s);
    return r.ok ? [] : r.errors;
  };
  it('accepts the farm, and names the field of each mistake', () => {
    expect(errors(farm({}))).toEqual([]);
    expect(errors(farm({ pair: true }))).toEqual([]);
    const noVip = farm({});
    delete noVip.nodes[4].vip;
    expect(errors(noVip)).toEqual(['nodes[4].vip: a loadbalancer needs a virtual IP address']);
    expect(errors(farm({ lb: { vip: '10.0.0.1' } }))).toEqual(['nodes[4].vip: 10.0.0.1 is the address of node "c1"']);
    expect(errors(farm({ lb: { backends: ['s1', 'nope'] } }))).toEqual(['nodes[4].backends[1]: no node with id "nope"']);
    expect(errors(farm({ lb: { backends: ['s1', 'r'] } }))).toEqual(['nodes[4].backends[1]: "r" is a router and cannot serve connections']);
    expect(errors(farm({ lb: { algorithm: 'random' } }))[0]).toMatch(/^nodes\[4\]\.algorithm: /);
    const bothActive = farm({ pair: true });
    bothActive.nodes[5].role = 'active';
    expect(errors(bothActive)).toContain('nodes[4].role: "lb1" and its pair "lb2" are both active; one must be active, the other passive');
    expect(errors(farm({ flows: [{ id: 'u', from: 'c1', to: 'lb', transport: 'udp' }] }))).toEqual([
      'flows[0].to: "lb" is a loadbalancer; only TCP flows (bulk, http, https) can connect to its virtual IP',
    ]);
    expect(errors(farm({ flows: [{ id: 'x', from: 'lb', to: 'c1', transport: 'tcp' }] }))[0]).toMatch(/^flows\[0\]\.from: "lb" is a loadbalancer/);
    expect(errors({ ...farm({}), commands: [{ action: 'assign', atMs: 5, node: 'r', connection: 1, backend: 's1' }] })).toEqual(['commands[0].node: "r" is not a loadbalancer']);
    expect(errors({ ...farm({}), commands: [{ action: 'algorithm', atMs: 5, node: 'lb', algorithm: 'round-robin' }] })).toEqual([]);
    expect(errors({ ...farm({}), commands: [{ action: 'forward', atMs: 5, node: 'lb', packet: 1, link: 'r-lb' }] })).toEqual(['commands[0].node: "lb" is not a player-controlled router']);
  });

  it('a pair named on one side only is a pair; the passive one inherits vip, backends and algorithm', () => {
    const s = farm({ pair: true, lb: { algorithm: 'source-hash' } });
    delete s.nodes[4].pair;
    delete s.nodes[4].role;
    delete s.nodes[5].role;
    const r = loadScenario(s);
    expect(r.ok).toBe(true);
    const [lb1, lb2] = (r as any).scenario.nodes.slice(4, 6);
    expect(lb1).toMatchObject({ pair: 'lb2', role: 'active', vip: VIP, algorithm: 'source-hash' });
    expect(lb2).toMatchObject({ pair: 'lb1', role: 'passive', vip: VIP, algorithm: 'source-hash', backends: lb1.backends });
  });
});
