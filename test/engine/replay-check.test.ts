// A replay file records what the engine had counted when the session stopped, and the replaying
// engine says whether its own run matches (shared/protocols/replay-check.ts).

import { describe, expect, it } from 'vitest';
import { chainWithPlayer, drive } from './helpers.ts';
import { Engine } from '../../shared/protocols/engine.ts';
import { loadScenario } from '../../shared/scenario/load.ts';
import { replayScenario } from '../../shared/scenario/replay.ts';

const source = {
  seed: 4,
  durationMs: 20_000,
  ...chainWithPlayer(15),
  flows: [{ id: 'f', from: 'a', to: 'b', transport: 'tcp' as const, app: 'bulk' as const, bytes: 60_000, mss: 1000, startMs: 100 }],
};

function engineFor(file: Record<string, unknown>, seed?: number): Engine {
  const loaded = loadScenario(file);
  if (!loaded.ok) throw new Error(loaded.errors.join('; '));
  return new Engine(loaded.scenario, seed === undefined ? {} : { seed });
}

/** A session of 3.2 s in which the player drops every eleventh packet at the router. */
function session(): { live: Engine; file: Record<string, unknown> } {
  const live = engineFor(source);
  drive(live, 3200, 40, (p, node) => (p.id % 11 === 0 ? { action: 'drop', node, packet: p.id } : 'route'));
  return { live, file: JSON.parse(JSON.stringify(replayScenario(source, live))) as Record<string, unknown> };
}

describe('replay check', () => {
  it('records the counts at the session’s last instant, and a replay that runs the same says so there', () => {
    const { live, file } = session();
    expect(live.commandLog.length).toBeGreaterThan(20);
    expect(file.recorded).toEqual({ atMs: 3200, events: live.eventsProcessed, summarySha256: live.summarySha256 });
    expect(live.summarySha256).toMatch(/^[0-9a-f]{64}$/);
    expect(live.eventsProcessed).toBe(116);
    expect(live.replayVerdict).toEqual({ state: 'none' });

    const replay = engineFor(file);
    replay.runUntilMs(3199);
    expect(replay.replayVerdict.state).toBe('pending');
    replay.runUntilMs(3200);
    expect(replay.replayVerdict).toEqual({ state: 'same', recorded: file.recorded });
  });

  it('checks at the recorded instant even when a step runs past it (a file made to run longer)', () => {
    const { live, file } = session();
    const longer = engineFor({ ...file, durationMs: 10_000 });
    longer.runUntilMs(10_000);
    expect(longer.replayVerdict.state).toBe('same');
    expect(longer.eventsProcessed).toBeGreaterThan(live.eventsProcessed);
  });

  it('says a run differs when the same commands give another run, with its own events and fingerprint', () => {
    const { live, file } = session();
    // Slower links stand for an engine that has changed since the session: same commands, another run.
    const links = (file.links as Array<Record<string, unknown>>).map((l) => ({ ...l, delayMs: 40 }));
    const replay = engineFor({ ...file, links });
    replay.run();
    const v = replay.replayVerdict;
    expect(v.state).toBe('differs');
    if (v.state !== 'differs') return;
    expect(v.recorded.events).toBe(live.eventsProcessed);
    expect([v.events, v.summarySha256]).toEqual([replay.eventsProcessed, replay.summarySha256]);
    expect(v.summarySha256).not.toBe(live.summarySha256);
    // One command left out is enough too.
    const fewer = engineFor({ ...file, commands: (file.commands as unknown[]).slice(1) });
    fewer.run();
    expect(fewer.replayVerdict.state).toBe('differs');
  });

  it('a live command applied before the recorded instant makes it another run; one refused changes nothing', () => {
    const { file } = session();
    const replay = engineFor(file);
    replay.runUntilMs(1000);
    expect(replay.setController('nowhere', 'bot').ok).toBe(false);
    expect(replay.replayVerdict.state).toBe('pending');
    expect(replay.setController('r', 'bot')).toEqual({ ok: true });
    replay.run();
    expect(replay.replayVerdict.state).toBe('changed');
    // After the instant, the verdict stands.
    const after = engineFor({ ...file, durationMs: 5000 });
    after.runUntilMs(4000);
    expect(after.setController('r', 'bot')).toEqual({ ok: true });
    expect(after.replayVerdict.state).toBe('same');
  });

  it('another seed is another run: nothing to compare', () => {
    const { file } = session();
    const other = engineFor(file, 99);
    other.run();
    expect(other.replayVerdict).toEqual({ state: 'none' });
    expect(engineFor(file, 4).replayVerdict.state).toBe('pending');
  });

  it('a replay of a replay records its own run, and a file with no record checks nothing', () => {
    const { file } = session();
    const replay = engineFor(file);
    replay.runUntilMs(2000);
    const again = replayScenario(file, replay)!;
    expect(again.recorded).toEqual({ atMs: 2000, events: replay.eventsProcessed, summarySha256: replay.summarySha256 });
    const checked = engineFor(again);
    checked.run();
    expect(checked.replayVerdict.state).toBe('same');
    const { recorded: _dropped, ...plain } = file;
    const unchecked = engineFor(plain);
    unchecked.run();
    expect(unchecked.replayVerdict).toEqual({ state: 'none' });
  });

  it('refuses a record with a bad count, naming the field', () => {
    const { file } = session();
    const r = loadScenario({ ...file, recorded: { atMs: 3200, events: -1, summarySha256: 'abc' } });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual(expect.arrayContaining([expect.stringContaining('recorded.events'), expect.stringContaining('recorded.summarySha256: must be 64 lowercase hex digits')]));
  });
});
