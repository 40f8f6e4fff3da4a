// A token bucket per client for commands: a steady `perSecond` with a burst of the same size. It
// refuses politely (`rate-limited`) before the transport's hard limit disconnects a flooding client.

export class TokenBucket {
  private tokens: number;
  private lastMs: number;
  private readonly perSecond: number;

  constructor(perSecond: number, nowMs: number) {
    this.perSecond = perSecond;
    this.tokens = perSecond;
    this.lastMs = nowMs;
  }

  take(nowMs: number): boolean {
    const elapsed = Math.max(0, nowMs - this.lastMs);
    this.lastMs = nowMs;
    this.tokens = Math.min(this.perSecond, this.tokens + (elapsed / 1000) * this.perSecond);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
