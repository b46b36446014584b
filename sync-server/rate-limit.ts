/**
 * A token bucket: `ratePerSecond` tokens flow in, up to `burst`; each message takes one.
 */
export class TokenBucket {
  private tokens: number
  private last: number

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now()
  ) {
    this.tokens = burst
    this.last = now()
  }

  /** Takes one token; false when the bucket is empty (the caller is over the rate). */
  take(): boolean {
    const now = this.now()
    const elapsedSeconds = (now - this.last) / 1000
    this.last = now
    this.tokens = Math.min(this.burst, this.tokens + elapsedSeconds * this.ratePerSecond)
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }
}
