// `skylapse serve`: the composition root. Opens the store, finds the camera, recovers, then listens.
import { join } from 'node:path';
import type { Logger } from 'pino';
import { CcapiCamera } from '../adapters/ccapi-camera.ts';
import { DiscoveringCamera } from '../adapters/ssdp/discovering-camera.ts';
import { startSimulator, type SimulatedCamera } from '../adapters/camera-sim/index.ts';
import { systemClock } from '../adapters/clock.ts';
import { openStore } from '../store/db.ts';
import { EventLog } from '../store/event-log.ts';
import { Controller } from '../app/controller.ts';
import { buildHttp } from '../transport/http.ts';
import { attachWebSocket } from '../transport/ws.ts';

export interface ServeOptions {
  port: number;
  host: string;
  dataDir: string;
  /** `sim`, `auto` or a CCAPI base URL such as http://192.168.4.2:8080/ccapi */
  camera: string;
  version: string;
  logger: Logger;
}

export async function serve(o: ServeOptions): Promise<{ port: number; close(): Promise<void> }> {
  const clock = systemClock;
  const { logger } = o;
  let sim: SimulatedCamera | undefined;
  let baseUrl = o.camera;
  if (o.camera === 'sim') {
    sim = await startSimulator({ clock, logger: logger.child({ component: 'camera-sim' }) });
    baseUrl = sim.url;
    logger.warn({ url: baseUrl }, 'SIMULATED CAMERA: no real camera is configured; shots go to the built-in simulator');
  } else if (o.camera !== 'auto' && !/^https?:\/\/[^/]+\/ccapi\/?$/.test(baseUrl)) {
    throw new Error(`--camera must be sim, auto or a CCAPI base URL like http://192.168.4.2:8080/ccapi (got ${baseUrl})`);
  }

  const store = openStore(join(o.dataDir, 'skylapse.db'));
  const log = new EventLog(store);
  // `auto` searches by SSDP on every connection attempt, so a camera that came back on a new address is found again.
  const ccapiLogger = logger.child({ component: 'ccapi' });
  const camera = o.camera === 'auto' ? new DiscoveringCamera({ clock, logger: ccapiLogger }) : new CcapiCamera({ baseUrl, clock, logger: ccapiLogger });
  const controller = new Controller({
    store,
    log,
    camera,
    simulated: sim !== undefined,
    clock,
    logger: logger.child({ component: 'controller' }),
    // The log is the promise: if it cannot be written, stop at once and let the supervisor restart into recovery.
    onFatal: () => process.exit(70),
  });
  controller.start();

  const app = await buildHttp({ controller, clock, logger, version: o.version });
  const ws = attachWebSocket(app.server, { controller, clock, logger: logger.child({ component: 'ws' }) });
  await app.listen({ port: o.port, host: o.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : o.port;
  logger.info({ port, host: o.host, data: o.dataDir, camera: sim ? 'sim' : baseUrl }, 'listening');

  return {
    port,
    async close() {
      ws.close();
      await app.close();
      await controller.stop();
      store.close();
      await sim?.close();
    },
  };
}
