import { describe, expect, test } from 'vitest';
import { summarize } from '../../client/scenes/end-summary.ts';
import { World } from '../../client/model/world.ts';

describe('end of session summary', () => {
  test('scores the people who played a part, best first; not the host, not spectators', () => {
    const w = new World();
    const player = (id: string, name: string, role: string, score: number, host = false, node: string | null = null) =>
      w.players.set(id, { id, name, role, node, host, connected: true, score });
    w.nodes.set('web', { id: 'web', kind: 'server', ip: '10.0.0.9', layer: 7, controller: 'player', owner: 'Jin', up: true, queueLimit: 0, pos: null });
    player('h', 'Ms Park', 'host', 0, true);
    player('a', 'Minji', 'sender', 5);
    player('b', '민준', 'router', 162);
    player('c', 'stream', 'spectator', 0);
    player('d', 'Ann', 'observer', 0);
    player('e', 'Jin', 'receiver', 40, false, 'web');
    expect(summarize(w, { reason: 'ended-by-host' }).players).toEqual([
      { name: '민준', role: 'router', nodeKind: null, score: 162 },
      { name: 'Jin', role: 'receiver', nodeKind: 'server', score: 40 },
      { name: 'Minji', role: 'sender', nodeKind: null, score: 5 },
      { name: 'Ann', role: 'observer', nodeKind: null, score: 0 },
    ]);
  });
});
