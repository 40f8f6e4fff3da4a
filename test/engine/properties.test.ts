// Property tests (fast-check): whatever the topology, losses, corruption and players do — drop,
// hold back (reorder), duplicate — TCP hands each receiving application exactly the bytes that were
// sent, in order, never more; UDP never retransmits; and no packet appears from nothing.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { build, drive, type Decision } from './helpers.ts';
import type { ScenarioInput } from '../../shared/scenario/schema.ts';
import type { TraceEvent } from '../../shared/protocols/sim/trace.ts';
import { Prng } from '../../shared/protocols/sim/prng.ts';

const linkArb = fc.record({
  bandwidthBps: fc.integer({ min: 1_000_000, max: 50_000_000 }),
  delayMs: fc.integer({ min: 1, max: 30 }),
  // Queues hold a full teaching-mode window of every flow, so Go-Back-N's fixed window cannot overflow
  // them on every single round (then each round trip ends in a timeout and backoff reaches 60 s).
  queuePackets: fc.integer({ min: 24, max: 100 }),
  lossFwd: fc.double({ min: 0, max: 0.03, noNaN: true }),
  lossBack: fc.double({ min: 0, max: 0.03, noNaN: true }),
  corruption: fc.double({ min: 0, max: 0.01, noNaN: true }),
});

const tcpFlowArb = fc.record({
  bytes: fc.integer({ min: 0, max: 60_000 }),
  mss: fc.integer({ min: 200, max: 1460 }),
  cc: fc.constantFrom('aimd', 'tahoe', 'reno', 'newreno'),
  arq: fc.constantFrom('tcp', 'tcp', 'stop-and-wait', 'go-back-n', 'selective-repeat'),
  windowSegments: fc.integer({ min: 1, max: 8 }),
  rwndBytes: fc.integer({ min: 3000, max: 131_072 }),
  readRateBps: fc.option(fc.integer({ min: 50_000, max: 5_000_000 }), { nil: undefined }),
  iss: fc.option(fc.integer({ min: 0, max: 4294967295 }), { nil: undefined }),
  startMs: fc.integer({ min: 0, max: 2000 }),
  delayedAckMs: fc.option(fc.integer({ min: 1, max: 499 }), { nil: undefined }),
});

// A player with bounded malice: each waiting packet is dropped, held back or duplicated with these
// odds (drawn per case), else forwarded. A player who drops everything would make delivery impossible.
const playerArb = fc.record({
  seed: fc.integer({ min: 0, max: 1_000_000 }),
  dropP: fc.double({ min: 0, max: 0.08, noNaN: true }),
  holdP: fc.double({ min: 0, max: 0.2, noNaN: true }),
  duplicateP: fc.double({ min: 0, max: 0.15, noNaN: true }),
  maxHoldMs: fc.integer({ min: 1, max: 300 }),
});

const caseArb = fc.record({
  seed: fc.integer({ min: 0, max: 1_000_000 }),
  routers: fc.integer({ min: 1, max: 3 }),
  playerRouters: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
  links: fc.array(linkArb, { minLength: 4, maxLength: 4 }),
  tcp: fc.array(tcpFlowArb, { minLength: 1, maxLength: 3 }),
  udp: fc.boolean(),
  player: playerArb,
});

// Long enough for a transfer to get through repeated losses even after RTO backoff reaches 60 s.
const HORIZON_MS = 1_800_000;

type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

function scenarioFor(c: Case): ScenarioInput {
  const nodes: ScenarioInput['nodes'] = [{ id: 'a', kind: 'host' }];
  for (let i = 0; i < c.routers; i++) {
    nodes.push({ id: `r${i}`, kind: 'router', controller: c.playerRouters[i] ? 'player' : 'bot', queuePackets: 400 });
  }
  nodes.push({ id: 'b', kind: 'host' });
  const chain = nodes.map((n) => n.id);
  const links = chain.slice(1).map((to, i) => {
    const from = chain[i]!;
    const l = c.links[i]!;
    return {
      id: `l${i}`,
      a: from,
      b: to,
      bandwidthBps: l.bandwidthBps,
      delayMs: l.delayMs,
      queuePackets: l.queuePackets,
      loss: { [`${from}->${to}`]: l.lossFwd, [`${to}->${from}`]: l.lossBack },
      corruption: l.corruption,
    };
  });
  const flows: NonNullable<ScenarioInput['flows']> = c.tcp.map((f, i) => ({
    id: `t${i}`,
    from: i % 2 === 0 ? 'a' : 'b',
    to: i % 2 === 0 ? 'b' : 'a',
    transport: 'tcp' as const,
    app: 'bulk' as const,
    bytes: f.bytes,
    mss: f.mss,
    cc: f.cc,
    arq: f.arq,
    windowSegments: f.windowSegments,
    rwndBytes: f.rwndBytes,
    readRateBps: f.readRateBps,
    iss: f.iss,
    startMs: f.startMs,
    delayedAckMs: f.delayedAckMs,
    verify: true,
  }));
  if (c.udp) flows.push({ id: 'u', from: 'a', to: 'b', transport: 'udp', app: 'cbr', rateBps: 64_000, stopMs: 5000 });
  return { seed: c.seed, durationMs: HORIZON_MS, nodes, links, flows };
}

describe('engine properties', () => {
  it('TCP delivers exactly the bytes sent, in order; UDP never retransmits; packets are conserved', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const scenario = scenarioFor(c);
        const engine = build(scenario);
        const events: TraceEvent[] = [];
        engine.subscribe(['send', 'deliver'], (e) => events.push(e));
        const odds = new Prng(c.player.seed);
        const duplicated = new Set<number>();
        drive(engine, HORIZON_MS, 50, (p, node): Decision => {
          const x = odds.nextFloat();
          const { dropP, holdP, duplicateP } = c.player;
          if (x < dropP) return { action: 'drop', node, packet: p.id };
          if (x < dropP + holdP) return { action: 'hold', node, packet: p.id, ms: 1 + odds.int(c.player.maxHoldMs) };
          // A duplicate joins the queue; both copies go on at the next decision.
          if (x < dropP + holdP + duplicateP && p.duplicateOf === 0 && !duplicated.has(p.id)) {
            duplicated.add(p.id);
            return { action: 'duplicate', node, packet: p.id };
          }
          return 'route';
        });
        const summary = engine.summary();
        for (const [i, f] of c.tcp.entries()) {
          const s = summary.flows[`t${i}`]!;
          // In order and exactly what was sent: every delivered byte matched the sender's stream.
          expect(s.mismatchedBytes).toBe(0);
          expect(s.verifiedBytes).toBe(s.deliveredBytes);
          expect(s.deliveredBytes).toBeLessThanOrEqual(f.bytes);
          // And eventually all of it. (Go-Back-N discards every segment that arrives out of order; under
          // heavy reordering nearly each round ends in a timeout whose backoff never resets — Karn's
          // rule finds no unretransmitted segment to time — so it completes, but hours later. A player
          // reorders by holding packets back, and by duplicating them: the original waits beside its
          // copy for the next decision while later packets go on.)
          if (f.arq !== 'go-back-n' || c.player.holdP + c.player.duplicateP < 0.05) {
            expect(s.deliveredBytes).toBe(f.bytes);
            expect(s.completed).toBe(true);
          }
        }
        if (c.udp) {
          const sends = events.filter((e) => e.type === 'send' && e.flow === 'u');
          expect(sends.every((e) => e.retransmit === false)).toBe(true);
          expect(new Set(sends.map((e) => e.seq)).size).toBe(sends.length);
          const u = summary.flows.u!;
          expect(u.retransmits).toBe(0);
          expect(u.receivedDatagrams as number).toBeLessThanOrEqual(sends.length);
          const sentSeqs = new Set(sends.map((e) => (e.seq as number) & 0xffff));
          for (const d of events.filter((e) => e.type === 'deliver' && e.flow === 'u')) expect(sentSeqs.has(d.seq as number)).toBe(true);
        }
        // Conservation: everything created or duplicated was dropped, consumed, or is still in the network.
        const pk = summary.packets;
        expect(pk.created + pk.duplicated).toBe(pk.dropped + pk.consumed + engine.packetsInNetwork().length);
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 60), seed: Number(process.env.PROPERTY_SEED ?? 20261125) },
    );
  });
});
