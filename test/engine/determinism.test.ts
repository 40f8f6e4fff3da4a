import { describe, expect, it } from 'vitest';
import { build, chainWithPlayer, drive } from './helpers.ts';
import { Engine } from '../../shared/protocols/engine.ts';
import { loadScenario } from '../../shared/scenario/load.ts';
import { TRACE_TYPES } from '../../shared/protocols/sim/trace.ts';
import type { ScenarioInput } from '../../shared/scenario/schema.ts';

const scenario: ScenarioInput = {
  seed: 11,
  durationMs: 4000,
  ...chainWithPlayer(8),
  flows: [
    { id: 'bulk', from: 'a', to: 'b', transport: 'tcp', bytes: 120_000, mss: 1000, cc: 'reno' },
    { id: 'voice', from: 'a', to: 'b', transport: 'udp', app: 'cbr', startMs: 100 },
  ],
  faults: [{ kind: 'link-loss', link: 'rb', atMs: 500, loss: 0.05 }],
};

/** Play the router with a fixed, data-driven policy and record the whole trace as text. */
function playedTrace(seed: number): { trace: string; log: Engine['commandLog'] } {
  const engine = build({ ...scenario, seed });
  const lines: string[] = [];
  engine.subscribe(TRACE_TYPES, (e) => lines.push(JSON.stringify(e)));
  drive(engine, 4000, 3, (p, node) => {
    if (p.id % 17 === 0) return { action: 'drop', node, packet: p.id };
    if (p.id % 13 === 0) return { action: 'hold', node, packet: p.id, ms: 40 };
    return 'route';
  });
  lines.push(JSON.stringify(engine.summary()));
  return { trace: lines.join('\n'), log: engine.commandLog };
}

describe('determinism: same scenario, seed and commands ⇒ identical trace', () => {
  it('two runs with the same seed and the same player are byte-identical', () => {
    const a = playedTrace(11);
    const b = playedTrace(11);
    expect(a.trace.length).toBeGreaterThan(100_000);
    expect(a.trace).toBe(b.trace);
  });

  it('a different seed gives a different run', () => {
    expect(playedTrace(12).trace).not.toBe(playedTrace(11).trace);
  });

  it('replaying the logged commands from the scenario file reproduces the live session exactly', () => {
    const live = playedTrace(11);
    const loaded = loadScenario({ ...scenario, commands: live.log });
    if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
    const replay = new Engine(loaded.scenario);
    const lines: string[] = [];
    replay.subscribe(TRACE_TYPES, (e) => lines.push(JSON.stringify(e)));
    replay.runUntilMs(4000);
    lines.push(JSON.stringify(replay.summary()));
    expect(lines.join('\n')).toBe(live.trace);
  });
});
