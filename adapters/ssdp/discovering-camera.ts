// `--camera auto`: a CameraPort that finds the camera by SSDP on every connect() — so the machine's reconnects find a
// camera that came back with a new DHCP address — and delegates everything else to a CcapiCamera at the discovered
// X_accessURL (a new one whenever that URL changes). Late-file listeners outlive the inner camera: they are
// attached to every camera this creates.

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
import { discoverCamera, type DiscoveredCamera, type DiscoverOptions } from './discovery.ts';

export interface DiscoveringCameraOptions {
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
}

export class DiscoveringCamera implements CameraPort {
  private readonly clock: Clock;
  private readonly log?: Logger;
  private readonly lock = new Mutex();
  private inner: CameraPort | null = null;
  /** Unsubscribes this from the inner camera's late files. */
  private detachInner: (() => void) | null = null;
  private readonly lateListeners = new Set<(late: LateFiles) => void>();
  /** Releases adopted before a camera was found, handed to it when it is. */
  private readonly adopted: ReleaseTag[] = [];
  private found: DiscoveredCamera | null = null;
  /** Aborts the discovery in flight when close() is called. */
  private searching: AbortController | null = null;
  /** Bumped by close(), so a connect() that was in flight does not bring up a camera nobody will close. */
  private generation = 0;

  constructor(private readonly opts: DiscoveringCameraOptions = {}) {
    this.clock = opts.clock ?? systemClock;
    this.log = opts.logger;
  }

  /** `auto` until a camera has been found, then its CCAPI root. */
  get baseUrl(): string {
    return this.inner?.baseUrl ?? 'auto';
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
      const generation = this.generation;
      const cancelled = () => new CameraError('UNREACHABLE', 'camera discovery cancelled: camera closed', false);
      let found: DiscoveredCamera;
      const searching = new AbortController();
      this.searching = searching;
      try {
        const discover = this.opts.discover ?? discoverCamera;
        found = await discover({ ...this.opts.discovery, clock: this.clock, logger: this.log, signal: searching.signal });
      } catch (err) {
        if (generation !== this.generation) throw cancelled();
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
      if (!this.inner || this.inner.baseUrl !== found.accessUrl) {
        const old = this.inner;
        this.setInner(null);
        if (old) {
          this.log?.info({ from: old.baseUrl, to: found.accessUrl }, 'camera address changed');
          await old.close();
        }
        if (generation !== this.generation) throw cancelled();
        this.setInner(this.opts.createCamera?.(found.accessUrl) ?? this.makeCamera(found.accessUrl));
      }
      this.found = found;
      this.log?.info({ url: found.accessUrl, uuid: found.uuid, model: found.modelName }, 'camera discovered');
      const inner = this.current();
      const result = await inner.connect();
      if (generation !== this.generation) {
        await inner.close(); // closed while connecting: close() already let go of it
        throw cancelled();
      }
      return result;
    });
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

  onLateFiles(listener: (late: LateFiles) => void): () => void {
    this.lateListeners.add(listener);
    return () => this.lateListeners.delete(listener);
  }

  /** Cancels a discovery in flight and closes the CCAPI camera. connect() may be called again afterwards. */
  async close(): Promise<void> {
    this.generation++;
    this.searching?.abort();
    const inner = this.inner;
    this.setInner(null);
    await inner?.close();
  }

  private setInner(camera: CameraPort | null): void {
    this.detachInner?.();
    this.inner = camera;
    if (camera && this.adopted.length > 0) camera.adoptReleases(this.adopted.splice(0));
    this.detachInner = camera?.onLateFiles((late) => {
      for (const listener of this.lateListeners) listener(late);
    }) ?? null;
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
