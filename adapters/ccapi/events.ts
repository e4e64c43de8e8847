// Event watcher: keeps one long poll outstanding on the poll lane and numbers every `addedcontents` path it sees.
// A shot records position() *before* pressing and then waits for the first path numbered after it, so a file
// reported between the press and the wait is never lost (events can arrive ≈ 640 ms after a press, camera-api §3.12).

import type { Logger } from 'pino';
import type { Clock } from '../../machines/clock.ts';
import type { CcapiClient } from './client.ts';
import { cameraMessageOf } from './errors.ts';
import { CameraError } from '../../machines/camera-port.ts';
import { sleep } from './sleep.ts';

export interface EventWatcherOptions {
  client: CcapiClient;
  clock: Clock;
  logger?: Logger;
  /** Retry pause after a failed poll: doubles from min to max while the camera stays unreachable. */
  backoffMinMs?: number;
  backoffMaxMs?: number;
  /** Pause after `Already started` (PCC used 100 ms on the R50) before DELETE + retry. */
  alreadyStartedDelayMs?: number;
  /** Pause between polls on bodies whose poll answers at once (ver100 without `continue=on`). */
  immediateIntervalMs?: number;
  /** Every event as the camera sent it (only changed keys), e.g. for battery or temperature updates. */
  onEvent?: (event: Record<string, unknown>) => void;
}

interface Waiter {
  afterSeq: number;
  settle(path: string | null): void;
}

/** Paths kept for late waiters; older ones are dropped (a waiter that far behind has long given up). */
const REMEMBERED = 1_000;

export class EventWatcher {
  private seq = 0;
  private files: { seq: number; path: string }[] = [];
  private readonly waiters = new Set<Waiter>();
  private abort: AbortController | null = null;
  private loop: Promise<void> | null = null;
  /** Set when the loop gave up for good (the body cannot poll); waits then end at once. */
  private failed = false;
  private readonly o: Required<Omit<EventWatcherOptions, 'logger' | 'onEvent'>> & EventWatcherOptions;

  constructor(opts: EventWatcherOptions) {
    this.o = { backoffMinMs: 250, backoffMaxMs: 2_000, alreadyStartedDelayMs: 100, immediateIntervalMs: 500, ...opts };
  }

  get running(): boolean {
    return this.loop !== null && !this.failed;
  }

  /** Number of files reported so far; pass it to waitForFile to wait for the next one. */
  position(): number {
    return this.seq;
  }

  start(): void {
    if (this.loop) return;
    this.failed = false;
    this.abort = new AbortController();
    this.loop = this.run(this.abort.signal);
  }

  /** Aborts the pending poll, ends waits with null and (best effort) releases the camera's poll session. */
  async stop(): Promise<void> {
    const abort = this.abort;
    const loop = this.loop;
    if (!abort || !loop) return;
    this.abort = null;
    this.loop = null;
    abort.abort();
    await loop;
    for (const w of [...this.waiters]) w.settle(null);
    await this.o.client.stopPolling(1_000).catch(() => undefined); // the camera may already be gone
  }

  /** First file reported after `afterSeq`, or null if none arrives before `deadlineMono` (or the watcher stops). */
  waitForFile(afterSeq: number, deadlineMono: number): Promise<string | null> {
    const hit = this.firstAfter(afterSeq);
    if (hit !== null) return Promise.resolve(hit);
    const remaining = deadlineMono - this.o.clock.mono();
    if (remaining <= 0 || !this.running) return Promise.resolve(null);
    return new Promise((resolve) => {
      const timer = this.o.clock.setTimeout(() => w.settle(null), remaining);
      const w: Waiter = {
        afterSeq,
        settle: (path) => {
          this.o.clock.clearTimeout(timer);
          this.waiters.delete(w);
          resolve(path);
        },
      };
      this.waiters.add(w);
    });
  }

  private firstAfter(afterSeq: number): string | null {
    return this.files.find((f) => f.seq > afterSeq)?.path ?? null;
  }

  private ingest(event: Record<string, unknown>): void {
    try {
      this.o.onEvent?.(event);
    } catch (err) {
      this.o.logger?.error({ err }, 'event listener threw');
    }
    const added = event.addedcontents;
    if (!Array.isArray(added)) return;
    for (const path of added) {
      if (typeof path !== 'string') continue;
      this.files.push({ seq: ++this.seq, path });
      this.o.logger?.debug({ seq: this.seq, path }, 'camera added file');
    }
    if (this.files.length > REMEMBERED) this.files.splice(0, this.files.length - REMEMBERED);
    for (const w of [...this.waiters]) {
      const hit = this.firstAfter(w.afterSeq);
      if (hit !== null) w.settle(hit);
    }
  }

  private async run(signal: AbortSignal): Promise<void> {
    const { client, clock, logger } = this.o;
    let backoff = this.o.backoffMinMs;
    let clearSession = true; // a dead client's session makes every poll 503 `Already started` until DELETE
    while (!signal.aborted) {
      try {
        if (clearSession) {
          await client.stopPolling(undefined, signal);
          clearSession = false;
        }
        const event = await client.pollEvents(signal);
        backoff = this.o.backoffMinMs;
        this.ingest(event);
        if (client.pollDialect() === 'immediate') await sleep(clock, this.o.immediateIntervalMs, signal);
      } catch (err) {
        if (signal.aborted) break;
        if (cameraMessageOf(err) === 'Already started') {
          clearSession = true;
          await sleep(clock, this.o.alreadyStartedDelayMs, signal);
          continue;
        }
        if (err instanceof CameraError && err.code === 'NOT_SUPPORTED') {
          if (clearSession) {
            clearSession = false; // no DELETE on this body: poll without it
            continue;
          }
          logger?.error({ err: err.message }, 'camera does not support event polling; watcher stopped');
          this.failed = true;
          for (const w of [...this.waiters]) w.settle(null);
          return;
        }
        logger?.debug({ err: err instanceof Error ? err.message : String(err), backoff }, 'event poll failed');
        await sleep(clock, backoff, signal);
        backoff = Math.min(backoff * 2, this.o.backoffMaxMs);
      }
    }
  }
}
