// Things every scene shares: the page's parameters, where the game server is, and the hooks the
// browser tests and the benchmark read (window.__pp). The hooks expose state; they change nothing.

import type { GameSource } from './model/source.ts';

export const params = new URLSearchParams(typeof location === 'undefined' ? '' : location.search);

/** The game server's address: ?server=, then the build's VITE_SERVER_URL, then this page's origin
 * (npm start serves the game from the server itself; the dev server proxies it under /colyseus). */
export function serverUrl(): string {
  const fromUrl = params.get('server');
  if (fromUrl !== null && fromUrl !== '') return fromUrl;
  const fromEnv = import.meta.env.VITE_SERVER_URL;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  // Only the dev server (which has hot reload) proxies the game server under /colyseus.
  if (import.meta.hot !== undefined) return `${location.origin}/colyseus`;
  return location.origin;
}

export interface FrameStats {
  /** Milliseconds spent in the game scene's update, most recent last (bounded). */
  updateMs: number[];
  packetsDrawn: number;
}

export interface TestHooks {
  scene: string;
  ready: boolean;
  source: GameSource | null;
  frame: FrameStats;
  /** Set by the game scene: the camera's current focus (spectators). */
  cameraFocus: string | null;
  /** Count of captions shown, by message key. */
  captions: Record<string, number>;
  lastResult: unknown;
}

const hooks: TestHooks = {
  scene: 'boot',
  ready: false,
  source: null,
  frame: { updateMs: [], packetsDrawn: 0 },
  cameraFocus: null,
  captions: {},
  lastResult: null,
};

if (typeof window !== 'undefined') (window as unknown as { __pp: TestHooks }).__pp = hooks;

export function testHooks(): TestHooks {
  return hooks;
}

export function enterScene(name: string): void {
  hooks.scene = name;
  hooks.ready = true;
}

export function recordUpdate(ms: number, drawn: number): void {
  const a = hooks.frame.updateMs;
  a.push(ms);
  if (a.length > 4000) a.splice(0, 2000);
  hooks.frame.packetsDrawn = drawn;
}
