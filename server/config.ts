// The server's settings, from the environment, with defaults that need nothing else installed.

import { resolve } from 'node:path';

export interface ServerConfig {
  port: number;
  /** Interface to bind; every interface by default, so students' machines on the LAN can reach it. */
  host: string;
  dataDir: string;
  /** Redis for presence and matchmaking shared by several processes; unset: one self-contained process. */
  redisUrl: string | undefined;
  /** How clients reach this very process (`host:port`, no scheme); required with Redis. */
  publicAddress: string | undefined;
  /** Mounts the Colyseus monitor at /monitor (user `admin`) when set. */
  monitorPassword: string | undefined;
  maxRooms: number;
  /** Where the built browser client is, and its sources (to rebuild when stale). */
  clientDir: string;
  logLevel: string;
}

function int(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number, got "${value}"`);
  return n;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const root = new URL('..', import.meta.url).pathname;
  const port = int(env.PORT, 2567, 'PORT');
  if (port > 65535) throw new Error(`PORT must be at most 65535, got ${port}`);
  const redisUrl = env.REDIS_URL || undefined;
  return {
    port,
    host: env.HOST || '0.0.0.0',
    dataDir: resolve(env.DATA_DIR || resolve(root, 'data')),
    redisUrl,
    publicAddress: env.PUBLIC_ADDRESS || (redisUrl !== undefined ? `${env.PUBLIC_HOST || '127.0.0.1'}:${port}` : undefined),
    monitorPassword: env.MONITOR_PASSWORD || undefined,
    maxRooms: int(env.MAX_ROOMS, 200, 'MAX_ROOMS'),
    clientDir: resolve(env.CLIENT_DIR || resolve(root, 'client')),
    logLevel: env.LOG_LEVEL || 'info',
  };
}
