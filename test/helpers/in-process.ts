// The server's parts in this process: simulated camera, store, controller and the Fastify app (not listening until
// asked), for route tests with inject and for WebSocket tests that need to read the log directly.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { CcapiCamera } from '../../adapters/ccapi-camera.ts';
import { startSimulator } from '../../adapters/camera-sim/index.ts';
import { systemClock } from '../../adapters/clock.ts';
import { Controller } from '../../app/controller.ts';
import { openStore } from '../../store/db.ts';
import { EventLog } from '../../store/event-log.ts';
import { buildHttp, type HttpOptions } from '../../transport/http.ts';

export type Harness = Awaited<ReturnType<typeof startHarness>>;

export async function startHarness(o: Partial<Pick<HttpOptions, 'tokens' | 'limits' | 'insecure' | 'heartbeatMs'>> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'skylapse-i9-'));
  // Warnings and worse are kept for the tests to read (drops, refusals).
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (logs.push(JSON.parse(chunk.toString()) as Record<string, unknown>), done()) });
  const logger = pino({ level: 'warn' }, sink);
  const clock = systemClock;
  const sim = await startSimulator({ clock, tv: '1/1000' });
  const store = openStore(join(dir, 'skylapse.db'));
  const log = new EventLog(store);
  const camera = new CcapiCamera({ baseUrl: sim.url, clock });
  const controller = new Controller({ store, log, camera, simulated: true, clock, logger });
  controller.start();
  const app = await buildHttp({ controller, store, log, clock, logger, version: 'test', ...o });
  let url = '';
  return {
    app,
    logs,
    store,
    log,
    controller,
    sim,
    get url() {
      return url;
    },
    /** Starts listening on loopback (for WebSocket tests). */
    async listen() {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const a = app.server.address();
      url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
      return url;
    },
    async close() {
      await controller.stop();
      await app.close();
      store.close();
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves once the controller says the camera is connected. */
export function cameraConnected(h: Harness): Promise<void> {
  return new Promise((resolve) => {
    if (h.controller.cameraState().state === 'connected') return resolve();
    const off = h.controller.onBroadcast((b) => {
      if (b.type === 'camera_connected') {
        off();
        resolve();
      }
    });
  });
}
