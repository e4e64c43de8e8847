// A Canon EOS R50 on loopback: a real HTTP server speaking the CCAPI subset skylapse uses, with the R50 topology,
// a shot engine on an injectable clock, event long polls and injectable faults. Test control lives under /_sim,
// never under /ccapi.

import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from 'pino';
import * as z from 'zod';
import type { Clock } from '../../machines/clock.ts';
import { systemClock } from '../clock.ts';
import { DEFAULT_TIMINGS, SimBody, TEMPERATURES, type SimModes, type SimState, type SimTimings, type Temperature } from './body.ts';
import { getContents } from './contents.ts';
import { simProfile, type ProfileName } from './profiles.ts';
import { answeredTopology, servedTopology, type Quirk } from './quirks.ts';
import { ccapiRoutes, type Exchange } from './routes.ts';
import { startSsdpResponder, type SsdpResponder } from './ssdp.ts';

export { DEFAULT_TIMINGS, TEMPERATURES, type SimModes, type SimTimings, type Temperature } from './body.ts';
export { PROFILES, type ProfileName } from './profiles.ts';
export { QUIRKS, parseQuirks, type Quirk } from './quirks.ts';
export { fileNameFor } from './card.ts';

export interface SimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  clock?: Clock;
  timings?: Partial<SimTimings>;
  /** Initial shutter speed in Canon notation. */
  tv?: string;
  /**
   * Keeps the card (file list and numbering) in this JSON file: loaded at start when it exists, rewritten after
   * every file, so numbering carries on across restarts like a real card's.
   */
  cardFile?: string;
  logger?: Logger;
  /**
   * Opt-in: also behave as a Canon body on the LAN — answer SSDP M-SEARCH and announce NOTIFY alive/byebye on
   * `address`, and serve the UPnP description on `descriptionPort` (default 49152). Joins multicast, so use it only on
   * an interface made for it (tests: inside a network namespace).
   */
  ssdp?: { address: string; descriptionPort?: number };
  /** Which body to be (default `r50`). */
  profile?: ProfileName;
  /** Ways to differ from the R50 (quirks.ts). */
  quirks?: readonly Quirk[];
  /** Serve HTTPS with a self-signed certificate made at start, as cameras with HTTPS enabled do. */
  https?: boolean;
}

export interface SimulatorState extends SimState {
  openConnections: number;
}

export interface SimControl {
  /** The next n shutter presses get 503 `Device busy`. */
  busyNext(n: number): void;
  /** For `ms` on the sim clock every CCAPI request is reset without reply; open connections (polls too) drop now. */
  goOffline(ms: number): void;
  setCardFull(full: boolean): void;
  /** The next n presses that fire get no answer: the connection is destroyed after the exposure started. */
  dropAfterFire(n: number): void;
  /** RAW+JPEG, long-exposure noise reduction, instant event polls (any subset). */
  setModes(modes: Partial<SimModes>): void;
  /** Sets Tv directly (no ability or busy check), e.g. `bulb`. */
  setTv(tv: string): void;
  /** The camera's temperature status (`disablerelease`/`disableshooting` refuse presses). */
  setTemperature(t: Temperature): void;
  /** A setting changed on the body (its dial or menu): no checks, announced in the event poll. */
  changeOnBody(name: string, value: unknown): void;
  state(): SimulatorState;
  reset(): void;
}

export interface SimulatedCamera {
  /** CCAPI root, e.g. `http://127.0.0.1:PORT/ccapi`. */
  url: string;
  port: number;
  control: SimControl;
  /** Present when started with `ssdp`: the UUID announced and the description URL. */
  ssdp?: { uuid: string; location: string };
  close(): Promise<void>;
}

const FaultsSchema = z
  .object({
    reset: z.boolean().optional(),
    busyNext: z.number().int().min(0).optional(),
    cardFull: z.boolean().optional(),
    tv: z.string().optional(),
    goOfflineMs: z.number().min(0).optional(),
    dropAfterFire: z.number().int().min(0).optional(),
    rawJpeg: z.boolean().optional(),
    noiseReductionMs: z.number().min(0).optional(),
    instantPolls: z.boolean().optional(),
    temperature: z.enum(TEMPERATURES).optional(),
    /** A setting turned on the body (no ability check), e.g. `{"name": "iso", "value": "800"}`. */
    setting: z.object({ name: z.string(), value: z.unknown() }).strict().optional(),
  })
  .strict();

const MAX_BODY = 64 * 1024;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.writableEnded || res.destroyed) return;
  if (body === undefined) {
    res.writeHead(status, { 'content-length': 0 });
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_BODY ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(null));
  });
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<SimulatedCamera> {
  const clock = opts.clock ?? systemClock;
  const host = opts.host ?? '127.0.0.1';
  const log = opts.logger;
  const profile = simProfile(opts.profile ?? 'r50');
  const quirks = new Set(opts.quirks ?? []);
  const body = new SimBody(clock, { ...DEFAULT_TIMINGS, ...opts.timings }, opts.tv ?? '1/125', opts.cardFile, profile, quirks);
  const served = servedTopology(profile.topology(), quirks);
  const topology = answeredTopology(served, quirks);
  const listed = new Map(Object.values(served).flat().map((e) => [e.path, e]));
  const contentsRoot = profile.contentsRoot;
  const routes = ccapiRoutes(body);
  const sockets = new Set<Socket>();
  let offlineUntil: number | null = null;

  const isOffline = () => offlineUntil !== null && clock.mono() < offlineUntil;

  const goOffline = (ms: number, spare?: Socket) => {
    offlineUntil = clock.mono() + ms;
    log?.info({ ms }, 'sim: camera offline');
    // Like a camera dropping off Wi-Fi: everything open dies, held polls included.
    for (const s of sockets) if (s !== spare) s.resetAndDestroy();
  };

  const state = (): SimulatorState => ({
    ...body.state(),
    offlineUntil: isOffline() ? offlineUntil : null,
    openConnections: sockets.size,
  });

  const control: SimControl = {
    busyNext: (n) => body.busyNext(n),
    goOffline: (ms) => goOffline(ms),
    setCardFull: (full) => body.setCardFull(full),
    dropAfterFire: (n) => body.dropAfterFire(n),
    setModes: (modes) => body.setModes(modes),
    setTv: (tv) => body.forceTv(tv),
    setTemperature: (t) => body.setTemperature(t),
    changeOnBody: (name, value) => body.changeOnBody(name, value),
    state,
    reset: () => {
      offlineUntil = null;
      body.reset();
    },
  };

  async function handleControl(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (path === '/_sim/state' && req.method === 'GET') return sendJson(res, 200, state());
    if (path !== '/_sim/faults') return sendJson(res, 404, { message: 'URL not found' });
    if (req.method !== 'POST') return sendJson(res, 405, { message: 'Method not allowed' });
    let json: unknown;
    try {
      json = JSON.parse((await readBody(req)) ?? '');
    } catch {
      return sendJson(res, 400, { message: 'Invalid JSON' });
    }
    const parsed = FaultsSchema.safeParse(json);
    if (!parsed.success) return sendJson(res, 400, { message: z.prettifyError(parsed.error) });
    const f = parsed.data;
    if (f.reset) control.reset();
    if (f.busyNext !== undefined) body.busyNext(f.busyNext);
    if (f.cardFull !== undefined) body.setCardFull(f.cardFull);
    if (f.tv !== undefined) body.forceTv(f.tv);
    if (f.goOfflineMs !== undefined) goOffline(f.goOfflineMs, req.socket);
    if (f.dropAfterFire !== undefined) body.dropAfterFire(f.dropAfterFire);
    if (f.temperature !== undefined) body.setTemperature(f.temperature);
    if (f.setting !== undefined) body.changeOnBody(f.setting.name, f.setting.value);
    const { rawJpeg, noiseReductionMs, instantPolls } = f;
    body.setModes({
      ...(rawJpeg !== undefined && { rawJpeg }),
      ...(noiseReductionMs !== undefined && { noiseReductionMs }),
      ...(instantPolls !== undefined && { instantPolls }),
    });
    sendJson(res, 200, state());
  }

  /** A CCAPI error answer: `{"message"}` as Canon bodies give it, or the quirky shapes of other implementations. */
  function refuse(res: ServerResponse, status: number, message: string): void {
    if (quirks.has('detail-errors')) return sendJson(res, status, { detail: message });
    if (!quirks.has('text-errors')) return sendJson(res, status, { message });
    if (res.writableEnded || res.destroyed) return;
    res.writeHead(status, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(message) });
    res.end(message);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
    if (path.startsWith('/_sim/')) return handleControl(req, res, path);
    if (isOffline()) {
      req.socket.resetAndDestroy();
      return;
    }
    const method = req.method ?? 'GET';
    res.on('finish', () => log?.debug({ method, path: url.pathname + url.search, status: res.statusCode }, 'sim'));
    if (path === '/ccapi') {
      return method === 'GET' ? sendJson(res, 200, topology) : sendJson(res, 405, { message: 'Method not allowed' });
    }
    // Everything below the contents root is served under the root's topology entry (docs/camera-notes.md §8).
    const inContents = path.startsWith(`${contentsRoot}/`);
    const entry = listed.get(inContents ? contentsRoot : path);
    if (!entry) return refuse(res, 404, 'URL not found');
    const allowed = { GET: entry.get, POST: entry.post, PUT: entry.put, DELETE: entry.delete }[method] === true;
    if (!allowed) return refuse(res, 405, 'Method not allowed');
    const handler =
      path.startsWith(contentsRoot) && method === 'GET'
        ? (x: Exchange) => getContents(body, path, x)
        : routes.get(path)?.[method as 'GET' | 'POST' | 'PUT' | 'DELETE'];
    if (!handler) return refuse(res, 501, 'Not implemented by the simulator');

    const text = await readBody(req);
    let parsedBody: unknown;
    if (text === null) return refuse(res, 400, 'Invalid parameter');
    if (text.trim() !== '') {
      try {
        parsedBody = JSON.parse(text); // content-type is not required (Canomate omits it)
      } catch {
        return refuse(res, 400, 'Invalid parameter');
      }
    }
    const exchange: Exchange = {
      query: url.searchParams,
      body: parsedBody,
      reply: (status, data) => {
        const message = (data as { message?: unknown } | undefined)?.message;
        if (status >= 400 && typeof message === 'string') refuse(res, status, message);
        else sendJson(res, status, data);
      },
      replyBytes: (status, contentType, bytes) => {
        if (res.writableEnded || res.destroyed) return;
        res.writeHead(status, { 'content-type': contentType, 'content-length': bytes.length });
        res.end(bytes);
      },
      onClose: (fn) => res.on('close', fn),
      drop: () => req.socket.destroy(),
    };
    handler(exchange);
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((err: unknown) => {
      log?.error({ err }, 'sim handler failed');
      sendJson(res, 500, { message: 'Simulator error' });
    });
  };
  // The certificate is made at start, as a camera makes its own; selfsigned is loaded only for HTTPS.
  const server = opts.https
    ? https.createServer({ ...(await selfSignedCert(host)), keepAlive: true }, onRequest)
    : http.createServer({ keepAlive: true }, onRequest);
  server.on(opts.https ? 'secureConnection' : 'connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const origin = `${opts.https ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  body.origin = origin;
  const url = `${origin}/ccapi`;
  log?.info({ url }, 'sim: camera listening');

  let responder: SsdpResponder | undefined;
  if (opts.ssdp) {
    // X_accessURL must be reachable from the LAN: a wildcard listen address is replaced by the announced one.
    const wildcard = host === '0.0.0.0' || host === '::';
    const accessUrl = wildcard ? `http://${opts.ssdp.address}:${port}/ccapi` : url;
    const info = body.deviceInformation();
    try {
      responder = await startSsdpResponder({
        address: opts.ssdp.address,
        descriptionPort: opts.ssdp.descriptionPort,
        accessUrl,
        mac: info.macaddress,
        modelName: info.productname.replace(/^Canon /, ''),
        serialNumber: info.serialnumber,
        logger: log,
      });
    } catch (err) {
      body.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      throw err;
    }
  }

  return {
    url,
    port,
    control,
    ...(responder ? { ssdp: { uuid: responder.uuid, location: responder.location } } : {}),
    close: async () => {
      await responder?.close(); // byebye while the CCAPI server is still up, as a camera powering down
      body.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function selfSignedCert(host: string): Promise<{ key: string; cert: string }> {
  // A CommonJS package: under the bundler its functions sit on `default`, under tsx on the namespace.
  const mod = (await import('selfsigned')) as typeof import('selfsigned') & { default?: typeof import('selfsigned') };
  const generate = mod.default?.generate ?? mod.generate;
  const pems = await generate([{ name: 'commonName', value: host }], { keyType: 'ec' }); // EC: made in milliseconds, even on a Pi
  return { key: pems.private, cert: pems.cert };
}
