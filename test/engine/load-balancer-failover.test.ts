// An active/passive balancer pair (seed: 로드 밸런서 장애 대비 — Active 상태와 Passive 상태): heartbeats are
// real datagrams carrying the connection table, the passive balancer takes the VIP over within a
// bounded number of missed heartbeats, and no accepted connection is lost.

import { describe, expect, it } from 'vitest';
import { build, run } from './helpers.ts';
import { farm, conn, VIP, balancerOf } from './lb-helpers.ts';
import { parseHeartbeat, LB_SYNC_PORT } from '../../shared/protocols/net/lb-sync.ts';
import { encodeHeartbeat } from '../../shared/protocols/net/lb-sync.ts';
import type { TraceEvent } from '../../shared/protocols/sim/trace.ts';

const KILL_MS = 300;
// Receive windows of 16 KB and 100 Mbit/s links around the balancers keep the queues short, so the late
// SYN reaches lb1 before it dies.
const flows = [
  ...Array.from({ length: 6 }, (_, i) => ({ ...conn(`f${i}`, `c${(i % 3) + 1}`, i * 20, 400_000, 'lb1'), rwndBytes: 16_384 })),
  conn('late', 'c1', KILL_MS - 40, 200_000, 'lb1'), // accepted just before the active one dies
  conn('after', 'c2', 2000, 100_000, 'lb1'), // a new connection once the passive one has taken over
];
const scenario = farm({ pair: true, flows, faults: [{ kind: 'node-down', node: 'lb1', atMs: KILL_MS }], durationMs: 20_000, coreBps: 100_000_000 });

describe('failover', () => {
  const r = run(scenario, ['failover', 'lb-assign', 'fault', 'tx']);

  it('the passive balancer takes over after failoverHeartbeats missed heartbeats, within a bounded time', () => {
    const [f, ...more] = r.of('failover');
    expect(more).toEqual([]);
    expect(f).toMatchObject({ from: 'lb1', to: 'lb2', vip: VIP, missedHeartbeats: 3 });
    // Heartbeats every 100 ms, 3 missed: the takeover comes at most 4 intervals after the kill.
    expect(f!.t).toBeGreaterThan(KILL_MS + 200);
    expect(f!.t).toBeLessThanOrEqual(KILL_MS + 400);
  });

  it('no accepted connection is lost: every flow delivers every byte, verified', () => {
    const s = r.engine.summary();
    for (const [id, flow] of Object.entries(s.flows)) {
      const bytes = flows.find((x) => x.id === id)!.bytes;
      expect(flow, id).toMatchObject({ deliveredBytes: bytes, verifiedBytes: bytes, mismatchedBytes: 0, completed: true });
    }
    // The passive one had all seven accepted connections in its table when it took over.
    expect(r.of('failover')[0]!.connectionsTakenOver).toBe(7);
  });

  it('the connections keep their backends; new ones are assigned by the new active balancer', () => {
    const a = r.of('lb-assign');
    expect(a.filter((e) => e.node === 'lb1').map((e) => e.backend)).toEqual(['s1', 's2', 's3', 's1', 's2', 's3', 's1']);
    const late = a.find((e) => e.flow === 'late')!;
    expect(late.t).toBeGreaterThan(KILL_MS - 30);
    expect(late.t).toBeLessThan(KILL_MS);
    expect(a.filter((e) => e.node === 'lb2').map((e) => [e.flow, e.backend])).toEqual([['after', 's1']]);
    // After the takeover every packet for the VIP crosses the link to lb2, none the one to lb1.
    const t = r.of('failover')[0]!.t;
    const toLb = (link: string) => r.of('tx').filter((e) => e.t > t && e.link === link && e.from === 'r');
    expect(toLb('r-lb1')).toEqual([]);
    expect(toLb('r-lb2').length).toBeGreaterThan(100);
  });

  it('heartbeats are real UDP datagrams from lb1 to lb2, every heartbeatMs, carrying the table changes', () => {
    const s = r.engine.summary().balancers!;
    expect(s.lb1).toMatchObject({ role: 'active', active: false, syncEntriesSent: expect.any(Number) });
    expect(s.lb2).toMatchObject({ role: 'active', active: true, failovers: 1 });
    expect(s.lb2!.syncEntriesReceived).toBeGreaterThanOrEqual(7);
    expect(s.lb2!.heartbeatsReceived).toBe(s.lb1!.heartbeatsSent);
    // Periodic heartbeats leave lb1 at 0, 100, 200 ms (sync datagrams may come in between).
    const fromLb1 = r.of('tx').filter((e) => e.from === 'lb1' && e.link === 'lb1-sw' && e.kind === 'udp');
    for (const at of [0, 100, 200]) expect(fromLb1.some((e) => e.t === at)).toBe(true);
    expect(fromLb1.every((e) => e.t < KILL_MS)).toBe(true);
  });

  it('the passive balancer forwards nothing and does not answer for the VIP before the failover', () => {
    const t = r.of('failover')[0]!.t;
    // (Its own health checks and heartbeats aside: they belong to no flow.)
    expect(r.of('tx').filter((e) => e.t < t && e.from === 'lb2' && e.flow !== null)).toEqual([]);
  });

  it('every packet is accounted for: created = dropped + consumed + still in the network, at every step', () => {
    const engine = build(scenario);
    for (let t = 100; t <= 20_000; t += 100) {
      engine.runUntilMs(t);
      const p = engine.summary().packets;
      expect(p.created + p.duplicated).toBe(p.dropped + p.consumed + engine.packetsInNetwork().length);
    }
  });

  it('is deterministic', () => {
    const again = run(scenario, ['failover', 'lb-assign', 'fault', 'tx']);
    expect(JSON.stringify(again.events)).toBe(JSON.stringify(r.events));
  });
});

describe('heartbeat datagrams', () => {
  it('open in the inspector as a VRRP advertisement with IPVS sync entries', () => {
    const engine = build(farm({ pair: true, flows: [conn('f', 'c1', 0, 50_000, 'lb1')] }));
    const seen: TraceEvent[] = [];
    engine.subscribe(['tx'], (e) => seen.push(e));
    let layer: any;
    for (let t = 1; t < 200 && layer === undefined; t++) {
      engine.runUntilMs(t);
      for (const e of seen.splice(0)) {
        if (e.from !== 'lb1' || e.kind !== 'udp') continue;
        const inspected = engine.inspect(e.packet as number);
        const l = inspected?.layers.find((x) => x.protocol === 'VRRP + IPVS sync');
        if (l !== undefined && l.fields.find((f) => f.name === 'ipvs.nr_conns')!.value !== 0) layer = l;
      }
    }
    expect(layer).toBeDefined();
    const field = (name: string) => layer.fields.find((f: any) => f.name === name)?.value;
    expect(field('vrrp.version')).toBe(3);
    expect(field('vrrp.virtualRtrId')).toBe(1);
    expect(field('vrrp.priority')).toBe(200);
    expect(field('vrrp.maxAdverInt')).toBe('10 cs');
    expect(field('vrrp.ipAddress')).toBe(VIP);
    expect(field('ipvs.conn[0]')).toMatch(/^10\.0\.0\.1:49152 → 10\.0\.9\.1:5001 → 10\.0\.0\.\d+:5001 state 3 timeout 900 s$/);
  });

  it('encode and parse round-trip; a damaged one parses to null', () => {
    const hb = { vrid: 7, priority: 100, intervalCs: 10, vip: 0x0a000901, entries: [{ state: 1, clientIp: 0x0a000001, clientPort: 49152, vip: 0x0a000901, vport: 80, backendIp: 0x0a000007, backendPort: 80, timeoutS: 900 }] };
    const bytes = encodeHeartbeat(hb);
    expect(bytes.length).toBe(12 + 8 + 36);
    expect(parseHeartbeat(bytes)).toEqual(hb);
    for (let i = 0; i < bytes.length; i++) {
      const bad = bytes.slice();
      bad[i]! ^= 0x10;
      const parsed = parseHeartbeat(bad);
      // Any flip in the advertisement or the sync framing is caught; one in an entry's fields changes a value.
      if (i < 20) expect(parsed === null || JSON.stringify(parsed) !== JSON.stringify(hb)).toBe(true);
    }
    expect(parseHeartbeat(bytes.subarray(0, 30))).toBeNull();
    expect(parseHeartbeat(new Uint8Array(0))).toBeNull();
    expect(LB_SYNC_PORT).toBe(8848);
  });
});

describe('the pair after a failover', () => {
  it('the failed balancer comes back passive, relearns the table from heartbeats, and can take over again', () => {
    const long = [conn('a', 'c1', 0, null, 'lb1'), conn('b', 'c2', 10, null, 'lb1'), conn('c', 'c3', 20, null, 'lb1')];
    const s = farm({
      pair: true,
      flows: long,
      faults: [
        { kind: 'node-down', node: 'lb1', atMs: 200, untilMs: 1000 },
        { kind: 'node-down', node: 'lb2', atMs: 3000 },
      ],
      durationMs: 8000,
    });
    const engine = build(s);
    const failovers: TraceEvent[] = [];
    engine.subscribe(['failover'], (e) => failovers.push(e));
    engine.runUntilMs(2900);
    expect(balancerOf(engine, 'lb1').role).toBe('passive');
    expect(balancerOf(engine, 'lb1').table.size).toBe(3); // relearnt from lb2's refresh entries
    const delivered = () => ['a', 'b', 'c'].map((f) => engine.flows.get(f)!.summary().deliveredBytes);
    engine.runUntilMs(8000);
    expect(failovers.map((e) => [e.from, e.to, e.connectionsTakenOver])).toEqual([
      ['lb1', 'lb2', 3],
      ['lb2', 'lb1', 3],
    ]);
    const before = delivered();
    engine.runUntilMs(8000);
    // Still flowing after the second failover.
    expect(before.every((b) => b > 1_000_000)).toBe(true);
    for (const f of ['a', 'b', 'c']) expect(engine.flows.get(f)!.summary().mismatchedBytes).toBe(0);
  });

  it('when both claim the VIP (heartbeats cut off), the configured-active one keeps it once they hear each other', () => {
    const s = farm({ pair: true, flows: [conn('a', 'c1', 0, 300_000, 'lb1')], faults: [{ kind: 'link-down', link: 'lb2-sw', atMs: 100, untilMs: 1000 }], durationMs: 10_000 });
    const engine = build(s);
    const failovers: TraceEvent[] = [];
    engine.subscribe(['failover'], (e) => failovers.push(e));
    engine.runUntilMs(900);
    expect(failovers.map((e) => e.to)).toEqual(['lb2']);
    expect(balancerOf(engine, 'lb2').ownsVip).toBe(true);
    engine.runUntilMs(1300);
    expect(balancerOf(engine, 'lb2').role).toBe('passive');
    expect(balancerOf(engine, 'lb1').ownsVip).toBe(true);
    engine.runUntilMs(10_000);
    expect(engine.summary().flows.a).toMatchObject({ verifiedBytes: 300_000, completed: true });
  });
});
