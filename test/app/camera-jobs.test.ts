// Test photo, live view and bulb through the controller and the camera machine, against the simulator: what a
// phone sees (replies, broadcasts, the preview over HTTP), the refusals, and the release of a shutter a crashed
// process left held.
import { commandSchemas } from '../../transport/protocol.ts';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { requireBulb } from '../../app/camera-jobs.ts';
import { Controller } from '../../app/controller.ts';
import { startSimulator, type SimulatedCamera } from '../../adapters/camera-sim/index.ts';
import { CcapiCamera } from '../../adapters/ccapi-camera.ts';
import { systemClock } from '../../adapters/clock.ts';
import { CAMERA_MACHINE_VERSION, cameraMachine } from '../../machines/camera.ts';
import { openStore, type Store } from '../../store/db.ts';
import { EventLog } from '../../store/event-log.ts';
import { JournaledStream } from '../../store/journal.ts';
import { buildHttp } from '../../transport/http.ts';
import { ProtocolError, type Broadcast } from '../../transport/protocol.ts';
import { call, ccapi, until } from '../adapters/sim-helpers.ts';

/** A plan as the start command would parse it. */
const startCommand = (data: Record<string, unknown>) => commandSchemas.start_intervalometer.parse(data);

const S = suite('camera jobs through the controller');
const logger = pino({ level: 'silent' });

interface Rig {
  sim: SimulatedCamera;
  controller: Controller;
  store: Store;
  log: EventLog;
  dir: string;
  heard: Broadcast[];
  close(): Promise<void>;
}

async function rig(o: { tv?: string; sim?: SimulatedCamera; dir?: string; store?: Store } = {}): Promise<Rig> {
  const sim = o.sim ?? (await startSimulator({ tv: o.tv ?? '1/1000', timings: { writeMs: 20, pressLatencyMs: 5, pollLongMs: 400 } }));
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'i7-machine-jobs-'));
  const store = o.store ?? openStore(':memory:');
  const log = new EventLog(store);
  const camera = new CcapiCamera({ baseUrl: sim.url, timeouts: { pollHoldMs: 400, pollSlackMs: 2_000 }, watcher: { backoffMinMs: 20, backoffMaxMs: 200 } });
  const controller = new Controller({ store, log, camera, simulated: true, clock: systemClock, logger, dataDir: dir, statusIntervalMs: 50, liveviewIdleMs: 150 });
  const heard: Broadcast[] = [];
  controller.onBroadcast((b) => heard.push(b));
  controller.start();
  await until(() => controller.cameraState().state === 'connected' && controller.cameraState().activity === 'idle', 'the camera to connect');
  return {
    sim,
    controller,
    store,
    log,
    dir,
    heard,
    close: async () => {
      await controller.stop();
      if (!o.sim) await sim.close();
      if (!o.store) store.close();
      if (!o.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function refusal(p: Promise<unknown> | (() => unknown)): Promise<ProtocolError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    if (err instanceof ProtocolError) return err;
    throw err;
  }
  throw new Error('expected a ProtocolError');
}

S('a test photo: logged through the camera machine, preview kept and served over HTTP with its EXIF', async () => {
  const r = await rig();
  try {
    const { photo } = await r.controller.jobs.takeTestPhoto(null);
    assert.is(photo.files.length, 1);
    assert.is(photo.preview?.kind, 'display');
    assert.is(photo.preview?.exif?.model, 'Canon EOS R50');
    assert.is(photo.preview?.exif?.iso, 1600);
    assert.ok(existsSync(join(r.dir, 'test-photos', `${photo.id}.jpg`)));
    const types = r.log.readStream('camera').map((e) => e.type);
    for (const t of ['TAKE_TEST_PHOTO', 'TEST_PHOTO_PROGRESS', 'TEST_PHOTO_DONE']) assert.ok(types.includes(t), `${t} is logged`);
    const stages = r.heard.filter((b) => b.type === 'test_photo_progress').map((b) => (b.data.testPhoto as { stage: string }).stage);
    assert.equal([stages[0], stages.at(-1)], ['pressing', 'saving']);
    assert.ok(stages.includes('downloading'));
    assert.is(r.heard.filter((b) => b.type === 'photo_taken').length, 1);

    const app = await buildHttp({ controller: r.controller, store: r.store, log: r.log, clock: systemClock, logger, version: 'test' });
    const image = await app.inject({ method: 'GET', url: photo.preview!.url });
    assert.is(image.statusCode, 200);
    assert.is(image.headers['content-type'], 'image/jpeg');
    assert.is(image.rawPayload.length, photo.preview!.bytes);
    for (const url of ['/api/test-photos/..%2Fskylapse.db', '/api/test-photos/%2e%2e%2f%2e%2e%2fetc%2fpasswd', '/api/test-photos/x.jpg', `/api/test-photos/${photo.id}.jpg.part`]) {
      const res = await app.inject({ method: 'GET', url });
      assert.is(res.statusCode, 404, url);
      assert.is(JSON.parse(res.body).code, 'NOT_FOUND');
    }
    await app.close();
  } finally {
    await r.close();
  }
});

S('two test photos cannot overlap, and live view waits for the photo: CAMERA_BUSY', async () => {
  const r = await rig({ tv: '0"3' });
  try {
    const first = r.controller.jobs.takeTestPhoto(null);
    const busy = await refusal(r.controller.jobs.takeTestPhoto(null));
    assert.is(busy.code, 'CAMERA_BUSY');
    assert.is(busy.details?.activity, 'test_photo');
    assert.is((await refusal(r.controller.jobs.liveviewFrame())).code, 'CAMERA_BUSY');
    await first;
    assert.is(r.sim.control.state().pressRequests, 1);
  } finally {
    await r.close();
  }
});

S('refused while a session holds the camera: SESSION_ACTIVE', async () => {
  const r = await rig();
  try {
    r.controller.startSession(startCommand({ interval: 1, totalShots: 3 }));
    assert.is((await refusal(r.controller.jobs.takeTestPhoto(null))).code, 'SESSION_ACTIVE');
    assert.is((await refusal(r.controller.jobs.liveviewFrame())).code, 'SESSION_ACTIVE');
    r.controller.stopSession();
  } finally {
    await r.close();
  }
});

S('live view: started by the first frame, frames served by URL, off by itself after the idle timeout', async () => {
  const r = await rig();
  try {
    const { frame } = await r.controller.jobs.liveviewFrame();
    assert.is(r.controller.cameraState().activity, 'liveview');
    const second = (await r.controller.jobs.liveviewFrame()).frame;
    assert.is.not(second.url, frame.url);
    assert.ok(r.controller.jobs.liveviewFrameBytes(Number(/(\d+)\.jpg$/.exec(second.url)![1])));
    assert.is(r.controller.jobs.liveviewFrameBytes(Number(/(\d+)\.jpg$/.exec(frame.url)![1])), null, 'only the newest frame is kept');
    await until(() => r.heard.some((b) => b.type === 'liveview_changed' && b.data.on === false), 'live view to go off');
    const off = r.heard.find((b) => b.type === 'liveview_changed' && b.data.on === false)!;
    assert.is(off.data.reason, 'idle');
    await until(() => r.controller.cameraState().activity === 'idle', 'the camera to be idle');
  } finally {
    await r.close();
  }
});

S('bulb is refused unless the dial is on M and Tv on BULB, and says which', async () => {
  const status = { battery: null, storage: null, temperature: 'normal', tvSeconds: null };
  const av = await refusal(() => requireBulb({ ...status, tv: 'bulb', mode: 'av' }));
  assert.is(av.code, 'BULB_NOT_AVAILABLE');
  assert.match(av.message, /mode dial on M \(it is on AV\)/);
  const tv = await refusal(() => requireBulb({ ...status, tv: '1/125', tvSeconds: 0.008, mode: 'm' }));
  assert.match(tv.message, /BULB/);
  requireBulb({ ...status, tv: 'bulb', mode: 'm' });
  const r = await rig();
  try {
    assert.is((await refusal(r.controller.jobs.takeTestPhoto(2.5))).code, 'BULB_NOT_AVAILABLE');
    assert.is((await refusal(() => r.controller.startSession(startCommand({ interval: 5, totalShots: 2, bulbSeconds: 2 })))).code, 'BULB_NOT_AVAILABLE');
  } finally {
    await r.close();
  }
});

S('a bulb test photo: opened and closed on record, the file and its preview follow', async () => {
  const r = await rig({ tv: 'bulb' });
  try {
    const { photo } = await r.controller.jobs.takeTestPhoto(0.3);
    assert.is(photo.bulbSeconds, 0.3);
    assert.is(photo.files.length, 1);
    const types = r.log.readStream('camera').map((e) => e.type);
    assert.ok(types.indexOf('BULB_OPENED') < types.indexOf('BULB_CLOSED'));
    assert.is(r.controller.cameraState().heldShutter, null);
    assert.is(r.sim.control.state().bulbs.length, 1);
  } finally {
    await r.close();
  }
});

S('a stop during a bulb frame of a session releases at once, records the frame and suspends the session', async () => {
  const r = await rig({ tv: 'bulb' });
  try {
    r.controller.startSession(startCommand({ interval: 120, totalShots: 2, bulbSeconds: 60 }));
    await until(() => r.sim.control.state().phase === 'exposing', 'the bulb to open');
    await r.controller.stop();
    const bulb = r.sim.control.state().bulbs[0]!;
    assert.ok(bulb.closeMono !== null, 'released before the service stopped');
    assert.ok(bulb.closeMono - bulb.openMono < 60_000, 'cut short, not waited out');
    const session = r.controller.state().intervalometer!;
    assert.is(session.state, 'suspended');
    assert.is(session.counts.ok, 1);
  } finally {
    await r.close();
  }
});

S('after a crash mid-bulb, the next start releases the shutter first, and says so', async () => {
  const sim = await startSimulator({ tv: 'bulb', timings: { writeMs: 20, pressLatencyMs: 5, pollLongMs: 400 } });
  const dir = mkdtempSync(join(tmpdir(), 'i7-machine-crash-'));
  const store = openStore(join(dir, 'skylapse.db'));
  try {
    // The dead process's log: connected, a bulb test photo whose shutter opened and was never logged as closed.
    const log = new EventLog(store);
    const journal = new JournaledStream(cameraMachine, 'camera', log, systemClock, { machineVersion: CAMERA_MACHINE_VERSION, foldFromLastStart: true });
    const info = { manufacturer: 'Canon Inc.', productname: 'Canon EOS R50', serialnumber: '1', firmwareversion: '1.1.0' };
    const status = { battery: null, storage: null, temperature: 'normal', tv: 'bulb', tvSeconds: null, mode: 'm' };
    journal.record({ type: 'xstate.init', input: { baseUrl: sim.url, simulated: true } });
    journal.record({ type: 'xstate.done.actor.connect', output: { baseUrl: sim.url, info, status, mono: 1, wall: 1 } });
    journal.record({ type: 'TAKE_TEST_PHOTO', id: 'old', at: 2, bulbSeconds: 600 });
    journal.record({ type: 'BULB_OPENED', owner: 'test-photo:old', wall: 3, releaseAtMono: 600_003 });
    // …and the camera, still exposing.
    assert.is((await call(ccapi(sim.url, '/ccapi/ver100/shooting/control/shutterbutton/manual'), 'POST', { action: 'full_press', af: false })).status, 200);
    assert.is(sim.control.state().phase, 'exposing');

    const r = await rig({ sim, dir, store });
    try {
      await until(() => r.heard.some((b) => b.type === 'shutter_released'), 'shutter_released');
      const released = r.heard.find((b) => b.type === 'shutter_released')!;
      assert.equal(released.data.held, { owner: 'test-photo:old', openedAt: 3, releaseAtMono: 600_003 });
      assert.is(released.data.ok, true);
      assert.ok(sim.control.state().bulbs[0]!.closeMono !== null, 'the camera saw the release');
      const types = r.log.readStream('camera').map((e) => e.type);
      assert.ok(types.includes('xstate.done.actor.releaseShutter'), 'the release is in the log');
    } finally {
      await r.close();
    }
  } finally {
    store.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

S('live view a crashed process left on is switched off at the next start', async () => {
  const sim = await startSimulator({ timings: { writeMs: 20, pressLatencyMs: 5, pollLongMs: 400 } });
  const store = openStore(':memory:');
  try {
    const journal = new JournaledStream(cameraMachine, 'camera', new EventLog(store), systemClock, { machineVersion: CAMERA_MACHINE_VERSION, foldFromLastStart: true });
    const info = { manufacturer: 'Canon Inc.', productname: 'Canon EOS R50', serialnumber: '1', firmwareversion: '1.1.0' };
    const status = { battery: null, storage: null, temperature: 'normal', tv: '1/125', tvSeconds: 0.008, mode: 'm' };
    journal.record({ type: 'xstate.init', input: { baseUrl: sim.url, simulated: true } });
    journal.record({ type: 'xstate.done.actor.connect', output: { baseUrl: sim.url, info, status, mono: 1, wall: 1 } });
    journal.record({ type: 'LIVEVIEW_START', at: 2 });
    journal.record({ type: 'xstate.done.actor.liveviewStart' });
    const liveview = ccapi(sim.url, '/ccapi/ver100/shooting/liveview');
    assert.is((await call(liveview, 'POST', { liveviewsize: 'small', cameradisplay: 'on' })).status, 200);
    const flip = () => call(ccapi(sim.url, '/ccapi/ver100/shooting/liveview/flip')).then((r) => r.status, () => 200);
    const r = await rig({ sim, store });
    try {
      assert.is(await flip(), 503, 'live view is off');
      assert.is(r.controller.cameraState().activity, 'idle');
      assert.ok(r.log.readStream('camera').some((e) => e.type === 'xstate.done.actor.liveviewStop'));
    } finally {
      await r.close();
    }
  } finally {
    store.close();
    await sim.close();
  }
});

S.run();
