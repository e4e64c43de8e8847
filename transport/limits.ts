// Per-connection limits. Time is passed in, so the bucket is tested without a clock.

export interface BucketOptions {
  /** Messages allowed in a burst. */
  burst: number;
  /** Messages per second refilled. */
  perSecond: number;
}

/** A token bucket: `take` says whether one message may pass now. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly o: BucketOptions,
    now: number,
  ) {
    this.tokens = o.burst;
    this.last = now;
  }

  take(now: number): boolean {
    this.tokens = Math.min(this.o.burst, this.tokens + ((now - this.last) / 1000) * this.o.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export interface Limits {
  /** Connections at once; the next is refused (1013). */
  maxClients: number;
  rate: BucketOptions;
  /** Refusals in a row (without an accepted message between) after which the connection is closed (1008). */
  maxRefusals: number;
  /** Unsent bytes (replies and broadcasts) past which a client that does not read is dropped (1008 + reason). */
  maxBufferedBytes: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxClients: 32,
  // A page sends a ping every 15 s and a person clicks a few times a second: 20 a second sustained is abuse.
  rate: { burst: 40, perSecond: 20 },
  maxRefusals: 200,
  maxBufferedBytes: 1024 * 1024,
};
