// CameraPort over Canon CCAPI: topology negotiation, status reads, shutter with bounded busy retries, and file
// arrival through the event watcher. Shots and status reads never overlap (camera-api.md §8.6).

import type { Logger } from 'pino';
import { CameraError, type CameraInfo, type CameraPort, type CameraStatus, type ShotResult } from '../machines/camera-port.ts';
import type { Clock } from '../machines/clock.ts';
import { systemClock } from './clock.ts';
import { CcapiClient, DEFAULT_TIMEOUTS, type CameraDatetime, type CcapiTimeouts } from './ccapi/client.ts';
import { CcapiError, retryPolicy } from './ccapi/errors.ts';
import { EventWatcher, type EventWatcherOptions } from './ccapi/events.ts';
import { CcapiHttp } from './ccapi/http.ts';
import { Mutex } from './ccapi/mutex.ts';
import { sleep } from './ccapi/sleep.ts';
import { parseTv } from './ccapi/tv.ts';

export interface CcapiCameraOptions {
  /** CCAPI root, e.g. `http://192.168.4.2:8080/ccapi` (UPnP `X_accessURL`). */
  baseUrl: string;
  clock?: Clock;
  logger?: Logger;
  timeouts?: Partial<CcapiTimeouts>;
  /** Shutter retry pause after a transient refusal: starts at firstMs, doubles up to maxMs. */
  pressRetry?: { firstMs?: number; maxMs?: number };
  /** Event watcher tuning (backoff after failed polls). */
  watcher?: Pick<EventWatcherOptions, 'backoffMinMs' | 'backoffMaxMs' | 'alreadyStartedDelayMs' | 'immediateIntervalMs'>;
  /** Every camera event (changed keys only), e.g. to pick up battery or temperature changes. */
  onEvent?: (event: Record<string, unknown>) => void;
}

export class CcapiCamera implements CameraPort {
  readonly baseUrl: string;
  private readonly clock: Clock;
  private readonly logger?: Logger;
  private readonly timeouts: CcapiTimeouts;
  private readonly retryFirstMs: number;
  private readonly retryMaxMs: number;
  private readonly lock = new Mutex();
  private http: CcapiHttp | null = null;
  private client: CcapiClient | null = null;
  private watcher: EventWatcher | null = null;
  private lastTvSeconds: number | null = null;

  constructor(private readonly opts: CcapiCameraOptions) {
    this.baseUrl = opts.baseUrl;
    this.clock = opts.clock ?? systemClock;
    this.logger = opts.logger;
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
    this.retryFirstMs = opts.pressRetry?.firstMs ?? 50;
    this.retryMaxMs = opts.pressRetry?.maxMs ?? 400;
  }

  /** Topology, device information and status; clears a stale poll session and (re)starts the event watcher. */
  async connect(): Promise<{ info: CameraInfo; status: CameraStatus }> {
    return this.lock.run(async () => {
      await this.teardown();
      this.http = new CcapiHttp(this.baseUrl, this.logger, this.timeouts.statusMs);
      const client = new CcapiClient(this.http, this.timeouts, this.logger);
      this.client = client;
      try {
        await client.negotiate();
        const info = await client.deviceInformation();
        const status = await this.readStatus(client);
        this.watcher = new EventWatcher({
          ...this.opts.watcher,
          client,
          clock: this.clock,
          logger: this.logger,
          onEvent: this.opts.onEvent,
        });
        this.watcher.start();
        this.logger?.info({ productname: info.productname, firmware: info.firmwareversion }, 'camera connected');
        return { info, status };
      } catch (err) {
        await this.teardown(); // leave no half-open agents behind
        throw err;
      }
    });
  }

  /** Battery (ver100), storage, temperature and Tv. Waits for a shot in progress to finish first. */
  async status(): Promise<CameraStatus> {
    return this.lock.run(() => this.readStatus(this.connected().client));
  }

  /** The camera's clock (not part of CameraPort; used for time checks). */
  async datetime(): Promise<CameraDatetime> {
    return this.lock.run(() => this.connected().client.datetime());
  }

  async shoot(opts: { pressDeadlineMono: number; fileDeadlineMono: number }): Promise<ShotResult> {
    return this.lock.run(async () => {
      const { client, watcher } = this.connected();
      const mark = watcher.position(); // before the press: a file reported at any point after it belongs to us
      // Shutter timeout ≥ Tv + 10 s: some bodies may answer only after the exposure (camera-api.md §3.8).
      const timeoutMs = this.timeouts.shutterMs + (this.lastTvSeconds ?? 0) * 1000;
      let attempts = 0;
      let delay = this.retryFirstMs;
      let unknownRetried = false;
      for (;;) {
        attempts++;
        const sentMono = this.clock.mono();
        const sentWall = this.clock.wall();
        try {
          await client.shutterButton(false, timeoutMs);
        } catch (err) {
          const e = asCameraError(err);
          const policy = retryPolicy(e);
          const retry = policy === 'until-deadline' || (policy === 'once' && !unknownRetried);
          if (!retry || this.clock.mono() + delay >= opts.pressDeadlineMono) {
            this.logger?.warn({ code: e.code, attempts, err: e.message }, 'shutter press failed');
            e.attempts = attempts;
            throw e;
          }
          if (policy === 'once') unknownRetried = true;
          this.logger?.debug({ code: e.code, attempt: attempts, delay }, 'shutter refused, retrying');
          await sleep(this.clock, delay);
          delay = Math.min(delay * 2, this.retryMaxMs);
          continue;
        }
        const latencyMs = this.clock.mono() - sentMono;
        const file = await watcher.waitForFile(mark, opts.fileDeadlineMono);
        const result: ShotResult = {
          triggerMono: sentMono,
          triggerWall: sentWall,
          latencyMs,
          attempts,
          file,
          doneMono: this.clock.mono(),
          doneWall: this.clock.wall(),
        };
        this.logger?.debug({ attempts, latencyMs, file }, 'shot done');
        return result;
      }
    });
  }

  async close(): Promise<void> {
    await this.teardown();
  }

  private async teardown(): Promise<void> {
    const watcher = this.watcher;
    const http = this.http;
    this.watcher = null;
    this.client = null;
    this.http = null;
    await watcher?.stop();
    await http?.close();
  }

  private connected(): { client: CcapiClient; watcher: EventWatcher } {
    if (!this.client || !this.watcher) {
      throw new CcapiError('REJECTED', 'camera not connected: call connect() first', false, undefined, null);
    }
    return { client: this.client, watcher: this.watcher };
  }

  private async readStatus(client: CcapiClient): Promise<CameraStatus> {
    // Sequential on purpose: one command socket, and the camera copes badly with bursts.
    const battery = await optional(() => client.battery());
    const storageList = await optional(() => client.storage());
    const temperature = await optional(() => client.temperature());
    const settings = await optional(() => client.shootingSettings());
    const first = storageList?.[0];
    const tvValue = settings?.tv?.value;
    const tv = typeof tvValue === 'string' ? tvValue : null;
    const tvSeconds = tv === null ? null : parseTv(tv);
    this.lastTvSeconds = tvSeconds;
    return {
      battery,
      storage: first ? { name: first.name, spaceBytes: first.spacesize, maxBytes: first.maxsize, contents: first.contentsnumber } : null,
      temperature,
      tv,
      tvSeconds,
    };
  }
}

/** A feature this body does not advertise reads as null; every other failure propagates. */
async function optional<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof CameraError && err.code === 'NOT_SUPPORTED') return null;
    throw err;
  }
}

function asCameraError(err: unknown): CameraError {
  if (err instanceof CameraError) return err;
  // Not expected: the client maps every failure; keep the text rather than lose it.
  return new CameraError('PROTOCOL', err instanceof Error ? err.message : String(err), false);
}
