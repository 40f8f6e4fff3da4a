import { describe, expect, test } from 'vitest';
import { layoutTopology } from '../../client/view/layout.ts';
import { computeGeometry, laneFrom, pointOnLane } from '../../client/view/geometry.ts';

const network = {
  nodes: [
    { id: 'laptop', kind: 'host' },
    { id: 'phone', kind: 'host' },
    { id: 'router', kind: 'router' },
    { id: 'server', kind: 'host' },
  ],
  links: [
    { a: 'laptop', b: 'router' },
    { a: 'phone', b: 'router' },
    { a: 'router', b: 'server' },
  ],
  flows: [
    { from: 'laptop', to: 'server' },
    { from: 'phone', to: 'server' },
  ],
};

describe('layout', () => {
  test('senders on the left, the router in the middle, the receiver on the right', () => {
    const l = layoutTopology(network);
    expect(l.get('laptop')).toEqual({ x: 0, y: 0.25 });
    expect(l.get('phone')).toEqual({ x: 0, y: 0.75 });
    expect(l.get('router')).toEqual({ x: 0.5, y: 0.5 });
    expect(l.get('server')).toEqual({ x: 1, y: 0.5 });
  });

  test('a column of six or more zig-zags towards the middle, so names do not run into the node below', () => {
    const hosts = Array.from({ length: 7 }, (_, i) => `h${i + 1}`);
    const big = {
      nodes: [...hosts.map((id) => ({ id, kind: 'host' })), { id: 'r', kind: 'router' }, { id: 'web', kind: 'server' }],
      links: [...hosts.map((a) => ({ a, b: 'r' })), { a: 'r', b: 'web' }],
      flows: hosts.map((from) => ({ from, to: 'web' })),
    };
    const l = layoutTopology(big);
    expect(hosts.map((id) => l.get(id)!.x)).toEqual([0, 0.15, 0, 0.15, 0, 0.15, 0]);
    expect([l.get('r'), l.get('web')]).toEqual([{ x: 0.5, y: 0.5 }, { x: 1, y: 0.5 }]);
    // Five stay in a straight column.
    const five = layoutTopology({ ...big, nodes: big.nodes.slice(2), links: big.links.slice(2), flows: big.flows.slice(2) });
    expect(hosts.slice(2).map((id) => five.get(id)!.x)).toEqual([0, 0, 0, 0, 0]);
  });

  test('the same network always gets the same picture', () => {
    expect([...layoutTopology(network)]).toEqual([...layoutTopology(network)]);
  });

  test("a room's shared positions win over the computed layout", () => {
    const l = layoutTopology({
      nodes: [
        { id: 'a', kind: 'host', pos: { x: 80, y: 500 } },
        { id: 'b', kind: 'host', pos: { x: 920, y: 100 } },
        { id: 'c', kind: 'host', pos: { x: 500, y: 900 } },
      ],
      links: [],
      flows: [],
    });
    expect(l.get('a')).toEqual({ x: 0, y: 0.5 });
    expect(l.get('b')).toEqual({ x: 1, y: 0 });
    expect(l.get('c')).toEqual({ x: 0.5, y: 1 });
  });

  test('two lanes per link, one each way, both starting at the sending node', () => {
    const layout = layoutTopology(network);
    const g = computeGeometry(layout, [{ id: 'up', a: 'router', b: 'server' }], { x: 0, y: 0, width: 1000, height: 600 });
    const lg = g.links.get('up')!;
    const there = laneFrom(lg, 'router');
    const back = laneFrom(lg, 'server');
    const router = g.nodes.get('router')!;
    const server = g.nodes.get('server')!;
    expect(there.dx).toBeCloseTo(1);
    expect(back.dx).toBeCloseTo(-1);
    expect(there.x0).toBeLessThan(there.x1);
    expect(there.x0).toBeGreaterThan(router.x);
    expect(there.x1).toBeLessThan(server.x);
    // The lanes are side by side, not on top of each other.
    expect(Math.abs(there.y0 - back.y0)).toBeCloseTo(g.laneGap);
    expect(pointOnLane(there, 0.5).x).toBeCloseTo((there.x0 + there.x1) / 2);
  });

  test('parallel links between the same nodes get separate tracks', () => {
    const g = computeGeometry(
      new Map([
        ['r', { x: 0, y: 0.5 }],
        ['s', { x: 1, y: 0.5 }],
      ]),
      [
        { id: 'short', a: 'r', b: 's' },
        { id: 'long', a: 'r', b: 's' },
      ],
      { x: 0, y: 0, width: 1000, height: 600 },
    );
    expect(g.links.get('short')!.my).not.toBeCloseTo(g.links.get('long')!.my);
  });
});
