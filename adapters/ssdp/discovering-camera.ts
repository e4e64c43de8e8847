// The camera port `skylapse serve` uses: a CcapiCamera whose address can move. With `--camera auto` it finds the
// camera by SSDP on every connect() — so the machine's reconnects find a camera that came back with a new DHCP
// address — and, once connected, keeps listening for the camera's NOTIFYs: the same camera announcing a new address
// is reported (`onMoved`) and tried first at the next connect. With a fixed address it connects there. Either way
// `retarget()` (connect_to_ip) points it elsewhere. Everything else is delegated to a CcapiCamera at the current
// address (a new one whenever it changes). Late-file listeners outlive the inner camera: they are attached to every
// camera this creates.

import type { CameraControls } from '../../machines/camera-controls.ts';
import type { SettingReading } from '../../machines/camera-settings.ts';
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
  type ShotRequest,
  type ShotResult,
} from '../../machines/camera-port.ts';
import { CcapiCamera, type CcapiCameraOptions } from '../ccapi-camera.ts';
import type { Clock } from '../../machines/clock.ts';
import { systemClock } from '../clock.ts';
import { Mutex } from '../ccapi/mutex.ts';
// Types only: node-ssdp is loaded when SSDP is first used, so a camera at a fixed address never pays for it.
import type { DiscoveredCamera, DiscoverOptions, SsdpWatcher, WatcherEvent } from './discovery.ts';

/** The same camera, heard at a new address. */
export interface CameraMoved {
  uuid: string;
  oldIP: string;
  newIP: string;
  baseUrl: string;
}

export interface DiscoveringCameraOptions {
  /** Discover by SSDP (default true); false: connect only to `url`, or where retarget() points. */
  auto?: boolean;
  /** Tried first at the first connect (the last address that worked); with `auto: false` the address to use. */
  url?: string;
  clock?: Clock;
  logger?: Logger;
  /** Discovery tuning: timeout, tries, interfaces, uuid. */
  discovery?: Omit<DiscoverOptions, 'clock' | 'logger'>;
  /** Passed to every CcapiCamera this creates. */
  camera?: Omit<CcapiCameraOptions, 'baseUrl' | 'clock' | 'logger'>;
  /** Replaces SSDP (tests). */
  discover?: (opts: DiscoverOptions) => Promise<DiscoveredCamera>;
  /** Replaces `new CcapiCamera` (tests). */
  createCamera?: (baseUrl: string) => CameraPort;
  /** Replaces the NOTIFY watcher of `auto` (tests); null: none. Default: a real one, unless `discover` is replaced. */
  createWatcher?: (() => SsdpWatcher) | null;
}

export class DiscoveringCamera implements CameraPort {
  private readonly clock: Clock;
  private readonly log?: Logger;
  private readonly lock = new Mutex();
  private inner: CameraPort | null = null;
  /** Unsubscribes this from the inner camera's late files. */
  private detachInner: (() => void) | null = null;
  private readonly lateListeners = new Set<(late: LateFiles) => void>();
  private readonly settingsListeners = new Set<(settings: Record<string, SettingReading>) => void>();
  /** Releases adopted before a camera was found, handed to it when it is. */
  private readonly adopted: ReleaseTag[] = [];
  private found: DiscoveredCamera | null = null;
  /** Aborts the discovery in flight when close() is called. */
  private searching: AbortController | null = null;
  /** Bumped by close(), so a connect() that was in flight does not bring up a camera nobody will close. */
  private generation = 0;
  private readonly auto: boolean;
  /**
   * The address to try before discovering: with `auto` a one-shot hint (the last good address at start, a
   * connect_to_ip, a move heard by NOTIFY); without it the camera's address.
   */
  private pinned: string | null;
  /** Listens for the connected camera's NOTIFYs (`auto` only). */
  private follower: SsdpWatcher | null = null;
  private readonly movedListeners = new Set<(m: CameraMoved) => void>();
  /** Serial number of the camera last connected, to know it in a description when its UUID is not known yet. */
  private serial: string | null = null;

  constructor(private readonly opts: DiscoveringCameraOptions = {}) {
    this.clock = opts.clock ?? systemClock;
    this.log = opts.logger;
    this.auto = opts.auto ?? true;
    this.pinned = opts.url ?? null;
    if (!this.auto && !this.pinned) throw new CameraError('REJECTED', 'a camera without discovery needs a url', false);
  }

  /** `auto` until a camera has been found, then its CCAPI root. */
  get baseUrl(): string {
    return this.inner?.baseUrl ?? this.pinned ?? 'auto';
  }

  /** Points the camera at `url`: the next connect() goes there first (the caller makes the machine reconnect). */
  retarget(url: string): void {
    this.pinned = url;
    this.searching?.abort(); // a discovery in flight would only delay the connect to where the camera now is
  }

  /** Device information of the camera at `url`, without switching to it. */
  async probe(url: string): Promise<CameraInfo> {
    const camera = this.opts.createCamera?.(url) ?? this.makeCamera(url);
    try {
      return (await camera.connect()).info;
    } finally {
      await camera.close();
    }
  }

  onMoved(listener: (m: CameraMoved) => void): () => void {
    this.movedListeners.add(listener);
    return () => this.movedListeners.delete(listener);
  }

  /**
   * The Pi's network changed (issue 10): listen again on the interfaces there are now, and search once. The next
   * connect() discovers anyway.
   */
  async rediscover(reason: string): Promise<void> {
    this.log?.info({ reason }, 'camera rediscovery');
    await this.stopFollowing();
    if (this.inner) await this.follow();
  }

  /** What the last successful discovery reported. */
  get discovered(): DiscoveredCamera | null {
    return this.found;
  }

  /**
   * Discovers (every time), then connects to the camera found. When discovery fails but a camera was found before,
   * its last-known address is tried once (a working fallback, docs/decisions.md §5); if that fails too, the
   * discovery error is thrown.
   */
  async connect(): Promise<{ info: CameraInfo; status: CameraStatus }> {
    return this.lock.run(async () => {
      const result = await this.connectOnce();
      this.serial = result.info.serialnumber;
      if (this.auto && !this.follower) await this.follow();
      return result;
    });
  }

  /** The pinned address first, then (auto) discovery, falling back to the last-known address. */
  private async connectOnce(): Promise<{ info: CameraInfo; status: CameraStatus }> {
    const generation = this.generation;
    const cancelled = () => new CameraError('UNREACHABLE', 'camera discovery cancelled: camera closed', false);
    const pinned = this.pinned;
    if (pinned !== null) {
      try {
        const result = await this.connectAt(pinned, generation);
        if (this.auto && this.pinned === pinned) this.pinned = null; // a hint, used once
        return result;
      } catch (err) {
        if (generation !== this.generation || !this.auto) throw err;
        this.log?.warn({ err: errMessage(err), url: pinned }, 'camera not at its pinned address; discovering');
        if (this.pinned === pinned) this.pinned = null;
      }
    }
    let found: DiscoveredCamera;
    const searching = new AbortController();
    this.searching = searching;
    try {
      const discover = this.opts.discover ?? (await import('./discovery.ts')).discoverCamera;
      found = await discover({ ...this.opts.discovery, clock: this.clock, logger: this.log, signal: searching.signal });
    } catch (err) {
      if (generation !== this.generation) throw cancelled();
      if (this.pinned !== null) return this.connectOnce(); // retargeted while discovering: go there
      const inner = this.inner;
      if (!inner) throw err;
      this.log?.warn({ err: errMessage(err), url: inner.baseUrl }, 'camera discovery failed; trying its last-known address');
      try {
        return await inner.connect();
      } catch (fallbackErr) {
        this.log?.warn({ err: errMessage(fallbackErr), url: inner.baseUrl }, 'last-known camera address failed too');
        throw err;
      }
    } finally {
      if (this.searching === searching) this.searching = null;
    }
    if (generation !== this.generation) throw cancelled();
    if (found.onService) this.log?.warn({ uuid: found.uuid }, 'camera reports another client holds it (X_onService 1)');
    this.found = found;
    this.log?.info({ url: found.accessUrl, uuid: found.uuid, model: found.modelName }, 'camera discovered');
    return this.connectAt(found.accessUrl, generation);
  }

  /** Connects the inner camera at `url`, replacing the one at another address. */
  private async connectAt(url: string, generation: number): Promise<{ info: CameraInfo; status: CameraStatus }> {
    const cancelled = () => new CameraError('UNREACHABLE', 'camera connect cancelled: camera closed', false);
    if (!this.inner || this.inner.baseUrl !== url) {
      const old = this.inner;
      this.setInner(null);
      if (old) {
        this.log?.info({ from: old.baseUrl, to: url }, 'camera address changed');
        // Abandoned: a press or poll in flight to the old address is cut off now (the session then waits for the
        // camera, which is already back here) rather than at its timeout. Not awaited: the camera answers here now.
        void old.close({ abandon: true }).catch((err: unknown) => this.log?.warn({ err: errMessage(err), url: old.baseUrl }, 'closing the camera at its old address failed'));
      }
      if (generation !== this.generation) throw cancelled();
      this.setInner(this.opts.createCamera?.(url) ?? this.makeCamera(url));
    }
    const inner = this.current();
    const result = await inner.connect();
    if (generation !== this.generation) {
      await inner.close(); // closed while connecting: close() already let go of it
      throw cancelled();
    }
    return result;
  }

  /** Starts listening for the connected camera's announcements; a failure is logged and retried at the next connect. */
  private async follow(): Promise<void> {
    const real = async () => (this.opts.discover ? null : new (await import('./discovery.ts')).SsdpWatcher({ ...this.opts.discovery, passive: true, logger: this.log }));
    const watcher = this.opts.createWatcher === undefined ? await real() : this.opts.createWatcher?.();
    if (!watcher) return;
    watcher.subscribe((e) => this.heard(e));
    try {
      await watcher.start();
    } catch (err) {
      this.log?.warn({ err: errMessage(err) }, 'cannot listen for the camera\'s SSDP announcements; a move is found at the next reconnect');
      return;
    }
    this.follower = watcher;
    watcher.search();
  }

  private async stopFollowing(): Promise<void> {
    const follower = this.follower;
    this.follower = null;
    await follower?.close();
  }

  /** The connected camera (same UUID, or same serial number) heard at another CCAPI root: it moved. */
  private heard(e: WatcherEvent): void {
    if (e.type === 'lost') return;
    const heard = e.camera;
    const known = this.found;
    const same = known ? known.uuid.toLowerCase() === heard.uuid.toLowerCase() : this.serial !== null && heard.serialNumber === this.serial;
    const current = this.inner?.baseUrl ?? null;
    if (!same || current === null || heard.accessUrl === current || this.pinned === heard.accessUrl) return;
    this.found = heard;
    this.retarget(heard.accessUrl);
    const moved: CameraMoved = { uuid: heard.uuid, oldIP: new URL(current).hostname, newIP: new URL(heard.accessUrl).hostname, baseUrl: heard.accessUrl };
    this.log?.warn(moved, 'the camera announced a new address');
    for (const listener of this.movedListeners) listener(moved);
  }

  async status(): Promise<CameraStatus> {
    return this.current().status();
  }

  async shoot(request: ShotRequest): Promise<ShotResult> {
    return this.current().shoot(request);
  }

  async filesSince(after: { path: string | null; wall: number }): Promise<CardFile[]> {
    return this.current().filesSince(after);
  }

  preview(...args: Parameters<CameraPort['preview']>): Promise<Preview> {
    return this.current().preview(...args);
  }

  liveview(on: boolean): Promise<void> {
    return this.current().liveview(on);
  }

  liveviewFrame(): Promise<Buffer> {
    return this.current().liveviewFrame();
  }

  releaseShutter(): Promise<void> {
    return this.current().releaseShutter();
  }

  adoptReleases(tags: readonly ReleaseTag[]): void {
    if (this.inner) this.inner.adoptReleases(tags);
    else this.adopted.push(...tags); // handed to the camera once one is found
  }

  /**
   * The settings and clock of whichever camera is connected, as one object that outlives them: its settings listeners
   * are attached to every camera this one connects (like the late-file listeners), so a feature that subscribes at
   * start hears the camera found later.
   */
  controls(): CameraControls {
    const inner = (): CameraControls => {
      const c = this.current().controls?.();
      if (!c) throw new CameraError('NOT_SUPPORTED', 'This camera offers no settings or clock control', false);
      return c;
    };
    return {
      readSettings: () => inner().readSettings(),
      readSetting: (name) => inner().readSetting(name),
      writeSetting: (name, value) => inner().writeSetting(name, value),
      readClock: () => inner().readClock(),
      writeClock: (utcMs, stdOffsetMin, dst) => inner().writeClock(utcMs, stdOffsetMin, dst),
      onSettings: (listener) => {
        this.settingsListeners.add(listener);
        return () => this.settingsListeners.delete(listener);
      },
    };
  }

  onLateFiles(listener: (late: LateFiles) => void): () => void {
    this.lateListeners.add(listener);
    return () => this.lateListeners.delete(listener);
  }

  /** Cancels a discovery in flight and closes the CCAPI camera. connect() may be called again afterwards. */
  async close(): Promise<void> {
    this.generation++;
    this.searching?.abort();
    await this.stopFollowing();
    const inner = this.inner;
    this.setInner(null);
    await inner?.close();
  }

  private setInner(camera: CameraPort | null): void {
    this.detachInner?.();
    this.inner = camera;
    if (camera && this.adopted.length > 0) camera.adoptReleases(this.adopted.splice(0));
    const detachLate = camera?.onLateFiles((late) => {
      for (const listener of this.lateListeners) listener(late);
    });
    const detachSettings = camera?.controls?.()?.onSettings((settings) => {
      for (const listener of this.settingsListeners) listener(settings);
    });
    this.detachInner = camera
      ? () => {
          detachLate?.();
          detachSettings?.();
        }
      : null;
  }

  private current(): CameraPort {
    if (!this.inner) throw new CameraError('REJECTED', 'camera not connected: call connect() first', false);
    return this.inner;
  }

  private makeCamera(baseUrl: string): CameraPort {
    return new CcapiCamera({ ...this.opts.camera, baseUrl, clock: this.clock, logger: this.log });
  }
}

function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
