// Where a new classroom lives when several processes share Redis. Colyseus's default picks the
// process with the fewest rooms from counters each process republishes at most once a second, so a
// burst of hosts (a school's teachers opening their classes at 9:00) all lands on one process. Here
// the count comes from the shared room listing, which is written as each room is created, and ties
// are broken by one shared turn counter so concurrent creations alternate instead of colliding.

import { matchMaker } from '@colyseus/core';

/** The key of the shared counter that breaks ties between equally busy processes. */
export const PLACEMENT_TURN_KEY = 'packetplay:placement-turn';

export interface ProcessLoad {
  processId: string;
  rooms: number;
}

/** Pure choice: the least busy processes, sorted by id, and the turn picks among them. */
export function chooseProcess(loads: readonly ProcessLoad[], turn: number): string | undefined {
  if (loads.length === 0) return undefined;
  const fewest = Math.min(...loads.map((l) => l.rooms));
  const candidates = loads
    .filter((l) => l.rooms === fewest)
    .map((l) => l.processId)
    .sort();
  return candidates[Math.abs(Math.trunc(turn)) % candidates.length];
}

/** Colyseus's `selectProcessIdToCreateRoom`: live processes from presence, room counts from the driver. */
export async function selectLeastBusyProcess(): Promise<string> {
  const live = await matchMaker.stats.fetchAll();
  if (live.length <= 1) return live[0]?.processId ?? matchMaker.processId;
  const rooms = new Map<string, number>(live.map((p) => [p.processId, 0]));
  for (const room of await matchMaker.driver.query({})) {
    const n = rooms.get(room.processId);
    if (n !== undefined) rooms.set(room.processId, n + 1);
  }
  const turn = await matchMaker.presence.incr(PLACEMENT_TURN_KEY);
  const loads = [...rooms].map(([processId, n]) => ({ processId, rooms: n }));
  return chooseProcess(loads, turn) ?? matchMaker.processId;
}
