// Simulated time. The engine keeps time as an integer count of nanoseconds (exact in a double up to
// 104 days), so serialisation delays like 0.8432 ms never accumulate rounding error; the public
// contract (scenario files, traces, commands) speaks milliseconds.

export const NS_PER_MS = 1_000_000;
export const NS_PER_S = 1_000_000_000;

export function msToNs(ms: number): number {
  return Math.round(ms * NS_PER_MS);
}

export function nsToMs(ns: number): number {
  return ns / NS_PER_MS;
}

/** Time to clock `bytes` onto a link of `bandwidthBps`, rounded up to whole nanoseconds. */
export function serializationNs(bytes: number, bandwidthBps: number): number {
  return Math.ceil((bytes * 8 * NS_PER_S) / bandwidthBps);
}
