// The SSDP client above node-ssdp: canned headers (as node-ssdp hands them over) go straight into SsdpWatcher.ingest (no multicast here; that
// is test/netns/), descriptions come from HTTP servers on loopback. Plus DiscoveringCamera over loopback simulators.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CameraError } from '../../machines/camera-port.ts';
import { startSimulator } from '../../adapters/camera-sim/index.ts';
import type { SsdpHeaders } from 'node-ssdp';
import { descriptionXml } from '../../adapters/camera-sim/ssdp.ts';
import { DiscoveringCamera } from '../../adapters/ssdp/discovering-camera.ts';
import { discoverCamera, SsdpWatcher, type DiscoveredCamera, type WatcherEvent } from '../../adapters/ssdp/discovery.ts';
import { CANON_DEVICE_TYPE, CANON_SERVICE_TYPE } from '../../adapters/ssdp/messages.ts';
import { until } from './sim-helpers.ts';

const S = suite('ssdp discovery');

const UUID = '00000000-0000-0000-0001-7438B7E2735F';
const USN = `uuid:${UUID}::${CANON_SERVICE_TYPE}`;

// What node-ssdp passes on for a Canon body's search reply, NOTIFY alive and byebye (docs/camera-notes.md §14).
const searchReply = (o: { maxAge: number; location: string; st: string; usn: string }): SsdpHeaders => ({
  'CACHE-CONTROL': `max-age=${o.maxAge}`,
  EXT: '',
  LOCATION: o.location,
  SERVER: 'Camera OS/1.0 UPnP/1.0 Canon Device Discovery/1.0',
  ST: o.st,
  USN: o.usn,
});
const notifyAlive = (o: { maxAge: number; location: string; nt: string; usn: string }): SsdpHeaders => ({
  HOST: '239.255.255.250:1900',
  'CACHE-CONTROL': `max-age=${o.maxAge}`,
  LOCATION: o.location,
  NT: o.nt,
  NTS: 'ssdp:alive',
  USN: o.usn,
});
const notifyByebye = (o: { nt: string; usn: string }): SsdpHeaders => ({ HOST: '239.255.255.250:1900', NT: o.nt, NTS: 'ssdp:byebye', USN: o.usn });

interface DescServer {
  location: string;
  requests: number;
  status: number;
  xml: string;
  close(): Promise<void>;
}

/** A description server on loopback, serving what the test says. */
async function descServer(accessUrl: string): Promise<DescServer> {
  const s: DescServer = {
    location: '',
    requests: 0,
    status: 200,
    xml: descriptionXml({ urlBase: 'http://x/upnp/', modelName: 'EOS R50', friendlyName: 'Degital Camera', serialNumber: '012345678901', uuid: UUID, accessUrl, onService: false }),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const server = http.createServer((_req, res) => {
    s.requests++;
    res.writeHead(s.status, { 'content-type': 'text/xml' });
    res.end(s.xml);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  s.location = `http://127.0.0.1:${(server.address() as AddressInfo).port}/upnp/CameraDevDesc.xml`;
  return s;
}

function record(watcher: SsdpWatcher): WatcherEvent[] {
  const events: WatcherEvent[] = [];
  watcher.subscribe((e) => events.push(e));
  return events;
}

S('a search response is described: accessUrl from X_accessURL, address from the sender', async () => {
  const desc = await descServer('https://192.168.4.2:443/ccapi');
  const watcher = new SsdpWatcher();
  const events = record(watcher);
  try {
    watcher.ingest('response', searchReply({ maxAge: 1800, location: desc.location, st: CANON_SERVICE_TYPE, usn: USN }), { address: '127.0.0.1' });
    await until(() => events.length > 0, 'found');
    assert.equal(events[0], {
      type: 'found',
      camera: {
        uuid: UUID,
        accessUrl: 'https://192.168.4.2:443/ccapi',
        modelName: 'EOS R50',
        friendlyName: 'Degital Camera',
        manufacturer: 'Canon',
        serialNumber: '012345678901',
        location: desc.location,
        address: '127.0.0.1',
        onService: false,
      },
    });
    assert.is(watcher.cameras().length, 1);
  } finally {
    await watcher.close();
    await desc.close();
  }
});

S('a burst of NOTIFY alive costs one description fetch and one event', async () => {
  const desc = await descServer('http://192.168.4.2:8080/ccapi');
  const watcher = new SsdpWatcher();
  const events = record(watcher);
  try {
    for (let i = 0; i < 2; i++) {
      for (const nt of ['upnp:rootdevice', `uuid:${UUID}`, CANON_DEVICE_TYPE, CANON_SERVICE_TYPE]) {
        const usn = nt.startsWith('uuid:') ? nt : `uuid:${UUID}::${nt}`;
        watcher.ingest('alive', notifyAlive({ maxAge: 1800, location: desc.location, nt, usn }), { address: '127.0.0.1' });
      }
    }
    await until(() => events.length > 0, 'found');
    watcher.ingest('alive', notifyAlive({ maxAge: 1800, location: desc.location, nt: CANON_SERVICE_TYPE, usn: USN }), { address: '127.0.0.1' });
    assert.is(desc.requests, 1);
    assert.equal(events.map((e) => e.type), ['found']);
  } finally {
    await watcher.close();
    await desc.close();
  }
});

S('a known UUID from a new address is re-described and reported as moved; byebye loses it', async () => {
  const before = await descServer('http://192.168.4.2:8080/ccapi');
  const after = await descServer('http://192.168.4.9:8080/ccapi');
  const watcher = new SsdpWatcher();
  const events = record(watcher);
  try {
    watcher.ingest('alive', notifyAlive({ maxAge: 1800, location: before.location, nt: CANON_SERVICE_TYPE, usn: USN }), { address: '127.0.0.1' });
    await until(() => events.length === 1, 'found');
    // Same UUID, new DHCP lease: the prior system ignored this until a byebye (docs/decisions.md §3).
    watcher.ingest('response', searchReply({ maxAge: 1800, location: after.location, st: CANON_SERVICE_TYPE, usn: USN }), { address: '127.0.0.9' });
    await until(() => events.length === 2, 'moved');
    const moved = events[1];
    assert.is(moved?.type, 'moved');
    if (moved?.type !== 'moved') return;
    assert.is(moved.previous.accessUrl, 'http://192.168.4.2:8080/ccapi');
    assert.is(moved.camera.accessUrl, 'http://192.168.4.9:8080/ccapi');
    assert.is(moved.camera.address, '127.0.0.9');
    assert.equal(watcher.cameras().map((c) => c.accessUrl), ['http://192.168.4.9:8080/ccapi']);

    // Byebye of any of its types removes it (here the root device's).
    watcher.ingest('byebye', notifyByebye({ nt: 'upnp:rootdevice', usn: `uuid:${UUID}::upnp:rootdevice` }), { address: '127.0.0.9' });
    const lost = events[2];
    assert.is(lost?.type, 'lost');
    if (lost?.type !== 'lost') return;
    assert.is(lost.reason, 'byebye');
    assert.is(lost.camera?.accessUrl, 'http://192.168.4.9:8080/ccapi');
    assert.equal(watcher.cameras(), []);
  } finally {
    await watcher.close();
    await before.close();
    await after.close();
  }
});

S('other devices are ignored; a bad description is a problem, retried on the next announcement', async () => {
  const desc = await descServer('http://192.168.4.2:8080/ccapi');
  const watcher = new SsdpWatcher();
  const events = record(watcher);
  try {
    // A router's root device: not a Canon type, unknown UUID.
    watcher.ingest('response', searchReply({ maxAge: 1800, location: desc.location, st: 'upnp:rootdevice', usn: 'uuid:router::upnp:rootdevice' }), { address: '127.0.0.1' });
    desc.status = 404;
    watcher.ingest('response', searchReply({ maxAge: 1800, location: desc.location, st: CANON_SERVICE_TYPE, usn: USN }), { address: '127.0.0.1' });
    await until(() => watcher.problems().length > 0, 'a problem');
    assert.match(watcher.problems()[0] ?? '', /HTTP 404/);
    desc.status = 200;
    desc.xml = desc.xml.replace(/<ns:X_accessURL.*<\/ns:X_accessURL>/, '');
    watcher.ingest('response', searchReply({ maxAge: 1800, location: desc.location, st: CANON_SERVICE_TYPE, usn: USN }), { address: '127.0.0.1' });
    await until(() => watcher.problems().length > 1, 'a second problem');
    assert.match(watcher.problems()[1] ?? '', /X_accessURL/);
    assert.equal(events, []);
    desc.xml = descriptionXml({ urlBase: 'http://x/upnp/', modelName: 'EOS R50', friendlyName: 'F', serialNumber: '1', uuid: UUID, accessUrl: 'http://192.168.4.2:8080/ccapi', onService: true });
    watcher.ingest('response', searchReply({ maxAge: 1800, location: desc.location, st: CANON_SERVICE_TYPE, usn: USN }), { address: '127.0.0.1' });
    await until(() => events.length > 0, 'found');
    assert.is(events[0]?.type === 'found' && events[0].camera.onService, true);
    assert.is(desc.requests, 3); // never for the router
  } finally {
    await watcher.close();
    await desc.close();
  }
});

S('nothing after close()', async () => {
  const desc = await descServer('http://192.168.4.2:8080/ccapi');
  const watcher = new SsdpWatcher();
  const events = record(watcher);
  await watcher.close();
  watcher.ingest('response', searchReply({ maxAge: 1800, location: desc.location, st: CANON_SERVICE_TYPE, usn: USN }), { address: '127.0.0.1' });
  assert.is(await watcher.search(), 0);
  await desc.close();
  assert.is(desc.requests, 0);
  assert.equal(events, []);
});

S('discoverCamera: no usable interface is UNREACHABLE at once, nothing sent', async () => {
  // A named interface that does not exist; the default (all interfaces) is covered with a fake table in
  // ssdp-registry.test.ts, since here it would search the real network.
  try {
    await discoverCamera({ interfaces: ['skylapse-none0'], timeoutMs: 60_000 });
    assert.unreachable('should reject');
  } catch (err) {
    assert.instance(err, CameraError);
    assert.is((err as CameraError).code, 'UNREACHABLE');
    assert.match((err as CameraError).message, /skylapse-none0/);
  }
});

S('discoverCamera: a cancelled search rejects UNREACHABLE without starting', async () => {
  const controller = new AbortController();
  controller.abort();
  try {
    await discoverCamera({ interfaces: ['skylapse-none0'], signal: controller.signal });
    assert.unreachable('should reject');
  } catch (err) {
    assert.is((err as CameraError).code, 'UNREACHABLE');
    assert.match((err as CameraError).message, /cancelled/);
  }
});

// ---- DiscoveringCamera over loopback simulators ----

const camera = (accessUrl: string): DiscoveredCamera => ({
  uuid: UUID,
  accessUrl,
  modelName: 'EOS R50',
  friendlyName: null,
  manufacturer: 'Canon',
  serialNumber: null,
  location: 'http://127.0.0.1:49152/upnp/CameraDevDesc.xml',
  address: '127.0.0.1',
  onService: false,
});

S('DiscoveringCamera: auto until found; re-discovers on every connect and follows a new address', async () => {
  const a = await startSimulator({ tv: '1/1000' });
  const b = await startSimulator({ tv: '1/1000' });
  const answers: (DiscoveredCamera | CameraError)[] = [camera(a.url), camera(a.url), camera(b.url)];
  let calls = 0;
  const cam = new DiscoveringCamera({
    discover: async () => {
      calls++;
      const next = answers.shift();
      if (!next || next instanceof CameraError) throw next ?? new CameraError('UNREACHABLE', 'no camera answered', true);
      return next;
    },
    camera: { watcher: { backoffMinMs: 20, backoffMaxMs: 200 } },
  });
  try {
    assert.is(cam.baseUrl, 'auto');
    const first = await cam.connect();
    assert.is(first.info.productname, 'Canon EOS R50');
    assert.is(cam.baseUrl, a.url);
    assert.is(cam.discovered?.accessUrl, a.url);
    await cam.connect(); // same URL: same CcapiCamera, still discovered again
    assert.is(calls, 2);
    assert.is(cam.baseUrl, a.url);
    const status = await cam.status();
    assert.is(status.tv, '1/1000');

    await cam.connect(); // the camera came back elsewhere
    assert.is(calls, 3);
    assert.is(cam.baseUrl, b.url);
    await until(() => a.control.state().openConnections === 0, 'the old camera released');
  } finally {
    await cam.close();
    await a.close();
    await b.close();
  }
});

S('DiscoveringCamera: the address it starts with is tried first, once; without auto it is the address, and retarget() moves it', async () => {
  const a = await startSimulator({ tv: '1/1000' });
  const b = await startSimulator({ tv: '1/1000' });
  let calls = 0;
  const hinted = new DiscoveringCamera({ url: a.url, discover: async () => (calls++, camera(b.url)) });
  const fixed = new DiscoveringCamera({ auto: false, url: a.url, discover: async () => (calls++, camera(b.url)) });
  try {
    await hinted.connect();
    assert.is(hinted.baseUrl, a.url);
    assert.is(calls, 0); // the last good address answered: no search
    await hinted.connect();
    assert.is(hinted.baseUrl, b.url); // a hint is used once; reconnects discover
    assert.is(calls, 1);

    await fixed.connect();
    fixed.retarget(b.url);
    await fixed.connect();
    assert.is(fixed.baseUrl, b.url);
    await fixed.connect();
    assert.is(fixed.baseUrl, b.url); // retargeted without auto: stays there
    assert.is(calls, 1); // never discovers
  } finally {
    await hinted.close();
    await fixed.close();
    await a.close();
    await b.close();
  }
});

S('DiscoveringCamera: the connected camera announced at another CCAPI root is reported moved and connected there next', async () => {
  const a = await startSimulator({ tv: '1/1000' });
  const b = await startSimulator({ tv: '1/1000' });
  let hear: ((e: WatcherEvent) => void) | undefined;
  const watcher = { subscribe: (l: (e: WatcherEvent) => void) => ((hear = l), () => undefined), start: async () => {}, search: () => 1, close: async () => {} };
  const cam = new DiscoveringCamera({ discover: async () => camera(a.url), createWatcher: () => watcher as unknown as SsdpWatcher }); // the watcher's socket side is not used here
  const moves: unknown[] = [];
  cam.onMoved((m) => moves.push(m));
  try {
    await cam.connect();
    assert.ok(hear, 'listening for announcements once connected');
    hear?.({ type: 'found', camera: camera(a.url) }); // where it is: nothing to do
    hear?.({ type: 'found', camera: { ...camera(b.url), uuid: 'another' } }); // another camera: none of ours
    assert.equal(moves, []);
    hear?.({ type: 'moved', camera: { ...camera(b.url), address: '127.0.0.1' }, previous: camera(a.url) });
    assert.equal(moves, [{ uuid: UUID, oldIP: '127.0.0.1', newIP: '127.0.0.1', baseUrl: b.url }]);
    await cam.connect();
    assert.is(cam.baseUrl, b.url);
  } finally {
    await cam.close();
    await a.close();
    await b.close();
  }
});

S('DiscoveringCamera: discovery failing falls back to the last-known address once; otherwise its error', async () => {
  const sim = await startSimulator({ tv: '1/1000' });
  const answers: (DiscoveredCamera | null)[] = [camera(sim.url), null, null];
  const cam = new DiscoveringCamera({
    discover: async () => {
      const next = answers.shift();
      if (!next) throw new CameraError('UNREACHABLE', 'no camera answered SSDP within 8 s', true);
      return next;
    },
    camera: { watcher: { backoffMinMs: 20, backoffMaxMs: 200 } },
  });
  try {
    await cam.connect();
    const again = await cam.connect(); // SSDP silent, the camera still where it was
    assert.is(again.info.productname, 'Canon EOS R50');
    await sim.close();
    try {
      await cam.connect();
      assert.unreachable('should reject');
    } catch (err) {
      assert.instance(err, CameraError);
      assert.is((err as CameraError).code, 'UNREACHABLE');
      assert.match((err as CameraError).message, /no camera answered/); // the discovery error, not the fallback's
    }
  } finally {
    await cam.close();
    await sim.close();
  }
});

S('DiscoveringCamera: before connect, status and shoot are refused; no discovery → its error', async () => {
  const cam = new DiscoveringCamera({
    discover: async () => {
      throw new CameraError('UNREACHABLE', 'no camera answered SSDP within 8 s', true);
    },
  });
  for (const call of [() => cam.status(), () => cam.shoot({ tag: { sessionId: 'test', number: 1 }, pressDeadlineMono: 0, fileDeadlineMono: 0 }), () => cam.connect()]) {
    try {
      await call();
      assert.unreachable('should reject');
    } catch (err) {
      assert.instance(err, CameraError);
    }
  }
  assert.is(cam.baseUrl, 'auto');
  await cam.close();
});

S('DiscoveringCamera: close() during discovery cancels it and brings up no camera', async () => {
  let seen: AbortSignal | undefined;
  const sim = await startSimulator();
  const cam = new DiscoveringCamera({
    discover: (opts) =>
      new Promise((resolve) => {
        seen = opts.signal;
        // Answers even when aborted, like a discovery whose reply raced the cancel.
        opts.signal?.addEventListener('abort', () => resolve(camera(sim.url)));
      }),
  });
  try {
    const connecting = cam.connect();
    await until(() => seen !== undefined, 'discovery started');
    await cam.close();
    try {
      await connecting;
      assert.unreachable('should reject');
    } catch (err) {
      assert.is((err as CameraError).code, 'UNREACHABLE');
      assert.match((err as CameraError).message, /cancelled/);
    }
    assert.is(seen?.aborted, true);
    assert.is(cam.baseUrl, 'auto');
    assert.is(sim.control.state().openConnections, 0);
  } finally {
    await sim.close();
  }
});

S.run();
