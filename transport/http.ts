// HTTP: the UI, health and a read-only state endpoint, as a Fastify app. Errors use the protocol's one shape.
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import Fastify from 'fastify';
import type { Logger } from 'pino';
import type { Clock } from '../machines/clock.ts';
import type { Controller } from '../app/controller.ts';
import { registerReportRoutes } from './http-reports.ts';
import { cameraRoutes } from './http-camera.ts';
import { errorMessage, ProtocolError } from './protocol.ts';

const uiDir = fileURLToPath(new URL('../ui/', import.meta.url));

export async function buildHttp(o: { controller: Controller; clock: Clock; logger: Logger; version: string }) {
  // Request lines would drown the journal on a Pi; failures are still logged by the error handler.
  const app = Fastify({ loggerInstance: o.logger.child({ component: 'http' }, { level: 'warn' }) });
  const now = () => new Date(o.clock.wall());

  app.setErrorHandler((error: Error & { statusCode?: number }, _req, reply) => {
    const status = Number.isInteger(error.statusCode) && error.statusCode! >= 400 && error.statusCode! < 600 ? error.statusCode! : 500;
    if (status >= 500) o.logger.error({ err: error }, 'http request failed');
    const e = error instanceof ProtocolError ? error : new ProtocolError(status >= 500 ? 'INTERNAL_ERROR' : 'VALIDATION_ERROR', error.message);
    void reply.status(status).send(errorMessage(e, undefined, now()));
  });
  app.setNotFoundHandler((req, reply) => {
    void reply.status(404).send(errorMessage(new ProtocolError('NOT_FOUND', `No route ${req.method} ${req.url}`), undefined, now()));
  });

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
  return app;
}
