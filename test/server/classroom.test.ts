// The classroom room over real WebSockets with real @colyseus/sdk clients: create and join by code,
// roles and bots, a router player's drop and the sender's retransmission as the clients see them
// (the retransmitted segment and the sender's window included),
// refusals that change nothing, reconnection, pause/step/speed, faults, kick and end.

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { matchMaker } from '@colyseus/core';
import { MatchMakeError } from '@colyseus/sdk';
import type { GameServer } from '../../server/app.ts';
import { JOIN_CODE_ALPHABET } from '../../shared/messages/classroom-messages.ts';
import type { ClassroomRoom } from '../../server/rooms/classroom-room.ts';
import { hostRoom, join, packetsAt, sdk, startServer, stepTo, waitFor, serverUrl, type ClassRoom } from './helpers.ts';

// Each test waits for facts, not for time; the long limit only matters on a machine busy with other work.
vi.setConfig({ testTimeout: 120_000 });

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

/** The engine's log without the seats changing hands (bots at the start, people taking over). */
function playerCommands(engine: { commandLog: ReadonlyArray<{ action: string; atMs: number }> }) {
  return engine.commandLog.filter((c) => c.action !== 'controller');
}

async function leaveAll(...rooms: ClassRoom[]) {
  for (const r of rooms) if (r.connection.isOpen) await r.leave();
}

describe('create and join', () => {
  it('gives the host a 6-character code and a token, seats students and fills the rest with bots', async () => {
    // The token comes as a direct message right after joining (and from whoami, below).
    const creating = sdk().create('classroom', { name: 'Teacher' });
    const hostRoomSdk = await creating;
    const msg = await new Promise<{ token: string; code: string; results: string }>((resolve) => hostRoomSdk.onMessage('host', resolve));
    expect(msg.code).toBe(hostRoomSdk.roomId);
    expect(msg.code).toMatch(new RegExp(`^[${JOIN_CODE_ALPHABET}]{6}$`));
    expect(msg.code).not.toMatch(/[01OIL]/);
    expect(msg.results).toBe(`/api/sessions/${msg.code}/results.json`);
    expect(msg.token.length).toBeGreaterThanOrEqual(32);
    expect(await hostRoomSdk.request('whoami')).toEqual({
      sessionId: hostRoomSdk.sessionId, code: msg.code, role: 'host', seat: '', node: '', host: true, hostToken: msg.token,
    });

    const ann = await join(msg.code, { name: '  Ann\u0007 \u202eLee  ' });
    const spec = await join(msg.code, { name: 'Projector', spectator: true });
    await waitFor(() => ann.state.players.size === 3 && ann.state.players.get(spec.sessionId), 'three players');
    const me = ann.state.players.get(ann.sessionId)!;
    expect([me.name, me.role, me.seat, me.node, me.connected]).toEqual(['Ann Lee', 'router', 'router:r1', 'r1', true]);
    expect(ann.state.players.get(spec.sessionId)!.role).toBe('spectator');
    expect(ann.state.seats.get('router:r1')!.bot).toBe(false);
    expect(ann.state.seats.get('router:r2')!.bot).toBe(true);
    expect(ann.state.nodes.get('r1')!.controller).toBe('player');
    expect(ann.state.nodes.get('r2')!.controller).toBe('bot');

    const who = (await ann.request('whoami')) as Record<string, unknown>;
    expect(who).toEqual({ sessionId: ann.sessionId, code: msg.code, role: 'router', seat: 'router:r1', node: 'r1', host: false });
    // The token is never in the shared state.
    expect(JSON.stringify(ann.state.toJSON())).not.toContain(msg.token);
    await leaveAll(ann, spec);
    await hostRoomSdk.leave();
  });

  it('refuses a wrong code, a wrong host token and malformed options', async () => {
    await expect(sdk().joinById('ZZZZZZ', { name: 'x' })).rejects.toBeInstanceOf(MatchMakeError);
    const host = await hostRoom();
    await expect(join(host.roomId, { hostToken: 'not-it' })).rejects.toThrow('that is not the host token of this session');
    await expect(join(host.roomId, { name: 42 })).rejects.toThrow('options.name');
    const first = await join(host.roomId, { name: 'Minji' });
    await expect(join(host.roomId, { name: ' minji ' })).rejects.toThrow('the name "minji" is already taken in this class');
    await first.leave();
    await expect(sdk().create('classroom', { scenario: 'no-such-lab' })).rejects.toThrow('no built-in scenario "no-such-lab"');
    await expect(sdk().create('classroom', { scenario: { durationMs: 1000, nodes: [] } })).rejects.toThrow('nodes: needs at least one node');
    await leaveAll(host);
  });

  it('runs a scenario object the host sends', async () => {
    const scenario = {
      name: 'two hosts',
      durationMs: 10000,
      nodes: [{ id: 'a', kind: 'host' }, { id: 'r', kind: 'router', controller: 'player' }, { id: 'b', kind: 'host' }],
      links: [
        { id: 'ar', a: 'a', b: 'r', bandwidthBps: 1e6, delayMs: 100 },
        { id: 'rb', a: 'r', b: 'b', bandwidthBps: 1e6, delayMs: 100 },
      ],
      flows: [{ id: 'f', from: 'a', to: 'b', transport: 'tcp' }],
    };
    const host = await hostRoom({ scenario });
    await waitFor(() => host.state.nodes.size === 3, 'nodes');
    expect([host.state.scenario, host.state.scenarioName, host.state.clock.durationMs]).toEqual(['custom', 'two hosts', 10000]);
    expect([...host.state.seats.keys()]).toEqual(['router:r', 'sender:a', 'receiver:b']);
    await leaveAll(host);
  });
});

describe('router play', () => {
  it('drops a packet for the router player at its node; the sender retransmits; others are refused and change nothing', async () => {
    const host = await hostRoom();
    const ann = await join(host.roomId, { name: 'Ann' }); // r1
    const ben = await join(host.roomId, { name: 'Ben' }); // r2
    await stepTo(host, 1500, [host, ann]);
    const [syn] = await waitFor(() => packetsAt(ann, 'r1').length === 1 && packetsAt(ann, 'r1'), 'the SYN of the upload waiting at r1');
    expect([syn!.kind, syn!.flow, syn!.next, syn!.from, syn!.to]).toEqual(['syn', 'upload', 'r1-r3', 'laptop', 'r1']);

    // Not Ben's node, not the host's seat, not a router role: refused, nothing changes.
    expect(await ben.request('drop', { node: 'r1', packet: syn!.id })).toEqual({ ok: false, code: 'not-your-node', reason: 'r1 is not your node (you hold r2)' });
    expect(await ben.request('drop', { packet: syn!.id })).toEqual({
      ok: false, code: 'refused', reason: `packet ${syn!.id} is not waiting at r2`, why: { code: 'not-waiting', packet: syn!.id, node: 'r2' },
    });
    expect(await host.request('forward', { packet: syn!.id, link: 'r1-r3' })).toEqual({ ok: false, code: 'no-seat', reason: 'you hold no seat' });
    expect(await ann.request('pause')).toEqual({ ok: false, code: 'not-host', reason: 'only the host can do that' });
    const refused = new Promise((resolve) => ben.onMessage('refused', resolve));
    ben.send('drop', { node: 'r1', packet: syn!.id });
    expect(await refused).toEqual({ type: 'drop', code: 'not-your-node', reason: 'r1 is not your node (you hold r2)' });
    const engine = serverRoom(host.roomId).game.engine;
    expect(engine.summary().drops.player ?? 0).toBe(0);
    expect(engine.waitingAt('r1').map((p) => p.id)).toEqual([syn!.id]);
    expect(host.state.clock.paused).toBe(true);

    expect(await ann.request('drop', { packet: syn!.id })).toEqual({ ok: true });
    expect(engine.summary().drops.player).toBe(1);
    await waitFor(() => !ann.state.packets.has(String(syn!.id)), 'the dropped SYN gone from the state');
    await waitFor(() => ann.state.events.some((e) => e.type === 'drop' && e.packet === syn!.id && e.detail === 'player' && e.node === 'r1'), 'the drop event');

    // The SYN's retransmission timer (8 s) fires; the new SYN reaches r1 and waits there.
    await stepTo(host, 9500, [host, ann]);
    const upload = () => packetsAt(ann, 'r1').filter((p) => p.flow === 'upload');
    const [again] = await waitFor(() => upload().length === 1 && upload(), 'the retransmitted SYN');
    expect(again!.kind).toBe('syn');
    expect(again!.id).not.toBe(syn!.id);
    await waitFor(() => ann.state.flows.get('upload')!.retransmits === 1, 'one retransmission in the flow stats');
    await waitFor(() => ann.state.events.some((e) => e.type === 'rto' && e.flow === 'upload'), 'the RTO event');
    expect(await ann.request('forward', { packet: again!.id, link: again!.next })).toEqual({ ok: true });
    await waitFor(() => ann.state.packets.get(String(again!.id))?.link === 'r1-r3', 'the SYN on r1-r3');
    await leaveAll(ann, ben, host);
  });

  it('syncs a dropped segment’s retransmission with the same sequence number, and the sender’s window as the engine has it', async () => {
    const host = await hostRoom();
    const ann = await join(host.roomId, { name: 'Ann' }); // r1
    const engine = serverRoom(host.roomId).game.engine;
    type Seen = { id: number; kind: string; fromServer: boolean; seq: number; ack: number; len: number; retransmit: boolean; sentMs: number };
    // Segment fields are sent only when they are not false or 0.
    const fact = (p: Seen): Seen => ({ id: p.id, kind: p.kind, fromServer: p.fromServer === true, seq: p.seq ?? 0, ack: p.ack ?? 0, len: p.len ?? 0, retransmit: p.retransmit === true, sentMs: p.sentMs });
    let dropped: Seen | null = null;
    let again: Seen | null = null;
    // Ann forwards everything at r1 on the routing table's link, except the upload's first data segment.
    for (let simMs = 500; again === null && simMs <= 30_000; simMs += 500) {
      await stepTo(host, simMs, [host, ann]);
      for (const p of packetsAt(ann, 'r1')) {
        if (p.flow === 'upload' && p.kind === 'data' && dropped === null) {
          dropped = fact(p);
          expect(await ann.request('drop', { packet: p.id })).toEqual({ ok: true });
        } else if (p.flow === 'upload' && p.retransmit === true) {
          again = fact(p);
        } else {
          expect(await ann.request('forward', { packet: p.id, link: p.next })).toEqual({ ok: true });
        }
      }
    }
    // The first segment of the stream: bytes 0-535, sent once the handshake was done (at 5.2 s).
    expect(dropped).toMatchObject({ kind: 'data', fromServer: false, seq: 0, ack: 0, len: 536, retransmit: false });
    expect(dropped!.sentMs).toBeGreaterThan(5000);
    // Its timer fires and the same bytes go again, in a new packet marked as a retransmission.
    expect(again).toMatchObject({ kind: 'data', fromServer: false, seq: dropped!.seq, ack: 0, len: 536, retransmit: true });
    expect(again!.id).not.toBe(dropped!.id);
    expect(again!.sentMs).toBeGreaterThan(dropped!.sentMs);
    // Paused after the step: the state has the sender's figures as the engine has them now.
    const sender = engine.flows.get('upload')!.clientTcp!;
    const f = ann.state.flows.get('upload')!;
    expect([f.una, f.nxt, f.sndMax, f.rwndBytes, f.mss]).toEqual([sender.sndUna, sender.sndNxt, sender.sndMax, sender.sndWnd, sender.mss]);
    expect([f.una, f.nxt, f.sndMax, f.rwndBytes, f.mss]).toEqual([0, 536, 536, 4288, 536]);
    expect(f.cwndReason).toBe('timeout');
    expect(f.cwnd).toBe(536);
    expect(f.srttMs).toBe(Math.round(sender.rto.srttNs / 1e6));
    expect(f.rtoMs).toBe(Math.round(sender.rto.rtoNs / 1e6));
    await leaveAll(ann, host);
  });

  it('starts a flow in the congestion control its sender picks among those offered; anything else is refused and changes nothing', async () => {
    const host = await hostRoom({ scenario: '2-congestion-lab' });
    const bo = await join(host.roomId, { name: 'Bo' });
    expect(await host.request('role', { player: bo.sessionId, seat: 'sender:bob' })).toEqual({ ok: true });
    await waitFor(() => bo.state.players.get(bo.sessionId)?.seat === 'sender:bob', 'Bo seated at bob');
    const engine = serverRoom(host.roomId).game.engine;
    const bob = () => bo.state.flows.get('bob-upload')!;
    const modes = (f: ReturnType<typeof bob>) => [f.cc, f.arq, f.windowSegments, [...f.ccChoices], [...f.arqChoices], f.totalBytes];
    expect(modes(bob())).toEqual(['reno', 'tcp', 4, ['aimd', 'tahoe', 'reno', 'newreno'], [], 0]);
    expect(modes(bo.state.flows.get('alice-upload')!)).toEqual(['reno', 'tcp', 4, [], [], 0]);

    expect(await bo.request('start-flow', { flow: 'bob-upload', arq: 'go-back-n' })).toEqual({ ok: false, code: 'refused', reason: 'flow bob-upload does not offer ARQ mode go-back-n' });
    expect(await bo.request('start-flow', { flow: 'alice-upload', cc: 'tahoe' })).toMatchObject({ ok: false, code: 'not-your-flow' });
    expect(engine.flows.get('bob-upload')!.started).toBe(false);
    expect(playerCommands(engine)).toEqual([]);

    await stepTo(host, 2000, [host, bo]);
    expect(await bo.request('start-flow', { flow: 'bob-upload', cc: 'tahoe' })).toEqual({ ok: true });
    await waitFor(() => bob().cc === 'tahoe' && bob().running, 'the flow running as Tahoe');
    expect(engine.flows.get('bob-upload')!.spec.cc).toBe('tahoe');
    expect(playerCommands(engine)).toEqual([{ action: 'start-flow', node: 'bob', flow: 'bob-upload', cc: 'tahoe', atMs: 2000 }]);
    expect(await bo.request('start-flow', { flow: 'bob-upload', cc: 'reno' })).toEqual({ ok: false, code: 'refused', reason: 'flow bob-upload already started', why: { code: 'flow-started', flow: 'bob-upload' } });
    // Its SYN is on the way at 2 s, not at the scenario's 15 s.
    await stepTo(host, 3000, [host, bo]);
    expect(bob().state).toBe('SYN_SENT');
    await leaveAll(bo, host);
  });

  it("lets the server lab's server player switch to an event loop over the wire, and says when the model is set", async () => {
    const host = await hostRoom({ scenario: '6-server-lab' });
    const sam = await join(host.roomId, { name: 'Sam' });
    expect(await host.request('role', { player: sam.sessionId, seat: 'receiver:web' })).toEqual({ ok: true });
    await waitFor(() => sam.state.players.get(sam.sessionId)?.seat === 'receiver:web', 'Sam seated at web');
    const engine = serverRoom(host.roomId).game.engine;
    expect(await sam.request('server-io', { io: 'nonblocking' })).toEqual({ ok: true });
    await waitFor(() => sam.state.servers.get('web')?.io === 'nonblocking', 'the event loop in the state');
    expect(playerCommands(engine)).toEqual([{ action: 'server-io', node: 'web', io: 'nonblocking', threads: 1, atMs: playerCommands(engine)[0]!.atMs }]);
    expect(sam.state.servers.get('web')!.ioSettable).toBe(true);
    await stepTo(host, 35_000, [host, sam]);
    await waitFor(() => sam.state.servers.get('web')?.ioSettable === false, 'the model set once clients connected');
    expect(await sam.request('server-io', { io: 'blocking', threads: 16 })).toEqual({ ok: false, code: 'refused', reason: 'web has already taken connections: its I/O model is set', why: { code: 'io-set', node: 'web' } });
    await leaveAll(sam, host);
  });

  it('answers inspect with the packet’s layers, only for packets a player may see', async () => {
    const host = await hostRoom();
    const ann = await join(host.roomId, { name: 'Ann' }); // r1
    const ben = await join(host.roomId, { name: 'Ben' }); // r2
    await stepTo(host, 1500, [host, ann]);
    const [syn] = await waitFor(() => packetsAt(ann, 'r1').length === 1 && packetsAt(ann, 'r1'), 'SYN at r1');
    const seen = (await ann.request('inspect', { packet: syn!.id })) as { ok: true; packet: { kind: string; layers: Array<{ protocol: string }> } };
    expect(seen.ok).toBe(true);
    expect(seen.packet.kind).toBe('syn');
    expect(seen.packet.layers.map((l) => l.protocol)).toEqual(['Ethernet II', 'IPv4', 'TCP']);
    expect(await ben.request('inspect', { packet: syn!.id })).toEqual({ ok: false, code: 'not-your-node', reason: `packet ${syn!.id} is not at or next to r2` });
    expect(((await host.request('inspect', { packet: syn!.id })) as { ok: boolean }).ok).toBe(true);
    expect(await host.request('inspect', { packet: 999999 })).toEqual({ ok: false, code: 'unknown', reason: 'packet 999999 is not in the network' });
    await leaveAll(ann, ben, host);
  });
});

describe('host controls', () => {
  it('pauses exactly, steps exactly, changes speed and resumes', async () => {
    const host = await hostRoom();
    const ann = await join(host.roomId);
    await waitFor(() => ann.state.clock.paused, 'paused');
    const frozen = ann.state.clock.simMs;
    await new Promise((r) => setTimeout(r, 300));
    expect(serverRoom(host.roomId).game.engine.nowMs).toBe(frozen);
    expect(await host.request('step', { ms: 250 })).toEqual({ ok: true });
    await waitFor(() => ann.state.clock.simMs === frozen + 250, 'one step of 250 ms');
    expect(serverRoom(host.roomId).game.engine.nowMs).toBe(frozen + 250);
    expect(await host.request('speed', { speed: 4 })).toEqual({ ok: true });
    expect(await host.request('step')).toEqual({ ok: true });
    await waitFor(() => ann.state.clock.simMs === frozen + 450, 'one fixed step at 4x (200 ms)');
    expect(ann.state.clock.speed).toBe(4);
    expect(await host.request('resume')).toEqual({ ok: true });
    await waitFor(() => !ann.state.clock.paused && ann.state.clock.simMs > frozen + 450, 'time moving again');
    expect(await host.request('step', { ms: 10 })).toEqual({ ok: false, code: 'invalid', reason: 'pause before stepping' });
    await leaveAll(ann, host);
  });

  it('injects faults the class sees', async () => {
    const host = await hostRoom();
    const ann = await join(host.roomId);
    expect(await ann.request('fault', { kind: 'link-down', link: 'r1-r3' })).toEqual({ ok: false, code: 'not-host', reason: 'only the host can do that' });
    expect(await host.request('fault', { kind: 'link-down', link: 'r1-r3' })).toEqual({ ok: true });
    await waitFor(() => ann.state.links.get('r1-r3')!.up === false, 'link down');
    await waitFor(() => ann.state.events.some((e) => e.type === 'fault' && e.link === 'r1-r3' && e.detail === 'link-down'), 'fault event');
    expect(await host.request('fault', { kind: 'node-down', node: 'r4' })).toEqual({ ok: true });
    await waitFor(() => ann.state.nodes.get('r4')!.up === false, 'node down');
    expect(await host.request('fault', { kind: 'link-loss', link: 'r3-r5', loss: 0.25 })).toEqual({ ok: true });
    await waitFor(() => ann.state.links.get('r3-r5')!.lossAB === 0.25 && ann.state.links.get('r3-r5')!.lossBA === 0.25, 'loss');
    expect(await host.request('fault', { kind: 'link-up', link: 'r1-r3' })).toEqual({ ok: true });
    expect(await host.request('step', { ms: 1 })).toEqual({ ok: true });
    await waitFor(() => ann.state.links.get('r1-r3')!.up === true, 'link up');
    await leaveAll(ann, host);
  });

  it('reassigns roles, kicks and ends the session', async () => {
    const host = await hostRoom();
    const ann = await join(host.roomId, { name: 'Ann' });
    const ben = await join(host.roomId, { name: 'Ben' });
    expect(await host.request('role', { player: ann.sessionId, seat: 'sender:laptop' })).toEqual({ ok: true });
    await waitFor(() => ben.state.players.get(ann.sessionId)?.seat === 'sender:laptop', 'Ann moved');
    expect(await ann.request('stop-flow', { flow: 'upload' })).toEqual({ ok: true });

    const kicked = new Promise<number>((resolve) => ben.onLeave((code) => resolve(code)));
    expect(await host.request('kick', { player: ben.sessionId, reason: 'bye' })).toEqual({ ok: true });
    expect(await kicked).toBe(4100);
    await waitFor(() => !ann.state.players.has(ben.sessionId), 'Ben gone');
    await waitFor(() => ann.state.seats.get('router:r2')!.player === '' && ann.state.seats.get('router:r2')!.bot, 'r2 back to its bot');

    const ended = new Promise((resolve) => ann.onMessage('ended', resolve));
    expect(await host.request('end')).toEqual({ ok: true });
    expect(await ended).toEqual({ code: host.roomId });
    await waitFor(() => ann.state.phase === 'ended', 'phase ended');
    expect(await ann.request('start-flow', { flow: 'upload' })).toEqual({ ok: false, code: 'ended', reason: 'the session has ended' });
    await expect(join(host.roomId)).rejects.toThrow('this session has ended');
    await leaveAll(ann, host);
  });
});

describe('reconnection', () => {
  it('gives a dropped player the same seat and score back, with a bot playing meanwhile', async () => {
    const host = await hostRoom();
    const ann = await join(host.roomId, { name: 'Ann' });
    const room = serverRoom(host.roomId);
    room.game.players.get(ann.sessionId)!.score = 17;
    await waitFor(() => host.state.players.get(ann.sessionId)?.score === 17, 'score synced');
    ann.reconnection.enabled = false;
    const token = ann.reconnectionToken;
    ann.connection.close(4999 as never);
    await waitFor(() => host.state.players.get(ann.sessionId)?.connected === false, 'Ann shown disconnected');
    expect(host.state.seats.get('router:r1')!.bot).toBe(true);
    expect(host.state.nodes.get('r1')!.controller).toBe('bot');
    const back = (await sdk().reconnect(token)) as unknown as ClassRoom;
    expect(back.sessionId).toBe(ann.sessionId);
    await waitFor(() => host.state.players.get(ann.sessionId)?.connected === true, 'Ann back');
    const me = host.state.players.get(ann.sessionId)!;
    expect([me.seat, me.score]).toEqual(['router:r1', 17]);
    expect(host.state.nodes.get('r1')!.controller).toBe('player');
    await leaveAll(back, host);
  });
});

describe('bad input', () => {
  it('disconnects a seated player who sends an oversized message, without holding the seat', async () => {
    const host = await hostRoom();
    const ann = await join(host.roomId, { name: 'Ann' });
    await waitFor(() => host.state.seats.get('router:r1')!.player === ann.sessionId, 'Ann seated');
    const left = new Promise<number>((resolve) => ann.onLeave((code) => resolve(code)));
    ann.send('inspect', { packet: 1, pad: 'x'.repeat(70_000) } as never);
    expect(await left).toBe(1009);
    await waitFor(() => !host.state.players.has(ann.sessionId), 'Ann gone at once');
    expect(host.state.seats.get('router:r1')!.player).toBe('');
    await leaveAll(host);
  });

  it('disconnects a client for a malformed send or an unknown message, and answers a malformed request with an error', async () => {
    const host = await hostRoom();
    const ann = await join(host.roomId, { name: 'Ann' });
    await expect(ann.request('drop', { packet: 'seven' } as never)).rejects.toThrow('packet');
    expect(ann.connection.isOpen).toBe(true);
    const left = new Promise<number>((resolve) => ann.onLeave((code) => resolve(code)));
    ann.send('drop', { packet: -1 });
    expect(await left).toBe(4002);
    const ben = await join(host.roomId, { name: 'Ben' });
    const benLeft = new Promise<number>((resolve) => ben.onLeave((code) => resolve(code)));
    ben.send('teleport' as never, {} as never);
    expect(await benLeft).toBe(4002);
    await waitFor(() => host.state.players.size === 1, 'both gone');
    await leaveAll(host);
  });

  it('refuses commands beyond the rate limit, then disconnects a flood', async () => {
    const host = await hostRoom();
    const ann = await join(host.roomId, { name: 'Ann' });
    const replies = await Promise.all(Array.from({ length: 40 }, () => ann.request('drop', { packet: 1 })));
    const codes = replies.map((r) => (r as { code?: string }).code);
    expect(codes.filter((c) => c === 'rate-limited').length).toBeGreaterThanOrEqual(5);
    expect(codes.filter((c) => c === 'refused').length).toBeGreaterThanOrEqual(25);
    await new Promise((r) => setTimeout(r, 1100));
    const left = new Promise<number>((resolve) => ann.onLeave((code) => resolve(code)));
    for (let i = 0; i < 100; i++) ann.send('whoami');
    expect(await left).toBe(4002);
    expect(host.connection.isOpen).toBe(true);
    await leaveAll(host);
  });
});

describe('http', () => {
  it('answers /healthz with room and client counts', async () => {
    const host = await hostRoom();
    const res = await fetch(`${serverUrl()}/healthz`);
    const body = (await res.json()) as { status: string; rooms: number; clients: number };
    expect(res.status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.rooms).toBeGreaterThanOrEqual(1);
    expect(body.clients).toBeGreaterThanOrEqual(1);
    await leaveAll(host);
  });

  it('says where students open the game: nowhere another machine reaches, when bound to loopback only', async () => {
    const res = await fetch(`${serverUrl()}/api/join-addresses`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ urls: [] });
  });

  it('lists the built-in scenarios and says when the client is not built', async () => {
    const list = (await (await fetch(`${serverUrl()}/api/scenarios`)).json()) as Array<{ id: string; seats: number }>;
    expect(list.map((s) => [s.id, s.seats])).toEqual([
      ['1-router-lab', 12],
      ['2-congestion-lab', 6],
      ['3-flow-control-lab', 6],
      ['4-security-lab', 9],
      ['5-load-balancer-lab', 9],
      ['6-server-lab', 9],
      ['7-dns-lab', 8],
    ]);
    const home = await fetch(`${serverUrl()}/`);
    expect(await home.text()).toContain('the browser client is not built yet');
    expect((await fetch(`${serverUrl()}/monitor/api`)).status).toBe(404);
  });
});
