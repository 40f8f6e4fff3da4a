// The engine's command log is bounded: a session that gives more commands than it keeps replays up
// to the instant of the first one it left out.

import { describe, expect, it } from 'vitest';
import { build, chainWithPlayer } from './helpers.ts';
import { MAX_LOGGED_COMMANDS } from '../../shared/protocols/roles/commands.ts';
import { replayEndMs, replayScenario } from '../../shared/scenario/replay.ts';

describe('command log', () => {
  it(`keeps ${MAX_LOGGED_COMMANDS} commands, then notes when it filled; the replay ends there`, () => {
    const source = { seed: 3, durationMs: 600_000, ...chainWithPlayer(5) };
    const engine = build(source);
    // Seat changes every millisecond: each is applied and, while there is room, logged.
    for (let i = 0; i < MAX_LOGGED_COMMANDS + 10; i++) {
      engine.runUntilMs(i + 1);
      expect(engine.setController('r', i % 2 === 0 ? 'bot' : 'player').ok).toBe(true);
    }
    expect(engine.commandLog.length).toBe(MAX_LOGGED_COMMANDS);
    expect(engine.commandLog[MAX_LOGGED_COMMANDS - 1]!.atMs).toBe(MAX_LOGGED_COMMANDS);
    expect(engine.commandLogFullAtMs).toBe(MAX_LOGGED_COMMANDS + 1);
    expect(replayEndMs(engine)).toBe(MAX_LOGGED_COMMANDS + 1);
    const file = replayScenario(source, engine)!;
    expect(file.durationMs).toBe(MAX_LOGGED_COMMANDS + 1);
    expect((file.commands as unknown[]).length).toBe(MAX_LOGGED_COMMANDS);
  });

  it('a session that never ran has nothing to replay', () => {
    const source = { seed: 3, durationMs: 1000, ...chainWithPlayer(5) };
    const engine = build(source);
    expect(engine.setController('r', 'bot')).toEqual({ ok: true });
    expect(replayScenario(source, engine)).toBeNull();
    expect(engine.setController('nowhere', 'bot')).toEqual({ ok: false, reason: 'nowhere is not a router' });
    expect(engine.commandLog).toEqual([{ action: 'controller', node: 'r', controller: 'bot', atMs: 0 }]);
  });
});
