// The simulator owns time (TigerBeetle-style): components never read a clock, they ask the simulator
// for `nowNs` and schedule callbacks on its event queue. Advancing is explicit: `runUntil(t)` processes
// every event at or before t, so a caller (CLI, game server, browser) decides how fast simulated time
// flows and can apply commands between steps.

import { EventQueue, NO_EVENT, type EventHandler } from './event-queue.ts';
import { Prng } from './prng.ts';
import { Trace } from './trace.ts';
import { nsToMs } from './time.ts';

export class Simulator {
  readonly queue: EventQueue;
  readonly prng: Prng;
  readonly trace = new Trace();
  /** Current simulated time in nanoseconds. */
  nowNs = 0;
  /** Simulation events processed so far. */
  eventsProcessed = 0;
  private nextId = 1;

  constructor(seed: number, limitEvents?: number) {
    this.prng = new Prng(seed);
    this.queue = new EventQueue(limitEvents);
  }

  get nowMs(): number {
    return nsToMs(this.nowNs);
  }

  /** A fresh id, unique in this simulation and deterministic (packets, connections, ...). */
  allocateId(): number {
    return this.nextId++;
  }

  at(atNs: number, handler: EventHandler, arg?: unknown): void {
    if (!(atNs >= this.nowNs)) throw new RangeError(`cannot schedule in the past: ${atNs} < ${this.nowNs}`);
    this.queue.push(atNs, handler, arg);
  }

  /** A lane for a source whose events come in time order and run one handler (a link direction's arrivals): see EventQueue. */
  createLane(handler: EventHandler): number {
    return this.queue.createLane(handler);
  }

  /**
   * Run the lane's handler with `arg` at `atNs`, exactly when `at` would have run it. Returns whether
   * the lane holds the event (it does unless the event is earlier than the lane's latest).
   */
  atInLane(laneId: number, atNs: number, arg: unknown): boolean {
    if (!(atNs >= this.nowNs)) throw new RangeError(`cannot schedule in the past: ${atNs} < ${this.nowNs}`);
    return this.queue.pushToLane(laneId, atNs, arg);
  }

  after(delayNs: number, handler: EventHandler, arg?: unknown): void {
    this.at(this.nowNs + delayNs, handler, arg);
  }

  /** Process every event due at or before `untilNs`, then set the clock to `untilNs`. */
  runUntil(untilNs: number): void {
    if (untilNs < this.nowNs) throw new RangeError(`cannot run backwards to ${untilNs} from ${this.nowNs}`);
    const queue = this.queue;
    while (queue.peekTimeNs() <= untilNs) {
      const arg = queue.pop();
      this.nowNs = queue.poppedAtNs;
      this.eventsProcessed++;
      queue.poppedHandler!(arg);
    }
    this.nowNs = untilNs;
  }

  /** Process exactly the next event (or nothing if none is pending). Returns false when idle. */
  step(): boolean {
    const queue = this.queue;
    const arg = queue.pop();
    if (arg === NO_EVENT) return false;
    this.nowNs = queue.poppedAtNs;
    this.eventsProcessed++;
    queue.poppedHandler!(arg);
    return true;
  }
}
