// What rooms need from the process that runs them (the session store, the logger, process-wide
// limits). Colyseus constructs rooms itself, so the server sets this once before it listens.

import type { Logger } from 'pino';
import type { SessionStore } from './persistence/session-store.ts';

export interface ServerContext {
  store: SessionStore;
  log: Logger;
  /** Most classroom rooms this process runs at once. */
  maxRooms: number;
}

let current: ServerContext | null = null;

export function setServerContext(ctx: ServerContext): void {
  current = ctx;
}

export function serverContext(): ServerContext {
  if (current === null) throw new Error('the server context is not set');
  return current;
}
