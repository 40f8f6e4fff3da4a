// A node's processor: work runs one item after another, each taking simulated time scaled by the
// node's speed. Crypto, request handling and context switches all queue here, so expensive work
// (a public-key operation) visibly delays everything behind it (seed: symmetric vs public key).

import type { Simulator } from '../sim/simulator.ts';

export const MAX_CPU_QUEUE = 10_000;

export class Cpu {
  private readonly sim: Simulator;
  /** Relative speed: 2 does the same work in half the time (scale-up). */
  readonly speed: number;
  private busyUntilNs = 0;
  private queued = 0;
  /** Total busy time, for utilisation figures. */
  busyNs = 0;
  readonly doneBound: (fn: unknown) => void;

  constructor(sim: Simulator, speed = 1) {
    if (!(speed > 0)) throw new RangeError(`cpu speed must be positive, got ${speed}`);
    this.sim = sim;
    this.speed = speed;
    this.doneBound = (fn) => {
      this.queued--;
      (fn as () => void)();
    };
  }

  /** Work queued or running now. */
  get backlog(): number {
    return this.queued;
  }

  /**
   * Run `costNs` of work (at speed 1) after whatever is already queued, then call `done`.
   * Returns when it will finish, or -1 if the queue is full (the work is refused).
   */
  run(costNs: number, done: () => void): number {
    if (this.queued >= MAX_CPU_QUEUE) return -1;
    const start = Math.max(this.sim.nowNs, this.busyUntilNs);
    const duration = Math.ceil(costNs / this.speed);
    this.busyUntilNs = start + duration;
    this.busyNs += duration;
    this.queued++;
    this.sim.at(this.busyUntilNs, this.doneBound, done);
    return this.busyUntilNs;
  }

  utilisation(sinceNs = 0): number {
    const elapsed = this.sim.nowNs - sinceNs;
    return elapsed > 0 ? Math.min(1, this.busyNs / elapsed) : 0;
  }
}
