// CCAPI handlers of the simulator, keyed by the exact paths the R50 topology lists. Anything listed but not here
// answers 501 (a simulator gap, not camera behaviour); anything unlisted is 404 (see index.ts).

import { parseCanonDatetime } from '../ccapi/datetime.ts';
import type { SimBody } from './body.ts';
import { R50_SETTINGS } from './profile-r50.ts';
import { liveviewRoutes } from './liveview.ts';
import { manualShutterRoutes } from './manual-shutter.ts';

export interface Exchange {
  query: URLSearchParams;
  /** Parsed JSON body, undefined when empty. */
  body: unknown;
  /** Sends a JSON answer; ignored once the client has gone. */
  reply(status: number, body: unknown): void;
  /** Sends bytes (a JPEG); ignored once the client has gone. */
  replyBytes(status: number, contentType: string, bytes: Buffer): void;
  /** Runs when the connection closes before or after the answer. */
  onClose(fn: () => void): void;
  /** Destroys the connection without an answer, as a camera whose Wi-Fi dropped mid-request. */
  drop(): void;
}
export type Handler = (x: Exchange) => void;
export type Routes = Map<string, Partial<Record<'GET' | 'POST' | 'PUT' | 'DELETE', Handler>>>;

const INVALID = { message: 'Invalid parameter' };
const field = (body: unknown, key: string): unknown =>
  body && typeof body === 'object' ? (body as Record<string, unknown>)[key] : undefined;

export function ccapiRoutes(body: SimBody): Routes {
  const ok = (data: () => unknown): Handler => (x) => x.reply(200, data());
  const routes: Routes = new Map();
  const add = (path: string, handlers: Partial<Record<'GET' | 'POST' | 'PUT' | 'DELETE', Handler>>) =>
    routes.set(`/ccapi/${path}`, handlers);

  add('ver100/deviceinformation', { GET: ok(() => body.deviceInformation()) });
  add('ver100/devicestatus/battery', { GET: ok(() => body.battery()) });
  add('ver100/devicestatus/lens', { GET: ok(() => body.lens()) });
  add('ver100/devicestatus/temperature', { GET: ok(() => body.temperature()) });
  add('ver110/devicestatus/batterylist', { GET: ok(() => body.batteryList()) });
  // Storage and the current storage/directory: ver110 on the R50, ver100 on older bodies, ver120 on some emulators.
  for (const v of ['ver100', 'ver110', 'ver120']) {
    add(`${v}/devicestatus/storage`, { GET: ok(() => body.storage()) });
    add(`${v}/devicestatus/currentstorage`, { GET: ok(() => body.currentStorage()) });
    add(`${v}/devicestatus/currentdirectory`, { GET: ok(() => body.currentDirectory()) });
  }
  add('ver100/shooting/information/recordable', { GET: ok(() => body.recordable()) });
  add('ver100/shooting/settings', { GET: ok(() => body.settings(100)) });
  add('ver110/shooting/settings', {
    GET: (x) => (body.quirks.has('settings-newest-404') ? x.reply(404, { message: 'URL not found' }) : x.reply(200, body.settings(110))),
  });

  // One route per setting (`shootingmodedial_movie` lives at `shootingmodedial/movie`); image quality at ver110
  // on the R50, ver100 on older bodies. Only the routes the profile lists are reachable (index.ts).
  const single = (name: string) => ({
    GET: (x: Exchange) => x.reply(200, body.setting(name)),
    PUT: (x: Exchange) => {
      const refusal = body.putSetting(name, field(x.body, 'value'));
      if (refusal) x.reply(refusal.status, { message: refusal.message });
      else x.reply(200, { value: body.setting(name)?.value });
    },
  });
  for (const name of Object.keys(R50_SETTINGS)) add(`ver100/shooting/settings/${name.replace(/_/g, '/')}`, single(name));
  for (const v of ['ver100', 'ver110']) add(`${v}/shooting/settings/stillimagequality`, single('stillimagequality'));

  add('ver100/functions/datetime', {
    GET: ok(() => body.datetime()),
    PUT: (x) => {
      const text = field(x.body, 'datetime');
      const dst = field(x.body, 'dst');
      const parsed = typeof text === 'string' && typeof dst === 'boolean' ? parseCanonDatetime(text, dst) : null;
      if (!parsed || typeof dst !== 'boolean') return x.reply(400, INVALID);
      body.setDatetime(parsed.utcMs, parsed.stdOffsetMin, dst);
      x.reply(200, {});
    },
  });

  add('ver100/shooting/control/shutterbutton', {
    POST: (x) => {
      const af = field(x.body, 'af');
      if (typeof af !== 'boolean') return x.reply(400, INVALID);
      if (af === false && body.quirks.has('af-required')) return x.reply(422, INVALID);
      // Decided on arrival (a second press during the latency is refused), answered after the latency.
      const answer = body.pressShutter();
      const refusal = answer === 'ignored' ? null : answer;
      const drop = refusal === null && body.takeDrop(); // fired, but the answer is lost
      body.timers.after(body.timings.pressLatencyMs, () =>
        drop ? x.drop() : refusal ? x.reply(refusal.status, { message: refusal.message }) : x.reply(200, {}),
      );
    },
  });

  // ver110: `timeout=immediately|short|long` (none: at once). ver100: `continue=on` holds like `long`, else at once.
  const poll = (version: 100 | 110): Handler => (x) => {
    body.countPoll();
    const timeout = x.query.get('timeout');
    const hold =
      version === 100
        ? x.query.get('continue') === 'on'
          ? body.timings.pollLongMs
          : 0
        : timeout === null || timeout === 'immediately'
          ? 0
          : timeout === 'short'
            ? body.timings.pollShortMs
            : timeout === 'long'
              ? body.timings.pollLongMs
              : -1;
    if (hold < 0) return x.reply(400, INVALID);
    const token = body.hub.poll(hold, (status, data) => x.reply(status, data));
    if (!token) return x.reply(503, { message: 'Already started' });
    x.onClose(() => body.hub.abandon(token));
  };
  const stopPolling: Handler = (x) => {
    if (!body.hub.stop()) return x.reply(503, { message: 'Not started' });
    return body.quirks.has('delete-204') ? x.reply(204, undefined) : x.reply(200, {});
  };
  add('ver110/event/polling', { GET: poll(110), DELETE: stopPolling });
  add('ver100/event/polling', { GET: poll(100), DELETE: stopPolling });

  for (const [path, handlers] of [...manualShutterRoutes(body), ...liveviewRoutes(body)]) add(path, handlers);

  return routes;
}
