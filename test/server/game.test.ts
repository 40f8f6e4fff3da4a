// The classroom rules without a network: seats, authority, bots, pause and step, faults, scoring.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../shared/scenario/load.ts';
import { ClassroomGame } from '../../server/game/classroom-game.ts';
import { ClassroomState } from '../../shared/state/classroom-state.ts';
import { dnsScenario } from '../engine/dns-helpers.ts';
import { builtinScenarios } from '../../server/scenarios/classroom-scenarios.ts';
import { Router } from '../../shared/protocols/net/router.ts';
import { Engine } from '../../shared/protocols/engine.ts';
import { replayScenario } from '../../shared/scenario/replay.ts';

function game(id = '1-router-lab') {
  const b = builtinScenarios().find((s) => s.id === id)!;
  const state = new ClassroomState();
  const g = new ClassroomGame(state, { id: b.id, scenario: b.scenario, source: b.source }, { now: () => new Date('2026-01-01T00:00:00Z') });
  return { g, state };
}

function controllerOf(g: ClassroomGame, node: string): string {
  return (g.engine.network.nodes.get(node) as Router).controller;
}

describe('seats', () => {
  it('seats students in order, routers first, and leaves the rest to bots', () => {
    const { g, state } = game();
    g.addPlayer('h', 'Teacher', 'host');
    g.addPlayer('a', 'Ann', 'student');
    g.addPlayer('b', 'Ben', 'student');
    g.addPlayer('s', 'Sam', 'spectator');
    expect(state.players.get('h')!.role).toBe('host');
    expect(state.players.get('a')!.seat).toBe('router:r1');
    expect(state.players.get('b')!.seat).toBe('router:r2');
    expect(state.players.get('s')!.role).toBe('spectator');
    expect(state.players.get('s')!.seat).toBe('');
    expect([...state.seats.keys()]).toEqual([
      'router:r1', 'router:r2', 'router:r3', 'router:r4', 'router:r5', 'router:r6',
      'sender:laptop', 'sender:phone', 'sender:tablet', 'receiver:web', 'receiver:mail', 'receiver:files',
    ]);
    expect(state.seats.get('router:r1')!.bot).toBe(false);
    expect(state.seats.get('router:r3')!.bot).toBe(true);
    expect(controllerOf(g, 'r1')).toBe('player');
    expect(controllerOf(g, 'r3')).toBe('bot');
    expect(state.nodes.get('r1')!.controller).toBe('player');
    // The decision queue's size, so the students see it fill before it drops.
    expect([state.nodes.get('r1')!.queueLimit, state.nodes.get('laptop')!.queueLimit]).toEqual([40, 0]);
  });

  it('hands a dropped player’s seat to a bot and gives it back on reconnection, score kept', () => {
    const { g, state } = game();
    g.addPlayer('a', 'Ann', 'student');
    g.players.get('a')!.score = 42;
    g.dropPlayer('a');
    expect(controllerOf(g, 'r1')).toBe('bot');
    expect(state.seats.get('router:r1')!.bot).toBe(true);
    expect(state.seats.get('router:r1')!.player).toBe('a');
    expect(state.players.get('a')!.connected).toBe(false);
    // A newcomer does not get the reserved seat.
    g.addPlayer('b', 'Ben', 'student');
    expect(state.players.get('b')!.seat).toBe('router:r2');
    g.reconnectPlayer('a');
    expect(controllerOf(g, 'r1')).toBe('player');
    expect(state.players.get('a')!.seat).toBe('router:r1');
    expect(state.players.get('a')!.score).toBe(42);
  });

  it('gives a freed seat to the observer who has waited longest', () => {
    const { g, state } = game('2-congestion-lab'); // 6 seats
    for (let i = 1; i <= 8; i++) g.addPlayer(`p${i}`, `P${i}`, 'student');
    expect(state.players.get('p7')!.role).toBe('observer');
    expect(state.players.get('p8')!.role).toBe('observer');
    g.removePlayer('p2');
    expect(state.players.has('p2')).toBe(false);
    expect(state.players.get('p7')!.seat).toBe('router:core');
    expect(state.players.get('p8')!.role).toBe('observer');
    expect(g.departed.map((p) => p.name)).toEqual(['P2']);
  });

  it('lets the host move and swap players', () => {
    const { g, state } = game();
    g.addPlayer('h', 'Teacher', 'host');
    g.addPlayer('a', 'Ann', 'student');
    g.addPlayer('b', 'Ben', 'student');
    expect(g.role('a', 'b', 'sender:laptop')).toEqual({ ok: false, code: 'not-host', reason: 'only the host can do that' });
    expect(g.role('h', 'a', 'router:r2')).toEqual({ ok: true });
    expect(state.players.get('a')!.seat).toBe('router:r2');
    expect(state.players.get('b')!.seat).toBe('router:r1');
    expect(g.role('h', 'b', '')).toEqual({ ok: true });
    expect(state.players.get('b')!.role).toBe('observer');
    expect(controllerOf(g, 'r1')).toBe('bot');
    expect(g.role('h', 'b', 'router:r9')).toEqual({ ok: false, code: 'unknown', reason: 'no seat router:r9' });
  });
});

describe('time', () => {
  it('advances on fixed steps scaled by speed, stops exactly when paused, and steps exactly', () => {
    const { g, state } = game();
    g.addPlayer('h', 'Teacher', 'host');
    g.tick(120); // two whole steps of 50 ms; 20 ms carried
    expect(state.clock.simMs).toBe(100);
    g.tick(30);
    expect(state.clock.simMs).toBe(150);
    expect(g.speed('h', 4)).toEqual({ ok: true });
    g.tick(50);
    expect(state.clock.simMs).toBe(350);
    expect(g.pause('h')).toEqual({ ok: true });
    g.tick(1000);
    expect(state.clock.simMs).toBe(350);
    expect(state.clock.paused).toBe(true);
    expect(g.step('h', 7)).toEqual({ ok: true });
    expect(state.clock.simMs).toBe(357);
    expect(g.step('h', undefined)).toEqual({ ok: true });
    expect(state.clock.simMs).toBe(557); // one fixed step at 4x
    expect(g.resume('h')).toEqual({ ok: true });
    expect(g.step('h', 10)).toEqual({ ok: false, code: 'invalid', reason: 'pause before stepping' });
  });

  it('never lets a long stall make the simulation jump', () => {
    const { g, state } = game();
    g.tick(5000);
    expect(state.clock.simMs).toBe(200); // at most 4 catch-up steps
  });
});

describe('router commands', () => {
  it('drops a waiting packet only for the router player at that node, and the sender retransmits', () => {
    const { g, state } = game();
    g.addPlayer('h', 'Teacher', 'host');
    g.addPlayer('a', 'Ann', 'student'); // r1
    g.addPlayer('b', 'Ben', 'student'); // r2
    g.pause('h');
    g.step('h', 1500);
    const waiting = [...state.packets.values()].filter((p) => p.at === 'r1');
    expect(waiting.map((p) => [p.kind, p.flow, p.next])).toEqual([['syn', 'upload', 'r1-r3']]);
    const syn = waiting[0]!;
    expect(g.routerCommand('b', { action: 'drop', node: 'r1', packet: syn.id })).toEqual({
      ok: false, code: 'not-your-node', reason: 'r1 is not your node (you hold r2)',
    });
    expect(g.routerCommand('b', { action: 'drop', packet: syn.id })).toEqual({
      ok: false, code: 'refused', reason: `packet ${syn.id} is not waiting at r2`, why: { code: 'not-waiting', packet: syn.id, node: 'r2' },
    });
    expect(g.routerCommand('h', { action: 'drop', packet: syn.id })).toEqual({ ok: false, code: 'no-seat', reason: 'you hold no seat' });
    expect(g.engine.summary().drops.player ?? 0).toBe(0);
    expect(g.routerCommand('a', { action: 'drop', packet: syn.id })).toEqual({ ok: true });
    expect(g.engine.summary().drops.player).toBe(1);
    g.sync(true);
    expect(state.packets.has(String(syn.id))).toBe(false);
    expect(state.events.map((e) => [e.type, e.node, e.packet, e.detail]).filter((e) => e[0] === 'drop')).toEqual([['drop', 'r1', syn.id, 'player']]);
    // The SYN's timer (initial RTO 8 s from t = 1 s) fires; the retransmission reaches r1 and waits.
    g.step('h', 8000);
    g.sync(true);
    const again = [...state.packets.values()].filter((p) => p.at === 'r1' && p.flow === 'upload');
    expect(again.map((p) => p.kind)).toEqual(['syn']);
    expect(again[0]!.id).not.toBe(syn.id);
    expect(state.flows.get('upload')!.retransmits).toBe(1);
    expect(state.events.some((e) => e.type === 'rto' && e.flow === 'upload')).toBe(true);
    // Forwarded on the routing table's link, it moves on and a router player scores for it.
    expect(g.routerCommand('a', { action: 'forward', packet: again[0]!.id, link: again[0]!.next })).toEqual({ ok: true });
    g.sync(true);
    const moved = state.packets.get(String(again[0]!.id))!;
    expect([moved.at, moved.link, moved.from, moved.to]).toEqual(['', 'r1-r3', 'r1', 'r3']);
    expect(state.players.get('a')!.score).toBe(0); // drop −1, forward +1
  });

  it('duplicates and holds at the player’s node', () => {
    const { g, state } = game();
    g.addPlayer('h', 'Teacher', 'host');
    g.addPlayer('a', 'Ann', 'student');
    g.pause('h');
    g.step('h', 1500);
    const syn = [...state.packets.values()].find((p) => p.at === 'r1')!;
    const dup = g.routerCommand('a', { action: 'duplicate', packet: syn.id });
    expect(dup.ok).toBe(true);
    const copyId = (dup as { packet: number }).packet;
    g.sync(true);
    expect(state.packets.get(String(copyId))!.at).toBe('r1');
    expect(g.routerCommand('a', { action: 'hold', packet: syn.id, ms: 500 })).toEqual({ ok: true });
    g.sync(true);
    expect(state.packets.get(String(syn.id))!.held).toBe(true);
    g.step('h', 600);
    g.sync(true);
    const released = state.packets.get(String(syn.id))!;
    expect([released.held, released.at, released.link]).toEqual([false, '', 'r1-r3']);
  });
});

describe('other roles', () => {
  it('lets a sender stop only its own flows and a receiver set only its own read rate', () => {
    const { g, state } = game('2-congestion-lab');
    for (const id of ['a', 'b', 'c', 'd', 'e']) g.addPlayer(id, id, 'student');
    // seats: router:edge, router:core, sender:alice, sender:bob, receiver:video-server
    expect(state.players.get('c')!.seat).toBe('sender:alice');
    expect(state.players.get('e')!.seat).toBe('receiver:video-server');
    expect(g.flowControl('c', 'stop', 'bob-upload')).toEqual({ ok: false, code: 'not-your-flow', reason: 'flow bob-upload does not start at alice' });
    expect(g.flowControl('a', 'stop', 'alice-upload')).toEqual({ ok: false, code: 'wrong-role', reason: 'a router cannot do that; it takes a sender' });
    expect(g.flowControl('c', 'start', 'alice-upload')).toEqual({ ok: true });
    expect(g.flowControl('c', 'start', 'alice-upload')).toEqual({ ok: false, code: 'refused', reason: 'flow alice-upload already started', why: { code: 'flow-started', flow: 'alice-upload' } });
    expect(g.readRate('e', { flow: 'alice-upload', rateBps: 8000 })).toEqual({ ok: true });
    g.sync(true);
    expect(state.flows.get('alice-upload')!.readRateBps).toBe(8000);
    expect(g.readRate('e', { flow: 'bob-upload', rateBps: 8000 })).toEqual({
      ok: false, code: 'not-your-flow', reason: 'flow bob-upload does not end at video-server',
    });
  });

  it('refuses balancer commands from a router player', () => {
    const { g } = game();
    g.addPlayer('a', 'Ann', 'student');
    expect(g.assign('a', { connection: 1, backend: 'web' })).toEqual({ ok: false, code: 'wrong-role', reason: 'a router cannot do that; it takes a loadbalancer' });
  });
});

describe('faults', () => {
  it('takes a link down and brings it back, for the host only', () => {
    const { g, state } = game();
    g.addPlayer('h', 'Teacher', 'host');
    g.addPlayer('a', 'Ann', 'student');
    g.pause('h');
    expect(g.fault('a', { kind: 'link-down', link: 'r1-r3' })).toEqual({ ok: false, code: 'not-host', reason: 'only the host can do that' });
    expect(g.fault('h', { kind: 'link-down', link: 'nope' })).toEqual({ ok: false, code: 'unknown', reason: 'no link nope' });
    expect(g.fault('h', { kind: 'link-down', link: 'r1-r3' })).toEqual({ ok: true });
    expect(state.links.get('r1-r3')!.up).toBe(false);
    expect(state.events.map((e) => [e.type, e.link, e.detail])).toEqual([['fault', 'r1-r3', 'link-down']]);
    expect(g.fault('h', { kind: 'link-up', link: 'r1-r3' })).toEqual({ ok: true });
    g.step('h', 1);
    expect(state.links.get('r1-r3')!.up).toBe(true);
    expect(g.fault('h', { kind: 'link-loss', link: 'r1-r3', loss: { 'r1->r3': 0.5 } })).toEqual({ ok: true });
    expect([state.links.get('r1-r3')!.lossAB, state.links.get('r1-r3')!.lossBA]).toEqual([0.5, 0]);
    expect(g.fault('h', { kind: 'link-loss', link: 'r1-r3', loss: { 'r3->r9': 0.5 } })).toEqual({
      ok: false, code: 'invalid', reason: 'direction "r3->r9" is not "r1->r3" or "r3->r1"',
    });
    expect(g.fault('h', { kind: 'node-down', node: 'r4', forMs: 1000 })).toEqual({ ok: true });
    expect(state.nodes.get('r4')!.up).toBe(false);
    g.step('h', 1000);
    expect(state.nodes.get('r4')!.up).toBe(true);
  });
});

describe('replay', () => {
  it('gives the store a round in pieces that together play the class again, packet for packet', () => {
    const { g, state } = game();
    g.addPlayer('h', 'Teacher', 'host');
    g.addPlayer('a', 'Ann', 'student'); // r1
    g.addPlayer('b', 'Ben', 'student'); // r2
    const drain = () => {
      const piece = g.unsavedReplay();
      g.replayWritten(piece);
      return piece;
    };
    const pieces = [drain()];
    let failed: ReturnType<typeof g.unsavedReplay> | undefined;
    expect(pieces[0]!.source).toBe(builtinScenarios().find((b) => b.id === '1-router-lab')!.source);
    for (let tick = 1; tick <= 400; tick++) {
      g.tick(50 + (tick % 3) * 20);
      // Ann forwards what waits at r1 the way the routing table would, but drops every seventh packet.
      for (const p of [...state.packets.values()].filter((x) => x.at === 'r1')) {
        expect(g.routerCommand('a', p.id % 7 === 0 ? { action: 'drop', packet: p.id } : { action: 'forward', packet: p.id, link: p.next })).toMatchObject({ ok: true });
      }
      if (tick === 60) g.dropPlayer('b'); // Ben's connection drops: his seat's bot forwards his packets
      if (tick === 90) g.reconnectPlayer('b');
      if (tick === 120) expect(g.fault('h', { kind: 'link-down', link: 'r1-r3', forMs: 700 })).toEqual({ ok: true });
      if (tick === 200) expect(g.fault('h', { kind: 'link-loss', link: 'r1-r3', loss: { 'r1->r3': 0.3 } })).toEqual({ ok: true });
      // A write that failed is not acknowledged: the next piece carries its commands again.
      if (tick === 150) failed = g.unsavedReplay();
      if (tick % 100 === 0) pieces.push(drain());
      if (tick === 200) {
        expect(failed!.commands.length).toBeGreaterThan(0);
        expect([pieces.at(-1)!.fromIndex, pieces.at(-1)!.commands.slice(0, failed!.commands.length)]).toEqual([failed!.fromIndex, failed!.commands]);
      }
      g.sync(tick % 10 === 0);
    }
    pieces.push(drain());
    expect(pieces.slice(1).every((p) => p.source === null)).toBe(true);
    const commands = pieces.flatMap((p) => p.commands);
    expect(pieces.map((p) => p.fromIndex)).toEqual(pieces.map((_, i) => pieces.slice(0, i).reduce((n, p) => n + p.commands.length, 0)));
    expect(commands).toEqual(g.engine.commandLog);
    const actions = new Set(commands.map((c) => c.action));
    expect([...actions].sort()).toEqual(['controller', 'drop', 'fault', 'forward']);
    const last = pieces[pieces.length - 1]!;
    expect(last.simMs).toBe(g.engine.nowMs);

    const file = JSON.parse(
      JSON.stringify(
        replayScenario(pieces[0]!.source!, {
          seed: last.seed,
          nowMs: last.simMs,
          commandLog: commands,
          commandLogFullAtMs: last.commandLogFullAtMs,
          eventsProcessed: last.eventsProcessed,
          summarySha256: last.summarySha256,
        }),
      ),
    );
    expect(file.recorded).toEqual({ atMs: g.engine.nowMs, events: g.engine.eventsProcessed, summarySha256: g.engine.summarySha256 });
    const loaded = loadScenario(file);
    if (!loaded.ok) throw new Error(loaded.errors.join('; '));
    const replay = new Engine(loaded.scenario);
    replay.run();
    expect(replay.nowMs).toBe(g.engine.nowMs);
    expect(JSON.stringify(replay.summary())).toBe(JSON.stringify(g.engine.summary()));
    expect(replay.replayVerdict.state).toBe('same');
    expect(replay.summary().drops.player).toBeGreaterThan(0);
  });
});

describe('scenario switch and end', () => {
  it('keeps the finished round’s stats, reseats everyone and refuses commands once ended', () => {
    const { g, state } = game();
    g.addPlayer('h', 'Teacher', 'host');
    g.addPlayer('a', 'Ann', 'student');
    for (let i = 0; i < 20; i++) g.tick(1000);
    g.sync(true);
    expect(state.events.length).toBeGreaterThan(0);
    const other = builtinScenarios().find((s) => s.id === '3-flow-control-lab')!;
    g.switchScenario({ id: other.id, scenario: other.scenario, source: other.source });
    expect(state.round).toBe(2);
    // The last lab's notable events leave the shared window with its topology (they stay in the results).
    expect(state.events.length).toBe(0);
    expect(state.scenario).toBe('3-flow-control-lab');
    expect(state.clock.simMs).toBe(0);
    expect(state.players.get('a')!.seat).toBe('router:r1');
    expect(g.finishedRounds.map((r) => [r.round, r.flow])).toEqual([[1, 'upload'], [1, 'email'], [1, 'backup'], [1, 'voice']]);
    expect(g.end('a')).toEqual({ ok: false, code: 'not-host', reason: 'only the host can do that' });
    expect(g.end('h')).toEqual({ ok: true });
    expect(state.phase).toBe('ended');
    expect(g.pause('h')).toEqual({ ok: false, code: 'ended', reason: 'the session has ended' });
    expect(g.flowControl('a', 'stop', 'photos')).toEqual({ ok: false, code: 'ended', reason: 'the session has ended' });
    const before = state.clock.simMs;
    g.tick(1000);
    expect(state.clock.simMs).toBe(before);
  });
});

function custom(input: unknown) {
  const r = loadScenario(input);
  if (!r.ok) throw new Error(r.errors.join('; '));
  const state = new ClassroomState();
  const g = new ClassroomGame(state, { id: 'custom', scenario: r.scenario, source: input as Record<string, unknown> });
  return { g, state };
}

const link = (id: string, a: string, b: string, bandwidthBps = 10_000_000) => ({ id, a, b, bandwidthBps, delayMs: 2, queuePackets: 100 });

/** Three clients reach three servers through a balancer a person plays by hand (s2 takes one connection at a time). */
const MANUAL_BALANCER = {
  name: 'a player balances by hand',
  durationMs: 6000,
  nodes: [
    { id: 'c1', kind: 'host' }, { id: 'c2', kind: 'host' }, { id: 'c3', kind: 'host' }, { id: 'r', kind: 'router' },
    { id: 'lb', kind: 'loadbalancer', vip: '10.0.9.1', backends: ['s1', { node: 's2', capacity: 1 }, 's3'], algorithm: 'manual', controller: 'player', decisionTimeoutMs: 1500 },
    { id: 'sw', kind: 'switch' }, { id: 's1', kind: 'host' }, { id: 's2', kind: 'host' }, { id: 's3', kind: 'host' },
  ],
  links: [
    link('c1-r', 'c1', 'r'), link('c2-r', 'c2', 'r'), link('c3-r', 'c3', 'r'), link('r-lb', 'r', 'lb', 100_000_000),
    link('lb-sw', 'lb', 'sw', 100_000_000), link('sw-s1', 'sw', 's1'), link('sw-s2', 'sw', 's2'), link('sw-s3', 'sw', 's3'),
  ],
  flows: [1, 2, 3, 4].map((i) => ({ id: `conn${i}`, from: `c${((i - 1) % 3) + 1}`, to: 'lb', transport: 'tcp', app: 'bulk', bytes: 200000, startMs: (i - 1) * 100 })),
};

/** Alice logs in over plain HTTP; a tap (eve) sits on her line. */
const TAPPED_LOGIN = {
  name: 'a login in plain text, tapped',
  durationMs: 3000,
  nodes: [
    { id: 'alice', kind: 'host' }, { id: 'eve', kind: 'tap' }, { id: 'isp', kind: 'router' },
    { id: 'web', kind: 'server', io: 'nonblocking', routes: [{ path: '/login', method: 'POST', action: 'store', status: 200, body: 'welcome' }] },
  ],
  links: [link('alice-eve', 'alice', 'eve'), link('eve-isp', 'eve', 'isp'), link('dc', 'isp', 'web', 100_000_000)],
  flows: [{ id: 'login', from: 'alice', to: 'web', transport: 'tcp', app: 'http', http: { host: 'shop.example', requests: [{ method: 'POST', path: '/login', body: 'user=alice&password=hunter2' }] } }],
};

describe('load balancer seat', () => {
  it('lets the balancer player assign waiting connections and change the algorithm; a bot assigns when nobody plays', () => {
    const { g, state } = custom(MANUAL_BALANCER);
    g.addPlayer('h', 'Teacher', 'host');
    g.addPlayer('a', 'Ann', 'student'); // router:r
    expect([...state.seats.keys()].slice(0, 2)).toEqual(['router:r', 'loadbalancer:lb']);
    expect(g.role('h', 'a', 'loadbalancer:lb')).toEqual({ ok: true });
    expect(state.nodes.get('lb')!.controller).toBe('player');
    g.pause('h');
    g.step('h', 400);
    const lb = state.balancers.get('lb')!;
    expect(lb.algorithm).toBe('manual');
    expect(lb.backends.map((b) => b.node)).toEqual(['s1', 's2', 's3']);
    expect(lb.waiting.map((w) => [w.connection, w.flow])).toEqual([[1, 'conn1'], [2, 'conn2'], [3, 'conn3'], [4, 'conn4']]);
    expect(state.nodes.get('lb')!.queue).toBe(4);
    expect(g.assign('a', { connection: 1, backend: 's9' })).toMatchObject({ ok: false, code: 'refused' });
    expect(g.assign('a', { node: 'r', connection: 1, backend: 's2' })).toEqual({ ok: false, code: 'not-your-node', reason: 'r is not your node (you hold lb)' });
    expect(g.assign('h', { connection: 1, backend: 's2' })).toEqual({ ok: false, code: 'no-seat', reason: 'you hold no seat' });
    expect(g.assign('a', { connection: 1, backend: 's2' })).toEqual({ ok: true });
    g.sync(true);
    expect(lb.waiting.map((w) => w.connection)).toEqual([2, 3, 4]);
    expect(lb.backends.at(1)!.assigned).toBe(1);
    expect(state.events.some((e) => e.type === 'lb-assign' && e.node === 'lb' && e.detail === 's2')).toBe(true);
    expect(g.algorithm('a', { algorithm: 'round-robin' })).toEqual({ ok: true });
    g.sync(true);
    expect(lb.algorithm).toBe('round-robin');
    expect(lb.waiting.length).toBe(0); // no longer manual: the waiting ones were assigned at once
    // The player leaves: the engine's bot plays the balancer.
    g.removePlayer('a');
    expect(state.nodes.get('lb')!.controller).toBe('bot');
    expect(state.seats.get('loadbalancer:lb')!.bot).toBe(true);
  });
});

describe('server nodes', () => {
  it('syncs a blocking server’s threads and accept queue as the engine has them', () => {
    // Two worker threads, three clients: two slow clients hold both threads in recv(), the third waits to be accepted.
    const { g, state } = custom({
      name: 'a blocking server',
      durationMs: 20_000,
      nodes: [
        { id: 'c1', kind: 'host' }, { id: 'c2', kind: 'host' }, { id: 'c3', kind: 'host' }, { id: 'sw', kind: 'switch' },
        { id: 'web', kind: 'server', io: 'blocking', threads: 2, routes: [{ path: '/*', body: 'page', costUs: 2000 }] },
      ],
      links: [link('l1', 'c1', 'sw'), link('l2', 'c2', 'sw'), link('l3', 'c3', 'sw'), link('lw', 'sw', 'web')],
      flows: ['c1', 'c2', 'c3'].map((c, i) => ({
        id: `get-${c}`, from: c, to: 'web', transport: 'tcp', app: 'http', startMs: i * 5,
        http: { host: 'web', keepAlive: true, trickleBps: c === 'c3' ? undefined : 800, requests: [{ method: 'GET', path: '/' }] },
      })),
    });
    g.addPlayer('h', 'Teacher', 'host');
    g.pause('h');
    g.step('h', 300);
    g.sync(true);
    const st = state.servers.get('web')!;
    const view = g.engine.server('web')!;
    const synced = {
      io: st.io, up: st.up, capacity: st.capacity, activeConnections: st.activeConnections, cpuBacklog: st.cpuBacklog,
      acceptQueue: [...st.acceptQueue], threads: st.threads.map((th) => ({ name: th.name, state: th.state, conn: th.conn === 0 ? null : th.conn, flow: th.flow === '' ? null : th.flow })),
    };
    expect(synced).toEqual({
      io: view.io, up: view.up, capacity: view.capacity, activeConnections: view.activeConnections, cpuBacklog: view.cpuBacklog,
      acceptQueue: view.acceptQueue, threads: view.threads,
    });
    expect([st.io, st.threads.length, st.capacity]).toEqual(['blocking', 2, 256]); // 256: the default connection capacity
    expect(st.threads.map((th) => [th.name, th.state, th.flow])).toEqual([['worker-1', 'recv', 'get-c1'], ['worker-2', 'recv', 'get-c2']]);
    expect([...st.acceptQueue]).toEqual([3]);
  });
});

describe('flow figures', () => {
  it.each(['http', 'https'])('give an %s flow the window and RTT of its client connection, as the engine has them', (app) => {
    const { g, state } = custom({ ...TAPPED_LOGIN, flows: [{ ...TAPPED_LOGIN.flows[0], app }] });
    g.addPlayer('h', 'Teacher', 'host');
    g.pause('h');
    g.step('h', 2000);
    g.sync(true);
    const conn = g.engine.flows.get('login')!.clientTcp!;
    expect(conn).not.toBeNull();
    const f = state.flows.get('login')!;
    expect([f.una, f.nxt, f.sndMax, f.rwndBytes, f.mss, f.srttMs]).toEqual([conn.sndUna, conn.sndNxt, conn.sndMax, conn.sndWnd, conn.mss, Math.round(conn.rto.srttNs / 1e6)]);
    expect([f.cwnd, f.ssthresh]).toEqual([conn.cc.cwnd, conn.cc.ssthresh]);
    expect(f.cwnd).toBeGreaterThanOrEqual(1460);
    expect(f.mss).toBe(1460);
    expect(f.srttMs).toBeGreaterThan(0);
    expect(f.una).toBeGreaterThan(0); // the request (and for HTTPS the handshake) was sent and acknowledged
  });

  it("tell a class each window probe of a sender facing a zero window, as the flow-control lab's receiver reads slowly", () => {
    const { g, state } = game('3-flow-control-lab');
    g.addPlayer('h', 'Teacher', 'host');
    g.addPlayer('a', 'Ann', 'student');
    expect(g.role('h', 'a', 'receiver:phone-a')).toEqual({ ok: true });
    g.pause('h');
    expect(g.readRate('a', { flow: 'photos', rateBps: 200 })).toEqual({ ok: true });
    for (let i = 0; i < 12; i++) {
      g.step('h', 5000);
      g.sync(true);
    }
    const windows = state.events.filter((e) => e.type === 'window' || e.type === 'probe').map((e) => [e.t, e.type, e.flow, e.detail]);
    expect(windows).toEqual([
      [11452, 'window', 'photos', 'zero'],
      [14953, 'probe', 'photos', 'client'],
      [20346, 'probe', 'photos', 'client'],
      [24886, 'window', 'photos', 'open'],
      [26527, 'window', 'photos', 'zero'],
      [29781, 'probe', 'photos', 'client'],
      [34683, 'probe', 'photos', 'client'],
      [44485, 'probe', 'photos', 'client'],
      [46326, 'window', 'photos', 'open'],
      [47967, 'window', 'photos', 'zero'],
      [51034, 'probe', 'photos', 'client'],
      [55562, 'probe', 'photos', 'client'],
    ]);
    expect(g.engine.flows.get('photos')!.summary().probes).toBe(7);
  });

  it("give a video stream's frames played, skipped and late, as the engine counts them", () => {
    const raw = JSON.parse(readFileSync(new URL('../../scenarios/topics/t12-udp-vs-tcp.json', import.meta.url), 'utf8'));
    const { g, state } = custom(raw);
    g.addPlayer('h', 'Teacher', 'host');
    g.pause('h');
    g.step('h', 20_000);
    g.sync(true);
    for (const id of ['video-udp', 'video-tcp']) {
      const sum = g.engine.flows.get(id)!.summary();
      const f = state.flows.get(id)!;
      expect([f.framesPlayed, f.framesSkipped, f.framesLate], id).toEqual([sum.framesPlayed, (sum.framesMissing as number) + (sum.framesLate as number), sum.framesLate]);
    }
    // Over UDP lost datagrams leave frames incomplete; over TCP they come late.
    expect(state.flows.get('video-udp')!.framesSkipped).toBeGreaterThan(state.flows.get('video-udp')!.framesLate);
    expect(state.flows.get('video-tcp')!.framesLate).toBeGreaterThan(0);
    expect(state.flows.get('voice')!.framesPlayed).toBe(0);
    // Skipped frames are notable events, for the captions; a run of them is one entry.
    const video = state.events.filter((e) => e.type === 'video');
    expect(video.length).toBeGreaterThan(0);
    expect(video.every((e) => e.detail === 'skipped' && e.packet > 0 && (e.flow === 'video-udp' || e.flow === 'video-tcp'))).toBe(true);
    expect(video.reduce((n, e) => n + e.count, 0)).toBeLessThanOrEqual(state.flows.get('video-udp')!.framesSkipped + state.flows.get('video-tcp')!.framesSkipped);
  });

  it("give a UDP stream's datagrams sent and received, as the engine counts them", () => {
    const { g, state } = game();
    g.addPlayer('h', 'Teacher', 'host');
    g.pause('h');
    g.step('h', 8000);
    g.sync(true);
    const sum = g.engine.flows.get('voice')!.summary();
    const f = state.flows.get('voice')!;
    expect(f.transport).toBe('udp');
    expect([f.datagramsSent, f.datagramsReceived]).toEqual([sum.sentSegments, sum.receivedDatagrams]);
    expect(f.datagramsSent).toBeGreaterThan(0);
    expect(f.datagramsReceived).toBeGreaterThan(0);
    expect(f.datagramsReceived).toBeLessThanOrEqual(f.datagramsSent);
  });

  it("give a resolver's and an HTTP client's answered and unanswered exchanges, as the engine counts them", () => {
    // Two lookups: the first loses its query and both retries (a drop-segment fault each), the second is answered.
    const { g, state } = custom(
      dnsScenario({
        dns: { queries: ['www.example.com', 'mail.example.com'], timeoutMs: 300, retries: 2 },
        faults: [1, 2, 3].map((segment) => ({ kind: 'drop-segment' as const, flow: 'q', segment })),
      }),
    );
    g.addPlayer('h', 'Teacher', 'host');
    g.pause('h');
    g.step('h', 1000);
    g.sync(true);
    expect([state.flows.get('q')!.answered, state.flows.get('q')!.unanswered]).toEqual([1, 1]);
    const web = custom({ ...TAPPED_LOGIN, flows: [{ ...TAPPED_LOGIN.flows[0], app: 'http' }] });
    web.g.addPlayer('h', 'Teacher', 'host');
    web.g.pause('h');
    web.g.step('h', 5000);
    web.g.sync(true);
    const sum = web.g.engine.flows.get('login')!.summary();
    expect([web.state.flows.get('login')!.answered, web.state.flows.get('login')!.unanswered]).toEqual([sum.responses, sum.errors]);
    expect(sum.responses).toBe(1);
  });

  it('give a DNS flow the window of the TCP connection it asked over', () => {
    const { g, state } = custom(dnsScenario({ dns: { queries: [{ name: 'www.example.com', type: 'A', transport: 'tcp' }] } }));
    g.addPlayer('h', 'Teacher', 'host');
    g.pause('h');
    g.step('h', 1000);
    g.sync(true);
    const conn = g.engine.flows.get('q')!.clientTcp!;
    expect(conn).not.toBeNull();
    const f = state.flows.get('q')!;
    expect([f.una, f.nxt, f.rwndBytes, f.mss]).toEqual([conn.sndUna, conn.sndNxt, conn.sndWnd, conn.mss]);
    expect(f.una).toBeGreaterThan(0); // the query (with its 2-byte length) was sent and acknowledged
  });
});

describe('tap seat', () => {
  it('tells only the tap player what crosses the tap, and keeps it out of the shared state', () => {
    const { g, state } = custom(TAPPED_LOGIN);
    g.addPlayer('h', 'Teacher', 'host');
    g.addPlayer('a', 'Ann', 'student');
    const tapSeat = [...state.seats.values()].find((s) => s.role === 'tap')!;
    expect(g.role('h', 'a', tapSeat.id)).toEqual({ ok: true });
    g.addPlayer('b', 'Ben', 'student'); // takes the router; moved to the sender so that no packet waits for him
    expect(g.role('h', 'b', 'sender:alice')).toEqual({ ok: true });
    expect(g.capture('b', 10)).toEqual({ ok: false, code: 'wrong-role', reason: 'a sender cannot do that; it takes a tap' });
    g.pause('h');
    const frames: Array<Record<string, unknown>> = [];
    for (let t = 0; t < 60; t++) {
      g.step('h', 50);
      for (const d of g.drainTapFrames()) {
        expect([d.sessionId, d.node]).toEqual(['a', tapSeat.node]);
        frames.push(...d.frames);
      }
    }
    expect(frames.length).toBeGreaterThan(5);
    expect(frames.some((f) => f.protocol === 'HTTP' && String(f.preview).includes('password=hunter2'))).toBe(true);
    const cap = g.capture('a', 500) as { ok: true; frames: Array<Record<string, unknown>> };
    expect(cap.ok).toBe(true);
    expect(cap.frames.some((f) => String(f.preview).includes('password=hunter2'))).toBe(true);
    expect(JSON.stringify(state.toJSON())).not.toContain('hunter2');
    expect(state.players.get('a')!.score).toBeGreaterThan(0);
  });

  it('lets only the tap player alter handshakes, and tells it what its tap alters', () => {
    const { g, state } = custom(TAPPED_LOGIN);
    g.addPlayer('h', 'Teacher', 'host');
    g.addPlayer('a', 'Ann', 'student');
    const tapSeat = [...state.seats.values()].find((s) => s.role === 'tap')!;
    expect(g.role('h', 'a', tapSeat.id)).toEqual({ ok: true });
    g.addPlayer('b', 'Ben', 'student');
    expect(g.role('h', 'b', 'sender:alice')).toEqual({ ok: true });
    expect(g.tamper('b', { target: 'certificate' })).toEqual({ ok: false, code: 'wrong-role', reason: 'a sender cannot do that; it takes a tap' });
    expect((g.capture('a', 1) as { tamper: unknown }).tamper).toBe(null);
    expect(g.tamper('a', { target: 'certificate' })).toEqual({ ok: true });
    expect((g.capture('a', 1) as { tamper: unknown }).tamper).toBe('certificate');
    expect(g.tamper('a', { target: null })).toEqual({ ok: true });
    expect((g.capture('a', 1) as { tamper: unknown }).tamper).toBe(null);
  });
});

describe('server seat', () => {
  it("lets the server's player pick its I/O model until the first client connects, and no one else", () => {
    const { g, state } = game('6-server-lab');
    expect([...state.seats.keys()]).toEqual([
      'router:r',
      'sender:phone1', 'sender:phone2', 'sender:phone3', 'sender:phone4',
      'sender:c1', 'sender:c2', 'sender:c3',
      'receiver:web',
    ]);
    // Seven clients in one column: every second one stands aside, so names stay readable.
    expect(['phone1', 'phone2', 'phone3', 'phone4', 'c1', 'c2', 'c3', 'r', 'web'].map((id) => state.nodes.get(id)!.x)).toEqual([80, 206, 80, 206, 80, 206, 80, 500, 920]);
    g.addPlayer('h', 'Teacher', 'host');
    g.addPlayer('a', 'Ann', 'student'); // takes the router; moved to a phone so that no packet waits for her
    expect(g.role('h', 'a', 'sender:phone1')).toEqual({ ok: true });
    g.addPlayer('b', 'Ben', 'student');
    expect(g.role('h', 'b', 'receiver:web')).toEqual({ ok: true });
    g.pause('h');
    const web = () => state.servers.get('web')!;
    expect([web().io, web().threads.length, web().ioSettable]).toEqual(['blocking', 4, true]);
    expect(g.serverIo('a', { io: 'nonblocking' })).toEqual({ ok: false, code: 'wrong-role', reason: 'a sender cannot do that; it takes a receiver' });
    expect(g.serverIo('b', { io: 'blocking' })).toEqual({ ok: false, code: 'invalid', reason: 'threads: a blocking server needs a number of threads' });
    expect(g.serverIo('b', { node: 'c1', io: 'nonblocking' })).toEqual({ ok: false, code: 'not-your-node', reason: 'c1 is not your node (you hold web)' });
    expect(g.serverIo('b', { io: 'blocking', threads: 8 })).toEqual({ ok: true });
    expect([web().io, web().threads.length]).toEqual(['blocking', 8]);
    expect(g.serverIo('b', { node: 'web', io: 'nonblocking' })).toEqual({ ok: true });
    expect([web().io, web().threads.length, web().ioSettable]).toEqual(['nonblocking', 1, true]);
    // The clients start at 30 s: then the model is set until the lab restarts.
    for (let t = 0; t < 8; t++) g.step('h', 5000);
    expect(web().ioSettable).toBe(false);
    expect(g.serverIo('b', { io: 'blocking', threads: 4 })).toEqual({ ok: false, code: 'refused', reason: 'web has already taken connections: its I/O model is set', why: { code: 'io-set', node: 'web' } });
    expect(web().io).toBe('nonblocking');
  });

  it('refuses a receiver whose node is no server', () => {
    const { g } = game('1-router-lab');
    g.addPlayer('h', 'Teacher', 'host');
    g.addPlayer('a', 'Ann', 'student');
    expect(g.role('h', 'a', 'receiver:web')).toEqual({ ok: true });
    expect(g.serverIo('a', { io: 'nonblocking' })).toEqual({ ok: false, code: 'not-supported', reason: 'web is not a server' });
  });
});
