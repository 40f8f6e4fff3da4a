// Arrays of numbers for the engine's hot queues (the event heap, event lanes, a link's departure
// times). A plain array made from doubles has V8's PACKED_DOUBLE_ELEMENTS kind: it stores the numbers
// unboxed, as a Float64Array does, but reading and writing it skips the typed array's checks of its
// buffer — about 3% of the engine's instructions (docs/performance.md). An array made from small
// integers stays one of small integers while only those are stored in it.

/** `length` numbers, all 0, stored as unboxed doubles. */
export function doubleArray(length: number): number[] {
  const a = Array.from({ length }, () => 0.5); // made from doubles, so its kind is doubles
  a.fill(0);
  return a;
}

/** `length` small integers (signed 31-bit), all 0. */
export function smallIntArray(length: number): number[] {
  return Array.from({ length }, () => 0);
}

/** The first `from.length` entries of `to` replaced by `from`'s; returns `to`. */
export function copyInto(from: readonly number[], to: number[]): number[] {
  for (let i = 0; i < from.length; i++) to[i] = from[i]!;
  return to;
}
