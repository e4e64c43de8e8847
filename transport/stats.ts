// Counters of the transport for `GET /api/ws/stats` and `GET /api/metrics`.

/** Upper bounds (ms) of the broadcast delivery latency histogram. */
export const DELIVERY_BUCKETS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 1000] as const;

export class TransportStats {
  connectedClients = 0;
  totalConnections = 0;
  sent = 0;
  received = 0;
  resumes = 0;
  lastActivity: number | null = null;
  /** Broadcast fact time → handed to every client's socket, ms; cumulative counts per bucket, then +Inf. */
  readonly delivery = { buckets: DELIVERY_BUCKETS_MS.map(() => 0), count: 0, sumMs: 0 };

  constructor(private readonly wall: () => number) {}

  connected(now: number): void {
    this.connectedClients = now;
    this.totalConnections++;
    this.lastActivity = this.wall();
  }

  disconnected(now: number): void {
    this.connectedClients = now;
    this.lastActivity = this.wall();
  }

  delivered(ms: number): void {
    const d = this.delivery;
    d.count++;
    d.sumMs += ms;
    DELIVERY_BUCKETS_MS.forEach((le, i) => {
      if (ms <= le) d.buckets[i]!++;
    });
  }

  /** Seed 004's field names. */
  snapshot() {
    return {
      connected_clients: this.connectedClients,
      total_connections: this.totalConnections,
      messages_sent: this.sent,
      messages_received: this.received,
      last_activity: this.lastActivity === null ? null : new Date(this.lastActivity).toISOString(),
    };
  }
}
