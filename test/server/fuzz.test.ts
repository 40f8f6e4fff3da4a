// Bad input is expected input. Fuzz clients throw thousands of random and malformed messages at one
// classroom — known and unknown message names, random payloads, oversized messages, raw garbage
// frames, floods — rejoining whenever the server disconnects them. Afterwards the server is up,
// another classroom never noticed, nothing the fuzzers sent changed the game, and every well-formed
// command still works. The random choices come from a seeded generator, so a failure replays.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchMaker } from '@colyseus/core';
import type { GameServer } from '../../server/app.ts';
import type { ClassroomRoom } from '../../server/rooms/classroom-room.ts';
import { MESSAGES } from '../../shared/messages/classroom-messages.ts';
import { hostRoom, join, packetsAt, startServer, stepTo, waitFor, serverUrl, type ClassRoom } from './helpers.ts';

const TOTAL_MESSAGES = 4000;
const FUZZERS = 8;

/** mulberry32: a small seeded PRNG. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T,>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick };
}
type Rng = ReturnType<typeof prng>;

const NAMES = Object.keys(MESSAGES);
const KEYS = ['packet', 'node', 'link', 'ms', 'speed', 'flow', 'rateBps', 'scenario', 'kind', 'player', 'seat', 'reason', 'connection', 'backend', 'algorithm', 'loss', 'forMs', '__proto__', 'constructor'];
const STRINGS = ['r1', 'r2', 'r1-r3', 'upload', 'link-down', 'node-down', 'router:r1', '', 'DROP TABLE', '\u0000', '\u202e', '💥'.repeat(50), 'x'.repeat(5000), '1-router-lab', 'round-robin'];
const NUMBERS = [0, 1, -1, 2, 7, 0.25, 4, 1e308, -1e308, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, 60_000, 60_001, 3.5];

function value(r: Rng, depth: number): unknown {
  switch (r.int(depth > 2 ? 4 : 7)) {
    case 0: return r.pick(NUMBERS);
    case 1: return r.pick(STRINGS);
    case 2: return r.next() < 0.5;
    case 3: return null;
    case 4: return Array.from({ length: r.int(5) }, () => value(r, depth + 1));
    case 5: return Array.from({ length: r.int(2000) }, (_, i) => i);
    default: return object(r, depth + 1);
  }
}

function object(r: Rng, depth: number): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (let i = r.int(5); i > 0; i--) o[r.pick(KEYS)] = value(r, depth);
  return o;
}

/** One fuzz client: a spectator that sends garbage and comes back whenever it is thrown out. */
class Fuzzer {
  room: ClassRoom | null = null;
  sent = 0;
  rejoins = 0;
  private readonly code: string;
  private readonly r: Rng;
  constructor(code: string, seed: number) {
    this.code = code;
    this.r = prng(seed);
  }

  private async connect(): Promise<ClassRoom> {
    const room = await join(this.code, { name: `fuzz${this.rejoins}`, spectator: true });
    room.reconnection.enabled = false;
    this.rejoins++;
    return room;
  }

  async run(messages: number): Promise<void> {
    const r = this.r;
    for (let i = 0; i < messages; i++) {
      if (this.room === null || !this.room.connection.isOpen) this.room = await this.connect();
      const room = this.room;
      const kind = r.int(100);
      try {
        if (kind < 40) room.send(r.pick(NAMES) as never, (r.next() < 0.8 ? object(r, 0) : value(r, 0)) as never);
        else if (kind < 75) void room.request(r.pick(NAMES) as never, (r.next() < 0.8 ? object(r, 0) : value(r, 0)) as never, { timeout: 3000 }).catch(() => {});
        else if (kind < 80) room.send(`no-such-${r.int(5)}` as never, object(r, 0) as never);
        else if (kind < 90) {
          // A raw frame: a random protocol byte (sometimes a real one) and random bytes after it.
          const bytes = new Uint8Array(1 + r.int(64));
          for (let b = 0; b < bytes.length; b++) bytes[b] = r.int(256);
          if (r.next() < 0.5) bytes[0] = r.pick([10, 12, 13, 17, 18, 19, 20, 21]);
          room.connection.send(bytes);
        } else if (kind < 93) room.send('inspect' as never, { packet: 1, pad: 'x'.repeat(70_000) } as never);
        else if (kind < 95) for (let f = 0; f < 80; f++) room.send('whoami' as never);
        else room.send(r.pick(NAMES) as never);
      } catch {
        // The SDK may refuse to encode a value (and a closed socket throws): that is the fuzzer's problem.
      }
      this.sent++;
      // About 50 messages a second per client: most fuzz reaches the handlers instead of the flood limit.
      if (i % 5 === 4) await new Promise((res) => setTimeout(res, 100));
    }
    if (this.room?.connection.isOpen) await this.room.leave();
  }
}

let server: GameServer;
beforeAll(async () => {
  server = await startServer();
}, 120_000);
// Closing waits for every room to close; on a busy machine that can take longer than the default hook limit.
afterAll(async () => {
  await server.close();
}, 120_000);

function serverRoom(code: string): ClassroomRoom {
  return matchMaker.getLocalRoomById(code) as unknown as ClassroomRoom;
}

describe('fuzz', () => {
  it('survives thousands of random and malformed messages; other rooms and well-formed commands are unaffected', async () => {
    // Room A (fuzzed): paused, a host and an honest router player.
    const hostA = await hostRoom();
    const ann = await join(hostA.roomId, { name: 'Ann' });
    // Room B (bystander): running, a host and two students.
    const hostB = await hostRoom({}, false);
    const b1 = await join(hostB.roomId, { name: 'B1' });
    const b2 = await join(hostB.roomId, { name: 'B2' });
    const leftB: number[] = [];
    const leftA: number[] = [];
    for (const r of [hostB, b1, b2]) r.onLeave((code) => leftB.push(code));
    for (const r of [hostA, ann]) r.onLeave((code) => leftA.push(code));
    await waitFor(() => hostA.state.seats.get('router:r1')?.player === ann.sessionId, 'the host sees Ann seated');
    await waitFor(() => hostB.state.players.size === 3, 'room B complete');
    const roomA = serverRoom(hostA.roomId);
    const roomB = serverRoom(hostB.roomId);
    const simA = roomA.game.engine.nowMs;
    const simB = roomB.game.engine.nowMs;
    const seatsA = JSON.stringify(hostA.state.seats.toJSON());
    const logA = JSON.stringify(roomA.game.engine.commandLog);
    const flowsA = JSON.stringify(hostA.state.flows.toJSON());

    const fuzzers = Array.from({ length: FUZZERS }, (_, i) => new Fuzzer(hostA.roomId, 1000 + i));
    await Promise.all(fuzzers.map((f) => f.run(TOTAL_MESSAGES / FUZZERS)));
    const sent = fuzzers.reduce((n, f) => n + f.sent, 0);
    const rejoins = fuzzers.reduce((n, f) => n + f.rejoins, 0);
    expect(sent).toBe(TOTAL_MESSAGES);
    expect(rejoins).toBeGreaterThan(FUZZERS); // the server did throw fuzzers out

    // The server is up and the bystander room never noticed.
    const health = (await (await fetch(`${serverUrl()}/healthz`)).json()) as { status: string };
    expect(health.status).toBe('ok');
    expect(leftB).toEqual([]);
    expect(hostB.connection.isOpen && b1.connection.isOpen && b2.connection.isOpen).toBe(true);
    expect(roomB.game.engine.nowMs).toBeGreaterThan(simB);
    expect([...roomB.game.players.values()].map((p) => [p.name, p.role, p.connected])).toEqual([
      ['Teacher', 'host', true], ['B1', 'router', true], ['B2', 'router', true],
    ]);
    // Its log holds only who played the routers: the bots from the start, then B1 and B2 (and no fuzzer).
    expect(roomB.game.engine.commandLog.filter((c) => c.action !== 'controller')).toEqual([]);
    expect(roomB.game.engine.commandLog.filter((c) => c.action === 'controller' && c.controller === 'player').map((c) => 'node' in c && c.node)).toEqual(['r1', 'r2']);

    // Nothing the fuzzers sent changed room A's game.
    expect(leftA).toEqual([]);
    await waitFor(() => roomA.clients.length === 2, 'the fuzzers gone');
    expect(roomA.game.engine.nowMs).toBe(simA);
    expect(JSON.stringify(roomA.game.engine.commandLog)).toBe(logA);
    expect(roomA.game.engine.commandLog.every((c) => c.action === 'controller')).toBe(true);
    expect(JSON.stringify(hostA.state.seats.toJSON())).toBe(seatsA);
    expect(JSON.stringify(hostA.state.flows.toJSON())).toBe(flowsA);
    expect([hostA.state.phase, hostA.state.round, hostA.state.clock.speed, hostA.state.clock.paused]).toEqual(['running', 1, 1, true]);

    // Every well-formed command still works.
    expect(await ann.request('whoami')).toMatchObject({ role: 'router', seat: 'router:r1', host: false });
    await stepTo(hostA, 1500, [hostA, ann]);
    const [syn] = await waitFor(() => packetsAt(ann, 'r1').length === 1 && packetsAt(ann, 'r1'), 'the SYN at r1');
    expect(await ann.request('inspect', { packet: syn!.id })).toMatchObject({ ok: true });
    expect(await ann.request('hold', { packet: syn!.id, ms: 100 })).toEqual({ ok: true });
    expect(await hostA.request('step', { ms: 200 })).toEqual({ ok: true });
    expect(await hostA.request('speed', { speed: 2 })).toEqual({ ok: true });
    expect(await hostA.request('fault', { kind: 'link-loss', link: 'r1-r3', loss: 0.1 })).toEqual({ ok: true });
    expect(await hostA.request('resume')).toEqual({ ok: true });
    expect(await b1.request('whoami')).toMatchObject({ role: 'router', seat: 'router:r1' });
    for (const r of [ann, hostA, b1, b2, hostB]) await r.leave();
  }, 300_000);
});
