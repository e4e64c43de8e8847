// HTTP routes for the camera's images: test-photo previews from the data directory, and live-view frames. Only
// names in the test-photo form are served (a UUID + `.jpg`), so no request can reach another file.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import type { Controller } from '../app/controller.ts';
import { TEST_PHOTO_NAME } from '../app/test-photo.ts';
import { ProtocolError } from './protocol.ts';

export const cameraRoutes = (controller: Controller): FastifyPluginAsync => async (app) => {
  app.get<{ Params: { name: string } }>('/api/test-photos/:name', async (req, reply) => {
    const { name } = req.params;
    if (!TEST_PHOTO_NAME.test(name)) throw Object.assign(new ProtocolError('NOT_FOUND', 'No such test photo'), { statusCode: 404 });
    let bytes: Buffer;
    try {
      bytes = await readFile(join(controller.testPhotoDir, name));
    } catch {
      throw Object.assign(new ProtocolError('NOT_FOUND', 'No such test photo'), { statusCode: 404 });
    }
    return reply.type('image/jpeg').header('cache-control', 'private, max-age=31536000, immutable').send(bytes);
  });
  /** The frame a `get_liveview_frame` reply named, while it is the newest. */
  app.get<{ Params: { n: string } }>('/api/liveview/:n', async (req, reply) => {
    const m = /^(\d{1,9})\.jpg$/.exec(req.params.n);
    const bytes = m ? controller.jobs.liveviewFrameBytes(Number(m[1])) : null;
    if (!bytes) throw Object.assign(new ProtocolError('NOT_FOUND', 'That live-view frame is gone; ask for a new one'), { statusCode: 404 });
    return reply.type('image/jpeg').header('cache-control', 'no-store').send(bytes);
  });
  /** A fresh frame in one request (starts live view if needed), for an <img> that simply reloads. */
  app.get('/api/liveview.jpg', async (_req, reply) => {
    const { frame } = await controller.jobs.liveviewFrame().catch((error: unknown) => {
      if (error instanceof ProtocolError) throw Object.assign(error, { statusCode: error.code === 'CAMERA_ERROR' ? 502 : 409 });
      throw error;
    });
    const n = Number(/(\d+)\.jpg$/.exec(frame.url)![1]);
    return reply.type('image/jpeg').header('cache-control', 'no-store').send(controller.jobs.liveviewFrameBytes(n));
  });
};
