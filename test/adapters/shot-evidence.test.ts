// Night-safe shots against the simulator: one exposure per slot, evidence after a lost answer, files kept with
// the release that made them, and the card listing.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { CardFile, LateFiles } from '../../machines/camera-port.ts';
import { CcapiCamera } from '../../adapters/ccapi-camera.ts';
import { startSimulator, type SimulatedCamera, type SimulatorOptions } from '../../adapters/camera-sim/index.ts';
import { systemClock } from '../../adapters/clock.ts';
import { caught, until } from './sim-helpers.ts';

const S = suite('shot evidence and file attribution');

const CARD = '/ccapi/ver130/contents/card1/100CANON';
const FAST: SimulatorOptions = { tv: '1/1000', timings: { writeMs: 20, pressLatencyMs: 5, pollLongMs: 400, rawJpegGapMs: 50 } };

async function rig(simOpts: SimulatorOptions = FAST) {
  const sim = await startSimulator(simOpts);
  const camera = new CcapiCamera({
    baseUrl: sim.url,
    timeouts: { pollHoldMs: 400, pollSlackMs: 2_000 },
    watcher: { backoffMinMs: 20, backoffMaxMs: 200 },
    evidenceIntervalMs: 50,
  });
  return { sim, camera };
}

async function done(sim: SimulatedCamera, camera: CcapiCamera) {
  await camera.close();
  await sim.close();
}

const now = () => systemClock.mono();
const request = (number: number, pressMs = 3_000, fileMs = 6_000) => ({
  tag: { sessionId: 's', number },
  pressDeadlineMono: now() + pressMs,
  fileDeadlineMono: now() + fileMs,
});

S('dropAfterFire: the lost answer is not pressed again; the file confirms the shot', async () => {
  const { sim, camera } = await rig();
  try {
    await camera.connect();
    sim.control.dropAfterFire(1);
    const r = await camera.shoot(request(1));
    assert.is(r.attempts, 1);
    assert.is(r.confirmedByEvidence, true);
    assert.is(r.latencyMs, null);
    assert.equal(r.files, [`${CARD}/IMG_0001.JPG`]);
    assert.is(sim.control.state().presses.length, 1, 'one exposure');
    assert.is(sim.control.state().pressRequests, 1, 'one request');
    const next = await camera.shoot(request(2));
    assert.equal(next.files, [`${CARD}/IMG_0002.JPG`]);
    assert.is(next.confirmedByEvidence, false);
  } finally {
    await done(sim, camera);
  }
});

S('UNCONFIRMED when no evidence comes inside the press window; the file later arrives under its own tag', async () => {
  const { sim, camera } = await rig({ ...FAST, tv: '1"' });
  const late: LateFiles[] = [];
  camera.onLateFiles((l) => late.push(l));
  try {
    await camera.connect();
    sim.control.dropAfterFire(1);
    // The exposure (1 s) outlasts the press window (300 ms): the camera cannot show a file in time.
    const e = await caught(camera.shoot(request(7, 300, 600)));
    assert.is(e.code, 'UNCONFIRMED');
    assert.is(e.attempts, 1);
    assert.is(sim.control.state().presses.length, 1, 'never pressed twice');
    await until(() => late.length === 1, 'late file');
    assert.equal(late[0]!.tag, { sessionId: 's', number: 7 });
    assert.equal(late[0]!.files, [`${CARD}/IMG_0001.JPG`]);
  } finally {
    await done(sim, camera);
  }
});

S('RAW+JPEG: both files of one release on one shot, CR3 first', async () => {
  const { sim, camera } = await rig();
  try {
    sim.control.setModes({ rawJpeg: true });
    await camera.connect();
    const a = await camera.shoot(request(1));
    assert.equal(a.files, [`${CARD}/IMG_0001.CR3`, `${CARD}/IMG_0001.JPG`]);
    const b = await camera.shoot(request(2));
    assert.equal(b.files, [`${CARD}/IMG_0002.CR3`, `${CARD}/IMG_0002.JPG`]);
    assert.is(sim.control.state().card.length, 4);
  } finally {
    await done(sim, camera);
  }
});

S('long noise reduction: the late file goes back to its own release, the next shot gets its own file', async () => {
  const { sim, camera } = await rig();
  const late: LateFiles[] = [];
  camera.onLateFiles((l) => late.push(l));
  try {
    await camera.connect();
    sim.control.setModes({ noiseReductionMs: 1_500 });
    const first = await camera.shoot(request(1, 3_000, 100)); // gives up on its file before the NR ends
    assert.equal(first.files, []);
    const second = await camera.shoot(request(2)); // busy during NR, pressed again until accepted
    assert.ok(second.attempts > 1, 'refused while the camera processed the first');
    assert.equal(second.files, [`${CARD}/IMG_0002.JPG`]);
    assert.equal(late.map((l) => [l.tag.number, l.files]), [[1, [`${CARD}/IMG_0001.JPG`]]]);
    assert.is(sim.control.state().presses.length, 2);
  } finally {
    await done(sim, camera);
  }
});

S('filesSince: after a path by numbering, and by date with capture times', async () => {
  const { sim, camera } = await rig();
  try {
    await camera.connect();
    const wallBefore = systemClock.wall();
    for (let n = 1; n <= 3; n++) await camera.shoot(request(n));
    const after: CardFile[] = await camera.filesSince({ path: `${CARD}/IMG_0001.JPG`, wall: 0 });
    assert.equal(after.map((f) => f.path), [`${CARD}/IMG_0002.JPG`, `${CARD}/IMG_0003.JPG`]);
    const all = await camera.filesSince({ path: null, wall: wallBefore });
    assert.is(all.length, 3);
    for (const f of all) {
      assert.ok(f.capturedAt !== null && f.capturedAt >= Math.floor(wallBefore / 1000) * 1000, `dated ${f.capturedAt}`);
    }
    assert.equal(await camera.filesSince({ path: `${CARD}/IMG_0003.JPG`, wall: 0 }), []);
  } finally {
    await done(sim, camera);
  }
});

S('a reconnected camera keeps numbering from the card and credits nothing twice', async () => {
  const { sim, camera } = await rig();
  try {
    await camera.connect();
    await camera.shoot(request(1));
    await camera.connect();
    const r = await camera.shoot(request(2));
    assert.equal(r.files, [`${CARD}/IMG_0002.JPG`]);
  } finally {
    await done(sim, camera);
  }
});

S.run();
