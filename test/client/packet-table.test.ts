import { describe, expect, test } from 'vitest';
import { hopProgress, PacketTable, type PacketFact } from '../../client/model/packet-table.ts';

function fact(id: number, departMs: number, arriveMs: number): Omit<PacketFact, 'slot'> {
  return { id, kind: 'data', flow: 'f', link: 'l', from: 'a', to: 'b', bytes: 100, departMs, arriveMs, retransmit: false, duplicate: false, app: null };
}

describe('packet table', () => {
  test('keeps a dense list and finds packets by id after removals', () => {
    const t = new PacketTable();
    for (let i = 1; i <= 5; i++) t.put(fact(i, 0, 100 * i));
    t.remove(2);
    expect(t.size).toBe(4);
    expect(t.list.map((f) => f.id)).toEqual([1, 5, 3, 4]);
    expect(t.list.every((f, i) => f.slot === i)).toBe(true);
    expect(t.get(5)?.slot).toBe(1);
    expect(t.get(2)).toBeUndefined();
  });

  test('a next hop replaces the fact of the same packet', () => {
    const t = new PacketTable();
    t.put(fact(7, 0, 50));
    t.put({ ...fact(7, 60, 120), link: 'm' });
    expect(t.size).toBe(1);
    expect(t.get(7)).toMatchObject({ link: 'm', departMs: 60, arriveMs: 120 });
  });

  test('prune forgets packets whose hop has ended', () => {
    const t = new PacketTable();
    t.put(fact(1, 0, 100));
    t.put(fact(2, 0, 300));
    t.put(fact(3, 200, 400));
    t.prune(250);
    expect(t.list.map((f) => f.id).sort()).toEqual([2, 3]);
  });

  test('progress along a hop', () => {
    const f = { ...fact(1, 100, 300), slot: 0 };
    expect(hopProgress(f, 50)).toBe(-1);
    expect(hopProgress(f, 100)).toBe(0);
    expect(hopProgress(f, 200)).toBe(0.5);
    expect(hopProgress(f, 400)).toBe(1);
  });
});
