// Finding Canon cameras by SSDP, with node-ssdp (docs/decisions.md §1): one client searches (M-SEARCH from a socket
// bound to each chosen interface's address, so the search leaves through that interface and its unicast replies come
// back to it), another listens on port 1900 for NOTIFY alive/byebye. Cameras are kept by UUID, and each new or moved
// one is described (X_accessURL) before it is reported.

import type { EventEmitter } from 'node:events';
import { format } from 'node:util';
import type { Socket } from 'node:dgram';
import type { Agent } from 'node:http';
import ssdp, { type SsdpHeaders } from 'node-ssdp';
import type { Logger } from 'pino';
import { CameraError } from '../../machines/camera-port.ts';
import type { Clock } from '../../machines/clock.ts';
import { systemClock } from '../clock.ts';
import { BodyTooLargeError, keepAliveAgent, rawRequest } from '../ccapi/request.ts';
import { parseDescription, type CameraDescription } from './description.ts';
import { selectInterfaces, type SsdpInterface } from './interfaces.ts';
import { announcement, isCanonCamera, CANON_SERVICE_TYPE, type SsdpAnnouncement } from './messages.ts';
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
  /** Interface names; default every non-internal IPv4 interface. */
  interfaces?: string[];
  /** Also listen on port 1900 for NOTIFY alive/byebye (default true). Failing to bind it is logged, not fatal. */
  passive?: boolean;
  /** Search target (default the Canon CCAPI service type). */
  searchTarget?: string;
  /** Description fetch timeout (default 3 s). */
  descriptionTimeoutMs?: number;
  /** Multicast TTL (default 2, UPnP 1.1): the camera is on the Pi's own link. */
  ttl?: number;
  clock?: Clock;
  logger?: Logger;
}

const SSDP_PORT = 1900;
const MAX_DESCRIPTION_BYTES = 64 * 1024;
/** Binding is local and immediate; node-ssdp's start() never settles when a bind fails, so it is bounded here. */
const BIND_TIMEOUT_MS = 3_000;
const MAX_PROBLEMS = 8;

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
  private chosen: SsdpInterface[] = [];
  private searcher: ssdp.Client | null = null;
  private listener: ssdp.Client | null = null;
  private state: 'new' | 'starting' | 'started' | 'closed' = 'new';

  constructor(private readonly opts: SsdpWatcherOptions = {}) {
    this.clock = opts.clock ?? systemClock;
    this.log = opts.logger;
  }

  /**
   * Starts node-ssdp: a fresh client per watcher, because one whose start() failed keeps an empty socket set and a
   * later start() "succeeds" deaf. Rejects CameraError UNREACHABLE when no interface is usable or binding fails.
   */
  async start(): Promise<void> {
    if (this.state !== 'new') throw new CameraError('REJECTED', `SsdpWatcher.start() called when ${this.state}`, false);
    this.state = 'starting';
    try {
      this.chosen = selectInterfaces(this.opts.interfaces);
      const interfaces = [...new Set(this.chosen.map((i) => i.name))];
      const ssdpTtl = this.opts.ttl ?? 2;
      // Bound to each interface's own address: Linux then sends a multicast out of the interface that owns the source
      // address, whatever the routing table says (docs/decisions.md §1).
      const searcher = new ssdp.Client({ interfaces, explicitSocketBind: true, ssdpTtl, customLogger: this.ssdpLogger('search') });
      this.searcher = searcher;
      searcher.on('response', (headers, status, rinfo) => {
        if (status === 200) this.ingest('response', headers, rinfo);
      });
      try {
        await this.bound(searcher, 'search sockets');
      } catch (err) {
        throw new CameraError('UNREACHABLE', `SSDP: cannot open search sockets on ${describe(this.chosen)}: ${errText(err)}`, true);
      }
      if (this.opts.passive ?? true) await this.startListener(interfaces, ssdpTtl);
      // close() may have been called while binding.
      if (this.closed) throw new CameraError('UNREACHABLE', 'SSDP watcher closed while starting', false);
      this.state = 'started';
      this.log?.debug({ interfaces: this.chosen, passive: this.listener !== null }, 'ssdp started');
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  /** Sends one M-SEARCH from every chosen address; returns how many. Prunes expired cameras first. */
  search(): number {
    if (this.state !== 'started' || !this.searcher) return 0;
    for (const gone of this.registry.prune(this.clock.mono())) this.forget(gone.uuid, 'expired');
    // node-ssdp reports a failed send only to its logger, which ssdpLogger() turns into a problem.
    void this.searcher.search(this.opts.searchTarget ?? CANON_SERVICE_TYPE);
    this.log?.debug({ on: this.chosen }, 'ssdp m-search');
    return this.chosen.length;
  }

  subscribe(fn: (e: WatcherEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Cameras found and described, in the order they were first described. */
  cameras(): DiscoveredCamera[] {
    return [...this.described.values()];
  }

  /** The interfaces searched on (for messages). */
  interfaces(): SsdpInterface[] {
    return [...this.chosen];
  }

  /** Recent failures (bind, send, membership, description), oldest first; for error messages. */
  problems(): string[] {
    return [...this.problemLog];
  }

  /**
   * Handles one message as node-ssdp hands it over (headers upper-cased) from `from`. node-ssdp calls this; unit
   * tests call it directly with canned headers instead of multicast.
   */
  ingest(kind: SsdpAnnouncement['kind'], headers: SsdpHeaders, from: { address: string }): void {
    if (this.state === 'closed') return;
    const msg = announcement(kind, headers);
    if (!msg) return;
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
    this.searcher?.stop();
    this.listener?.stop();
    this.searcher = this.listener = null;
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

  /**
   * NOTIFYs go to port 1900 of the multicast group, and Linux delivers them only to a socket bound to the wildcard
   * address, so this client is not explicitly bound (it only listens, never sends).
   */
  private async startListener(interfaces: string[], ssdpTtl: number): Promise<void> {
    // `sourcePort` is a node-ssdp option its typings leave out.
    const options: ssdp.ClientOptions & { sourcePort: number } = { interfaces, sourcePort: SSDP_PORT, ssdpTtl, customLogger: this.ssdpLogger('notify') };
    const listener = new ssdp.Client(options);
    // node-ssdp emits these from its base class; its typings declare only `response` on Client.
    const events: EventEmitter = listener;
    events.on('advertise-alive', (headers: SsdpHeaders, rinfo: { address: string }) => this.ingest('alive', headers, rinfo));
    events.on('advertise-bye', (headers: SsdpHeaders, rinfo: { address: string }) => this.ingest('byebye', headers, rinfo));
    try {
      await this.bound(listener, 'NOTIFY socket');
      this.listener = listener;
    } catch (err) {
      listener.stop();
      this.problem(`passive NOTIFY listening off: cannot bind port ${SSDP_PORT}: ${errText(err)}`);
    }
  }

  /**
   * node-ssdp's start(), bounded: when a bind fails (an address gone between reading the interfaces and binding) it
   * only logs the socket error and its promise never settles.
   */
  private bound(client: ssdp.Client, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        const why = this.problems().join('; ') || 'no error reported';
        reject(new Error(`${what} not bound within ${BIND_TIMEOUT_MS / 1000} s (${why})`));
      }, BIND_TIMEOUT_MS);
      const started = client.start();
      this.containJoinFailures(client, what);
      started.then(
        () => {
          this.clock.clearTimeout(timer);
          resolve();
        },
        (err: unknown) => {
          this.clock.clearTimeout(timer);
          reject(err instanceof Error ? err : new Error(String(err)));
        },
      );
    });
  }

  /**
   * node-ssdp joins the multicast group once a socket listens. A join failing with ENODEV/EADDRNOTAVAIL is retried
   * after 5 s; a failure of that retry (or of a join on a socket closed meanwhile), and any other failure, it throws
   * where nothing catches it, which would end the process (docs/decisions.md §1). So each socket's join reports those
   * as a problem instead, and node-ssdp keeps its one retry. Called right after start(), which makes the sockets
   * synchronously and joins only when they listen.
   */
  private containJoinFailures(client: ssdp.Client, what: string): void {
    // node-ssdp's own address → socket map; its typings leave it out.
    const sockets = (client as unknown as { sockets: Record<string, Socket> | null }).sockets ?? {};
    for (const [address, socket] of Object.entries(sockets)) {
      const join = socket.addMembership.bind(socket);
      const setTtl = socket.setMulticastTTL.bind(socket);
      let tries = 0;
      const failed = (err: unknown) => {
        if (!this.closed) this.problem(`${what}: cannot join the SSDP group on ${address}: ${errText(err)}`);
      };
      socket.addMembership = (group: string, iface?: string) => {
        tries++;
        try {
          join(group, iface);
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (tries === 1 && (code === 'ENODEV' || code === 'EADDRNOTAVAIL')) throw err; // node-ssdp retries this one
          failed(err);
        }
      };
      socket.setMulticastTTL = (ttl: number) => {
        try {
          return setTtl(ttl);
        } catch (err) {
          failed(err);
          return ttl;
        }
      };
    }
  }

  /** node-ssdp logs through a debug-style function; its errors (failed sends, socket errors) become problems. */
  private ssdpLogger(role: string): (fmt: string, ...args: unknown[]) => void {
    return (fmt, ...args) => {
      const line = format(fmt, ...args);
      if (/^(error|socker error)/i.test(fmt)) this.problem(`node-ssdp ${role}: ${line}`);
      else this.log?.trace({ role }, `node-ssdp: ${line}`);
    };
  }
}

export interface DiscoverOptions extends SsdpWatcherOptions {
  /** Give up after this long (default 8 s: Canon's sample waits 5 s after its 3 tries). */
  timeoutMs?: number;
  /** M-SEARCH sends, a second apart (default 3, as Canon's sample). */
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
      for (let i = 0; i < tries; i++) timers.push(clock.setTimeout(() => watcher.search(), i * 1_000));
      timers.push(
        clock.setTimeout(() => {
          const who = wanted === undefined ? 'no camera answered' : `camera ${opts.uuid} did not answer`;
          const on = describe(watcher.interfaces());
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

const describe = (interfaces: SsdpInterface[]) => interfaces.map((s) => `${s.name} ${s.address}`).join(', ');

function errText(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code && !err.message.includes(code) ? `${code} ${err.message}` : err.message;
  }
  return String(err);
}
