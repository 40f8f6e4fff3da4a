import { describe, expect, test } from 'vitest';
import { summarize } from '../../client/scenes/end-summary.ts';
import { World } from '../../client/model/world.ts';

describe('end of session summary', () => {
  test('scores the people who played a part, best first; not the host, not spectators', () => {
    const w = new World();
    const player = (id: string, name: string, role: string, score: number, host = false) =>
      w.players.set(id, { id, name, role, node: null, host, connected: true, score });
    player('h', 'Ms Park', 'host', 0, true);
    player('a', 'Minji', 'sender', 5);
    player('b', '민준', 'router', 162);
    player('c', 'stream', 'spectator', 0);
    player('d', 'Ann', 'observer', 0);
    expect(summarize(w, { reason: 'ended-by-host' }).players).toEqual([
      { name: '민준', role: 'router', score: 162 },
      { name: 'Minji', role: 'sender', score: 5 },
      { name: 'Ann', role: 'observer', score: 0 },
    ]);
  });
});
