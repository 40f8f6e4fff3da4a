// A classroom room's state, as the server synchronises it (docs/protocol.md), becomes the same World
// the engine in the page would produce; intents become the room's requests.

import { afterEach, describe, expect, test, vi } from 'vitest';
import type { ClassroomRoom } from '../../client/net/connection.ts';
import { classifyJoinError, isValidCode, normalizeCode } from '../../client/net/connection.ts';
import { RoomSource } from '../../client/net/room-source.ts';
import type { WorldEvent } from '../../client/model/events.ts';
import { windowView } from '../../client/model/flow-history.ts';
import { captionContextOf, captionFor } from '../../client/model/captions.ts';
import { setLang } from '../../client/i18n/index.ts';

interface FakePacket {
  id: number; kind: string; flow: string; link: string; from: string; to: string; departMs: number; arriveMs: number; at: string; held: boolean; next: string;
  retransmit?: boolean; sentMs?: number; fromServer?: boolean; seq?: number; ack?: number; len?: number;
}

interface FakeState {
  code: string;
  scenario: string;
  scenarioName: string;
  round: number;
  phase: string;
  clock: { simMs: number; speed: number; paused: boolean; durationMs: number; finished: boolean; stepMs: number };
  players: Map<string, { name: string; role: string; seat: string; node: string; connected: boolean; score: number }>;
  seats: Map<string, unknown>;
  nodes: Map<string, { id: string; kind: string; ip: string; x: number; y: number; up: boolean; controller: string; queue: number }>;
  links: Map<string, { id: string; a: string; b: string; bandwidthBps: number; delayMs: number; queuePackets: number; up: boolean; lossAB: number; lossBA: number; queueAB: number; queueBA: number }>;
  flows: Map<string, Record<string, unknown>>;
  packets: Map<string, FakePacket>;
  packetsHidden: number;
  events: Array<{ seq: number; t: number; type: string; node: string; link: string; flow: string; packet: number; detail: string; count: number }>;
}

function initialState(): FakeState {
  const link = (id: string, a: string, b: string) => ({ id, a, b, bandwidthBps: 256_000, delayMs: 400, queuePackets: 20, up: true, lossAB: 0, lossBA: 0.1, queueAB: 0, queueBA: 0 });
  return {
    code: 'ABC234',
    scenario: 'lab',
    scenarioName: 'Router lab',
    round: 1,
    phase: 'running',
    clock: { simMs: 1000, speed: 1, paused: false, durationMs: 60_000, finished: false, stepMs: 50 },
    players: new Map([
      ['s1', { name: 'Jun', role: 'router', seat: 'router:r1', node: 'r1', connected: true, score: 0 }],
      ['s2', { name: 'Minji', role: 'sender', seat: 'sender:laptop', node: 'laptop', connected: true, score: 3 }],
    ]),
    seats: new Map(),
    nodes: new Map([
      ['laptop', { id: 'laptop', kind: 'host', ip: '10.0.0.1', x: 80, y: 500, up: true, controller: 'bot', queue: 0 }],
      ['r1', { id: 'r1', kind: 'router', ip: '10.0.0.2', x: 500, y: 500, up: true, controller: 'player', queue: 1, queueLimit: 20 }],
      ['server', { id: 'server', kind: 'host', ip: '10.0.0.3', x: 920, y: 500, up: true, controller: 'bot', queue: 0 }],
    ]),
    links: new Map([
      ['l1', link('l1', 'laptop', 'r1')],
      ['l2', link('l2', 'r1', 'server')],
    ]),
    flows: new Map([
      [
        'f',
        {
          id: 'f', from: 'laptop', to: 'server', transport: 'tcp', app: 'bulk', running: true, state: 'ESTABLISHED', serverState: 'ESTABLISHED',
          cwnd: 2000, ssthresh: 65535, deliveredBytes: 0, retransmits: 0, timeouts: 0, fastRetransmits: 0, goodputBps: 0, readRateBps: 0, completed: false,
        },
      ],
    ]),
    packets: new Map([
      ['5', { id: 5, kind: 'data', flow: 'f', link: 'l1', from: 'laptop', to: 'r1', departMs: 900, arriveMs: 1400, at: '', held: false, next: '' }],
      ['6', { id: 6, kind: 'ack', flow: 'f', link: '', from: '', to: '', departMs: 0, arriveMs: 0, at: 'r1', held: false, next: 'l1' }],
    ]),
    packetsHidden: 0,
    events: [],
  };
}

function fakeRoom(state: FakeState) {
  const handlers = { state: [] as Array<(s: FakeState) => void>, messages: new Map<string, (m: unknown) => void>(), leave: [] as Array<(code: number) => void> };
  const requests: Array<{ type: string; payload: unknown }> = [];
  let reply: (type: string, payload: unknown) => unknown = () => ({ ok: true });
  const room = {
    sessionId: 's1',
    roomId: 'ABC234',
    state,
    reconnection: { minUptime: 5000 },
    onStateChange: (cb: (s: FakeState) => void) => handlers.state.push(cb),
    onMessage: (type: string, cb: (m: unknown) => void) => handlers.messages.set(type, cb),
    onLeave: (cb: (code: number) => void) => handlers.leave.push(cb),
    request: async (type: string, payload: unknown) => {
      requests.push({ type, payload });
      return reply(type, payload);
    },
    leave: async () => 4000,
  };
  return {
    room: room as unknown as ClassroomRoom,
    requests,
    patch: () => handlers.state.forEach((cb) => cb(state)),
    message: (type: string, m: unknown) => handlers.messages.get(type)?.(m),
    close: (code: number) => handlers.leave.forEach((cb) => cb(code)),
    setReply: (fn: (type: string, payload: unknown) => unknown) => (reply = fn),
  };
}

/** A room source over a fake room, and every world event it produces. */
function watchedRoom(prepare: (state: ReturnType<typeof initialState>) => void = () => {}) {
  const state = initialState();
  prepare(state);
  const fake = fakeRoom(state);
  const s = new RoomSource(fake.room, { code: 'ABC234', spectator: false });
  const seen: WorldEvent[] = [];
  s.world.on((e) => seen.push(e));
  return { state, fake, s, seen };
}

afterEach(() => vi.restoreAllMocks());

describe('room source', () => {
  test('topology, roles, packets on links and the router queue come from the state', () => {
    const state = initialState();
    const fake = fakeRoom(state);
    const s = new RoomSource(fake.room, { code: 'ABC234', spectator: false });
    const w = s.world;
    expect([...w.nodes.keys()]).toEqual(['laptop', 'r1', 'server']);
    expect(w.nodes.get('laptop')).toMatchObject({ kind: 'host', layer: 7, owner: 'Minji', pos: { x: 80, y: 500 } });
    expect(w.nodes.get('r1')).toMatchObject({ layer: 3, controller: 'player', owner: null, queueLimit: 20 });
    expect(w.links.get('l2')!.loss).toEqual({ 'r1->server': 0, 'server->r1': 0.1 });
    expect(s.me()).toEqual({ role: 'router', node: 'r1', flows: [] });
    expect(w.packets.get(5)).toMatchObject({ link: 'l1', from: 'laptop', to: 'r1', departMs: 900, arriveMs: 1400 });
    expect(w.queues.get('r1')).toEqual([{ id: 6, kind: 'ack', app: 'bulk', flow: 'f', dest: null, next: 'l1', held: false, retransmit: false, duplicate: false, sinceMs: 0 }]);
    expect(w.players.get('s2')).toMatchObject({ name: 'Minji', role: 'sender', node: 'laptop', score: 3, host: false });
  });

  test('a rise in the retransmission count is shown as a retransmission by the sender', () => {
    const { state, fake, s, seen } = watchedRoom();
    state.clock.simMs = 1250;
    state.flows.get('f')!.retransmits = 1;
    state.flows.get('f')!.timeouts = 1;
    state.flows.get('f')!.cwnd = 1000;
    state.flows.get('f')!.ssthresh = 1000;
    fake.patch();
    expect(seen.map((e) => e.type)).toEqual(['send', 'cwnd']);
    expect(seen[0]).toMatchObject({ flow: 'f', side: 'client', retransmit: true, t: 1250 });
    expect(seen[1]).toMatchObject({ reason: 'timeout', cwnd: 1000 });
    const h = s.world.history('f');
    expect([h.retransmits, h.timeouts]).toEqual([1, 1]);
  });

  test('a window probe reaches the world as the sender\'s probe, and is captioned', () => {
    const { state, fake, s, seen } = watchedRoom();
    state.events.push({ seq: 1, t: 14953, type: 'probe', node: '', link: '', flow: 'f', packet: 0, detail: 'client', count: 1 });
    fake.patch();
    const probes = seen.filter((e) => e.type === 'probe');
    expect(probes).toEqual([{ type: 'probe', t: 14953, flow: 'f', side: 'client', seq: 0 }]);
    expect(s.world.history('f').probes).toBe(1);
    expect(captionFor(probes[0]!, { flows: s.world.flows, nodeName: (id: string) => id })).toMatchObject({ key: 'cap.probe', params: { sender: 'laptop' } });
  });

  test('a window closing is told at the end that advertised it: the client end of a download too', () => {
    const { state, fake, s, seen } = watchedRoom();
    state.events.push({ seq: 1, t: 5000, type: 'window', node: 'server', link: '', flow: 'f', packet: 0, detail: 'zero', count: 1 });
    state.events.push({ seq: 2, t: 6000, type: 'window', node: 'laptop', link: '', flow: 'f', packet: 0, detail: 'client:zero', count: 1 });
    fake.patch();
    const ctx = captionContextOf(s.world);
    expect(seen.filter((e) => e.type === 'window').map((e) => [e.side, e.node, captionFor(e, ctx)?.params])).toEqual([
      ['server', 'server', { receiver: 'server', sender: 'laptop (Minji)' }],
      ['client', 'laptop', { receiver: 'laptop (Minji)', sender: 'server' }],
    ]);
  });

  test("a UDP stream's datagram counts are the server's, not the bytes it delivered", () => {
    const { state, fake, s } = watchedRoom((st) => {
      const f = st.flows.get('f')!;
      st.flows.set('voice', { ...f, id: 'voice', transport: 'udp', app: 'cbr', state: '', serverState: '' });
    });
    const v = state.flows.get('voice')!;
    Object.assign(v, { deliveredBytes: 3400, datagramsSent: 40, datagramsReceived: 37 });
    fake.patch();
    const h = s.world.history('voice');
    expect([h.segmentsSent, h.datagramsDelivered, h.delivered]).toEqual([40, 37, 3400]);
  });

  test("a video stream's frames are the server's counts; a skipped frame is captioned", () => {
    const { state, fake, s, seen } = watchedRoom((st) => {
      const f = st.flows.get('f')!;
      st.flows.set('cam', { ...f, id: 'cam', transport: 'udp', app: 'video', state: '', serverState: '' });
    });
    Object.assign(state.flows.get('cam')!, { framesPlayed: 120, framesSkipped: 9, framesLate: 2 });
    // The last of those skipped frames also comes as a notable event, for its caption: it is not counted again.
    state.events.push({ seq: 1, t: 4100, type: 'video', node: '', link: '', flow: 'cam', packet: 129, detail: 'skipped', count: 1 });
    fake.patch();
    const h = s.world.history('cam');
    expect([h.framesPlayed, h.framesSkipped, h.framesLate]).toEqual([120, 9, 2]);
    const video = seen.filter((e) => e.type === 'video');
    expect(video).toMatchObject([{ type: 'video', t: 4100, flow: 'cam', frame: 129, status: 'skipped' }]);
    expect(captionFor(video[0]!, { flows: s.world.flows, nodeName: (id: string) => id })).toMatchObject({ key: 'cap.videoSkip', params: { flow: 'cam', frame: 129 } });
  });

  test("a UDP flow's resends (a resolver asking again) are counted, but not captioned as TCP segments sent again", () => {
    const { state, fake, s, seen } = watchedRoom((st) => {
      const f = st.flows.get('f')!;
      st.flows.set('q', { ...f, id: 'q', transport: 'udp', app: 'dns', state: '', serverState: '' });
    });
    state.clock.simMs = 3000;
    state.flows.get('q')!.retransmits = 2;
    state.flows.get('f')!.retransmits = 1;
    fake.patch();
    const sends = seen.filter((e) => e.type === 'send');
    expect(sends.map((e) => [e.flow, e.flags, e.retransmit, e.count])).toEqual([['f', '', true, 1], ['q', 'UDP', true, 2]]);
    const ctx = { flows: s.world.flows, nodeName: (id: string) => id };
    expect(sends.map((e) => captionFor(e, ctx)?.key ?? null)).toEqual(['cap.retransmit', null]);
    expect([s.world.history('q').retransmits, s.world.history('f').retransmits]).toEqual([2, 1]);
  });

  test('a drop event finds where the packet was, even though it left the state first', () => {
    const state = initialState();
    const fake = fakeRoom(state);
    const s = new RoomSource(fake.room, { code: 'ABC234', spectator: false });
    const drops: WorldEvent[] = [];
    s.world.on((e) => e.type === 'drop' && drops.push(e));
    state.packets.delete('5');
    state.events.push({ seq: 1, t: 1100, type: 'drop', node: '', link: 'l1', flow: 'f', packet: 5, detail: 'loss', count: 1 });
    fake.patch();
    expect(drops).toHaveLength(1);
    expect(drops[0]).toMatchObject({ packet: 5, link: 'l1', reason: 'loss', kind: 'data' });
    expect(s.world.lastDropped?.id).toBe(5);
    expect(s.world.packets.get(5)).toBeUndefined();
    // A burst folded into the same entry counts the extra drops once more.
    state.events[0]!.count = 4;
    fake.patch();
    expect(drops).toHaveLength(2);
    expect(s.world.dropsByReason.get('loss')).toBe(4);
  });

  test('segments in the state draw the time-sequence diagram; a retransmitted one is marked and told once', () => {
    const state = initialState();
    state.packets.clear();
    const hop = { link: 'l1', from: 'laptop', to: 'r1', departMs: 900, arriveMs: 1400, at: '', held: false, next: '' };
    // As the server sends them: zeros and false left out.
    const data = (id: number, sentMs: number, seq: number, retransmit = false) => ({ id, kind: 'data', flow: 'f', ...hop, ...(retransmit ? { retransmit } : {}), sentMs, ...(seq !== 0 ? { seq } : {}), len: 536 });
    state.packets.set('10', data(10, 900, 0));
    state.packets.set('11', data(11, 900, 536));
    state.packets.set('12', { id: 12, kind: 'ack', flow: 'f', ...hop, from: 'r1', to: 'laptop', at: 'r1', fromServer: true, sentMs: 950, ack: 536 });
    const fake = fakeRoom(state);
    const s = new RoomSource(fake.room, { code: 'ABC234', spectator: false });
    const seen: WorldEvent[] = [];
    s.world.on((e) => seen.push(e));
    const h = s.world.history('f');
    expect(h.sends).toEqual([
      { t: 900, rel: 0, len: 536, retransmit: false },
      { t: 900, rel: 536, len: 536, retransmit: false },
    ]);
    expect(h.acks).toEqual([{ t: 950, rel: 536, window: 0 }]);
    // Packet 11 is lost; its bytes go again in packet 13, first listed waiting at r1 (already on its second hop).
    state.clock.simMs = 1300;
    state.packets.delete('10');
    state.packets.delete('11');
    state.packets.delete('12');
    state.packets.set('13', { ...data(13, 1200, 536, true), at: 'r1', next: 'l2' });
    state.packets.set('14', { ...data(14, 1250, 1072, true) });
    state.flows.get('f')!.retransmits = 2;
    fake.patch();
    expect(s.world.queues.get('r1')).toMatchObject([{ id: 13, retransmit: true }]);
    expect(s.world.packets.get(14)).toMatchObject({ retransmit: true });
    expect(h.sends.slice(2)).toEqual([
      { t: 1200, rel: 536, len: 536, retransmit: true },
      { t: 1250, rel: 1072, len: 536, retransmit: true },
    ]);
    // Told as the sender's retransmissions at the instants they were sent, not again by the counter.
    expect(seen.filter((e) => e.type === 'send').map((e) => [e.t, e.retransmit, e.rel])).toEqual([[1200, true, 536], [1250, true, 1072]]);
    expect(h.retransmits).toBe(2);
    // A segment the state shows only later, sent before the last one, takes its place in time.
    state.packets.set('15', data(15, 1100, 1608));
    fake.patch();
    expect(h.sends.map((p) => p.t)).toEqual([900, 900, 1100, 1200, 1250]);
  });

  test('the sender’s window, RTT and phase come from the flow’s figures', () => {
    const state = initialState();
    const fake = fakeRoom(state);
    const s = new RoomSource(fake.room, { code: 'ABC234', spectator: false });
    const f = state.flows.get('f')!;
    Object.assign(f, { una: 1072, nxt: 2144, sndMax: 3216, rwndBytes: 4288, mss: 536, srttMs: 2210, rtoMs: 4400, cwnd: 2144, ssthresh: 65535, cwndReason: 'slow-start' });
    state.clock.simMs = 1500;
    fake.patch();
    const h = s.world.history('f');
    expect([h.una, h.nxt, h.rwnd, h.srttMs, h.rtoMs, h.phase]).toEqual([1072, 3216, 4288, 2210, 4400, 'slow-start']);
    expect(s.world.flows.get('f')!.mss).toBe(536);
    // acked 1072, in flight 3216 − 1072 = 2144, usable min(cwnd 2144, rwnd 4288) − 2144 = 0.
    expect(windowView(h)).toEqual({ acked: 1072, inFlight: 2144, usable: 0, window: 2144 });
    // The timer fired: the engine says so itself.
    Object.assign(f, { cwnd: 536, ssthresh: 1072, timeouts: 1, cwndReason: 'timeout', nxt: 1072 });
    state.clock.simMs = 1750;
    fake.patch();
    expect(h.phase).toBe('timeout');
    expect(h.cwnd.at(-1)).toEqual({ t: 1750, cwnd: 536, ssthresh: 1072, phase: 'timeout' });
    expect(windowView(h)).toEqual({ acked: 1072, inFlight: 2144, usable: 0, window: 536 });
  });

  test('state events become TCP state changes and handshake steps', () => {
    const state = initialState();
    const fake = fakeRoom(state);
    const s = new RoomSource(fake.room, { code: 'ABC234', spectator: false });
    state.events.push({ seq: 1, t: 2000, type: 'state', node: '', link: '', flow: 'f', packet: 0, detail: 'client:FIN_WAIT_1', count: 1 });
    fake.patch();
    expect(s.world.history('f').clientState).toBe('FIN_WAIT_1');
    // The application closed; its FIN waits behind the data still to send: no teardown step yet.
    expect(s.world.history('f').steps.has('fin-client')).toBe(false);
    // The receiver in CLOSE_WAIT has the FIN and has acknowledged it: steps 4 and 5, from the state alone.
    state.events.push({ seq: 2, t: 5200, type: 'state', node: '', link: '', flow: 'f', packet: 0, detail: 'server:CLOSE_WAIT', count: 1 });
    fake.patch();
    expect([...s.world.history('f').steps]).toEqual([['ack-server', 5200], ['fin-client', 5200]]);
  });

  test("the sender's FIN in the state marks step 4 when it is sent, and only the ACK of it marks step 5", () => {
    const state = initialState();
    state.packets.clear();
    const hop = { link: 'l1', from: 'laptop', to: 'r1', departMs: 900, arriveMs: 1400, at: '', held: false, next: '' };
    state.packets.set('20', { id: 20, kind: 'fin', flow: 'f', ...hop, sentMs: 4000, seq: 1072 });
    // An ACK of data the receiver sent before the FIN reached it.
    state.packets.set('21', { id: 21, kind: 'ack', flow: 'f', ...hop, from: 'r1', to: 'laptop', fromServer: true, sentMs: 4050, ack: 1072 });
    const fake = fakeRoom(state);
    const s = new RoomSource(fake.room, { code: 'ABC234', spectator: false });
    const h = s.world.history('f');
    expect([...h.steps]).toEqual([['fin-client', 4000]]);
    state.packets.set('22', { id: 22, kind: 'ack', flow: 'f', ...hop, from: 'r1', to: 'laptop', fromServer: true, sentMs: 4600, ack: 1073 });
    fake.patch();
    expect([...h.steps]).toEqual([['fin-client', 4000], ['ack-server', 4600]]);
  });

  test('a state change names the node its end lives on: a backend behind a balancer is told by its own name', () => {
    const { state, fake, s, seen } = watchedRoom();
    state.events.push({ seq: 1, t: 2000, type: 'state', node: 'backend2', link: '', flow: 'f', packet: 0, detail: 'server:CLOSE_WAIT', count: 1 });
    state.events.push({ seq: 2, t: 2100, type: 'rto', node: 'backend2', link: '', flow: 'f', packet: 0, detail: 'server', count: 1 });
    fake.patch();
    const ctx = captionContextOf(s.world);
    expect(seen.filter((e) => e.type === 'state' || e.type === 'rto').map((e) => [e.type, e.node, captionFor(e, ctx)?.params.who])).toEqual([
      ['state', 'backend2', 'backend2'],
      ['rto', 'backend2', 'backend2'],
    ]);
    expect(s.world.serverEnd('f')).toBe('backend2');
  });

  test("a TLS failure in the notable events reaches the world as the noticing side's failure", () => {
    const { state, fake, s, seen } = watchedRoom();
    state.events.push({ seq: 1, t: 2000, type: 'tls', node: 'bank', link: '', flow: 'f', packet: 0, detail: 'failure:bad_record_mac', count: 1 });
    state.events.push({ seq: 2, t: 2100, type: 'tls', node: 'alice', link: '', flow: 'f', packet: 0, detail: 'established', count: 1 });
    fake.patch();
    expect(seen.filter((e) => e.type === 'tls')).toEqual([{ type: 'tls', t: 2000, node: 'bank', flow: 'f', step: 'failure', by: 'local', alert: 'bad_record_mac' }]);
  });

  test('the handshake steps in the notable events reach the world as TLS messages sent, and are captioned as in solo play', () => {
    const { state, fake, s, seen } = watchedRoom();
    const at = (seq: number, node: string, detail: string) => state.events.push({ seq, t: 1000 + seq, type: 'tls', node, link: '', flow: 'f', packet: 0, detail, count: 1 });
    at(1, 'laptop', 'send:ClientHello:2');
    at(2, 'server', 'send:Certificate:Trusty Root CA');
    at(3, 'laptop', 'send:ClientKeyExchange:');
    at(4, 'laptop', 'send:Finished:');
    at(5, 'laptop', 'warning');
    at(6, 'server', 'established');
    at(7, 'laptop', 'established');
    fake.patch();
    const tls = seen.filter((e) => e.type === 'tls');
    expect(tls).toEqual([
      { type: 'tls', t: 1001, node: 'laptop', flow: 'f', step: 'ClientHello', dir: 'send', side: 'client', cipherSuites: ['', ''] },
      { type: 'tls', t: 1002, node: 'server', flow: 'f', step: 'Certificate', dir: 'send', side: 'server', certificates: [{ subject: '', issuer: 'Trusty Root CA' }] },
      { type: 'tls', t: 1003, node: 'laptop', flow: 'f', step: 'ClientKeyExchange', dir: 'send' },
      { type: 'tls', t: 1004, node: 'laptop', flow: 'f', step: 'Finished', dir: 'send' },
      { type: 'tls', t: 1005, node: 'laptop', flow: 'f', step: 'warning' },
      // Only the flow's client tells an established handshake.
      { type: 'tls', t: 1007, node: 'laptop', flow: 'f', step: 'established', side: 'client' },
    ]);
    const ctx = { flows: s.world.flows, nodeName: (id: string) => id };
    expect(tls.map((e) => {
      const c = captionFor(e, ctx);
      return c === null ? null : [c.key, c.params];
    })).toEqual([
      ['cap.tls.clientHello', { node: 'laptop', n: 2 }],
      ['cap.tls.certificate', { node: 'server', issuer: 'Trusty Root CA' }],
      ['cap.tls.keyExchange', { node: 'laptop' }],
      ['cap.tls.finished', { node: 'laptop' }],
      ['cap.tls.warning', { node: 'laptop' }],
      ['cap.tls.established', { from: 'laptop', to: 'server' }],
    ]);
  });

  test('an HTTP request refused or answered with an error reaches the world as the client saw it, and is captioned', () => {
    const { state, fake, s, seen } = watchedRoom();
    state.events.push({ seq: 1, t: 4000, type: 'http', node: 'laptop', link: '', flow: 'f', packet: 0, detail: 'answer|404|GET|/notes', count: 1 });
    state.events.push({ seq: 2, t: 4100, type: 'http', node: 'laptop', link: '', flow: 'f', packet: 0, detail: 'failed|connection refused|POST|/a|b', count: 3 });
    fake.patch();
    const http = seen.filter((e) => e.type === 'http');
    expect(http).toEqual([
      { type: 'http', t: 4000, node: 'laptop', side: 'client', flow: 'f', method: 'GET', path: '/notes', event: 'response', status: 404 },
      { type: 'http', t: 4100, node: 'laptop', side: 'client', flow: 'f', method: 'POST', path: '/a|b', event: 'error', reason: 'connection refused' },
    ]);
    const ctx = { flows: s.world.flows, nodeName: (id: string) => id };
    expect(http.map((e) => captionFor(e, ctx)?.key)).toEqual(['cap.httpError', 'cap.httpRefused']);
  });

  test("a DNS resolver's notable steps reach the world as its own events, which the captions word", () => {
    const { state, fake, s, seen } = watchedRoom();
    const name = 'www.school.example.';
    state.events.push({ seq: 1, t: 3000, type: 'dns', node: 'laptop', link: '', flow: 'f', packet: 0, detail: `retry|${name}|2|2000`, count: 1 });
    state.events.push({ seq: 2, t: 3100, type: 'dns', node: 'laptop', link: '', flow: 'f', packet: 0, detail: `truncated|${name}`, count: 1 });
    state.events.push({ seq: 3, t: 3200, type: 'dns', node: 'laptop', link: '', flow: 'f', packet: 0, detail: `give-up|${name}|timeout`, count: 1 });
    state.events.push({ seq: 4, t: 3300, type: 'dns', node: 'laptop', link: '', flow: 'f', packet: 0, detail: `error|${name}|NXDOMAIN`, count: 1 });
    state.events.push({ seq: 5, t: 3400, type: 'dns', node: 'laptop', link: '', flow: 'f', packet: 0, detail: `timeout-tcp|${name}`, count: 1 });
    state.events.push({ seq: 6, t: 3500, type: 'dns', node: 'laptop', link: '', flow: 'f', packet: 0, detail: `query|${name}|A`, count: 1 });
    state.events.push({ seq: 7, t: 3540, type: 'dns', node: 'laptop', link: '', flow: 'f', packet: 0, detail: `cut|${name}|29`, count: 1 });
    state.events.push({ seq: 8, t: 3660, type: 'dns', node: 'laptop', link: '', flow: 'f', packet: 0, detail: `answer|${name}|36|160|tcp`, count: 1 });
    fake.patch();
    const base = { type: 'dns', node: 'laptop', flow: 'f', side: 'client', name };
    expect(seen.filter((e) => e.type === 'dns')).toEqual([
      { ...base, t: 3000, action: 'timeout', next: 'retry', attempt: 1, timeoutMs: 2000 },
      { ...base, t: 3100, action: 'tcp-fallback', reason: 'truncated' },
      { ...base, t: 3200, action: 'give-up', reason: 'timeout' },
      { ...base, t: 3300, action: 'response', rcode: 'NXDOMAIN' },
      { ...base, t: 3400, action: 'timeout', next: 'tcp' },
      { ...base, t: 3500, action: 'query', transport: 'udp', retry: false, qtype: 'A' },
      { ...base, t: 3540, action: 'response', transport: 'udp', rcode: 'NOERROR', tc: true, answers: 29 },
      { ...base, t: 3660, action: 'response', transport: 'tcp', rcode: 'NOERROR', tc: false, answers: 36, latencyMs: 160 },
    ]);
    const ctx = { flows: s.world.flows, nodeName: (id: string) => id };
    expect(seen.filter((e) => e.type === 'dns').map((e) => captionFor(e, ctx)?.key)).toEqual([
      'cap.dns.retry', 'cap.dns.truncated', 'cap.dns.giveUp', 'cap.dns.error', 'cap.dns.timeoutTcp', 'cap.dns.query', 'cap.dns.cut', 'cap.dns.answer',
    ]);
  });

  test("a built-in lab's name is shown in the page's language; a custom scenario keeps its own", async () => {
    vi.stubGlobal('location', { origin: 'http://game.test', search: '' });
    const fetched: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      fetched.push(url);
      return new Response(JSON.stringify([{ id: 'lab', name: 'DNS lab: lost in the lookup', seats: 8, i18n: { ko: { name: 'DNS 실습: 조회 중 길을 잃다' } } }]));
    });
    try {
      const state = initialState();
      state.scenarioName = 'DNS lab: lost in the lookup';
      const fake = fakeRoom(state);
      setLang('ko');
      const s = new RoomSource(fake.room, { code: 'ABC234', spectator: false });
      await vi.waitFor(() => expect(s.world.scenarioName).toBe('DNS 실습: 조회 중 길을 잃다'));
      expect(fetched).toEqual(['http://game.test/api/scenarios']);
      // The host's choice of scenario starts out on the one running.
      fake.message('host', { token: 't0k', code: 'ABC234', results: '/api/sessions/ABC234/results.json' });
      expect(s.host!.currentScenario()).toBe('lab');
      setLang('en');
      fake.patch();
      expect(s.world.scenarioName).toBe('DNS lab: lost in the lookup');
      state.scenario = 'custom';
      state.scenarioName = 'My own network';
      setLang('ko');
      fake.patch();
      expect(s.world.scenarioName).toBe('My own network');
      expect(s.host!.currentScenario()).toBe(null);
    } finally {
      setLang('en');
      vi.unstubAllGlobals();
    }
  });

  test("a tap player's tamper is a request; the target shown is the one the server accepted", async () => {
    const state = initialState();
    const fake = fakeRoom(state);
    const s = new RoomSource(fake.room, { code: 'ABC234', spectator: false });
    expect(s.tapAttack.target('eve')).toBe(null);
    expect(await s.tapAttack.setTarget('eve', 'server-hello')).toEqual({ ok: true });
    expect(s.tapAttack.target('eve')).toBe('server-hello');
    fake.setReply(() => ({ ok: false, code: 'wrong-role', reason: 'a sender cannot do that; it takes a tap' }));
    expect(await s.tapAttack.setTarget('eve', 'certificate')).toEqual({ ok: false, reason: 'a sender cannot do that; it takes a tap', code: 'wrong-role' });
    expect(s.tapAttack.target('eve')).toBe('server-hello');
    expect(fake.requests.filter((r) => r.type === 'tamper')).toEqual([
      { type: 'tamper', payload: { node: 'eve', target: 'server-hello' } },
      { type: 'tamper', payload: { node: 'eve', target: 'certificate' } },
    ]);
  });

  test('intents are requests; a refusal carries its reason', async () => {
    const state = initialState();
    const fake = fakeRoom(state);
    const s = new RoomSource(fake.room, { code: 'ABC234', spectator: false });
    expect(await s.router({ action: 'forward', node: 'r1', packet: 6, link: 'l2' })).toEqual({ ok: true });
    const why = { code: 'not-waiting', packet: 6, node: 'r1' };
    fake.setReply(() => ({ ok: false, code: 'refused', reason: 'packet 6 is not waiting at r1', why }));
    expect(await s.router({ action: 'drop', node: 'r1', packet: 6 })).toEqual({ ok: false, reason: 'packet 6 is not waiting at r1', code: 'refused', why });
    await s.setReadRate('f', 8000);
    await s.setServerIo('server', { io: 'blocking', threads: 8 });
    await s.setServerIo('server', { io: 'nonblocking', threads: 1 });
    expect(fake.requests).toEqual([
      { type: 'forward', payload: { node: 'r1', packet: 6, link: 'l2' } },
      { type: 'drop', payload: { node: 'r1', packet: 6 } },
      { type: 'read-rate', payload: { flow: 'f', rateBps: 8000 } },
      { type: 'server-io', payload: { node: 'server', io: 'blocking', threads: 8 } },
      // An event loop has no thread count to send.
      { type: 'server-io', payload: { node: 'server', io: 'nonblocking' } },
    ]);
  });

  test('the host message makes this player the host, with the join code', async () => {
    const fake = fakeRoom(initialState());
    const s = new RoomSource(fake.room, { code: 'ABC234', spectator: false });
    expect(s.host).toBeNull();
    fake.message('host', { token: 't0k', code: 'ABC234', results: '/api/sessions/ABC234/results.json' });
    expect(s.host?.joinCode).toBe('ABC234');
    s.host!.setSpeed(0.1); // the nearest speed the server offers is asked for
    s.host!.assignRole('s2', 'router', 'r1');
    await Promise.resolve();
    expect(fake.requests).toEqual([
      { type: 'speed', payload: { speed: 0.25 } },
      { type: 'role', payload: { player: 's2', seat: 'router:r1' } },
    ]);
  });

  test('simulated time runs on between patches, a little behind the server, never backwards', () => {
    const state = initialState();
    let wall = 10_000;
    vi.spyOn(performance, 'now').mockImplementation(() => wall);
    const fake = fakeRoom(state);
    const s = new RoomSource(fake.room, { code: 'ABC234', spectator: false });
    s.tick(16);
    expect(s.world.nowMs).toBe(1000 - 2 * 50);
    wall += 100;
    s.tick(16);
    expect(s.world.nowMs).toBe(1000);
    state.clock.simMs = 1050; // a patch that is behind what was already shown
    fake.patch();
    s.tick(16);
    expect(s.world.nowMs).toBe(1000);
    state.clock.paused = true;
    state.clock.simMs = 1200;
    fake.patch();
    wall += 1000;
    s.tick(16);
    expect(s.world.nowMs).toBe(1100);
  });

  test('the session ends when the host ends it, or when the player is removed', () => {
    const fake = fakeRoom(initialState());
    const s = new RoomSource(fake.room, { code: 'ABC234', spectator: false });
    const ends: string[] = [];
    s.onEnd((e) => ends.push(e.reason));
    fake.close(4100);
    fake.message('ended', { code: 'ABC234' });
    expect(ends).toEqual(['kicked']);
  });
});

describe('room source: balancers and taps', () => {
  test('a balancer in the state becomes the view the balancer panel reads', () => {
    const state = initialState() as FakeState & { balancers: Map<string, unknown> };
    state.nodes.set('lb', { id: 'lb', kind: 'loadbalancer', ip: '10.0.9.1', x: 500, y: 200, up: true, controller: 'player', queue: 1 });
    state.balancers = new Map([
      [
        'lb',
        {
          node: 'lb', role: 'active', active: true, vip: '10.0.9.1', algorithm: 'manual', pair: '',
          backends: [{ node: 's1', capacity: 2, open: 1, assigned: 3, up: true }],
          waiting: [{ connection: 4, client: '10.0.0.1:49152', flow: 'f', sinceMs: 900 }],
        },
      ],
    ]);
    const fake = fakeRoom(state);
    const s = new RoomSource(fake.room, { code: 'ABC234', spectator: false });
    expect(s.world.balancers.get('lb')).toEqual({
      node: 'lb', role: 'active', active: true, vip: '10.0.9.1', algorithm: 'manual', controller: 'player', pair: null,
      backends: [{ node: 's1', capacity: 2, open: 1, assigned: 3, up: true }],
      waiting: [{ connection: 4, client: '10.0.0.1:49152', flow: 'f', sinceMs: 900 }],
    });
  });

  test('a server in the state becomes the view the server panel reads', () => {
    const state = initialState() as FakeState & { servers: Map<string, unknown> };
    state.servers = new Map([
      [
        'server',
        {
          node: 'server', io: 'blocking', up: true, capacity: 256, activeConnections: 3, cpuBacklog: 1, acceptQueue: [3],
          threads: [{ name: 'worker-1', state: 'recv', conn: 1, flow: 'f' }, { name: 'worker-2', state: 'accept', conn: 0, flow: '' }],
        },
      ],
    ]);
    const fake = fakeRoom(state);
    const s = new RoomSource(fake.room, { code: 'ABC234', spectator: false });
    expect(s.world.servers.get('server')).toEqual({
      id: 'server', io: 'blocking', up: true, capacity: 256, activeConnections: 3, cpuBacklog: 1, acceptQueue: [3],
      threads: [{ name: 'worker-1', state: 'recv', conn: 1, flow: 'f' }, { name: 'worker-2', state: 'accept', conn: null, flow: null }],
      ready: [],
      connections: [],
    });
  });

  test('a start names the modes the sender picked', async () => {
    const state = initialState();
    state.flows.get('f')!.ccChoices = ['reno', 'tahoe'];
    state.flows.get('f')!.arqChoices = [];
    state.flows.get('f')!.cc = 'reno';
    state.flows.get('f')!.arq = 'tcp';
    state.flows.get('f')!.windowSegments = 4;
    const fake = fakeRoom(state);
    const s = new RoomSource(fake.room, { code: 'ABC234', spectator: false });
    expect(s.world.flows.get('f')).toMatchObject({ cc: 'reno', arq: 'tcp', windowSegments: 4, choices: { cc: ['reno', 'tahoe'], arq: [], windowSegments: 4 } });
    expect(await s.startFlow('f', { cc: 'tahoe' })).toEqual({ ok: true });
    expect(fake.requests).toEqual([{ type: 'start-flow', payload: { flow: 'f', cc: 'tahoe' } }]);
    state.flows.get('f')!.cc = 'tahoe';
    fake.patch();
    expect(s.world.flows.get('f')!.cc).toBe('tahoe');
  });

  test("the tap's frames, sent to its player alone, are what the tap panel lists", () => {
    const fake = fakeRoom(initialState());
    const s = new RoomSource(fake.room, { code: 'ABC234', spectator: false });
    fake.message('tap', { node: 'tap1', skipped: 0, frames: [{ t: 1200, action: 'frame', packet: 9, protocol: 'HTTP', preview: 'password=hunter2', previewFormat: 'text' }] });
    expect(s.world.taps.get('tap1')).toEqual([{ type: 'tap', t: 1200, node: 'tap1', action: 'frame', packet: 9, protocol: 'HTTP', preview: 'password=hunter2', previewFormat: 'text' }]);
  });
});

describe('joining', () => {
  test('codes are typed loosely and checked strictly', () => {
    expect(normalizeCode(' abc-234 ')).toBe('ABC234');
    expect(isValidCode('ABC234')).toBe(true);
    expect(isValidCode('ABC23')).toBe(false);
    expect(isValidCode('ABCO10')).toBe(false); // no look-alikes: O, 1 and 0 are not in the alphabet
  });

  test('matchmaking failures become reasons a student can act on', () => {
    const err = (code: number, message: string) => Object.assign(new Error(message), { code });
    expect(classifyJoinError(err(522, 'room "ZZZZZZ" not found')).kind).toBe('no-room');
    expect(classifyJoinError(err(522, 'room "ABC234" is locked')).kind).toBe('room-full');
    expect(classifyJoinError(err(521, 'this session has ended')).kind).toBe('ended');
    expect(classifyJoinError(err(526, 'the name "Minji" is already taken')).kind).toBe('name-taken');
    expect(classifyJoinError(new TypeError('Failed to fetch')).kind).toBe('unreachable');
  });
});
