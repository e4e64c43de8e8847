// The WebSocket layer: greet from cached state, then every transition as it is logged. Thin on purpose: all
// decisions live in the controller; this only validates, correlates replies and fans out broadcasts.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import type { Clock } from '../machines/clock.ts';
import { runCommand } from './commands.ts';
import type { Controller } from '../app/controller.ts';
import { COMMANDS, errorMessage, parseMessage, ProtocolError, resultMessage, type Broadcast } from './protocol.ts';

export interface WsOptions {
  controller: Controller;
  clock: Clock;
  logger: Logger;
  path?: string;
  maxPayload?: number;
  heartbeatMs?: number;
  /** A client whose unsent backlog exceeds this is dropped; it reconnects and is greeted with fresh state. */
  maxBufferedBytes?: number;
}

interface Client {
  id: string;
  alive: boolean;
}

export function attachWebSocket(server: Server, o: WsOptions): { close(): void; clients(): number } {
  const path = o.path ?? '/ws';
  const maxBuffered = o.maxBufferedBytes ?? 1024 * 1024;
  const wss = new WebSocketServer({ noServer: true, maxPayload: o.maxPayload ?? 64 * 1024, perMessageDeflate: false });
  const clients = new Map<WebSocket, Client>();

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', (err) => o.logger.debug({ err }, 'upgrade socket error'));
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== path) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => connected(ws, req));
  });

  function send(ws: WebSocket, message: unknown): void {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
  }

  function connected(ws: WebSocket, req: IncomingMessage): void {
    const client: Client = { id: randomUUID(), alive: true };
    clients.set(ws, client);
    const log = o.logger.child({ clientId: client.id });
    // Handlers first, greeting second, all synchronously: no early message can be lost (docs/decisions.md §6).
    ws.on('message', (raw, isBinary) => void onMessage(ws, raw, isBinary, log, client.id));
    ws.on('pong', () => (client.alive = true));
    ws.on('error', (err) => log.warn({ err }, 'websocket error'));
    ws.on('close', (code) => {
      clients.delete(ws);
      detachTime();
      log.info({ code }, 'client disconnected');
    });
    const state = o.controller.state();
    send(ws, {
      type: 'welcome',
      data: { clientId: client.id, serverTime: o.clock.wall(), seq: state.seq, availableCommands: COMMANDS, state },
    });
    // Asked for its time after the greeting; a client that goes (or misses the heartbeat) loses its time status.
    const detachTime = o.controller.timeSync.attach({ id: client.id, remote: req.socket.remoteAddress ?? null, send: (m) => send(ws, m) });
    log.info({ remote: req.socket.remoteAddress }, 'client connected');
  }

  async function onMessage(ws: WebSocket, raw: RawData, isBinary: boolean, log: Logger, clientId: string): Promise<void> {
    const now = () => new Date(o.clock.wall());
    if (isBinary) {
      send(ws, errorMessage(new ProtocolError('INVALID_MESSAGE', 'Binary frames are not part of the protocol'), undefined, now()));
      return;
    }
    const parsed = parseMessage(raw.toString());
    if (!parsed.ok) {
      send(ws, errorMessage(parsed.error, parsed.id, now()));
      return;
    }
    try {
      const data = await runCommand(o.controller, parsed.type, parsed.data, o.clock.wall(), { clientId });
      send(ws, resultMessage(parsed.id, data));
    } catch (error) {
      if (!(error instanceof ProtocolError)) log.error({ err: error, command: parsed.type }, 'command failed');
      const e = error instanceof ProtocolError ? error : new ProtocolError('INTERNAL_ERROR', 'The command failed inside skylapse; see the server log');
      send(ws, errorMessage(e, parsed.id, now()));
    }
  }

  const unsubscribe = o.controller.onBroadcast((b: Broadcast) => {
    const text = JSON.stringify(b); // serialised once for every client
    for (const ws of clients.keys()) {
      if (ws.readyState !== WebSocket.OPEN) continue;
      if (ws.bufferedAmount + text.length > maxBuffered) {
        o.logger.warn({ clientId: clients.get(ws)?.id }, 'dropping a client that cannot keep up');
        ws.terminate();
        continue;
      }
      ws.send(text);
    }
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
    close() {
      clearInterval(heartbeat);
      unsubscribe();
      for (const ws of clients.keys()) ws.terminate();
      wss.close();
    },
  };
}
