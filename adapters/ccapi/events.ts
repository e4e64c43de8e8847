// Event watcher: keeps one long poll outstanding on the poll lane and hands every `addedcontents` path, with the
// time it was seen, to `onFiles`. A poll that comes back with nothing sooner than `emptyFloorMs` is followed by a
// pause, so a camera that answers polls at once (`{}` or key-only bodies like `{"contents": {}}`) cannot make the
// loop spin.

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
  /** Pause after `Already started` (an earlier R50 controller used 100 ms) before DELETE + retry. */
  alreadyStartedDelayMs?: number;
  /** An empty answer sooner than this after its poll was sent waits out the rest before the next poll. */
  emptyFloorMs?: number;
  /** Every event as the camera sent it (only changed keys), e.g. for battery or temperature updates. */
  onEvent?: (event: Record<string, unknown>) => void;
  /** Paths of files the camera added, in its order, and the monotonic time they were seen. */
  onFiles?: (paths: string[], mono: number) => void;
}

export class EventWatcher {
  private abort: AbortController | null = null;
  private loop: Promise<void> | null = null;
  private readonly o: Required<Omit<EventWatcherOptions, 'logger' | 'onEvent' | 'onFiles'>> & EventWatcherOptions;

  constructor(opts: EventWatcherOptions) {
    this.o = {
      backoffMinMs: 250,
      backoffMaxMs: 2_000,
      alreadyStartedDelayMs: 100,
      emptyFloorMs: 200,
      ...opts,
    };
  }

  start(): void {
    if (this.loop) return;
    this.abort = new AbortController();
    this.loop = this.run(this.abort.signal);
  }

  /** Aborts the pending poll and (best effort) releases the camera's poll session. */
  async stop(): Promise<void> {
    const abort = this.abort;
    const loop = this.loop;
    if (!abort || !loop) return;
    this.abort = null;
    this.loop = null;
    abort.abort();
    await loop;
    await this.o.client.stopPolling(1_000).catch(() => undefined); // the camera may already be gone
  }

  private ingest(event: Record<string, unknown>): void {
    const { logger, clock } = this.o;
    try {
      this.o.onEvent?.(event);
    } catch (err) {
      logger?.error({ err }, 'event listener threw');
    }
    const added = event.addedcontents;
    if (!Array.isArray(added)) return;
    const paths = added.filter((p): p is string => typeof p === 'string');
    if (paths.length === 0) return;
    logger?.debug({ paths }, 'camera added files');
    try {
      this.o.onFiles?.(paths, clock.mono());
    } catch (err) {
      logger?.error({ err }, 'file listener threw');
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
        const sent = clock.mono();
        const event = await client.pollEvents(signal);
        backoff = this.o.backoffMinMs;
        this.ingest(event);
        if (saysNothing(event)) {
          const early = this.o.emptyFloorMs - (clock.mono() - sent);
          if (early > 0) await sleep(clock, early, signal);
        }
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
          return;
        }
        logger?.debug({ err: err instanceof Error ? err.message : String(err), backoff }, 'event poll failed');
        await sleep(clock, backoff, signal);
        backoff = Math.min(backoff * 2, this.o.backoffMaxMs);
      }
    }
  }
}

/** `{}`, or only keys with empty values (`{"contents": {}}`): nothing happened. */
export function saysNothing(event: Record<string, unknown>): boolean {
  return Object.values(event).every(
    (v) => v === null || v === undefined || (typeof v === 'object' && Object.keys(v as object).length === 0),
  );
}
