// Scale-out: two game server processes share presence and matchmaking through a real Redis. A code
// typed on one process reaches the room wherever it lives, join codes stay unique across processes,
// and commands work on rooms reached through the other process.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, type Room } from '@colyseus/sdk';

const REDIS_PORT = 6390;
const PORTS = [2582, 2583] as const;
const root = new URL('../../', import.meta.url).pathname;
const children: ChildProcess[] = [];

function start(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(child);
  return child;
}

async function until(probe: () => Promise<boolean>, label: string, timeoutMs = 20_000): Promise<void> {
  const t0 = Date.now();
  while (!(await probe().catch(() => false))) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.end();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

const url = (port: number) => `http://127.0.0.1:${port}`;
const health = async (port: number) => (await (await fetch(`${url(port)}/healthz`)).json()) as { rooms: number; clients: number };

beforeAll(async () => {
  const redis = start('redis-server', ['--port', String(REDIS_PORT), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
  redis.once('error', (e) => {
    throw new Error(`redis-server could not start (install the Debian package redis-server): ${e.message}`);
  });
  await until(() => portOpen(REDIS_PORT), 'redis-server');
  const dataDir = mkdtempSync(join(tmpdir(), 'packetplay-redis-'));
  for (const port of PORTS) {
    start(join(root, 'node_modules/.bin/node'), ['--disable-warning=ExperimentalWarning', join(root, 'server/main.ts')], {
      PORT: String(port),
      HOST: '127.0.0.1',
      REDIS_URL: `redis://127.0.0.1:${REDIS_PORT}`,
      PUBLIC_ADDRESS: `127.0.0.1:${port}`,
      DATA_DIR: dataDir,
      CLIENT_DIR: join(dataDir, 'no-client'),
      LOG_LEVEL: 'warn',
    });
  }
  for (const port of PORTS) await until(() => fetch(`${url(port)}/healthz`).then((r) => r.ok), `server on ${port}`);
});

afterAll(async () => {
  for (const c of children.reverse()) {
    if (c.exitCode !== null || c.signalCode !== null) continue;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGTERM');
      setTimeout(() => c.kill('SIGKILL'), 10_000).unref();
    });
  }
});

/** The process a room lives on: the SDK's WebSocket goes straight to its public address. */
function ownerPort(room: Room): number {
  const address = String((room.connection as unknown as { url?: string }).url ?? '');
  const port = PORTS.find((p) => address.includes(`127.0.0.1:${p}/`));
  if (port === undefined) throw new Error(`unexpected room address ${address}`);
  return port;
}

describe('two processes sharing Redis', () => {
  it('take a code typed on either process to the room wherever it lives', async () => {
    // Rooms are created through the first process; matchmaking places them on the less busy one.
    const hosts: Room[] = [];
    for (let i = 0; i < 6; i++) {
      const host = await new Client(url(PORTS[0])).create('classroom', { name: `Teacher ${i}`, scenario: '2-congestion-lab' });
      host.onMessage('host', () => {});
      hosts.push(host);
    }
    const codes = hosts.map((h) => h.roomId);
    expect(new Set(codes).size).toBe(codes.length);
    const owners = hosts.map(ownerPort);
    expect(owners).toContain(PORTS[0]);
    expect(owners).toContain(PORTS[1]);
    const [h0, h1] = await Promise.all([health(PORTS[0]), health(PORTS[1])]);
    expect(h0.rooms + h1.rooms).toBe(6);
    expect(h0.rooms).toBeGreaterThan(0);
    expect(h1.rooms).toBeGreaterThan(0);

    // A student types each code on the process that does NOT own the room.
    for (const [i, host] of hosts.entries()) {
      const other = owners[i] === PORTS[0] ? PORTS[1] : PORTS[0];
      const student = await new Client(url(other)).joinById(codes[i]!, { name: `Student ${i}` });
      expect(ownerPort(student)).toBe(owners[i]);
      const me = (await student.request('whoami')) as { code: string; role: string; seat: string };
      expect(me).toMatchObject({ code: codes[i], role: 'router', seat: 'router:edge' });
      // The host sees the student, and a host command through the owning process works.
      expect(await host.request('pause')).toEqual({ ok: true });
      await until(async () => (student.state as { clock: { paused: boolean } }).clock.paused, 'the student sees the pause');
      await student.leave();
    }

    // A code that exists nowhere is refused by both.
    for (const port of PORTS) await expect(new Client(url(port)).joinById('ZZZZZZ', { name: 'x' })).rejects.toThrow();
    for (const h of hosts) await h.leave();
  });
});
