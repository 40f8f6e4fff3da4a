// Playing a router: a command goes to the packet the player chose, never to one that just took its
// place; auto-forward follows the player's last override of the routing table.

import { describe, expect, test } from 'vitest';
import { RESELECT_GRACE_MS, RouterRole } from '../../client/model/router-role.ts';
import type { GameSource, IntentResult, RouterIntent } from '../../client/model/source.ts';
import { World, type QueueEntry } from '../../client/model/world.ts';

function entry(id: number, next: string): QueueEntry {
  return { id, kind: 'data', app: null, flow: 'f', dest: 'server', next, held: false, retransmit: false, duplicate: false, sinceMs: 0 };
}

function fakeSource(): { source: GameSource; sent: RouterIntent[]; world: World } {
  const world = new World();
  world.setTopology(
    [
      { id: 'r', kind: 'router', ip: '', layer: 3, controller: 'player', owner: null, up: true, queueLimit: 10, pos: null },
      { id: 'a', kind: 'host', ip: '', layer: 7, controller: 'bot', owner: null, up: true, queueLimit: 0, pos: null },
      { id: 's', kind: 'host', ip: '', layer: 7, controller: 'bot', owner: null, up: true, queueLimit: 0, pos: null },
    ],
    [
      { id: 'in', a: 'a', b: 'r', bandwidthBps: 1e6, delayMs: 10, queuePackets: 10, loss: {}, up: true },
      { id: 'short', a: 'r', b: 's', bandwidthBps: 1e6, delayMs: 10, queuePackets: 10, loss: {}, up: true },
      { id: 'long', a: 'r', b: 's', bandwidthBps: 1e6, delayMs: 30, queuePackets: 10, loss: {}, up: true },
    ],
    [],
  );
  const sent: RouterIntent[] = [];
  const source = {
    world,
    router: async (i: RouterIntent): Promise<IntentResult> => {
      sent.push(i);
      world.setQueue('r', (world.queues.get('r') ?? []).filter((e) => e.id !== i.packet));
      return { ok: true };
    },
  } as unknown as GameSource;
  return { source, sent, world };
}

describe('router role', () => {
  test('number keys follow the links at the router in a stable order', async () => {
    const { source, sent, world } = fakeSource();
    world.setQueue('r', [entry(1, 'short')]);
    const role = new RouterRole(source, 'r');
    expect(role.links().map((l) => l.id)).toEqual(['in', 'short', 'long']);
    await role.forwardOnNumber(3);
    expect(sent).toEqual([{ action: 'forward', node: 'r', packet: 1, link: 'long' }]);
  });

  test('a command never lands on a packet that just replaced the chosen one', async () => {
    const { source, sent, world } = fakeSource();
    let wall = 1000;
    world.setQueue('r', [entry(1, 'short'), entry(2, 'short')]);
    const role = new RouterRole(source, 'r');
    role.now = () => wall;
    const ignored: number[] = [];
    role.onIgnored = (p) => ignored.push(p);
    role.select(1);
    // Packet 1 leaves (another window, a late patch) just before the key press.
    world.setQueue('r', [entry(2, 'short')]);
    expect(await role.drop()).toBeNull();
    expect(sent).toEqual([]);
    // The player is told which packet now stands there, so the key is pressed again knowingly.
    expect(ignored).toEqual([2]);
    // Once the new selection has been in view a moment, it takes commands.
    wall += RESELECT_GRACE_MS;
    expect(await role.drop()).toEqual({ ok: true });
    expect(sent).toEqual([{ action: 'drop', node: 'r', packet: 2 }]);
    expect(ignored).toEqual([2]);
  });

  test('after a command the next packet is ready at once', async () => {
    const { source, sent, world } = fakeSource();
    world.setQueue('r', [entry(1, 'short'), entry(2, 'short')]);
    const role = new RouterRole(source, 'r');
    await role.forward('short');
    await role.forward('short');
    expect(sent.map((i) => i.packet)).toEqual([1, 2]);
  });

  test('auto-forward sends what would take the short link the long way once the player did so', async () => {
    const { source, sent, world } = fakeSource();
    world.setQueue('r', [entry(1, 'short')]);
    const role = new RouterRole(source, 'r');
    await role.forward('long');
    expect(role.preferred.get('short')).toBe('long');
    world.setQueue('r', [entry(2, 'short'), { ...entry(3, 'in'), kind: 'ack', dest: 'a' }]);
    role.autoForward = true;
    await role.tick();
    expect(sent.slice(1)).toEqual([
      { action: 'forward', node: 'r', packet: 2, link: 'long' },
      { action: 'forward', node: 'r', packet: 3, link: 'in' },
    ]);
    // Choosing the usual link again forgets the override.
    world.setQueue('r', [entry(4, 'short')]);
    role.autoForward = false;
    await role.forward('short');
    expect(role.preferred.has('short')).toBe(false);
  });
});
