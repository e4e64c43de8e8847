// CameraPort over Canon CCAPI: topology negotiation, status reads, at most one exposure per release, and files
// matched to the release that made them. The rules (what is retried, what counts as evidence, how files are
// attributed, when status reads wait) are in docs/camera-notes.md.

import type { Logger } from 'pino';
import {
  CameraError,
  type CameraInfo,
  type CameraPort,
  type CameraStatus,
  type CardFile,
  type LateFiles,
  type Preview,
  type ReleaseTag,
  type BulbRequest,
  type ShotRequest,
  type ShotResult,
} from '../machines/camera-port.ts';
import type { Clock } from '../machines/clock.ts';
import { systemClock } from './clock.ts';
import { filesSince, listFilesAfter, newestFile } from './ccapi/card-listing.ts';
import { CcapiClient, DEFAULT_TIMEOUTS, type CameraDatetime, type CcapiTimeouts, type Setting } from './ccapi/client.ts';
import { CcapiControls } from './ccapi/camera-controls.ts';
import { CcapiError, pressOutcome } from './ccapi/errors.ts';
import { EventWatcher, type EventWatcherOptions } from './ccapi/events.ts';
import { CcapiHttp } from './ccapi/http.ts';
import { liveviewFrame, setLiveview } from './ccapi/liveview.ts';
import { manualShutter } from './ccapi/manual-shutter.ts';
import { Mutex } from './ccapi/mutex.ts';
import { downloadPreview } from './ccapi/preview.ts';
import { ReleaseLedger, type Release } from './ccapi/release-ledger.ts';
import { sleep, sleepUntil } from './ccapi/sleep.ts';
import { parseTv } from './ccapi/tv.ts';

export interface CcapiCameraOptions {
  /** CCAPI root, e.g. `http://192.168.4.2:8080/ccapi` (UPnP `X_accessURL`). */
  baseUrl: string;
  clock?: Clock;
  logger?: Logger;
  timeouts?: Partial<CcapiTimeouts>;
  /** Shutter retry pause after a refusal that surely did not fire: starts at firstMs, doubles up to maxMs. */
  pressRetry?: { firstMs?: number; maxMs?: number };
  /** After a lost press answer: how often the card is listed for evidence while the press window is open. */
  evidenceIntervalMs?: number;
  /** Event watcher tuning (backoff after failed polls, the empty-poll floor). */
  watcher?: Pick<
    EventWatcherOptions,
    'backoffMinMs' | 'backoffMaxMs' | 'alreadyStartedDelayMs' | 'emptyFloorMs'
  >;
  /** Every camera event (changed keys only), e.g. to pick up battery or temperature changes. */
  onEvent?: (event: Record<string, unknown>) => void;
}

/** How long status reads stay held back after a shot returned without all its files (camera still busy). */
const QUIET_AFTER_SHOT_MS = 5_000;
/** filesSince waits this long in all for a camera that refuses listings because it is shooting. */
const LISTING_BUSY_MS = 10_000;

export class CcapiCamera implements CameraPort {
  readonly baseUrl: string;
  private readonly clock: Clock;
  private readonly logger?: Logger;
  private readonly timeouts: CcapiTimeouts;
  private readonly retryFirstMs: number;
  private readonly retryMaxMs: number;
  private readonly evidenceIntervalMs: number;
  /** connect() and close() one at a time. */
  private readonly lifecycle = new Mutex();
  /** One release at a time. */
  private readonly shots = new Mutex();
  private readonly lateListeners = new Set<(late: LateFiles) => void>();
  private readonly ledger: ReleaseLedger;
  private http: CcapiHttp | null = null;
  private client: CcapiClient | null = null;
  private watcher: EventWatcher | null = null;
  private tvSeconds: number | null = null;
  private filesPerRelease = 1;
  /** The camera's last temperature status: `disablerelease`/`disableshooting` refuse a press before it is sent. */
  private temperature: string | null = null;
  private readonly controlsImpl: CcapiControls;
  /** A card listing for files the camera did not name is running / asked for again meanwhile. */
  private listing = false;
  private listAgain = false;
  /** The card's contents path (`/ccapi/ver130/contents/card1`), for files named relative to it. */
  private storagePath: string | null = null;
  /** A bulb exposure in progress: aborting it releases at once; `released` settles once the release was sent. */
  private bulb: { cut: AbortController; released: Promise<void> } | null = null;

  constructor(private readonly opts: CcapiCameraOptions) {
    this.baseUrl = opts.baseUrl;
    this.clock = opts.clock ?? systemClock;
    this.logger = opts.logger;
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
    this.retryFirstMs = opts.pressRetry?.firstMs ?? 50;
    this.retryMaxMs = opts.pressRetry?.maxMs ?? 400;
    this.evidenceIntervalMs = opts.evidenceIntervalMs ?? 500;
    this.ledger = new ReleaseLedger(this.clock, (late) => this.emitLate(late), this.logger);
    this.controlsImpl = new CcapiControls(() => this.connected(), this.logger);
  }

  /** Topology, device information and status; clears a stale poll session, reads the card, (re)starts the watcher. */
  async connect(): Promise<{ info: CameraInfo; status: CameraStatus }> {
    return this.lifecycle.run(async () => {
      await this.teardown();
      this.http = new CcapiHttp(this.baseUrl, this.logger, this.timeouts.statusMs);
      const client = new CcapiClient(this.http, this.timeouts, this.logger);
      this.client = client;
      try {
        await client.negotiate();
        const info = await client.deviceInformation();
        const status = await this.readStatus(client);
        await this.readCard(client);
        this.watcher = new EventWatcher({
          ...this.opts.watcher,
          client,
          clock: this.clock,
          logger: this.logger,
          onEvent: (event) => this.onCameraEvent(event),
          onFiles: (paths, mono) => this.ledger.addFiles(paths, mono),
        });
        this.watcher.start();
        this.logger?.info({ productname: info.productname, firmware: info.firmwareversion }, 'camera connected');
        return { info, status };
      } catch (err) {
        // Why the camera is offline, with its own answer, for whoever reads the service log.
        const e = err instanceof CcapiError ? err : null;
        this.logger?.warn({ err: err instanceof Error ? err.message : String(err), code: e?.code, status: e?.status, cameraAnswer: e?.cameraMessage ?? null }, 'camera connect failed');
        await this.teardown(); // leave no half-open agents behind
        throw err;
      }
    });
  }

  /** Battery (ver100), storage, temperature and Tv. Waits while a shot is pressed or exposed. */
  async status(): Promise<CameraStatus> {
    return this.readStatus(this.connected());
  }

  /** The camera's clock (not part of CameraPort; used for time checks). */
  async datetime(): Promise<CameraDatetime> {
    return this.connected().datetime();
  }

  controls(): CcapiControls {
    return this.controlsImpl;
  }

  async shoot(request: ShotRequest): Promise<ShotResult> {
    return this.shots.run(async () => {
      const client = this.connected();
      refuseWhenTooHot(this.temperature);
      const releaseHold = client.http.commands.hold(); // no status or settings reads from here
      let release: Release | null = null;
      try {
        const pressed = request.bulb ? await this.pressBulb(client, request, request.bulb) : await this.press(client, request);
        release = pressed.release;
        const complete = (r: Release) => r.files.length >= r.expected;
        await this.ledger.waitFor(release, complete, request.fileDeadlineMono);
        const result: ShotResult = {
          triggerMono: release.sentMono,
          triggerWall: pressed.sentWall,
          latencyMs: pressed.latencyMs,
          attempts: pressed.attempts,
          files: [...release.files],
          confirmedByEvidence: release.byEvidence,
          doneMono: this.clock.mono(),
          doneWall: this.clock.wall(),
        };
        this.logger?.debug({ tag: request.tag, ...result }, 'shot done');
        return result;
      } catch (err) {
        if (err instanceof UnconfirmedPress) release = err.release;
        throw err instanceof UnconfirmedPress ? err.error : err;
      } finally {
        if (release) this.ledger.returned(release);
        this.quietUntilWritten(release, releaseHold);
      }
    });
  }

  async filesSince(after: { path: string | null; wall: number }): Promise<CardFile[]> {
    const client = this.connected();
    // The camera refuses listings while it shoots: wait for a gap rather than fail at once.
    const giveUp = this.clock.mono() + LISTING_BUSY_MS;
    for (let delay = 250; ; delay = Math.min(delay * 2, 2_000)) {
      try {
        return await filesSince(client, after);
      } catch (err) {
        if (!(err instanceof CameraError && err.code === 'BUSY') || this.clock.mono() + delay > giveUp) throw err;
        await sleep(this.clock, delay);
      }
    }
  }

  adoptReleases(tags: readonly ReleaseTag[]): void {
    this.ledger.adopt(tags);
  }

  onLateFiles(listener: (late: LateFiles) => void): () => void {
    this.lateListeners.add(listener);
    return () => this.lateListeners.delete(listener);
  }

  async close(o: { abandon?: boolean } = {}): Promise<void> {
    // A bulb in progress is released before the connection goes: a stop never leaves the shutter open.
    const bulb = this.bulb;
    bulb?.cut.abort();
    await bulb?.released.catch((err: unknown) => this.logger?.error({ err }, 'could not release the bulb exposure at close'));
    if (o.abandon) await this.http?.close(); // a press or poll to an address that is gone ends now, not at its timeout
    await this.lifecycle.run(() => this.teardown());
  }

  async preview(file: string, onProgress?: (p: { kind: Preview['kind']; loaded: number; total: number | null }) => void, signal?: AbortSignal): Promise<Preview> {
    const path = file.startsWith('/') || file.includes('://') || !this.storagePath ? file : `${this.storagePath}/${file}`;
    return downloadPreview(this.connected(), path, { clock: this.clock, onProgress, signal });
  }

  async liveview(on: boolean): Promise<void> {
    await setLiveview(this.connected(), on);
  }

  async liveviewFrame(): Promise<Buffer> {
    return (await liveviewFrame(this.connected())).bytes;
  }

  async releaseShutter(): Promise<void> {
    await this.letGo(this.connected());
  }

  /**
   * A bulb exposure through the manual shutter: lets go of any held button, half press, full press, then the release
   * at `ms` after the full press on the monotonic clock (sooner only when `bulb.signal` or close() cuts it short).
   * A lost full-press answer counts as opened: the release goes out at the deadline all the same.
   */
  private async pressBulb(
    client: CcapiClient,
    request: ShotRequest,
    bulb: BulbRequest,
  ): Promise<{ release: Release; sentWall: number; latencyMs: number | null; attempts: number }> {
    // Registered before the first press, so a close() at any moment waits for the release instead of cutting the
    // connection under an open shutter.
    const cut = new AbortController();
    const stop = () => cut.abort();
    let done!: () => void;
    let failed!: (err: unknown) => void;
    const released = new Promise<void>((resolve, reject) => ((done = resolve), (failed = reject)));
    released.catch(() => undefined); // the failure is thrown to the caller; close() reads it only when it waits
    this.bulb = { cut, released };
    bulb.signal?.addEventListener('abort', stop, { once: true });
    if (bulb.signal?.aborted) stop();
    try {
      await this.letGo(client);
      await manualShutter(client, 'half_press');
      const sentMono = this.clock.mono();
      const sentWall = this.clock.wall();
      const release = this.ledger.open(request.tag, sentMono, this.filesPerRelease);
      let latencyMs: number | null = null;
      try {
        await manualShutter(client, 'full_press', this.timeouts.shutterMs);
        latencyMs = this.clock.mono() - sentMono;
      } catch (err) {
        const e = asCameraError(err);
        if (pressOutcome(e) !== 'ambiguous') {
          this.ledger.withdraw(release);
          await this.letGo(client).catch(() => undefined); // the half press
          done(); // nothing was opened
          e.attempts = 1;
          throw e;
        }
        this.logger?.warn({ tag: request.tag, err: e.message }, 'bulb full press: answer lost; releasing at the deadline all the same');
      }
      this.ledger.accept(release);
      const releaseAtMono = sentMono + bulb.ms;
      bulb.onOpen?.({ mono: sentMono, wall: sentWall, releaseAtMono });
      await sleepUntil(this.clock, releaseAtMono, cut.signal);
      await this.letGo(client);
      done();
      bulb.onClosed?.({ mono: this.clock.mono(), wall: this.clock.wall() });
      this.logger?.debug({ tag: request.tag, ms: this.clock.mono() - sentMono, planned: bulb.ms }, 'bulb released');
      return { release, sentWall, latencyMs, attempts: 1 };
    } catch (err) {
      failed(err);
      throw err;
    } finally {
      bulb.signal?.removeEventListener('abort', stop);
      this.bulb = null;
    }
  }

  /** Sends the manual release until the camera takes it: a held button would refuse every later shot. */
  private async letGo(client: CcapiClient): Promise<void> {
    for (let attempt = 1, pause = 100; ; attempt++, pause *= 2) {
      try {
        return await manualShutter(client, 'release');
      } catch (err) {
        if (attempt >= 5 || (err instanceof CameraError && !err.transient)) throw err;
        this.logger?.warn({ attempt, err: err instanceof Error ? err.message : String(err) }, 'shutter release failed; trying again');
        await sleep(this.clock, pause);
      }
    }
  }

  /**
   * Presses until the camera accepts, retrying only refusals that surely did not fire. A lost answer is never
   * followed by another press: the camera's files decide, within the press window.
   */
  private async press(
    client: CcapiClient,
    request: ShotRequest,
  ): Promise<{ release: Release; sentWall: number; latencyMs: number | null; attempts: number }> {
    // Shutter timeout ≥ Tv + 10 s: some bodies may answer only after the exposure (docs/camera-notes.md).
    const timeoutMs = this.timeouts.shutterMs + (this.tvSeconds ?? 0) * 1000;
    const mark = this.ledger.cardKnown ? { path: this.ledger.newest } : null;
    let delay = this.retryFirstMs;
    let retriedUnknown = false;
    for (let attempts = 1; ; attempts++) {
      const sentMono = this.clock.mono();
      const sentWall = this.clock.wall();
      const release = this.ledger.open(request.tag, sentMono, this.filesPerRelease);
      try {
        await client.shutterButton(false, timeoutMs);
        this.ledger.accept(release);
        return { release, sentWall, latencyMs: this.clock.mono() - sentMono, attempts };
      } catch (err) {
        const e = asCameraError(err);
        const outcome = pressOutcome(e);
        if (outcome === 'ambiguous') {
          this.logger?.warn({ tag: request.tag, err: e.message }, 'shutter answer lost: asking the camera whether it fired');
          if (await this.confirm(client, release, mark, request.pressDeadlineMono)) {
            this.logger?.info({ tag: request.tag, files: release.files }, 'the camera fired: confirmed by its files');
            return { release, sentWall, latencyMs: null, attempts };
          }
          const error = new CameraError(
            'UNCONFIRMED',
            `${e.message}; the camera showed no file of it by the end of the press window, so it was not pressed again`,
            false,
          );
          error.attempts = attempts;
          throw new UnconfirmedPress(release, error);
        }
        this.ledger.withdraw(release);
        const retry = outcome === 'retry' || (outcome === 'retry-once' && !retriedUnknown);
        if (!retry || this.clock.mono() + delay >= request.pressDeadlineMono) {
          this.logger?.warn({ code: e.code, attempts, err: e.message }, 'shutter press failed');
          e.attempts = attempts;
          throw e;
        }
        if (outcome === 'retry-once') retriedUnknown = true;
        this.logger?.debug({ code: e.code, attempt: attempts, delay }, 'shutter refused, pressing again');
        await sleep(this.clock, delay);
        delay = Math.min(delay * 2, this.retryMaxMs);
      }
    }
  }

  /** Waits for a file of `release` (events) and lists the card after `mark` now and then, until `deadlineMono`. */
  private async confirm(client: CcapiClient, release: Release, mark: { path: string | null } | null, deadlineMono: number): Promise<boolean> {
    const fired = (r: Release) => r.files.length > 0;
    for (;;) {
      if (fired(release)) return true;
      if (mark) {
        try {
          this.ledger.addFiles(await listFilesAfter(client, 'poll', mark.path), this.clock.mono());
        } catch (err) {
          // Busy (still exposing or writing) or unreachable: no answer yet.
          this.logger?.debug({ err: err instanceof Error ? err.message : String(err) }, 'card listing for evidence failed');
        }
        if (fired(release)) return true;
      }
      const now = this.clock.mono();
      if (now >= deadlineMono) return false;
      await this.ledger.waitFor(release, fired, Math.min(deadlineMono, now + this.evidenceIntervalMs));
    }
  }

  /** Keeps status reads back while the camera may still be exposing or writing this release, within bounds. */
  private quietUntilWritten(release: Release | null, releaseHold: () => void): void {
    if (!release || release.files.length >= release.expected) return releaseHold();
    const cap = this.clock.mono() + (this.tvSeconds ?? 0) * 1000 + QUIET_AFTER_SHOT_MS;
    void this.ledger.waitFor(release, (r) => r.files.length >= r.expected, cap).then(releaseHold);
  }

  /** Learns where the card stands: on first connect its newest file, on a reconnect the files written meanwhile. */
  private async readCard(client: CcapiClient): Promise<void> {
    try {
      if (this.ledger.cardKnown) this.ledger.addFiles(await listFilesAfter(client, 'other', this.ledger.newest), this.clock.mono());
      else this.ledger.seed(await newestFile(client, 'other'));
    } catch (err) {
      // Without it, a lost press answer can be settled by events only.
      this.logger?.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not read the card listing');
    }
  }

  /** Lists the card after the newest known file; one listing at a time, run once more if asked meanwhile. */
  private findUnannounced(): void {
    const client = this.client;
    if (!client || !this.ledger.cardKnown) return;
    if (this.listing) {
      this.listAgain = true;
      return;
    }
    this.listing = true;
    void listFilesAfter(client, 'poll', this.ledger.newest)
      .then((files) => this.ledger.addFiles(files, this.clock.mono()))
      .catch((err: unknown) => this.logger?.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not list the card for a file the camera did not name'))
      .finally(() => {
        this.listing = false;
        if (this.listAgain) {
          this.listAgain = false;
          this.findUnannounced();
        }
      });
  }

  private emitLate(late: LateFiles): void {
    for (const listener of this.lateListeners) {
      try {
        listener(late);
      } catch (err) {
        this.logger?.error({ err }, 'late-files listener threw');
      }
    }
  }

  private onCameraEvent(event: Record<string, unknown>): void {
    this.learnSettings(event as Record<string, Setting | undefined>);
    const temperature = (event.temperature as { status?: unknown } | undefined)?.status;
    if (typeof temperature === 'string') this.temperature = temperature;
    // A file was written (`recordable` changed) but the event names none: find it in the card listing.
    if ('recordable' in event && !Array.isArray(event.addedcontents)) this.findUnannounced();
    this.controlsImpl.ingest(event);
    this.opts.onEvent?.(event);
  }

  /** Tv (press timeout) and image quality (files per release) from settings reads and events alike. */
  private learnSettings(settings: Record<string, Setting | undefined>): void {
    const tv = settings.tv?.value;
    if (typeof tv === 'string') this.tvSeconds = parseTv(tv);
    const quality = settings.stillimagequality?.value;
    if (quality && typeof quality === 'object') {
      const { raw, jpeg } = quality as { raw?: unknown; jpeg?: unknown };
      const makes = (v: unknown) => typeof v === 'string' && v !== 'none';
      this.filesPerRelease = makes(raw) && makes(jpeg) ? 2 : 1;
    }
  }

  private async teardown(): Promise<void> {
    const watcher = this.watcher;
    const http = this.http;
    this.watcher = null;
    this.client = null;
    this.http = null;
    this.ledger.stop();
    await watcher?.stop();
    await http?.close();
  }

  private connected(): CcapiClient {
    if (!this.client) {
      throw new CcapiError('REJECTED', 'camera not connected: call connect() first', false, undefined, null, 'not-sent');
    }
    return this.client;
  }

  private async readStatus(client: CcapiClient): Promise<CameraStatus> {
    // Sequential on purpose: one command socket, and the camera copes badly with bursts.
    const battery = await optional(() => client.battery(), this.logger);
    const storageList = await optional(() => client.storage(), this.logger);
    const temperature = await optional(() => client.temperature(), this.logger);
    this.temperature = temperature;
    const settings = await optional(() => client.shootingSettings(), this.logger);
    if (settings) {
      this.learnSettings(settings);
      this.controlsImpl.ingest(settings); // known from connect on, so a change on the body is a change
    }
    const first = storageList?.[0];
    if (first?.path) this.storagePath = first.path;
    const mode = settings?.shootingmodedial?.value ?? settings?.shootingmode?.value;
    const tvValue = settings?.tv?.value;
    const tv = typeof tvValue === 'string' ? tvValue : null;
    return {
      battery,
      storage: first ? { name: first.name, spaceBytes: first.spacesize, maxBytes: first.maxsize, contents: first.contentsnumber, shotsLeft: first.remainingshots } : null,
      temperature,
      tv,
      tvSeconds: tv === null ? null : parseTv(tv),
      mode: typeof mode === 'string' ? mode : null,
    };
  }
}

/** Carries the release of an UNCONFIRMED press out of press(), so it stays open for late files. */
class UnconfirmedPress extends Error {
  constructor(
    readonly release: Release,
    readonly error: CameraError,
  ) {
    super(error.message);
  }
}

/**
 * A feature this body does not advertise reads as null, and so does an answer that does not parse (with a warning):
 * a status field never blocks connecting or shooting. Every other failure propagates.
 */
async function optional<T>(read: () => Promise<T>, logger?: Logger): Promise<T | null> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof CameraError && err.code === 'NOT_SUPPORTED') return null;
    if (err instanceof CameraError && err.code === 'PROTOCOL') {
      logger?.warn({ err: err.message }, 'camera status field unreadable; shown as unknown');
      return null;
    }
    throw err;
  }
}

/** Temperature states in which the camera will not release (docs/camera-notes.md §9): the press is not sent. */
function refuseWhenTooHot(temperature: string | null): void {
  if (temperature !== null && /disablerelease|disableshooting/.test(temperature)) {
    throw new CameraError('RELEASE_DISABLED', `the camera is too hot to shoot (temperature ${temperature}); waiting for it to cool`, true);
  }
}

function asCameraError(err: unknown): CameraError {
  if (err instanceof CameraError) return err;
  // Not expected: the client maps every failure; keep the text rather than lose it.
  return new CameraError('PROTOCOL', err instanceof Error ? err.message : String(err), false);
}
