// A restartable one-shot timer on the simulator's event queue. Protocol timers (RTO, persist,
// TIME_WAIT) are re-armed on almost every ACK; pushing a heap event each time would flood the queue,
// so a later deadline only moves `deadlineNs` and the pending event re-schedules itself when it fires
// early. An earlier deadline schedules a new event and the generation counter retires the old one.

import type { Simulator } from './simulator.ts';

export class Timer {
  private armed = false;
  private deadlineNs = 0;
  private pendingAtNs = Infinity;
  private generation = 0;
  private readonly sim: Simulator;
  private readonly onExpire: () => void;
  private readonly fireBound: (gen: unknown) => void;

  constructor(sim: Simulator, onExpire: () => void) {
    this.sim = sim;
    this.onExpire = onExpire;
    this.fireBound = (gen) => this.fire(gen as number);
  }

  get isArmed(): boolean {
    return this.armed;
  }

  /** The absolute expiry time, meaningful only while armed. */
  get expiresAtNs(): number {
    return this.deadlineNs;
  }

  setIn(delayNs: number): void {
    this.setAt(this.sim.nowNs + delayNs);
  }

  setAt(deadlineNs: number): void {
    this.armed = true;
    this.deadlineNs = deadlineNs;
    if (this.pendingAtNs > deadlineNs) {
      this.pendingAtNs = deadlineNs;
      this.sim.at(deadlineNs, this.fireBound, ++this.generation);
    }
  }

  cancel(): void {
    this.armed = false;
  }

  private fire(gen: number): void {
    if (gen !== this.generation) return;
    this.pendingAtNs = Infinity;
    if (!this.armed) return;
    if (this.deadlineNs > this.sim.nowNs) {
      this.pendingAtNs = this.deadlineNs;
      this.sim.at(this.deadlineNs, this.fireBound, ++this.generation);
      return;
    }
    this.armed = false;
    this.onExpire();
  }
}
