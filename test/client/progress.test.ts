import { describe, expect, test } from 'vitest';
import { loadProgress, recordResult, type KeyValueStore } from '../../client/solo/progress.ts';

function memory(): KeyValueStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

describe('solo progress', () => {
  test('keeps the most stars, then the fastest time', () => {
    const store = memory();
    expect(recordResult('a', 2, 9000, store)).toBe(true);
    expect(recordResult('a', 1, 5000, store)).toBe(false);
    expect(recordResult('a', 2, 8000, store)).toBe(true);
    expect(recordResult('a', 2, 8500, store)).toBe(false);
    expect(recordResult('a', 3, 20_000, store)).toBe(true);
    expect(loadProgress(store)).toEqual({ a: { stars: 3, bestMs: 20_000 } });
  });

  test('a failed attempt records nothing', () => {
    const store = memory();
    expect(recordResult('a', 0, 1000, store)).toBe(false);
    expect(loadProgress(store)).toEqual({});
  });

  test('damaged storage reads as no progress', () => {
    const store = memory();
    store.setItem('packetplay.progress.v1', '{not json');
    expect(loadProgress(store)).toEqual({});
    store.setItem('packetplay.progress.v1', JSON.stringify({ a: { stars: 'x' }, b: { stars: 1, bestMs: 2 } }));
    expect(loadProgress(store)).toEqual({ b: { stars: 1, bestMs: 2 } });
  });
});
