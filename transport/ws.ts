// The WebSocket layer, inside the Fastify server: greet from cached state (or replay what a returning client missed),
// then every transition as it is logged, on the channels the client chose. Thin on purpose: all decisions live in the
// controller; this authenticates, limits, validates, correlates replies and fans out broadcasts.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { Clock } from '../machines/clock.ts';
import type { Controller } from '../app/controller.ts';
import type { EventLog } from '../store/event-log.ts';
import { allChannels, CHANNEL_OF, NOTICE_CHANNEL } from './channels.ts';
import { runCommand, type ControllerCommand } from './commands.ts';
import { DEFAULT_LIMITS, TokenBucket, type Limits } from './limits.ts';
import { COMMANDS, errorMessage, parseMessage, ProtocolError, resultMessage, type Broadcast, type Channel, type CommandData } from './protocol.ts';
import type { Replayer } from './replay.ts';
import { mayRun, roleOf, SUBPROTOCOL, tokenFromAuthorization, tokenFromSubprotocols, type Role, type Tokens } from './roles.ts';
import { isSameOrigin } from './origin.ts';
import type { TransportStats } from './stats.ts';

export interface WsOptions {
  controller: Controller;
  log: EventLog;
  replayer: Replayer;
  stats: TransportStats;
  clock: Clock;
  logger: Logger;
  tokens?: Tokens;
  limits?: Partial<Limits>;
  /** Nobody needs a token and the server listens beyond loopback: every welcome says so, for the page to warn. */
  insecure?: boolean;
  path?: string;
  maxPayload?: number;
  heartbeatMs?: number;
}

/** A resume further back than this many facts gets a fresh welcome instead: the state is smaller than the history. */
export const MAX_REPLAY = 50_000;
const REPLAY_PAGE = 500;

const CLOSE = {
  unauthorized: 4001,
  policy: 1008,
  tryAgainLater: 1013,
} as const;

interface Client {
  id: string;
  role: Role;
  alive: boolean;
  channels: Set<Channel>;
  bucket: TokenBucket;
  /** Refusals drain it; empty means sustained abuse. */
  abuse: TokenBucket;
  /** While a replay runs, live broadcasts wait here, so none is lost or sent twice. */
  held: Broadcast[] | null;
  closing: boolean;
  log: Logger;
}

export interface WebSocketLayer {
  clients(): number;
  /** An operator's notice to every client on the system channel (not stored, not replayed). */
  notice(message: string, level: 'info' | 'warn' | 'error'): number;
  close(): void;
}

/** Upgrades on `server` (Fastify's, whose preClose hook calls `close()`); auth and origin are checked before the upgrade. */
export function attachWebSocket(server: Server, o: WsOptions): WebSocketLayer {
  const path = o.path ?? '/ws';
  const limits: Limits = { ...DEFAULT_LIMITS, ...o.limits };
  const tokens = o.tokens ?? {};
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: o.maxPayload ?? 64 * 1024,
    perMessageDeflate: false,
    // The token offered as a subprotocol is never echoed back: the handshake answers with the plain protocol name.
    handleProtocols: (offered) => (offered.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
  });
  const clients = new Map<WebSocket, Client>();
  const { stats } = o;

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', (err) => o.logger.debug({ err }, 'upgrade socket error'));
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== path) return refuse(socket, 404, 'Not Found');
    // Against cross-site WebSocket hijacking: a browser always sends Origin, and it must be this server's own.
    if (!isSameOrigin(req)) {
      o.logger.warn({ origin: req.headers.origin, remote: req.socket.remoteAddress }, 'refused a WebSocket from another origin');
      return refuse(socket, 403, 'Forbidden');
    }
    const role = roleOf(tokens, tokenFromSubprotocols(req.headers['sec-websocket-protocol']) ?? tokenFromAuthorization(req.headers.authorization));
    wss.handleUpgrade(req, socket, head, (ws) => {
      // Closed after the handshake, so a browser sees the code (a refused handshake is only "1006" to a page).
      if (role === null) {
        o.logger.warn({ remote: req.socket.remoteAddress }, 'refused a WebSocket with a missing or wrong token');
        return ws.close(CLOSE.unauthorized, 'unauthorized: missing or wrong token');
      }
      if (clients.size >= limits.maxClients) {
        o.logger.warn({ remote: req.socket.remoteAddress, max: limits.maxClients }, 'refused a WebSocket: too many connections');
        return ws.close(CLOSE.tryAgainLater, `too many connections (${limits.maxClients})`);
      }
      connected(ws, req, role, url.searchParams.get('since'));
    });
  });

  function refuse(socket: Duplex, status: number, text: string): void {
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  }

  /** Sends one message; a client whose unsent backlog passes the limit is dropped here, replies included. */
  function send(ws: WebSocket, client: Client, message: unknown): void {
    sendText(ws, client, JSON.stringify(message));
  }

  function sendText(ws: WebSocket, client: Client, text: string): void {
    if (ws.readyState !== WebSocket.OPEN || client.closing) return;
    if (ws.bufferedAmount + text.length > limits.maxBufferedBytes) return drop(ws, client, CLOSE.policy, `too slow: more than ${limits.maxBufferedBytes} bytes unsent`);
    ws.send(text);
    stats.sent++;
  }

  /** Closes with a code and reason; a client that reads nothing never answers the close, so it is cut off soon after. */
  function drop(ws: WebSocket, client: Client, code: number, reason: string): void {
    if (client.closing) return;
    client.closing = true;
    client.log.warn({ code, reason }, 'dropping a client');
    ws.close(code, reason);
    setTimeout(() => ws.terminate(), 2000).unref();
  }

  function connected(ws: WebSocket, req: IncomingMessage, role: Role, since: string | null): void {
    const now = o.clock.mono();
    const id = randomUUID();
    const client: Client = {
      id,
      role,
      alive: true,
      channels: allChannels(),
      bucket: new TokenBucket(limits.rate, now),
      abuse: new TokenBucket({ burst: limits.maxRefusals, perSecond: limits.rate.perSecond / 4 }, now),
      held: null,
      closing: false,
      log: o.logger.child({ clientId: id }),
    };
    clients.set(ws, client);
    stats.connected(clients.size);
    // Handlers first, greeting second, all synchronously: no early message can be lost (docs/decisions.md §6).
    ws.on('message', (raw, isBinary) => void onMessage(ws, client, raw, isBinary));
    ws.on('pong', () => (client.alive = true));
    ws.on('error', (err) => client.log.warn({ err }, 'websocket error'));
    ws.on('close', (code) => {
      clients.delete(ws);
      detachTime();
      stats.disconnected(clients.size);
      client.log.info({ code }, 'client disconnected');
    });
    client.log.info({ remote: req.socket.remoteAddress, role }, 'client connected');
    const from = since === null ? null : /^\d{1,16}$/.test(since) ? Number(since) : -1;
    if (from === null) welcome(ws, client, false);
    else void resume(ws, client, from, false);
    // An operator's phone is asked for its time after the greeting (an observer changes nothing, the clock included);
    // a client that goes, or misses the heartbeat, loses its time status.
    const detachTime = role === 'operator' ? o.controller.timeSync.attach({ id, remote: req.socket.remoteAddress ?? null, send: (m) => send(ws, client, m) }) : () => undefined;
  }

  function welcome(ws: WebSocket, client: Client, resumed: boolean, since?: number): void {
    const state = resumed ? null : o.controller.state();
    send(ws, client, {
      type: 'welcome',
      data: {
        clientId: client.id,
        serverTime: o.clock.wall(),
        resumed,
        seq: resumed ? since : state!.seq,
        role: client.role,
        channels: [...client.channels],
        insecure: o.insecure ?? false,
        availableCommands: COMMANDS.filter((c) => mayRun(client.role, c)),
        ...(state ? { state } : {}),
      },
    });
  }

  /**
   * Every broadcast after `since`, rebuilt from the log, then the live ones. Live broadcasts are held from the moment
   * the replay's end is fixed, so the two meet without a gap or a duplicate. Too far back (or ahead: another log),
   * or a history that cannot be rebuilt: a fresh welcome with `resumed: false`.
   */
  async function resume(ws: WebSocket, client: Client, since: number, viaCommand: boolean, reply?: () => void): Promise<void> {
    const until = o.log.lastFactSeq();
    if (since < 0 || since > until || until - since > MAX_REPLAY) {
      reply?.();
      return welcome(ws, client, false);
    }
    client.held = [];
    if (!viaCommand) welcome(ws, client, true, since);
    reply?.();
    try {
      for (let after = since; after < until; ) {
        const page = await o.replayer.broadcasts(after, Math.min(REPLAY_PAGE, until - after));
        if (page.lastSeq === after) break;
        for (const b of page.broadcasts) if (b.seq <= until && client.channels.has(CHANNEL_OF[b.type])) send(ws, client, b);
        after = page.lastSeq;
        // Paced by the socket: a phone on weak WiFi takes its history as fast as it reads, not all at once.
        while (ws.readyState === WebSocket.OPEN && ws.bufferedAmount > limits.maxBufferedBytes / 2) await sleep(20);
        if (ws.readyState !== WebSocket.OPEN) return;
      }
    } catch (error) {
      client.log.warn({ err: error, since }, 'cannot replay from the log; greeting afresh');
      const held = client.held;
      client.held = null;
      welcome(ws, client, false);
      const seq = o.controller.state().seq;
      for (const b of held) if (b.seq > seq) deliver(ws, client, b, JSON.stringify(b));
      return;
    }
    const held = client.held ?? [];
    client.held = null;
    for (const b of held) if (b.seq > until) deliver(ws, client, b, JSON.stringify(b));
    stats.resumes++;
  }

  function deliver(ws: WebSocket, client: Client, b: Broadcast, text: string): void {
    if (client.held) {
      client.held.push(b);
      return;
    }
    if (client.channels.has(CHANNEL_OF[b.type])) sendText(ws, client, text);
  }

  async function onMessage(ws: WebSocket, client: Client, raw: RawData, isBinary: boolean): Promise<void> {
    stats.received++;
    stats.lastActivity = o.clock.wall();
    const now = () => new Date(o.clock.wall());
    const reject = (e: ProtocolError, id?: string | number) => send(ws, client, errorMessage(e, id, now()));
    const mono = o.clock.mono();
    if (!client.bucket.take(mono)) {
      if (!client.abuse.take(mono)) return drop(ws, client, CLOSE.policy, 'rate limit exceeded again and again');
      const parsed = isBinary ? undefined : parseMessage(raw.toString());
      return reject(new ProtocolError('RATE_LIMITED', 'Too many messages; slow down', { perSecond: limits.rate.perSecond }), parsed?.id);
    }
    if (isBinary) return reject(new ProtocolError('INVALID_MESSAGE', 'Binary frames are not part of the protocol'));
    const parsed = parseMessage(raw.toString());
    if (!parsed.ok) return reject(parsed.error, parsed.id);
    const { type, id } = parsed;
    if (!mayRun(client.role, type)) return reject(new ProtocolError('FORBIDDEN', `An observer cannot ${type}; it needs the operator token`), id);
    try {
      switch (type) {
        case 'subscribe':
        case 'unsubscribe': {
          const { channels } = parsed.data as CommandData<'subscribe'>;
          for (const c of channels) client.channels[type === 'subscribe' ? 'add' : 'delete'](c);
          return send(ws, client, resultMessage(id, { channels: [...client.channels] }));
        }
        case 'resume': {
          const { since } = parsed.data as CommandData<'resume'>;
          if (client.held) throw new ProtocolError('VALIDATION_ERROR', 'A resume is already replaying on this connection');
          return await resume(ws, client, since, true, () => send(ws, client, resultMessage(id, { since, until: o.log.lastFactSeq() })));
        }
        case 'get_events': {
          const { sinceSeq, limit } = parsed.data as CommandData<'get_events'>;
          return send(ws, client, resultMessage(id, await eventsPage(o.log, o.replayer, sinceSeq, limit)));
        }
        default: {
          const data = await runCommand(o.controller, type as ControllerCommand, parsed.data, o.clock.wall(), { clientId: client.id });
          return send(ws, client, resultMessage(id, data));
        }
      }
    } catch (error) {
      if (!(error instanceof ProtocolError)) client.log.error({ err: error, command: type }, 'command failed');
      reject(error instanceof ProtocolError ? error : new ProtocolError('INTERNAL_ERROR', 'The command failed inside skylapse; see the server log'), id);
    }
  }

  const unsubscribe = o.controller.onBroadcast((b: Broadcast) => {
    const text = JSON.stringify(b); // serialised once for every client
    for (const [ws, client] of clients) deliver(ws, client, b, text);
    stats.delivered(o.clock.wall() - Date.parse(b.timestamp));
  });

  // Half-open phones (asleep, walked out of range) are found by ping and dropped.
  const heartbeat = setInterval(() => {
    for (const [ws, client] of clients) {
      if (!client.alive) {
        ws.terminate();
        continue;
      }
      client.alive = false;
      ws.ping();
    }
  }, o.heartbeatMs ?? 30_000);
  heartbeat.unref();

  return {
    clients: () => clients.size,
    notice(message, level) {
      const text = JSON.stringify({ type: 'notice', data: { message, level, at: o.clock.wall() } });
      let n = 0;
      for (const [ws, client] of clients) {
        if (!client.channels.has(NOTICE_CHANNEL)) continue;
        sendText(ws, client, text);
        n++;
      }
      return n;
    },
    close() {
      clearInterval(heartbeat);
      unsubscribe();
      for (const ws of clients.keys()) ws.terminate();
      wss.close();
    },
  };
}

/** One page of past broadcasts: the same for `get_events` and `GET /api/events`. */
export async function eventsPage(log: EventLog, replayer: Replayer, sinceSeq: number, limit: number) {
  const lastSeq = log.lastFactSeq();
  const page = await replayer.broadcasts(sinceSeq, limit);
  return { events: page.broadcasts, nextSeq: page.lastSeq, lastSeq, more: page.lastSeq < lastSeq };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
