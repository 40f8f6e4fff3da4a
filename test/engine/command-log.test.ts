// The engine's command log is bounded: a session that gives more commands than it keeps replays up
// to the instant of the first one it left out.

import { describe, expect, it } from 'vitest';
import { build, chainWithPlayer } from './helpers.ts';
import { MAX_LOGGED_COMMANDS } from '../../shared/protocols/roles/commands.ts';
import { replayEndMs, replayScenario } from '../../shared/scenario/replay.ts';
import { Engine } from '../../shared/protocols/engine.ts';
import { loadScenario } from '../../shared/scenario/load.ts';

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

  it('with onTakeOver, the first live command applied drops the scenario commands still to come; without it they interleave', () => {
    const script = { seed: 3, durationMs: 10_000, ...chainWithPlayer(5), commands: [1000, 2000, 3000].map((atMs, i) => ({ action: 'controller' as const, atMs, node: 'r', controller: i % 2 === 0 ? ('bot' as const) : ('player' as const) })) };
    const loaded = loadScenario(script);
    if (!loaded.ok) throw new Error(loaded.errors.join('; '));
    const told: number[] = [];
    const taken = new Engine(loaded.scenario, { onTakeOver: (n) => told.push(n) });
    taken.runUntilMs(1500);
    // A refused command takes nothing over.
    expect(taken.setController('nowhere', 'bot').ok).toBe(false);
    expect([told, taken.pendingCommandsLeft().length]).toEqual([[], 2]);
    expect(taken.setController('r', 'player')).toEqual({ ok: true });
    expect([told, taken.pendingCommandsLeft()]).toEqual([[2], []]);
    taken.runUntilMs(5000);
    expect(taken.commandLog.map((c) => c.atMs)).toEqual([1000, 1500]);
    // A class runs the same script beside its players' commands.
    const both = new Engine(loaded.scenario);
    both.runUntilMs(1500);
    expect(both.setController('r', 'player')).toEqual({ ok: true });
    both.runUntilMs(5000);
    expect(both.commandLog.map((c) => c.atMs)).toEqual([1000, 1500, 2000, 3000]);
  });
});
