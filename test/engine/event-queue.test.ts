// The event queue's order is the simulation's order: earliest time first, ties in the order the
// events were scheduled, whether an event went through a lane or straight into the heap.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue, NO_EVENT } from '../../shared/protocols/sim/event-queue.ts';

type Op = { kind: 'push'; lane: number | null; delayNs: number } | { kind: 'pop' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('push' as const),
    lane: fc.option(fc.integer({ min: 0, max: 2 }), { nil: null }),
    // Small delays make equal times (ties) common.
    delayNs: fc.integer({ min: 0, max: 6 }),
  }),
  fc.constant({ kind: 'pop' as const }),
);

/** Run the ops; return the labels in the order they popped, and the order a plain sort gives. */
function run(ops: Op[]): { popped: number[]; expected: number[] } {
  const q = new EventQueue();
  const popped: number[] = [];
  const record = (arg: unknown) => popped.push(arg as number);
  const lanes = [q.createLane(record), q.createLane(record), q.createLane(record)];
  const pending: Array<{ atNs: number; label: number }> = [];
  const expected: number[] = [];
  let now = 0;
  let label = 0;
  const popOne = () => {
    const arg = q.pop();
    if (arg === NO_EVENT) return;
    now = q.poppedAtNs;
    q.poppedHandler!(arg);
    // The reference: earliest time, then lowest label (labels are given in scheduling order).
    let best = 0;
    for (let i = 1; i < pending.length; i++) {
      const a = pending[i]!;
      const b = pending[best]!;
      if (a.atNs < b.atNs || (a.atNs === b.atNs && a.label < b.label)) best = i;
    }
    expected.push(pending.splice(best, 1)[0]!.label);
  };
  for (const op of ops) {
    if (op.kind === 'pop') {
      popOne();
      continue;
    }
    const atNs = now + op.delayNs;
    pending.push({ atNs, label });
    if (op.lane === null) q.push(atNs, record, label);
    else q.pushToLane(lanes[op.lane]!, atNs, label);
    label++;
  }
  while (q.size > 0) popOne();
  return { popped, expected };
}

describe('event queue', () => {
  it('pops by time, then scheduling order, with or without lanes', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 300 }), (ops) => {
        const { popped, expected } = run(ops);
        expect(popped).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a lane event that is earlier than the lane tail in order', () => {
    const q = new EventQueue();
    const order: string[] = [];
    const rec = (arg: unknown) => order.push(arg as string);
    const lane = q.createLane(rec);
    q.pushToLane(lane, 10, 'a@10');
    q.pushToLane(lane, 30, 'b@30');
    q.pushToLane(lane, 20, 'c@20'); // earlier than the lane's latest: goes to the heap
    q.push(20, rec, 'd@20');
    q.pushToLane(lane, 30, 'e@30');
    expect(q.size).toBe(5);
    for (let arg = q.pop(); arg !== NO_EVENT; arg = q.pop()) q.poppedHandler!(arg);
    expect(order).toEqual(['a@10', 'c@20', 'd@20', 'b@30', 'e@30']);
    expect(q.size).toBe(0);
  });

  it('refuses an event beyond its limit, counting lane backlog', () => {
    const q = new EventQueue(3);
    const noop = () => {};
    const lane = q.createLane(noop);
    q.pushToLane(lane, 1, null);
    q.pushToLane(lane, 2, null);
    q.push(0, noop, null);
    expect(() => q.pushToLane(lane, 3, null)).toThrow('event queue is full (3 pending events)');
    expect(q.size).toBe(3);
  });
});
