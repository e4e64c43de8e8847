// Event polling as the camera does it: changes accumulate between polls (settings merged to the latest value,
// `addedcontents` appended), at most one poll is outstanding, and a held poll completes on the first change or
// with `{}` when its hold ends (docs/camera-notes.md §12).

import type { TimerSet } from './timers.ts';

export type Respond = (status: number, body: unknown) => void;

interface Pending {
  respond: Respond;
  timer: unknown;
}

export class PollHub {
  private changes: Record<string, unknown> = {};
  private added: string[] = [];
  private pending: Pending | null = null;
  /** Answer every poll at once, whatever its hold (a body that never holds; the client must not spin on it). */
  instant = false;
  /** What a poll with nothing to tell answers: `{}`, or a key-only body on some implementations. */
  emptyAnswer: Record<string, unknown> = {};

  constructor(private readonly timers: TimerSet) {}

  get isPending(): boolean {
    return this.pending !== null;
  }

  publish(changes: Record<string, unknown>, addedcontents: string[] = []): void {
    Object.assign(this.changes, changes);
    this.added.push(...addedcontents);
    if (this.pending && this.hasChanges()) this.finish(this.pending, this.take());
  }

  /**
   * A GET: answers at once when changes are queued or `holdMs` is 0, otherwise holds. Returns a token to pass to
   * abandon() when the client goes away, or null when another poll is already outstanding (503 `Already started`).
   */
  poll(holdMs: number, respond: Respond): object | null {
    if (this.pending) return null;
    if (holdMs <= 0 || this.instant || this.hasChanges()) {
      respond(200, this.take());
      return {};
    }
    const pending: Pending = { respond, timer: null };
    pending.timer = this.timers.after(holdMs, () => this.finish(pending, { ...this.emptyAnswer }));
    this.pending = pending;
    return pending;
  }

  /** The client hung up on its held poll: forget it so the next GET is not refused. */
  abandon(token: object): void {
    if (this.pending !== token) return;
    this.timers.cancel(this.pending.timer);
    this.pending = null;
  }

  /** DELETE: ends the outstanding poll with `{}`; false when there was none (503 `Not started`). */
  stop(): boolean {
    if (!this.pending) return false;
    this.finish(this.pending, { ...this.emptyAnswer });
    return true;
  }

  /** Drops queued changes and ends an outstanding poll. */
  reset(): void {
    this.changes = {};
    this.added = [];
    this.stop();
  }

  private hasChanges(): boolean {
    return this.added.length > 0 || Object.keys(this.changes).length > 0;
  }

  private take(): Record<string, unknown> {
    if (!this.hasChanges()) return { ...this.emptyAnswer };
    const out: Record<string, unknown> = { ...this.changes };
    if (this.added.length) out.addedcontents = this.added;
    this.changes = {};
    this.added = [];
    return out;
  }

  private finish(pending: Pending, body: unknown): void {
    if (this.pending === pending) this.pending = null;
    this.timers.cancel(pending.timer);
    pending.respond(200, body);
  }
}
