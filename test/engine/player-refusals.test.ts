// A router player's command that comes too late (the packet already left) or finds no room is
// refused with the reason in English and a code with its facts, which clients word in the player's
// language; nothing changes.

import { describe, expect, it } from 'vitest';
import { build, chainWithPlayer } from './helpers.ts';

describe("a router player's refused commands", () => {
  const scenario = () => {
    const s = chainWithPlayer(10);
    const nodes = s.nodes.map((n) => (n.id === 'r' ? { ...n, queuePackets: 1 } : n));
    return { durationMs: 1000, ...s, nodes, flows: [{ id: 'f', from: 'a', to: 'b', transport: 'tcp' as const, bytes: 1000 }] };
  };

  it('a duplicate into a full decision queue, and a command for a packet no longer waiting', () => {
    const engine = build(scenario());
    engine.runUntilMs(20);
    const [syn] = engine.waitingAt('r');
    expect(syn!.kind).toBe('syn');
    expect(engine.command({ action: 'duplicate', node: 'r', packet: syn!.id })).toEqual({
      ok: false,
      reason: 'the queue at r is full',
      why: { code: 'queue-full', node: 'r' },
    });
    expect(engine.waitingAt('r').map((p) => p.id)).toEqual([syn!.id]);
    expect(engine.command({ action: 'drop', node: 'r', packet: syn!.id })).toEqual({ ok: true });
    expect(engine.command({ action: 'forward', node: 'r', packet: syn!.id, link: 'rb' })).toEqual({
      ok: false,
      reason: `packet ${syn!.id} is not waiting at r`,
      why: { code: 'not-waiting', packet: syn!.id, node: 'r' },
    });
    expect(engine.summary().drops).toEqual({ player: 1 });
  });
});
