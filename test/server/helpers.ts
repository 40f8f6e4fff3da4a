// Shared helpers of the server tests: a real game server on loopback (on a free port the system
// picks, so a test run never collides with another one on the same machine), real SDK clients, and
// polling for a condition on synchronised state (a test waits for a fact, never for a fixed time).

import { mkdtempSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join as pathJoin } from 'node:path';
import { Client, type Room } from '@colyseus/sdk';
import { buildServer, type GameServer } from '../../server/app.ts';
import { configFromEnv, type ServerConfig } from '../../server/config.ts';
import { createLogger } from '../../server/log.ts';
import { ClassroomState } from '../../shared/state/classroom-state.ts';
import { builtinScenarios } from '../../server/scenarios/classroom-scenarios.ts';

let baseUrl = '';

/** The address of the server the last startServer() started. */
export function serverUrl(): string {
  return baseUrl;
}

/** A TCP port nobody listens on now (for a server started as a separate process). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export type State = InstanceType<typeof ClassroomState>;
export type ClassRoom = Room<unknown, State>;

export function tempDir(prefix = 'packetplay-test-'): string {
  return mkdtempSync(pathJoin(tmpdir(), prefix));
}

export async function startServer(over: Partial<ServerConfig> = {}): Promise<GameServer> {
  const config: ServerConfig = {
    ...configFromEnv({}),
    port: 0,
    host: '127.0.0.1',
    dataDir: tempDir(),
    clientDir: pathJoin(tempDir(), 'no-client'),
    logLevel: 'silent',
    ...over,
  };
  const game = await buildServer(config, createLogger(config.logLevel));
  await game.listen();
  baseUrl = `http://127.0.0.1:${game.boundPort()}`;
  return game;
}

export function sdk(): Client {
  return new Client(baseUrl);
}

/** The host creates a classroom (by default the router lab) and pauses it at once, so tests decide when time moves. */
export async function hostRoom(options: Record<string, unknown> = {}, paused = true): Promise<ClassRoom> {
  const room = (await sdk().create('classroom', { name: 'Teacher', ...options }, ClassroomState)) as unknown as ClassRoom;
  room.onMessage('*', () => {});
  if (paused) {
    const r = (await room.request('pause')) as { ok: boolean };
    if (!r.ok) throw new Error('could not pause');
  }
  return room;
}

export async function join(code: string, options: Record<string, unknown> = {}): Promise<ClassRoom> {
  const room = (await sdk().joinById(code, { name: 'Student', ...options }, ClassroomState)) as unknown as ClassRoom;
  room.onMessage('*', () => {});
  return room;
}

export async function waitFor<T>(
  probe: () => T | undefined | false | null | Promise<T | undefined | false | null>,
  label: string,
  // Generous: the suite shares its machine with other work, and a waited-for fact normally comes in milliseconds.
  timeoutMs = 30_000,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false && v !== null) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Host steps simulated time forward to `simMs` (the room must be paused) and waits until `room` sees it. */
export async function stepTo(host: ClassRoom, simMs: number, watchers: ClassRoom[] = [host]): Promise<void> {
  const now = host.state.clock.simMs;
  if (simMs > now) {
    let left = simMs - now;
    while (left > 0) {
      const ms = Math.min(left, 60_000);
      const r = (await host.request('step', { ms })) as { ok: boolean; reason?: string };
      if (!r.ok) throw new Error(`step refused: ${r.reason}`);
      left -= ms;
    }
  }
  for (const w of watchers) await waitFor(() => w.state.clock.simMs >= simMs, `simMs ${simMs}`);
}

export function packetsAt(room: ClassRoom, node: string) {
  return [...room.state.packets.values()].filter((p) => p.at === node);
}

export function routerLab() {
  return builtinScenarios().find((b) => b.id === '1-router-lab')!;
}
