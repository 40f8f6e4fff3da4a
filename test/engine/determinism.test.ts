import { describe, expect, it } from 'vitest';
import { build, chainWithPlayer, drive } from './helpers.ts';
import { Engine } from '../../shared/protocols/engine.ts';
import { loadScenario } from '../../shared/scenario/load.ts';
import { TRACE_TYPES } from '../../shared/protocols/sim/trace.ts';
import type { ScenarioInput } from '../../shared/scenario/schema.ts';
import { replayScenario } from '../../shared/scenario/replay.ts';
import type { Router } from '../../shared/protocols/net/router.ts';

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

  it('a class session replays from its file: seats changing hands, host faults and commands at the first instant included', () => {
    const source: ScenarioInput = { ...scenario, seed: 5, durationMs: 60_000, commands: [{ action: 'start-flow', atMs: 0, node: 'a', flow: 'bulk' }] };
    const sourceBulk = { ...source, flows: [{ ...scenario.flows![0]!, autoStart: false }, { ...scenario.flows![1]!, startMs: 0 }] };
    const loaded = loadScenario(sourceBulk);
    if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
    const live = new Engine(loaded.scenario);
    const liveLines: string[] = [];
    live.subscribe(TRACE_TYPES, (e) => liveLines.push(JSON.stringify(e)));
    // As a class starts: the bot takes the router's seat before the first step.
    expect(live.setController('r', 'bot')).toEqual({ ok: true });
    // And the host cuts the voice call's first datagrams, sent at 0 when the first step runs.
    expect(live.injectFault({ kind: 'link-loss', link: 'ar', atMs: 0, loss: { 'a->r': 1 } })).toEqual({ ok: true });
    const r = live.network.nodes.get('r') as Router;
    // Ticks of uneven length, as a server's clock gives them; the player arrives, leaves, comes back.
    let t = 0;
    for (let tick = 0; t < 2500; tick++) {
      t += 7 + (tick % 5) * 3;
      live.runUntilMs(t);
      if (tick === 3) expect(live.injectFault({ kind: 'link-loss', link: 'ar', atMs: live.nowMs, loss: { 'a->r': 0 } })).toEqual({ ok: true });
      if (tick === 20) expect(live.setController('r', 'player')).toEqual({ ok: true });
      if (tick === 90) expect(live.setController('r', 'bot')).toEqual({ ok: true });
      if (tick === 130) expect(live.setController('r', 'player')).toEqual({ ok: true });
      if (tick === 40) expect(live.injectFault({ kind: 'link-down', link: 'ar', atMs: live.nowMs, untilMs: live.nowMs + 150 })).toEqual({ ok: true });
      if (tick === 60) expect(live.injectFault({ kind: 'link-loss', link: 'rb', atMs: live.nowMs, loss: { 'r->b': 0.2 } })).toEqual({ ok: true });
      if (tick === 70) expect(live.injectFault({ kind: 'drop-segment', flow: 'bulk', segment: 40 })).toEqual({ ok: true });
      for (const p of [...r.decisions.waiting]) {
        const cmd = p.id % 11 === 0 ? { action: 'drop' as const, node: 'r', packet: p.id } : { action: 'forward' as const, node: 'r', packet: p.id, link: r.routes.get(p.ip.dst)!.iface.link.id };
        expect(live.command(cmd).ok).toBe(true);
      }
    }
    expect(live.injectFault({ kind: 'link-down', link: 'nowhere', atMs: live.nowMs, untilMs: null })).toEqual({ ok: false, reason: 'no link nowhere' });
    liveLines.push(JSON.stringify(live.summary()));
    const actions = live.commandLog.map((c) => c.action);
    expect(actions.filter((a) => a === 'controller')).toHaveLength(4);
    // Each seat change is told in the trace too, as other commands are.
    expect(liveLines.filter((l) => l.startsWith('{"type":"command"') && l.includes('"action":"controller"')).map((l) => JSON.parse(l).controller)).toEqual(['bot', 'player', 'bot', 'player']);
    expect(actions.filter((a) => a === 'fault')).toHaveLength(5);
    expect(actions.filter((a) => a === 'drop').length).toBeGreaterThan(5);
    // The seat's bot and the host's fault came before the file's own command at 0, which the first
    // step applied; the fault is logged with both directions, as a file's link-loss needs them.
    expect(live.commandLog.slice(0, 3)).toEqual([
      { action: 'controller', node: 'r', controller: 'bot', atMs: 0 },
      { action: 'fault', fault: { kind: 'link-loss', link: 'ar', atMs: 0, loss: { 'a->r': 1, 'r->a': 0 } }, atMs: 0 },
      { action: 'start-flow', node: 'a', flow: 'bulk', atMs: 0 },
    ]);

    // The replay file goes through JSON and the scenario checks, as a downloaded one does.
    const file = JSON.parse(JSON.stringify(replayScenario(sourceBulk as Record<string, unknown>, live)));
    expect(file.durationMs).toBe(live.nowMs);
    const again = loadScenario(file);
    if (!again.ok) throw new Error(again.errors.join('\n'));
    const replay = new Engine(again.scenario);
    const lines: string[] = [];
    replay.subscribe(TRACE_TYPES, (e) => lines.push(JSON.stringify(e)));
    replay.run();
    lines.push(JSON.stringify(replay.summary()));
    expect(lines.length).toBe(liveLines.length);
    expect(lines.join('\n')).toBe(liveLines.join('\n'));
  });
});
