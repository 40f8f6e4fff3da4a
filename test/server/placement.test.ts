import { describe, expect, it } from 'vitest';
import { chooseProcess } from '../../server/rooms/placement.ts';

describe('room placement across processes', () => {
  it('picks the process with the fewest rooms', () => {
    expect(chooseProcess([{ processId: 'b', rooms: 3 }, { processId: 'a', rooms: 1 }, { processId: 'c', rooms: 2 }], 7)).toBe('a');
  });

  it('alternates between equally busy processes by the shared turn, whatever order they are listed in', () => {
    const loads = [{ processId: 'p2', rooms: 4 }, { processId: 'p1', rooms: 4 }, { processId: 'p3', rooms: 9 }];
    expect([1, 2, 3, 4].map((turn) => chooseProcess(loads, turn))).toEqual(['p2', 'p1', 'p2', 'p1']);
  });

  it('has no choice to make without processes', () => {
    expect(chooseProcess([], 1)).toBeUndefined();
  });
});
