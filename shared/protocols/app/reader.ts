// How fast a receiving application drains its socket (seed: flow control exists because the
// receiver may be slower than the sender). Unlimited readers take everything the moment it becomes
// readable; a reader with `readRateBps` wakes every READ_TICK and reads what its rate allows, so the
// receive buffer fills, the advertised window shrinks, and a fast sender must wait.

import type { Simulator } from '../sim/simulator.ts';
import { msToNs } from '../sim/time.ts';
import type { TcpConnection } from '../transport/tcp/connection.ts';

export const READ_TICK_MS = 10;

export class RateLimitedReader {
  private readonly conn: TcpConnection;
  private readonly sim: Simulator;
  /** null: read everything at once. Changeable at run time (the receiver role's read-rate). */
  readRateBps: number | null;
  private readonly consume: ((bytes: Uint8Array) => void) | undefined;
  private ticking = false;
  private creditBytes = 0;
  private readonly tickBound: () => void;
  onDrained: (() => void) | null = null;

  constructor(conn: TcpConnection, readRateBps: number | null, consume?: (bytes: Uint8Array) => void) {
    this.conn = conn;
    this.sim = conn.sim;
    this.readRateBps = readRateBps;
    this.consume = consume;
    this.tickBound = () => this.tick();
  }

  /** Data became readable. */
  readable(): void {
    if (this.readRateBps === null) {
      this.conn.read(Infinity, this.consume);
      this.onDrained?.();
      return;
    }
    if (!this.ticking && this.conn.readableBytes > 0) {
      this.ticking = true;
      this.creditBytes = 0;
      this.sim.after(msToNs(READ_TICK_MS), this.tickBound);
    }
  }

  setRate(readRateBps: number | null): void {
    this.readRateBps = readRateBps;
    if (readRateBps === null) this.readable();
  }

  private tick(): void {
    this.ticking = false;
    if (this.readRateBps === null) {
      this.readable();
      return;
    }
    this.creditBytes += (this.readRateBps * READ_TICK_MS) / 1000 / 8;
    const n = Math.floor(this.creditBytes);
    if (n > 0) this.creditBytes -= this.conn.read(n, this.consume);
    if (this.conn.readableBytes > 0) {
      this.creditBytes = Math.min(this.creditBytes, this.conn.cfg.rcvBufBytes);
      this.ticking = true;
      this.sim.after(msToNs(READ_TICK_MS), this.tickBound);
    } else {
      this.onDrained?.();
    }
  }
}
