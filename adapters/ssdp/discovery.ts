// Finding Canon cameras by SSDP with plain node:dgram (not node-ssdp: it cannot pick the outgoing interface and
// depends on `ip`, which has an unfixed advisory; docs/decisions.md §1). One search socket per local IPv4 address,
// bound to it with the multicast interface set, so each M-SEARCH leaves through that interface and its unicast
// replies come back to it; optionally one shared socket on port 1900 hears NOTIFY alive/byebye. Cameras are kept by
// UUID, and each new or moved one is described (X_accessURL) before it is reported.

import dgram from 'node:dgram';
import type { Logger } from 'pino';
import type { Agent } from 'node:http';
import { CameraError } from '../../machines/camera-port.ts';
import type { Clock } from '../../machines/clock.ts';
import { systemClock } from '../clock.ts';
import { BodyTooLargeError, keepAliveAgent, rawRequest } from '../ccapi/request.ts';
import { parseDescription, type CameraDescription } from './description.ts';
import { selectInterfaces, type SsdpInterface } from './interfaces.ts';
import { buildMSearch, isCanonCamera, parseSsdp, SSDP_ADDRESS, SSDP_PORT, CANON_SERVICE_TYPE } from './messages.ts';
import { SsdpRegistry } from './registry.ts';

/** A camera found on the network: what its description says, plus where it was last heard from. */
export interface DiscoveredCamera
  extends Pick<CameraDescription, 'uuid' | 'accessUrl' | 'modelName' | 'friendlyName' | 'manufacturer' | 'serialNumber' | 'onService'> {
  /** Description URL the camera announced. */
  location: string;
  /** Source address of its last SSDP message. */
  address: string;
}

export type WatcherEvent =
  | { type: 'found'; camera: DiscoveredCamera }
  | { type: 'moved'; camera: DiscoveredCamera; previous: DiscoveredCamera }
  | { type: 'lost'; uuid: string; reason: 'byebye' | 'expired'; camera: DiscoveredCamera | null };

export interface SsdpWatcherOptions {
  /** Interface names or IPv4 addresses; default every non-internal IPv4 interface. */
  interfaces?: string[];
  /** Also listen on port 1900 for NOTIFY alive/byebye (default true). Failing to bind it is logged, not fatal. */
  passive?: boolean;
  /** MX of the M-SEARCH, seconds (default 1, as Canon's sample). */
  mx?: number;
  /** Search target (default the Canon CCAPI service type). */
  searchTarget?: string;
  /** Description fetch timeout (default 3 s). */
  descriptionTimeoutMs?: number;
  /** Multicast TTL (default 2, UPnP 1.1): the camera is on the Pi's own link. */
  ttl?: number;
  clock?: Clock;
  logger?: Logger;
}

const MAX_DESCRIPTION_BYTES = 64 * 1024;
const MAX_PROBLEMS = 8;

interface SearchSocket {
  iface: SsdpInterface;
  socket: dgram.Socket;
}

/**
 * A long-lived SSDP client: `start()`, then `search()` whenever wanted; `subscribe()` reports cameras found, moved
 * (new address or description) and lost (byebye, or max-age run out at the next search). `close()` always releases
 * every socket and request.
 */
export class SsdpWatcher {
  private readonly clock: Clock;
  private readonly log?: Logger;
  private readonly registry = new SsdpRegistry();
  private readonly described = new Map<string, DiscoveredCamera>();
  /** Description of a camera that moved, kept until its new one arrives (for the `moved` event's `previous`). */
  private readonly stale = new Map<string, DiscoveredCamera>();
  /** Location being fetched per UUID, so a burst of 8 NOTIFYs costs one fetch. */
  private readonly fetching = new Map<string, string>();
  private readonly listeners = new Set<(e: WatcherEvent) => void>();
  private readonly problemLog: string[] = [];
  private readonly abort = new AbortController();
  /** Per scheme, made when first used; certificates are verified as usual. */
  private readonly agents = new Map<string, Agent>();
  private searchSockets: SearchSocket[] = [];
  private passiveSocket: dgram.Socket | null = null;
  private state: 'new' | 'starting' | 'started' | 'closed' = 'new';

  constructor(private readonly opts: SsdpWatcherOptions = {}) {
    this.clock = opts.clock ?? systemClock;
    this.log = opts.logger;
    buildMSearch({ mx: opts.mx }); // validate MX now, not at the first search
  }

  /** Binds the sockets. Rejects CameraError UNREACHABLE when no interface or no search socket is usable. */
  async start(): Promise<void> {
    if (this.state !== 'new') throw new CameraError('REJECTED', `SsdpWatcher.start() called when ${this.state}`, false);
    this.state = 'starting';
    try {
      const interfaces = selectInterfaces(this.opts.interfaces);
      for (const iface of interfaces) {
        try {
          this.searchSockets.push({ iface, socket: await this.openSearchSocket(iface) });
        } catch (err) {
          this.problem(`cannot bind ${iface.name} (${iface.address}): ${errText(err)}`);
        }
      }
      if (this.searchSockets.length === 0) {
        throw new CameraError('UNREACHABLE', `SSDP: no usable interface (${this.problems().join('; ')})`, true);
      }
      if (this.opts.passive ?? true) this.passiveSocket = await this.openPassiveSocket(interfaces);
      // close() may have been called while binding.
      if (this.closed) throw new CameraError('UNREACHABLE', 'SSDP watcher closed while starting', false);
      this.state = 'started';
      this.log?.debug({ interfaces: this.searchSockets.map((s) => s.iface), passive: this.passiveSocket !== null }, 'ssdp started');
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  /** Sends one M-SEARCH from every search socket; resolves with how many were sent. Prunes expired cameras first. */
  async search(): Promise<number> {
    if (this.state !== 'started') return 0;
    for (const gone of this.registry.prune(this.clock.mono())) this.forget(gone.uuid, 'expired');
    const datagram = buildMSearch({ mx: this.opts.mx, st: this.opts.searchTarget ?? CANON_SERVICE_TYPE });
    const sent = await Promise.all(
      this.searchSockets.map(
        ({ iface, socket }) =>
          new Promise<boolean>((resolve) => {
            try {
              socket.send(datagram, SSDP_PORT, SSDP_ADDRESS, (err) => {
                if (err) this.problem(`M-SEARCH on ${iface.name} (${iface.address}): ${errText(err)}`);
                resolve(!err);
              });
            } catch (err) {
              // send() throws synchronously once the socket is closed.
              this.problem(`M-SEARCH on ${iface.name} (${iface.address}): ${errText(err)}`);
              resolve(false);
            }
          }),
      ),
    );
    const n = sent.filter(Boolean).length;
    this.log?.debug({ sent: n, of: this.searchSockets.length }, 'ssdp m-search');
    return n;
  }

  subscribe(fn: (e: WatcherEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Cameras found and described, in the order they were first described. */
  cameras(): DiscoveredCamera[] {
    return [...this.described.values()];
  }

  /** The search sockets' interfaces (for messages). */
  interfaces(): SsdpInterface[] {
    return this.searchSockets.map((s) => s.iface);
  }

  /** Recent failures (bind, send, membership, description), oldest first; for error messages. */
  problems(): string[] {
    return [...this.problemLog];
  }

  /**
   * Handles one datagram as if it had arrived from `from`. The sockets call this; unit tests call it directly with
   * canned datagrams instead of multicast.
   */
  ingest(datagram: Buffer | string, from: { address: string }): void {
    if (this.state === 'closed') return;
    const msg = parseSsdp(datagram);
    if (!msg || msg.kind === 'search') return;
    if (msg.kind === 'byebye') {
      // Any byebye for a known UUID: the body announces several types and goes away with all of them.
      if (this.registry.remove(msg.uuid)) this.forget(msg.uuid, 'byebye');
      return;
    }
    if (!isCanonCamera(msg) && !this.registry.has(msg.uuid)) return;
    if (!msg.location) {
      this.log?.debug({ usn: msg.usn, from: from.address }, 'ssdp announcement without LOCATION ignored');
      return;
    }
    const change = this.registry.seen({ uuid: msg.uuid, location: msg.location, address: from.address, maxAge: msg.maxAge }, this.clock.mono());
    const k = msg.uuid.toLowerCase();
    if (change.type === 'moved') {
      this.log?.info({ uuid: msg.uuid, from: change.previous.address, to: from.address, location: msg.location }, 'ssdp: camera moved');
      const old = this.described.get(k);
      if (old) this.stale.set(k, old);
      this.described.delete(k);
    }
    if (!this.described.has(k)) this.describe(msg.uuid, msg.location);
  }

  async close(): Promise<void> {
    this.state = 'closed';
    this.abort.abort();
    const sockets = [...this.searchSockets.map((s) => s.socket), ...(this.passiveSocket ? [this.passiveSocket] : [])];
    this.searchSockets = [];
    this.passiveSocket = null;
    await Promise.all(sockets.map(closeSocket));
    for (const agent of this.agents.values()) agent.destroy();
    this.listeners.clear();
  }

  // ---- internals ----

  // A getter, not an inline comparison: close() may run during start()'s awaits, which narrowing cannot see.
  private get closed(): boolean {
    return this.state === 'closed';
  }

  private emit(e: WatcherEvent): void {
    for (const fn of [...this.listeners]) {
      try {
        fn(e);
      } catch (err) {
        this.log?.error({ err }, 'ssdp listener threw');
      }
    }
  }

  private problem(text: string): void {
    this.log?.warn(text);
    this.problemLog.push(text);
    if (this.problemLog.length > MAX_PROBLEMS) this.problemLog.shift();
  }

  private forget(uuid: string, reason: 'byebye' | 'expired'): void {
    const k = uuid.toLowerCase();
    const camera = this.described.get(k) ?? this.stale.get(k) ?? null;
    this.described.delete(k);
    this.stale.delete(k);
    this.fetching.delete(k);
    this.log?.info({ uuid, reason }, 'ssdp: camera gone');
    this.emit({ type: 'lost', uuid, reason, camera });
  }

  private describe(uuid: string, location: string): void {
    const k = uuid.toLowerCase();
    if (this.fetching.get(k) === location) return;
    this.fetching.set(k, location);
    void this.fetchDescription(location).then(
      (xml) => {
        if (this.fetching.get(k) !== location) return; // moved or gone meanwhile; a newer fetch decides
        this.fetching.delete(k);
        const entry = this.registry.get(uuid);
        if (this.state === 'closed' || !entry || entry.location !== location) return;
        let d: CameraDescription;
        try {
          d = parseDescription(xml);
        } catch (err) {
          this.problem(`description ${location}: ${errText(err)}`);
          return;
        }
        if (d.uuid.toLowerCase() !== k) {
          this.log?.warn({ usn: uuid, udn: d.uuid, location }, 'ssdp: description UDN differs from the USN; keyed by the USN');
        }
        const camera: DiscoveredCamera = {
          uuid,
          accessUrl: d.accessUrl,
          modelName: d.modelName,
          friendlyName: d.friendlyName,
          manufacturer: d.manufacturer,
          serialNumber: d.serialNumber,
          location,
          address: entry.address,
          onService: d.onService,
        };
        const previous = this.stale.get(k);
        this.stale.delete(k);
        this.described.set(k, camera);
        this.log?.info({ uuid, accessUrl: camera.accessUrl, model: camera.modelName, address: camera.address }, 'ssdp: camera described');
        this.emit(previous ? { type: 'moved', camera, previous } : { type: 'found', camera });
      },
      (err: unknown) => {
        if (this.fetching.get(k) === location) this.fetching.delete(k); // the next announcement retries
        if (this.state !== 'closed') this.problem(`description ${location}: ${errText(err)}`);
      },
    );
  }

  private async fetchDescription(location: string): Promise<string> {
    const url = new URL(location);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`LOCATION is not http(s): ${location}`);
    let agent = this.agents.get(url.protocol);
    if (!agent) {
      agent = keepAliveAgent({ secure: url.protocol === 'https:', maxSockets: 2, connectTimeoutMs: 3_000, idleMs: 1_000 });
      this.agents.set(url.protocol, agent);
    }
    let res;
    try {
      res = await rawRequest(url, agent, {
        method: 'GET',
        signals: [this.abort.signal],
        timeoutMs: this.opts.descriptionTimeoutMs ?? 3_000,
        headers: { accept: 'text/xml, application/xml' },
        maxBytes: MAX_DESCRIPTION_BYTES,
      });
    } catch (err) {
      if (err instanceof BodyTooLargeError) throw new Error(`description of ${err.bytes} bytes is too large`);
      throw err;
    }
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
    return res.text;
  }

  private async openSearchSocket(iface: SsdpInterface): Promise<dgram.Socket> {
    const socket = dgram.createSocket({ type: 'udp4' });
    try {
      await bind(socket, { address: iface.address, port: 0 });
      socket.setMulticastInterface(iface.address);
      socket.setMulticastTTL(this.opts.ttl ?? 2);
    } catch (err) {
      await closeSocket(socket);
      throw err;
    }
    socket.on('error', (err) => this.problem(`socket ${iface.name} (${iface.address}): ${errText(err)}`));
    socket.on('message', (msg, rinfo) => this.ingest(msg, rinfo));
    return socket;
  }

  /** Port 1900 on every address (multicast is only delivered to a wildcard bind on Linux), joined per interface. */
  private async openPassiveSocket(interfaces: SsdpInterface[]): Promise<dgram.Socket | null> {
    const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    try {
      await bind(socket, { port: SSDP_PORT });
    } catch (err) {
      await closeSocket(socket);
      this.problem(`passive NOTIFY listening off: cannot bind port ${SSDP_PORT}: ${errText(err)}`);
      return null;
    }
    let joined = 0;
    for (const iface of interfaces) {
      try {
        socket.addMembership(SSDP_ADDRESS, iface.address);
        joined++;
      } catch (err) {
        this.problem(`cannot join ${SSDP_ADDRESS} on ${iface.name} (${iface.address}): ${errText(err)}`);
      }
    }
    if (joined === 0) {
      await closeSocket(socket);
      return null;
    }
    socket.on('error', (err) => this.problem(`NOTIFY socket: ${errText(err)}`));
    socket.on('message', (msg, rinfo) => this.ingest(msg, rinfo));
    return socket;
  }
}

export interface DiscoverOptions extends SsdpWatcherOptions {
  /** Give up after this long (default 8 s: Canon's sample waits 5 s after its 3 tries). */
  timeoutMs?: number;
  /** M-SEARCH sends, MX seconds apart (default 3, as Canon's sample). */
  tries?: number;
  /** Accept only this camera (UUID, any case). */
  uuid?: string;
  /** Stops the search early; the promise then rejects CameraError UNREACHABLE "discovery cancelled". */
  signal?: AbortSignal;
}

/**
 * Searches until the first Canon camera (or the one with `uuid`) answers and its description is read. Rejects
 * CameraError UNREACHABLE when no interface is usable, or when no camera answered in time (the message lists what
 * went wrong on the way: failed sends, unreadable descriptions).
 */
export async function discoverCamera(opts: DiscoverOptions = {}): Promise<DiscoveredCamera> {
  const clock = opts.clock ?? systemClock;
  const timeoutMs = opts.timeoutMs ?? 8_000;
  const tries = Math.max(1, opts.tries ?? 3);
  const wanted = opts.uuid?.replace(/^uuid:/i, '').toLowerCase();
  const watcher = new SsdpWatcher(opts);
  const timers: unknown[] = [];
  let onAbort: (() => void) | undefined;
  const cancelled = () => new CameraError('UNREACHABLE', 'camera discovery cancelled', false);
  try {
    if (opts.signal?.aborted) throw cancelled();
    await watcher.start();
    return await new Promise<DiscoveredCamera>((resolve, reject) => {
      onAbort = () => reject(cancelled());
      if (opts.signal?.aborted) return onAbort();
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      const matches = (c: DiscoveredCamera) => wanted === undefined || c.uuid.toLowerCase() === wanted;
      watcher.subscribe((e) => {
        if ((e.type === 'found' || e.type === 'moved') && matches(e.camera)) resolve(e.camera);
      });
      const intervalMs = (opts.mx ?? 1) * 1_000;
      for (let i = 0; i < tries; i++) timers.push(clock.setTimeout(() => void watcher.search(), i * intervalMs));
      timers.push(
        clock.setTimeout(() => {
          const who = wanted === undefined ? 'no camera answered' : `camera ${opts.uuid} did not answer`;
          const on = watcher.interfaces().map((s) => `${s.name} ${s.address}`).join(', ');
          const problems = watcher.problems();
          const detail = problems.length ? `; ${problems.join('; ')}` : '';
          reject(new CameraError('UNREACHABLE', `${who} SSDP within ${timeoutMs / 1000} s (searched on ${on})${detail}`, true));
        }, timeoutMs),
      );
    });
  } finally {
    if (onAbort) opts.signal?.removeEventListener('abort', onAbort);
    for (const t of timers) clock.clearTimeout(t);
    await watcher.close();
  }
}

function bind(socket: dgram.Socket, options: dgram.BindOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(options, () => {
      socket.off('error', reject);
      resolve();
    });
  });
}

function closeSocket(socket: dgram.Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve(); // never bound or already closed
    }
  });
}

function errText(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code && !err.message.includes(code) ? `${code} ${err.message}` : err.message;
  }
  return String(err);
}
