// HTTP: the UI, health, the REST API and the WebSocket, as one Fastify app, so its hooks, auth and close() cover all
// of them. Errors use the protocol's one shape.
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import * as z from 'zod';
import type { Clock } from '../machines/clock.ts';
import type { Controller } from '../app/controller.ts';
import { registerReportRoutes } from './http-reports.ts';
import { cameraRoutes } from './http-camera.ts';
import type { Store } from '../store/db.ts';
import type { EventLog } from '../store/event-log.ts';
import { getReportSummary, listReports } from '../store/reports.ts';
import { runCommand, type ControllerCommand } from './commands.ts';
import type { Limits } from './limits.ts';
import { metricsText } from './metrics.ts';
import { isSameOrigin } from './origin.ts';
import { commandSchemas, errorMessage, parseMessage, ProtocolError, transportCommandSchemas, type CommandData } from './protocol.ts';
import { Replayer } from './replay.ts';
import { mayRun, roleOf, tokenFromAuthorization, type Role, type Tokens } from './roles.ts';
import { TransportStats } from './stats.ts';
import { attachWebSocket, eventsPage, type WebSocketLayer } from './ws.ts';

const uiDir = fileURLToPath(new URL('../ui/', import.meta.url));

export interface HttpOptions {
  controller: Controller;
  store: Store;
  log: EventLog;
  clock: Clock;
  logger: Logger;
  version: string;
  tokens?: Tokens;
  limits?: Partial<Limits>;
  /** True when nobody needs a token and the server listens beyond loopback: the page says so. */
  insecure?: boolean;
  heartbeatMs?: number;
}

/** Request bodies are commands and notices: small. */
export const BODY_LIMIT = 16 * 1024;

const noticeSchema = z.object({ message: z.string().trim().min(1).max(500), level: z.enum(['info', 'warn', 'error']).default('info') }).strict();
const sinceQuery = z.object({ since: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0), limit: z.coerce.number().int().min(1).max(1000).default(100) });

declare module 'fastify' {
  interface FastifyRequest {
    role: Role | null;
  }
  interface FastifyInstance {
    /** The WebSocket layer on this server (clients, notices). */
    ws: WebSocketLayer;
  }
}

export async function buildHttp(o: HttpOptions) {
  const app = Fastify({
    // Request lines would drown the journal on a Pi; failures are still logged by the error handler.
    loggerInstance: o.logger.child({ component: 'http' }, { level: 'warn' }),
    bodyLimit: BODY_LIMIT,
    // Against slowloris: headers within 10 s, a whole request within 15 s, idle sockets closed after 60 s; Node
    // checks the first two every 5 s instead of every 30 s, so a trickling request is gone within about 15 s.
    requestTimeout: 15_000,
    connectionTimeout: 60_000,
    keepAliveTimeout: 5_000,
    http: { headersTimeout: 10_000, connectionsCheckingInterval: 5_000 },
  });
  const now = () => new Date(o.clock.wall());
  const tokens = o.tokens ?? {};
  const stats = new TransportStats(() => o.clock.wall());
  const replayer = new Replayer(o.log, o.store);

  app.setErrorHandler((error: Error & { statusCode?: number }, _req, reply) => {
    const status = error instanceof ProtocolError ? statusOf(error) : Number.isInteger(error.statusCode) && error.statusCode! >= 400 && error.statusCode! < 600 ? error.statusCode! : 500;
    if (status >= 500) o.logger.error({ err: error }, 'http request failed');
    const e = error instanceof ProtocolError ? error : new ProtocolError(status >= 500 ? 'INTERNAL_ERROR' : 'VALIDATION_ERROR', status >= 500 ? 'The request failed inside skylapse; see the server log' : error.message);
    void reply.status(status).send(errorMessage(e, undefined, now()).data);
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.status(404).send(errorMessage(new ProtocolError('NOT_FOUND', `No route ${req.method} ${req.url.split('?')[0]}`), undefined, now()).data);
  });

  // The API answers the same origin and the right token only; the page and /health are public (the page takes the
  // token from its own URL).
  app.decorateRequest('role', null);
  app.addHook('onRequest', async (req) => {
    if (!req.url.startsWith('/api/')) return;
    if (!isSameOrigin(req.raw)) throw new ProtocolError('FORBIDDEN', 'Requests from another site are refused');
    req.role = roleOf(tokens, tokenFromAuthorization(req.headers.authorization));
    if (req.role === null) throw new ProtocolError('UNAUTHORIZED', 'A token is needed: Authorization: Bearer <token>');
  });
  const operatorOnly = async (req: FastifyRequest) => {
    if (req.role !== 'operator') throw new ProtocolError('FORBIDDEN', 'An observer cannot do this; it needs the operator token');
  };

  await app.register(fastifyStatic, { root: uiDir, prefix: '/' });

  app.get('/health', async () => {
    const state = o.controller.state();
    return {
      status: 'ok',
      version: o.version,
      seq: state.seq,
      camera: state.camera.state,
      simulatedCamera: state.camera.simulated,
      sessionRunning: state.intervalometer?.running ?? false,
      uptimeS: Math.round(process.uptime()),
    };
  });
  app.get('/api/state', async () => o.controller.state());
  registerReportRoutes(app, { controller: o.controller, now });
  await app.register(cameraRoutes(o.controller));
  app.get('/api/reports', async () => ({ reports: listReports(o.store) }));
  app.get<{ Params: { id: string } }>('/api/reports/:id', async (req) => {
    const report = getReportSummary(o.store, req.params.id);
    if (!report) throw new ProtocolError('NOT_FOUND', `No report ${req.params.id}`);
    return { report };
  });
  app.get('/api/events', async (req) => {
    const q = sinceQuery.safeParse(req.query);
    if (!q.success) throw new ProtocolError('VALIDATION_ERROR', 'since and limit must be whole numbers', { issues: q.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
    return eventsPage(o.log, replayer, q.data.since, q.data.limit);
  });
  app.get('/api/ws/stats', async () => stats.snapshot());
  app.get('/api/metrics', async (_req, reply) => reply.type('text/plain; version=0.0.4; charset=utf-8').send(metricsText({ store: o.store, log: o.log, stats })));
  app.post('/api/broadcast', { preHandler: operatorOnly }, async (req) => {
    const body = noticeSchema.safeParse(req.body);
    if (!body.success) throw new ProtocolError('VALIDATION_ERROR', 'Body must be {message, level?}', { issues: body.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
    o.logger.info({ noticeLevel: body.data.level }, 'operator notice sent');
    return { delivered: ws.notice(body.data.message, body.data.level) };
  });
  // The same path as a WebSocket command: one parse, one role check, one handler.
  app.post<{ Params: { type: string } }>('/api/commands/:type', async (req) => {
    const parsed = parseMessage(JSON.stringify({ type: req.params.type, ...(req.body === undefined ? {} : { data: req.body }) }));
    if (!parsed.ok) throw parsed.error;
    if (!mayRun(req.role!, parsed.type)) throw new ProtocolError('FORBIDDEN', `An observer cannot ${parsed.type}; it needs the operator token`);
    if (parsed.type === 'get_events') {
      const { sinceSeq, limit } = parsed.data as CommandData<'get_events'>;
      return eventsPage(o.log, replayer, sinceSeq, limit);
    }
    if (Object.hasOwn(transportCommandSchemas, parsed.type)) {
      throw new ProtocolError('VALIDATION_ERROR', `${parsed.type} belongs to a WebSocket connection`, { httpCommands: Object.keys(commandSchemas).filter((c) => c === 'get_events' || !Object.hasOwn(transportCommandSchemas, c)) });
    }
    return runCommand(o.controller, parsed.type as ControllerCommand, parsed.data, o.clock.wall());
  });

  const ws = attachWebSocket(app.server, {
    controller: o.controller,
    log: o.log,
    replayer,
    stats,
    clock: o.clock,
    logger: o.logger.child({ component: 'ws' }),
    tokens,
    limits: o.limits,
    insecure: o.insecure ?? false,
    heartbeatMs: o.heartbeatMs,
  });
  app.decorate('ws', ws);
  // Before the server stops accepting: open sockets would otherwise keep its close() waiting.
  app.addHook('preClose', async () => ws.close());
  return app;
}

const STATUS: Partial<Record<ProtocolError['code'], number>> = {
  INVALID_JSON: 400,
  INVALID_MESSAGE: 400,
  UNKNOWN_COMMAND: 404,
  VALIDATION_ERROR: 400,
  NOT_FOUND: 404,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  SESSION_ACTIVE: 409,
  CAMERA_BUSY: 409,
  CAMERA_OFFLINE: 503,
  CAMERA_ERROR: 502,
  INTERNAL_ERROR: 500,
};

function statusOf(e: ProtocolError): number {
  return STATUS[e.code] ?? 400;
}
