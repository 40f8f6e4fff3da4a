// How a load balancer picks a backend for a new connection (seed: 로드 밸런싱 — "로드 밸런서가 서버를
// 선택하는 방식"): round robin (as in CPU scheduling), least connections (the server with the fewest
// open connections, for long sessions), and source hashing (the client's IP hashed, so one user always
// reaches the same server). The rules follow Linux IPVS: `rr` keeps a pointer that moves to the server
// it chose; `lc` takes the first server with the fewest connections; `sh` hashes the client address
// with hash_32 (golden-ratio multiply, 8 bits) into 256 buckets dealt to the servers in list order, and
// with its fallback option tries the following buckets when a bucket's server cannot take more.
// A backend that is down or full is passed over; pure functions, no state but what is passed in.

export const BALANCER_ALGORITHMS = ['round-robin', 'least-connections', 'source-hash', 'manual'] as const;
export type BalancerAlgorithm = (typeof BALANCER_ALGORITHMS)[number];

export function isBalancerAlgorithm(name: unknown): name is BalancerAlgorithm {
  return typeof name === 'string' && (BALANCER_ALGORITHMS as readonly string[]).includes(name);
}

/** What a scheduler needs to know about each backend, in the balancer's list order. */
export interface BackendLoad {
  /** Open (not yet closed) connections the balancer has sent it. */
  connections: number;
  /** Whether it can take one more connection now (up and below its capacity). */
  available: boolean;
}

/** The chosen backend's index, and the ones passed over (down or full) before it. -1: none can take it. */
export interface Pick {
  index: number;
  skipped: number[];
}

const SH_TAB_BITS = 8;
const SH_TAB_SIZE = 1 << SH_TAB_BITS;
/** GOLDEN_RATIO_32 of the Linux kernel's hash_32. */
const GOLDEN_RATIO_32 = 0x61c88647;

/** IPVS source hashing: the bucket (0–255) of a client address. */
export function sourceHashBucket(clientIp: number): number {
  return Math.imul(clientIp >>> 0, GOLDEN_RATIO_32) >>> (32 - SH_TAB_BITS);
}

/** Round robin from `pointer`: the first available backend at or after it, wrapping around. */
export function pickRoundRobin(loads: readonly BackendLoad[], pointer: number): Pick {
  const n = loads.length;
  const skipped: number[] = [];
  for (let k = 0; k < n; k++) {
    const i = (pointer + k) % n;
    if (loads[i]!.available) return { index: i, skipped };
    skipped.push(i);
  }
  return { index: -1, skipped };
}

/** Least connections: the first available backend with the fewest open connections. */
export function pickLeastConnections(loads: readonly BackendLoad[]): Pick {
  let best = -1;
  const skipped: number[] = [];
  for (let i = 0; i < loads.length; i++) {
    const l = loads[i]!;
    if (!l.available) {
      skipped.push(i);
      continue;
    }
    if (best < 0 || l.connections < loads[best]!.connections) best = i;
  }
  // Only the ones that would have won but could not take the connection count as passed over.
  const minimum = best < 0 ? Infinity : loads[best]!.connections;
  return { index: best, skipped: skipped.filter((i) => loads[i]!.connections < minimum || (loads[i]!.connections === minimum && i < best)) };
}

/** Source hashing: the bucket's backend, else the next buckets' backends (IPVS sh-fallback). */
export function pickSourceHash(loads: readonly BackendLoad[], clientIp: number): Pick {
  const n = loads.length;
  const skipped: number[] = [];
  if (n === 0) return { index: -1, skipped };
  const bucket = sourceHashBucket(clientIp);
  // Buckets are dealt to backends in list order, so bucket b belongs to backend b mod n.
  for (let offset = 0; offset < SH_TAB_SIZE && skipped.length < n; offset++) {
    const i = ((bucket + offset) % SH_TAB_SIZE) % n;
    if (loads[i]!.available) return { index: i, skipped };
    if (!skipped.includes(i)) skipped.push(i);
  }
  return { index: -1, skipped };
}

/** Jain's fairness index of the assignments: 1 when every backend got the same, 1/n when one got all. */
export function jainFairness(counts: readonly number[]): number {
  let sum = 0;
  let squares = 0;
  for (const c of counts) {
    sum += c;
    squares += c * c;
  }
  if (counts.length === 0 || squares === 0) return 1;
  return (sum * sum) / (counts.length * squares);
}
