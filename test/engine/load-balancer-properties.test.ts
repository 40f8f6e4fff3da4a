// Property tests of the load balancer (fast-check): whatever the algorithm, the capacities, the
// failures of servers and balancers, the losses and a player's commands (good or garbage), the engine
// never throws, every packet stays accounted for, each balancer's per-backend counts match its table,
// and TCP through the NAT still hands each server exactly the bytes its client sent.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { build } from './helpers.ts';
import { farm, conn } from './lb-helpers.ts';
import { LoadBalancer } from '../../shared/protocols/net/load-balancer.ts';
import { isOpen } from '../../shared/protocols/net/lb-connections.ts';
import type { Engine } from '../../shared/protocols/engine.ts';

const caseArb = fc.record({
  seed: fc.integer({ min: 0, max: 1_000_000 }),
  pair: fc.boolean(),
  backends: fc.integer({ min: 1, max: 4 }),
  capacity: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
  algorithm: fc.constantFrom('round-robin', 'least-connections', 'source-hash', 'manual'),
  player: fc.boolean(),
  flows: fc.array(fc.record({ client: fc.integer({ min: 1, max: 3 }), startMs: fc.integer({ min: 0, max: 2500 }), bytes: fc.integer({ min: 0, max: 40_000 }) }), {
    minLength: 1,
    maxLength: 8,
  }),
  faults: fc.array(
    fc.record({ node: fc.constantFrom('s1', 's2', 's3', 'lb1', 'lb2', 'lb'), atMs: fc.integer({ min: 0, max: 3000 }), forMs: fc.option(fc.integer({ min: 50, max: 2000 }), { nil: undefined }) }),
    { maxLength: 3 },
  ),
  loss: fc.double({ min: 0, max: 0.03, noNaN: true }),
  commands: fc.array(fc.record({ atMs: fc.integer({ min: 0, max: 4000 }), connection: fc.integer({ min: -1, max: 12 }), backend: fc.constantFrom('s1', 's2', 's3', 's4', 'c1', 'nope') }), {
    maxLength: 12,
  }),
});

function invariants(engine: Engine): void {
  const p = engine.summary().packets;
  expect(p.created + p.duplicated).toBe(p.dropped + p.consumed + engine.packetsInNetwork().length);
  for (const node of engine.network.nodes.values()) {
    if (!(node instanceof LoadBalancer)) continue;
    const counts = node.table.openPerBackend.map(() => 0);
    for (const c of node.table.values()) if (c.backend >= 0 && isOpen(c)) counts[c.backend]!++;
    expect(node.table.openPerBackend).toEqual(counts);
    expect(node.table.size).toBeLessThanOrEqual(node.table.maxConnections);
    expect(node.view().waiting.length).toBeLessThanOrEqual(node.waitingLimit);
  }
}

describe('load balancer properties', () => {
  it('never throws, conserves packets, keeps its counts, and delivers only the bytes that were sent', () => {
    fc.assert(
      fc.property(caseArb, (k) => {
        const lbIds = k.pair ? ['lb1', 'lb2'] : ['lb'];
        const servers = Array.from({ length: k.backends }, (_, i) => `s${i + 1}`);
        const s = farm({
          pair: k.pair,
          backends: k.backends,
          durationMs: 4000,
          lb: {
            algorithm: k.algorithm,
            controller: k.player ? 'player' : 'bot',
            decisionTimeoutMs: 500,
            ...(k.capacity === undefined ? {} : { backends: servers.map((node) => ({ node, capacity: k.capacity })) }),
          },
          flows: k.flows.map((f, i) => ({ ...conn(`f${i}`, `c${f.client}`, f.startMs, f.bytes, lbIds[0]), minRtoMs: 200, initialRtoMs: 200 })),
          faults: k.faults
            .filter((f) => f.node.startsWith('s') ? servers.includes(f.node) : lbIds.includes(f.node))
            .map((f) => ({ kind: 'node-down', node: f.node, atMs: f.atMs, ...(f.forMs === undefined ? {} : { untilMs: f.atMs + f.forMs }) })),
        });
        s.seed = k.seed;
        for (const l of s.links) l.loss = k.loss;
        const engine = build(s);
        const commands = [...k.commands].sort((a, b) => a.atMs - b.atMs);
        for (let t = 0; t <= 4000; t += 250) {
          engine.runUntilMs(t);
          for (const c of commands.filter((x) => x.atMs <= t && x.atMs > t - 250)) {
            const r = engine.assignConnection(lbIds[0]!, c.connection, c.backend);
            expect(typeof r.ok).toBe('boolean');
          }
          invariants(engine);
        }
        for (const f of Object.values(engine.summary().flows)) {
          expect(f.mismatchedBytes).toBe(0);
          expect(f.deliveredBytes).toBe(f.verifiedBytes);
        }
      }),
      { numRuns: 25, seed: 16 },
    );
  });

  it('with no failure and room on the servers, every connection completes whoever decides', () => {
    fc.assert(
      fc.property(caseArb, (k) => {
        const s = farm({
          pair: k.pair,
          backends: k.backends,
          durationMs: 6000,
          lb: { algorithm: k.algorithm, controller: k.player ? 'player' : 'bot', decisionTimeoutMs: 500 },
          flows: k.flows.map((f, i) => conn(`f${i}`, `c${f.client}`, f.startMs, f.bytes, k.pair ? 'lb1' : 'lb')),
        });
        s.seed = k.seed;
        const r = build(s).run();
        for (const f of Object.values(r.flows)) expect(f).toMatchObject({ completed: true, mismatchedBytes: 0 });
        const lb = r.balancers![k.pair ? 'lb1' : 'lb']!;
        expect(Object.values(lb.assignments).reduce((a, b) => a + b, 0)).toBe(k.flows.length);
        expect(lb.refusals).toBe(0);
      }),
      { numRuns: 15, seed: 61 },
    );
  });

  it('whenever the active balancer dies, no accepted connection is lost', () => {
    const killArb = fc.record({
      seed: fc.integer({ min: 0, max: 1_000_000 }),
      killMs: fc.integer({ min: 50, max: 2500 }),
      algorithm: fc.constantFrom('round-robin', 'least-connections', 'source-hash'),
      flows: fc.array(fc.record({ client: fc.integer({ min: 1, max: 3 }), startMs: fc.integer({ min: 0, max: 2500 }), bytes: fc.integer({ min: 1, max: 200_000 }) }), {
        minLength: 1,
        maxLength: 8,
      }),
    });
    fc.assert(
      fc.property(killArb, (k) => {
        const s = farm({
          pair: true,
          coreBps: 100_000_000,
          durationMs: 25_000,
          lb: { algorithm: k.algorithm },
          flows: k.flows.map((f, i) => ({ ...conn(`f${i}`, `c${f.client}`, f.startMs, f.bytes, 'lb1'), rwndBytes: 16_384 })),
          faults: [{ kind: 'node-down', node: 'lb1', atMs: k.killMs }],
        });
        s.seed = k.seed;
        const engine = build(s);
        const failovers: unknown[] = [];
        engine.subscribe(['failover'], (e) => failovers.push(e));
        const r = engine.run();
        expect(failovers).toHaveLength(1);
        k.flows.forEach((f, i) => expect(r.flows[`f${i}`]).toMatchObject({ completed: true, verifiedBytes: f.bytes, mismatchedBytes: 0 }));
      }),
      { numRuns: 12, seed: 7 },
    );
  });
});
