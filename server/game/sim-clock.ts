// How fast simulated time runs. The room ticks on wall-clock time; every fixed step of `stepMs` wall
// milliseconds advances the engine by `stepMs · speed` simulated milliseconds, so at a given speed the
// simulation is the same whatever the tick jitter. Paused, nothing advances; a single step advances
// by exactly the asked amount. A slow tick never makes the simulation race to catch up by more than
// `maxCatchUpSteps`: time lost beyond that is dropped (the class sees a short stall, not a jump).

import { SPEEDS, type Speed } from '../../shared/messages/classroom-messages.ts';

export const STEP_MS = 50;

export class SimClock {
  readonly stepMs: number;
  readonly maxCatchUpSteps: number;
  speed: Speed = 1;
  paused = false;
  /** Simulated ms reached (the engine is advanced to exactly this). */
  simMs = 0;
  private accumulatorMs = 0;

  constructor(stepMs = STEP_MS, maxCatchUpSteps = 4) {
    this.stepMs = stepMs;
    this.maxCatchUpSteps = maxCatchUpSteps;
  }

  /** Wall-clock time passed; returns the simulated ms to advance to (unchanged when paused). */
  advance(wallDtMs: number): number {
    if (this.paused || !(wallDtMs > 0)) return this.simMs;
    this.accumulatorMs += wallDtMs;
    let steps = Math.floor(this.accumulatorMs / this.stepMs);
    this.accumulatorMs -= steps * this.stepMs;
    if (steps > this.maxCatchUpSteps) steps = this.maxCatchUpSteps;
    this.simMs += steps * this.stepMs * this.speed;
    return this.simMs;
  }

  /** One exact step while paused (default: one fixed step at the current speed). */
  step(ms?: number): number {
    this.simMs += ms ?? this.stepMs * this.speed;
    return this.simMs;
  }

  pause(): void {
    this.paused = true;
    this.accumulatorMs = 0;
  }

  resume(): void {
    this.paused = false;
    this.accumulatorMs = 0;
  }

  setSpeed(speed: Speed): void {
    if (!SPEEDS.includes(speed)) throw new Error(`bad speed ${speed}`);
    this.speed = speed;
  }

  /** Never run past the scenario's end. */
  clampTo(maxMs: number): void {
    if (this.simMs > maxMs) this.simMs = maxMs;
  }
}
