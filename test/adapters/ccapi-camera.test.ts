import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CameraError } from '../../machines/camera-port.ts';
import { CcapiCamera, type CcapiCameraOptions } from '../../adapters/ccapi-camera.ts';
import { startSimulator, type SimulatedCamera, type SimulatorOptions } from '../../adapters/camera-sim/index.ts';
import { CcapiClient } from '../../adapters/ccapi/client.ts';
import { EventWatcher } from '../../adapters/ccapi/events.ts';
import { CcapiHttp } from '../../adapters/ccapi/http.ts';
import { systemClock } from '../../adapters/clock.ts';
import { call, caught, ccapi, until } from './sim-helpers.ts';

const S = suite('ccapi camera against the simulator');

const POLL_HOLD_MS = 400;
const FAST: SimulatorOptions = { tv: '1/1000', timings: { writeMs: 20, pressLatencyMs: 5, pollLongMs: POLL_HOLD_MS } };

async function rig(simOpts: SimulatorOptions = FAST, camOpts: Partial<CcapiCameraOptions> = {}) {
  const sim = await startSimulator(simOpts);
  const camera = new CcapiCamera({
    baseUrl: sim.url,
    timeouts: { pollHoldMs: simOpts.timings?.pollLongMs ?? POLL_HOLD_MS, pollSlackMs: 2_000 },
    watcher: { backoffMinMs: 20, backoffMaxMs: 200 },
    ...camOpts,
  });
  return { sim, camera };
}

async function done(sim: SimulatedCamera, camera: CcapiCamera) {
  await camera.close();
  await sim.close();
}

const now = () => systemClock.mono();
let slot = 0;
const deadlines = (pressMs = 2_000, fileMs = 5_000) => ({
  tag: { sessionId: 'test', number: ++slot },
  pressDeadlineMono: now() + pressMs,
  fileDeadlineMono: now() + fileMs,
});

S('connect: device information and status', async () => {
  const { sim, camera } = await rig();
  try {
    const { info, status } = await camera.connect();
    assert.is(info.productname, 'Canon EOS R50');
    assert.is(info.manufacturer, 'Canon Inc.');
    assert.is(info.serialnumber, '012345678901');
    assert.is(info.firmwareversion, '1.1.0');
    assert.equal(status.battery, { kind: 'battery', name: 'LP-E17', level: 'full', quality: 'good' });
    assert.is(status.storage?.name, 'card1');
    assert.is(status.storage?.contents, 0);
    assert.ok((status.storage?.spaceBytes ?? 0) > 0);
    assert.is(status.temperature, 'normal');
    assert.is(status.tv, '1/1000');
    assert.is(status.tvSeconds, 0.001);
    const dt = await camera.datetime();
    assert.type(dt.utcMs, 'number');
    await until(() => sim.control.state().pollPending, 'watcher long poll');
  } finally {
    await done(sim, camera);
  }
});

S('two shots return consecutive files; storage follows', async () => {
  const { sim, camera } = await rig();
  try {
    await camera.connect();
    const a = await camera.shoot(deadlines());
    assert.equal(a.files, ['/ccapi/ver130/contents/card1/100CANON/IMG_0001.JPG']);
    assert.is(a.attempts, 1);
    assert.ok(a.latencyMs !== null && a.latencyMs >= 0);
    assert.is(a.confirmedByEvidence, false);
    assert.ok(a.doneMono >= a.triggerMono);
    assert.ok(a.triggerWall > 0);
    const b = await camera.shoot(deadlines());
    assert.equal(b.files, ['/ccapi/ver130/contents/card1/100CANON/IMG_0002.JPG']);
    const st = await camera.status();
    assert.is(st.storage?.contents, 2);
  } finally {
    await done(sim, camera);
  }
});

S('busyNext(2): the shot succeeds on the third attempt', async () => {
  const { sim, camera } = await rig();
  try {
    await camera.connect();
    sim.control.busyNext(2);
    const r = await camera.shoot(deadlines());
    assert.is(r.attempts, 3);
    assert.ok(r.files[0]?.endsWith('/100CANON/IMG_0001.JPG'));
    assert.is(sim.control.state().busyRefusals, 2);
  } finally {
    await done(sim, camera);
  }
});

S('busy beyond the press deadline → BUSY', async () => {
  const { sim, camera } = await rig();
  try {
    await camera.connect();
    sim.control.busyNext(1_000);
    const e = await caught(camera.shoot(deadlines(300)));
    assert.is(e.code, 'BUSY');
    assert.ok(e.transient);
    assert.match(e.message, /Device busy/);
    assert.ok(sim.control.state().pressRequests > 1, 'it retried');
    assert.is(e.attempts, sim.control.state().pressRequests, 'the error says how many presses were sent');
    assert.is(sim.control.state().shots, 0);
  } finally {
    await done(sim, camera);
  }
});

S('card full → CARD without retries', async () => {
  const { sim, camera } = await rig();
  try {
    await camera.connect();
    sim.control.setCardFull(true);
    const e = await caught(camera.shoot(deadlines()));
    assert.is(e.code, 'CARD');
    assert.is(e.transient, false);
    assert.match(e.message, /Can not write to card/);
    assert.is(sim.control.state().pressRequests, 1);
    assert.is((await camera.status()).storage?.spaceBytes, 0);
  } finally {
    await done(sim, camera);
  }
});

S('offline: a reset press is never sent again → UNCONFIRMED; shots work again after the window', async () => {
  const { sim, camera } = await rig();
  try {
    await camera.connect();
    sim.control.goOffline(600);
    const e = await caught(camera.shoot(deadlines(200)));
    // The sim resets the request after it arrived: it may have fired, so the camera's evidence decides.
    assert.is(e.code, 'UNCONFIRMED');
    assert.is(e.attempts, 1);
    await until(() => sim.control.state().offlineUntil === null, 'end of the offline window');
    const r = await camera.shoot(deadlines(2_000, 8_000));
    assert.ok(r.files[0]?.endsWith('/100CANON/IMG_0001.JPG'), `files ${r.files}`);
  } finally {
    await done(sim, camera);
  }
});

S('the event watcher survives a dropped poll', async () => {
  const { sim, camera } = await rig();
  try {
    await camera.connect();
    await until(() => sim.control.state().pollPending, 'first long poll');
    sim.control.goOffline(50);
    await until(() => !sim.control.state().pollPending, 'poll dropped');
    await until(() => sim.control.state().offlineUntil === null, 'back online');
    await until(() => sim.control.state().pollPending, 'watcher polling again');
    const r = await camera.shoot(deadlines());
    assert.ok(r.files[0]?.endsWith('IMG_0001.JPG'));
  } finally {
    await done(sim, camera);
  }
});

S('commands do not queue behind a pending long poll (separate lanes)', async () => {
  const { sim, camera } = await rig({ ...FAST, timings: { ...FAST.timings, pollLongMs: 20_000 } });
  try {
    await camera.connect();
    await until(() => sim.control.state().pollPending, 'long poll held');
    // Both must finish well inside the 20 s hold; on one socket they would wait for it.
    const st = await camera.status();
    assert.is(st.temperature, 'normal');
    const r = await camera.shoot(deadlines(2_000, 5_000));
    assert.ok(r.files[0]?.endsWith('IMG_0001.JPG'));
    assert.ok(sim.control.state().openConnections <= 2, `connections ${sim.control.state().openConnections}`);
  } finally {
    await done(sim, camera);
  }
});

S('connect clears a stale poll session left by another client', async () => {
  const { sim, camera } = await rig({ ...FAST, timings: { ...FAST.timings, pollLongMs: 20_000 } });
  try {
    const stale = call(ccapi(sim.url, '/ccapi/ver110/event/polling?timeout=long'));
    await until(() => sim.control.state().pollPending, 'stale poll');
    await camera.connect();
    assert.equal(await stale, { status: 200, json: {} }); // ended by the watcher's DELETE
    const r = await camera.shoot(deadlines());
    assert.is(r.files.length, 1);
  } finally {
    await done(sim, camera);
  }
});

S('a status read requested during a shot waits for the shot', async () => {
  const { sim, camera } = await rig();
  try {
    await camera.connect();
    const order: string[] = [];
    const shot = camera.shoot(deadlines()).then((r) => {
      order.push('shot');
      return r;
    });
    const status = camera.status().then((s) => {
      order.push('status');
      return s;
    });
    const [, st] = await Promise.all([shot, status]);
    assert.equal(order, ['shot', 'status']);
    assert.is(st.storage?.contents, 1); // read after the file was written
  } finally {
    await done(sim, camera);
  }
});

S('bulb: refused at once, not retried', async () => {
  const { sim, camera } = await rig();
  try {
    await camera.connect();
    sim.control.setTv('bulb');
    const st = await camera.status();
    assert.is(st.tv, 'bulb');
    assert.is(st.tvSeconds, null);
    const e = await caught(camera.shoot(deadlines()));
    assert.is(e.code, 'REJECTED');
    assert.is(sim.control.state().pressRequests, 1);
  } finally {
    await done(sim, camera);
  }
});

S('unknown paths and methods → NOT_SUPPORTED; calls before connect are refused', async () => {
  const { sim, camera } = await rig();
  const http = new CcapiHttp(sim.url);
  try {
    assert.is((await caught(camera.status())).code, 'REJECTED');
    const client = new CcapiClient(http);
    await client.negotiate();
    assert.throws(() => client.topology.resolve('functions/nonexistent', 'get'), (e: unknown) => e instanceof CameraError && e.code === 'NOT_SUPPORTED');
    // Unadvertised on the R50: ver100 polling (404) and POST on deviceinformation (405).
    const e404 = await caught(http.request('command', 'GET', '/ccapi/ver100/event/polling', { context: 'poll', timeoutMs: 2_000 }));
    assert.is(e404.code, 'NOT_SUPPORTED');
    assert.is(e404.status, 404);
    assert.match(e404.message, /URL not found/);
    const e405 = await caught(http.request('command', 'POST', '/ccapi/ver100/deviceinformation', { context: 'info', timeoutMs: 2_000, body: {} }));
    assert.is(e405.code, 'NOT_SUPPORTED');
    const e400 = await caught(http.request('command', 'POST', '/ccapi/ver100/shooting/control/shutterbutton', { context: 'shutter', timeoutMs: 2_000, body: {} }));
    assert.is(e400.code, 'REJECTED');
  } finally {
    await http.close();
    await done(sim, camera);
  }
});

S('unreachable camera: connect fails with UNREACHABLE', async () => {
  const sim = await startSimulator(FAST);
  const url = sim.url;
  await sim.close(); // nothing listens there now
  const camera = new CcapiCamera({ baseUrl: url });
  try {
    const e = await caught(camera.connect());
    assert.is(e.code, 'UNREACHABLE');
    assert.ok(e.transient);
  } finally {
    await camera.close();
  }
});

S('watcher: hands every added file to onFiles, in the camera\'s order', async () => {
  const sim = await startSimulator(FAST);
  const http = new CcapiHttp(sim.url);
  const client = new CcapiClient(http, { statusMs: 2_000, shutterMs: 5_000, pollHoldMs: POLL_HOLD_MS, pollSlackMs: 2_000 });
  await client.negotiate();
  const seen: string[] = [];
  const watcher = new EventWatcher({ client, clock: systemClock, backoffMinMs: 20, backoffMaxMs: 200, onFiles: (p) => seen.push(...p) });
  try {
    watcher.start();
    await client.shutterButton(false);
    await until(() => seen.length === 1, 'first file');
    await client.shutterButton(false);
    await until(() => seen.length === 2, 'second file');
    assert.ok(seen[0]!.endsWith('IMG_0001.JPG') && seen[1]!.endsWith('IMG_0002.JPG'), seen.join());
  } finally {
    await watcher.stop();
    await http.close();
    await sim.close();
  }
});

S('HTTP fault control drives the client too', async () => {
  const { sim, camera } = await rig();
  try {
    await camera.connect();
    const r = await call(ccapi(sim.url, '/_sim/faults'), 'POST', { busyNext: 1 });
    assert.is(r.status, 200);
    const shot = await camera.shoot(deadlines());
    assert.is(shot.attempts, 2);
    const st = (await call(ccapi(sim.url, '/_sim/state'))).json as { shots: number; busyRefusals: number };
    assert.is(st.shots, 1);
    assert.is(st.busyRefusals, 1);
  } finally {
    await done(sim, camera);
  }
});

S.run();
