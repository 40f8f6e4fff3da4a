// `npm run loadtest -- --rooms N --clients M`: classrooms full of bots on @colyseus/sdk 0.18 (the
// published @colyseus/loadtest is 0.17-only), each bot playing its role, against a game server in
// its own process. Reports connected clients, the server's room tick time (p50/p99, from /healthz),
// bytes received per client per second, packets in the network, and disconnects.
//
// Options: --rooms 30 --clients 30 (per room, host included) --seconds 60 (measured) --warmup 10
// --scenario 1-router-lab (a built-in id, a scenario file `*.json`, or `busy`: 20 TCP flows keeping about 500 packets in
// flight, with the routers left to their bots) --speed 1 --url http://host:port (use a running
// server instead of starting one on --port 2584).
//
// Bots: router players forward what waits at their router on the routing table's link (at most 10
// a second, like a quick student); balancer players assign waiting connections to the least loaded
// backend; tap players fetch their capture every 5 s; receivers change their read rate every 10 s;
// senders and observers inspect a packet every 5 s; the host does nothing after creating the room.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client, type Room } from '@colyseus/sdk';
import { ClassroomState } from '../shared/state/classroom-state.ts';

type State = InstanceType<typeof ClassroomState>;
type ClassRoom = Room<unknown, State>;

const { values: args } = parseArgs({
  options: {
    rooms: { type: 'string', default: '30' },
    clients: { type: 'string', default: '30' },
    seconds: { type: 'string', default: '60' },
    warmup: { type: 'string', default: '10' },
    scenario: { type: 'string', default: '1-router-lab' },
    speed: { type: 'string', default: '1' },
    url: { type: 'string' },
    port: { type: 'string', default: '2584' },
  },
});
const ROOMS = Number(args.rooms);
const CLIENTS = Number(args.clients);
const SECONDS = Number(args.seconds);
const WARMUP = Number(args.warmup);
const SPEED = Number(args.speed);
if (![ROOMS, CLIENTS, SECONDS, WARMUP].every((n) => Number.isInteger(n) && n >= 0) || CLIENTS < 1) {
  console.error('usage: npm run loadtest -- --rooms N --clients M [--seconds S] [--warmup S] [--scenario id|busy] [--speed X] [--url URL]');
  process.exit(2);
}

/** 20 senders, each a TCP flow through two routers to its own receiver over 2 s links: about 500 packets in flight. */
function busyScenario() {
  const nodes: object[] = [
    { id: 'r1', kind: 'router', controller: 'player', queuePackets: 1000 },
    { id: 'r2', kind: 'router', controller: 'player', queuePackets: 1000 },
  ];
  const links: object[] = [{ id: 'core', a: 'r1', b: 'r2', bandwidthBps: 20e6, delayMs: 2000, queuePackets: 2000 }];
  const flows: object[] = [];
  for (let i = 0; i < 20; i++) {
    nodes.push({ id: `s${i}`, kind: 'host' }, { id: `d${i}`, kind: 'host' });
    links.push(
      { id: `s${i}-r1`, a: `s${i}`, b: 'r1', bandwidthBps: 2e6, delayMs: 2000, queuePackets: 200 },
      { id: `r2-d${i}`, a: 'r2', b: `d${i}`, bandwidthBps: 2e6, delayMs: 2000, queuePackets: 200 },
    );
    flows.push({ id: `f${i}`, from: `s${i}`, to: `d${i}`, transport: 'tcp', mss: 536, rwndBytes: 16384, initialCwndSegments: 4, initialRtoMs: 20000, minRtoMs: 3000, startMs: i * 500 });
  }
  return { name: 'busy: about 500 packets in flight', durationMs: 3_600_000, nodes, links, flows };
}

/** A scenario file sent as an object; recorded commands are left out (in a classroom, people give them). */
function scenarioFile(path: string): Record<string, unknown> {
  const json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  delete json.commands;
  return json;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function startServer(port: number): Promise<ChildProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'packetplay-loadtest-'));
  const root = new URL('..', import.meta.url).pathname;
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', join(root, 'server/main.ts')], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dir, CLIENT_DIR: join(dir, 'no-client'), LOG_LEVEL: 'error', REDIS_URL: '' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // Whatever happens to the load test, its server goes with it.
  process.on('exit', () => child.kill('SIGKILL'));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return child;
    } catch {
      // not up yet
    }
    await sleep(100);
  }
  throw new Error('the server did not start');
}

interface Bot {
  room: ClassRoom;
  bytes: number;
  disconnected: boolean;
  role: string;
  node: string;
  roomIndex: number;
}

const bots: Bot[] = [];
let measuring = false;
let stopping = false;
let disconnects = 0;

function track(room: ClassRoom, roomIndex: number): Bot {
  const bot: Bot = { room, bytes: 0, disconnected: false, role: '', node: '', roomIndex };
  const events = (room.connection as unknown as { events: { onmessage?: (ev: { data: ArrayBuffer }) => void } }).events;
  const original = events.onmessage;
  events.onmessage = (ev) => {
    if (measuring) bot.bytes += ev.data.byteLength;
    original?.(ev);
  };
  room.reconnection.enabled = false;
  room.onMessage('*', () => {});
  room.onLeave(() => {
    if (!stopping && !bot.disconnected) {
      bot.disconnected = true;
      disconnects++;
    }
  });
  bots.push(bot);
  return bot;
}

async function joinRoom(url: string, code: string, i: number, roomIndex: number): Promise<void> {
  const room = (await new Client(url).joinById(code, { name: `bot ${i}` }, ClassroomState)) as unknown as ClassRoom;
  const bot = track(room, roomIndex);
  // The bot's role and node, from the synchronised state (no request that could time out under load).
  for (let i = 0; i < 600 && !room.state.players?.has(room.sessionId); i++) await sleep(50);
  const me = room.state.players.get(room.sessionId);
  bot.role = me?.role ?? 'observer';
  bot.node = me?.node ?? '';
}

/** One tick of a bot's play (every 200 ms). */
function play(bot: Bot, tick: number): void {
  const { room } = bot;
  if (bot.disconnected || !room.connection.isOpen) return;
  const packets = room.state.packets;
  if (bot.role === 'router') {
    let sent = 0;
    for (const p of packets.values()) {
      if (sent >= 2) break;
      if (p.at === bot.node && !p.held && p.next !== '') {
        room.send('forward', { packet: p.id, link: p.next });
        sent++;
      }
    }
  } else if (bot.role === 'loadbalancer') {
    // A balancer player assigns each waiting connection to the backend with the fewest open ones.
    const b = room.state.balancers.get(bot.node);
    const waiting = b?.waiting.at(0);
    if (b !== undefined && waiting !== undefined) {
      const backends = [...b.backends.values()].filter((x) => x.up).sort((x, y) => x.open - y.open);
      if (backends[0] !== undefined) room.send('assign', { connection: waiting.connection, backend: backends[0].node });
    }
  } else if (bot.role === 'tap' && tick % 25 === bot.roomIndex % 25) {
    void room.request('capture').catch(() => {});
  } else if (bot.role === 'receiver' && tick % 50 === bot.roomIndex % 50) {
    const flow = [...room.state.flows.values()].find((f) => f.to === bot.node);
    if (flow !== undefined) room.send('read-rate', { flow: flow.id, rateBps: tick % 100 < 50 ? 16_000 : null });
  } else if ((bot.role === 'sender' || bot.role === 'observer') && tick % 25 === bot.roomIndex % 25) {
    const first = packets.values().next();
    if (!first.done) void room.request('inspect', { packet: first.value.id }).catch(() => {});
  }
}

function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

async function main(): Promise<void> {
  const port = Number(args.port);
  const server = args.url === undefined ? await startServer(port) : null;
  const url = args.url ?? `http://127.0.0.1:${port}`;
  const scenario = args.scenario === 'busy' ? busyScenario() : args.scenario.endsWith('.json') ? scenarioFile(args.scenario) : args.scenario;
  console.log(`loadtest: ${ROOMS} rooms × ${CLIENTS} clients, scenario ${args.scenario}, speed ${SPEED}, against ${url}`);

  const t0 = Date.now();
  for (let r = 0; r < ROOMS; r++) {
    const host = (await new Client(url).create('classroom', { name: `host ${r}`, scenario }, ClassroomState)) as unknown as ClassRoom;
    const hb = track(host, r);
    hb.role = 'host';
    if (SPEED !== 1) await host.request('speed', { speed: SPEED });
    const joins: Promise<void>[] = [];
    for (let i = 1; i < CLIENTS; i++) joins.push(joinRoom(url, host.roomId, i, r));
    await Promise.all(joins);
    if (args.scenario === 'busy') {
      // No person could forward ~90 packets a second: the host hands the routers back to their bots.
      for (const seat of host.state.seats.values()) {
        if (seat.role === 'router' && seat.player !== '') await host.request('role', { player: seat.player, seat: '' });
      }
      for (const b of bots) if (b.roomIndex === r && b.role === 'router') b.role = 'observer';
    }
  }
  console.log(`connected ${bots.length} clients in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  let tick = 0;
  const timer = setInterval(() => {
    tick++;
    for (const b of bots) play(b, tick);
  }, 200);

  await sleep(WARMUP * 1000);
  const inFlight: number[] = [];
  const hiddenSeen: number[] = [];
  measuring = true;
  const measureStart = Date.now();
  const sampler = setInterval(() => {
    const host = bots.find((b) => b.role === 'host' && !b.disconnected);
    if (host === undefined) return;
    inFlight.push(host.room.state.packets.size + host.room.state.packetsHidden);
    hiddenSeen.push(host.room.state.packetsHidden);
  }, 1000);
  await sleep(SECONDS * 1000);
  measuring = false;
  const measuredS = (Date.now() - measureStart) / 1000;
  clearInterval(sampler);
  clearInterval(timer);

  const health = (await (await fetch(`${url}/healthz`)).json()) as { rooms: number; clients: number; ticks: { samples: number; p50Ms: number; p99Ms: number; maxMs: number } };
  const rates = bots.filter((b) => !b.disconnected).map((b) => b.bytes / measuredS);
  const mean = rates.reduce((a, b) => a + b, 0) / Math.max(1, rates.length);
  const kb = (x: number) => (x / 1024).toFixed(2);
  const result = {
    rooms: ROOMS,
    clientsPerRoom: CLIENTS,
    scenario: args.scenario,
    speed: SPEED,
    connectedClients: bots.filter((b) => !b.disconnected).length,
    serverClients: health.clients,
    serverRooms: health.rooms,
    tickP50Ms: health.ticks.p50Ms,
    tickP99Ms: health.ticks.p99Ms,
    tickMaxMs: health.ticks.maxMs,
    tickSamples: health.ticks.samples,
    bytesPerClientPerSecond: { mean: Math.round(mean), p50: Math.round(quantile(rates, 0.5)), max: Math.round(quantile(rates, 1)) },
    packetsInNetwork: { mean: Math.round(inFlight.reduce((a, b) => a + b, 0) / Math.max(1, inFlight.length)), max: Math.max(0, ...inFlight), hiddenMean: Math.round(hiddenSeen.reduce((a, b) => a + b, 0) / Math.max(1, hiddenSeen.length)) },
    disconnects,
    measuredSeconds: Math.round(measuredS),
  };
  console.log(`
connected clients          ${result.connectedClients} of ${ROOMS * CLIENTS} (server counts ${health.clients} in ${health.rooms} rooms)
room tick                  p50 ${result.tickP50Ms} ms, p99 ${result.tickP99Ms} ms, max ${result.tickMaxMs} ms (${result.tickSamples} ticks)
received per client        mean ${kb(mean)} KB/s, p50 ${kb(quantile(rates, 0.5))} KB/s, max ${kb(quantile(rates, 1))} KB/s
packets in the network     mean ${result.packetsInNetwork.mean}, max ${result.packetsInNetwork.max} (first room; not listed: mean ${result.packetsInNetwork.hiddenMean})
disconnects                ${disconnects}
`);
  console.log(JSON.stringify(result));

  stopping = true;
  await Promise.all(bots.map((b) => (b.room.connection.isOpen ? b.room.leave().catch(() => {}) : undefined)));
  if (server !== null) {
    await new Promise<void>((resolve) => {
      server.once('exit', () => resolve());
      server.kill('SIGTERM');
    });
  }
  process.exit(0);
}

try {
  await main();
} catch (err) {
  console.error('loadtest failed:', err);
  process.exit(1);
}
