// `skylapse serve`: the composition root. Takes the data directory, opens the store, finds the camera, brings back
// the sessions the last process left open, then listens.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { DiscoveringCamera } from '../adapters/ssdp/discovering-camera.ts';
import type { SimulatedCamera } from '../adapters/camera-sim/index.ts';
import { systemClock } from '../adapters/clock.ts';
import { lastCameraUrl } from '../app/camera-address.ts';
import { Controller, type ResumePolicy } from '../app/controller.ts';
import { openStore } from '../store/db.ts';
import { EventLog } from '../store/event-log.ts';
import { acquireDataDirLock } from '../store/lock.ts';
import { buildHttp } from '../transport/http.ts';
import { pageUrls } from '../transport/page-urls.ts';
import { CCAPI_ROOT } from '../transport/protocol-camera-address.ts';
import type { Limits } from '../transport/limits.ts';
import type { Tokens } from '../transport/roles.ts';

export interface ServeOptions {
  port: number;
  host: string;
  dataDir: string;
  /** `sim`, `auto` or a CCAPI base URL such as http://192.168.4.2:8080/ccapi */
  camera: string;
  /** A session the last process left open: resume it at once (`auto`) or wait for `resume_session` (`ask`). */
  resume: ResumePolicy;
  /** The WiFi adapter: NetworkManager, its simulated twin, or `auto` (nmcli when NetworkManager runs here). */
  network: 'auto' | 'sim' | 'nmcli';
  /** Whether time sync may set the system clock (`system`) or only log what it would do (`dry-run`). */
  setClock: 'auto' | 'system' | 'dry-run';
  version: string;
  logger: Logger;
  /** Operator and observer tokens; none means every client may do everything. */
  tokens?: Tokens;
  limits?: Partial<Limits>;
}

const isLoopback = (host: string) => host === 'localhost' || host === '::1' || /^127\./.test(host);

export async function serve(o: ServeOptions): Promise<{ port: number; close(): Promise<void> }> {
  const clock = systemClock;
  const { logger } = o;
  if (o.camera !== 'sim' && o.camera !== 'auto' && !CCAPI_ROOT.test(o.camera)) {
    throw new Error(`--camera must be sim, auto or a CCAPI base URL like http://192.168.4.2:8080/ccapi (got ${o.camera})`);
  }
  // One server per data directory: a second one would take the first one's live session for a crashed one.
  mkdirSync(o.dataDir, { recursive: true });
  const lock = acquireDataDirLock(o.dataDir);
  let sim: SimulatedCamera | undefined;
  let baseUrl = o.camera;
  if (o.camera === 'sim') {
    // Loaded only when used: a Pi with a real camera never pays for the simulator.
    const { startSimulator } = await import('../adapters/camera-sim/index.ts');
    // The built-in simulator keeps its card beside the log, so a restart finds the files it wrote.
    sim = await startSimulator({ clock, logger: logger.child({ component: 'camera-sim' }), cardFile: join(o.dataDir, 'sim-card.json') });
    baseUrl = sim.url;
    logger.warn({ url: baseUrl }, 'SIMULATED CAMERA: no real camera is configured; shots go to the built-in simulator');
  }

  const store = openStore(join(o.dataDir, 'skylapse.db'));
  const log = new EventLog(store);
  // `auto` searches by SSDP on every connection attempt, so a camera that came back on a new address is found again,
  // and tries the last address that worked first. A configured URL is used as given. connect_to_ip can point either
  // elsewhere while running.
  const ccapiLogger = logger.child({ component: 'ccapi' });
  const last = o.camera === 'auto' ? lastCameraUrl(store) : null;
  if (last) logger.info({ url: last }, 'trying the last camera address first');
  const camera =
    o.camera === 'auto'
      ? new DiscoveringCamera({ url: last ?? undefined, clock, logger: ccapiLogger })
      : new DiscoveringCamera({ auto: false, url: baseUrl, clock, logger: ccapiLogger });
  const { networkManagerPresent, NmcliNetwork } = await import('../adapters/network/nmcli.ts');
  const useNmcli = o.network === 'nmcli' || (o.network === 'auto' && (await networkManagerPresent()));
  const network = useNmcli ? new NmcliNetwork() : new (await import('../adapters/network/sim.ts')).SimulatedNetwork(clock);
  if (!useNmcli) logger.warn('SIMULATED NETWORK: WiFi commands go to a simulated NetworkManager');
  const { DryRunClockSetter, SystemClockSetter } = await import('../adapters/time/clock-setter.ts');
  // With the simulated camera this is a development machine, whose clock is not ours to set.
  const setsSystemClock = o.setClock === 'system' || (o.setClock === 'auto' && o.camera !== 'sim');
  const clockSetter = setsSystemClock ? new SystemClockSetter() : new DryRunClockSetter();
  // The fake twin where the Pi's own readings are absent (a development machine without vcgencmd or a thermal zone).
  const { SystemPower } = await import('../adapters/power/system.ts');
  const systemPower = new SystemPower();
  const probe = await systemPower.read();
  const power = probe.throttled || probe.temperatureC !== null || probe.battery ? systemPower : new (await import('../adapters/power/fake.ts')).FakePower();
  const controller = new Controller({
    power,
    network,
    clockSetter,
    store,
    log,
    camera,
    simulated: sim !== undefined,
    clock,
    resume: o.resume,
    dataDir: o.dataDir,
    logger: logger.child({ component: 'controller' }),
    // The log is the promise: if it cannot be written, stop at once and let the supervisor restart into recovery.
    onFatal: () => process.exit(70),
  });
  controller.start();

  const tokens = o.tokens ?? {};
  const insecure = !tokens.operator && !isLoopback(o.host);
  const app = await buildHttp({ controller, store, log, clock, logger, version: o.version, tokens, limits: o.limits, insecure });
  await app.listen({ port: o.port, host: o.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : o.port;
  logger.info({ port, host: o.host, data: o.dataDir, camera: sim ? 'sim' : baseUrl, network: network.kind, clock: clockSetter.kind, power: power.kind, auth: tokens.operator ? (tokens.observer ? 'operator+observer' : 'operator') : 'none' }, 'listening');
  // The one line that carries a token: the links (or QR code) a phone opens, on every address a phone can use
  // (transport/page-urls.ts). Never anywhere else.
  const withToken = (token?: string) => pageUrls(o.host, port).map((u) => (token ? `${u}?token=${token}` : u));
  const urls = withToken(tokens.operator);
  logger.info({ url: urls[0], urls, ...(tokens.observer ? { observerUrl: withToken(tokens.observer)[0] } : {}) }, 'open the page');
  if (insecure) {
    logger.warn(
      { host: o.host },
      'NO TOKEN: anyone who can reach this address can start, stop or discard sessions; set --token (or SKYLAPSE_TOKEN), or listen on 127.0.0.1',
    );
  }

  return {
    port,
    /** A graceful stop: a session in progress finishes its frame and is logged as suspended, to resume at the next start. */
    async close() {
      await controller.stop();
      await app.close();
      store.close();
      await sim?.close();
      lock.release();
    },
  };
}
