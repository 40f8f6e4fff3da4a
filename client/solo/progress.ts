// Solo progress, kept in the browser: the best result of each level.

const KEY = 'packetplay.progress.v1';

export interface LevelBest {
  stars: number;
  /** Simulated ms at which the best pass was decided. */
  bestMs: number;
}

export type Progress = Record<string, LevelBest>;

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

function defaultStore(): KeyValueStore | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

export function loadProgress(store: KeyValueStore | null = defaultStore()): Progress {
  const raw = store?.getItem(KEY);
  if (raw === null || raw === undefined) return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null) return {};
    const out: Progress = {};
    for (const [id, v] of Object.entries(parsed as Record<string, unknown>)) {
      const b = v as Partial<LevelBest>;
      if (typeof b.stars === 'number' && typeof b.bestMs === 'number') out[id] = { stars: b.stars, bestMs: b.bestMs };
    }
    return out;
  } catch {
    return {}; // a damaged entry is forgotten rather than breaking the menu
  }
}

/** Record a result; keeps the most stars, then the fastest time. Returns whether it is a new best. */
export function recordResult(levelId: string, stars: number, simMs: number, store: KeyValueStore | null = defaultStore()): boolean {
  if (stars <= 0) return false;
  const p = loadProgress(store);
  const prev = p[levelId];
  const better = prev === undefined || stars > prev.stars || (stars === prev.stars && simMs < prev.bestMs);
  if (better) {
    p[levelId] = { stars, bestMs: simMs };
    store?.setItem(KEY, JSON.stringify(p));
  }
  return better;
}
