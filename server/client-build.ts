// `npm start` serves the browser client from client/dist and builds it first when the build is
// missing or older than any client source (a programmatic Vite build, loaded only when needed).
// Without a client (no client/index.html) the server still starts and says so on its home page.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';

const SKIP = new Set(['dist', 'node_modules']);

function newestMtimeMs(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (SKIP.has(entry)) continue;
    newest = Math.max(newest, newestMtimeMs(join(path, entry)));
  }
  return newest;
}

export type ClientStatus = 'built' | 'up-to-date' | 'absent' | 'failed';

/** Is the build missing or older than the sources (client/ minus dist, and the shared code it bundles)? */
export function clientIsStale(clientDir: string, sharedDir: string): boolean {
  const built = join(clientDir, 'dist', 'index.html');
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  return newestMtimeMs(clientDir) > builtAt || newestMtimeMs(sharedDir) > builtAt;
}

export async function ensureClientBuilt(clientDir: string, sharedDir: string, log: Logger): Promise<ClientStatus> {
  if (!existsSync(join(clientDir, 'index.html'))) {
    log.warn({ clientDir }, 'no browser client to serve (client/index.html is missing)');
    return 'absent';
  }
  if (!clientIsStale(clientDir, sharedDir)) {
    log.info('browser client is up to date');
    return 'up-to-date';
  }
  log.info('building the browser client');
  try {
    const { build } = await import('vite');
    const configFile = join(clientDir, 'vite.config.ts');
    await build({ root: clientDir, configFile: existsSync(configFile) ? configFile : false, logLevel: 'warn' });
    log.info('browser client built');
    return 'built';
  } catch (err) {
    // A broken client build must not keep the game server (and its running classes) from starting.
    log.error({ err }, 'the browser client did not build');
    return existsSync(join(clientDir, 'dist', 'index.html')) ? 'failed' : 'absent';
  }
}
