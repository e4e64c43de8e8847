// Test-photo previews, live view and bulb against the simulator (and the real R50 JPEGs where they lie): the
// client's downloads, the manual shutter, and a stop during a bulb that must still release.
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CcapiCamera } from '../../adapters/ccapi-camera.ts';
import { startSimulator, type SimulatorOptions } from '../../adapters/camera-sim/index.ts';
import { skyJpeg } from '../../adapters/camera-sim/images.ts';
import { CcapiClient } from '../../adapters/ccapi/client.ts';
import { CcapiHttp } from '../../adapters/ccapi/http.ts';
import { downloadPreview } from '../../adapters/ccapi/preview.ts';
import { systemClock } from '../../adapters/clock.ts';
import { readExif } from '../../app/test-photo.ts';
import { caught, until } from './sim-helpers.ts';

const S = suite('camera images: previews, live view, bulb');
const FAST: SimulatorOptions = { tv: '1/1000', timings: { writeMs: 20, pressLatencyMs: 5, pollLongMs: 400 } };
const FIXTURES = new URL('../../../../shared/fixtures/ccapi-r50/', import.meta.url);
const fixture = (name: string) => new URL(name, FIXTURES);

async function rig(opts: SimulatorOptions = FAST) {
  const sim = await startSimulator(opts);
  const camera = new CcapiCamera({ baseUrl: sim.url, timeouts: { pollHoldMs: 400, pollSlackMs: 2_000 }, watcher: { backoffMinMs: 20, backoffMaxMs: 200 } });
  await camera.connect();
  return {
    sim,
    camera,
    close: async () => {
      await camera.close();
      await sim.close();
    },
  };
}

let slot = 0;
const request = (extraMs = 0) => {
  const now = systemClock.mono();
  return { tag: { sessionId: 'images', number: ++slot }, pressDeadlineMono: now + 2_000, fileDeadlineMono: now + extraMs + 5_000 };
};

/** Width and height from a JPEG's SOF0 segment. */
function jpegSize(b: Buffer): { width: number; height: number } {
  for (let i = 2; i < b.length; ) {
    const marker = b.readUInt16BE(i);
    const length = b.readUInt16BE(i + 2);
    if (marker === 0xffc0) return { height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
    i += 2 + length;
  }
  throw new Error('no SOF0');
}

S('the real R50 display JPEG: EXIF read with exifr; its thumbnail has none', async () => {
  if (!existsSync(fixture('IMG_3086_display.JPG'))) {
    console.log('  skipped: ../shared/fixtures/ccapi-r50/ is absent');
    return;
  }
  const display = readFileSync(fixture('IMG_3086_display.JPG'));
  const exif = await readExif(display);
  assert.is(exif?.model, 'Canon EOS R50');
  // The capture time is DateTimeOriginal; the file's DateTime (2025:04:14 16:25:58) is when it was last written.
  assert.equal(exif, { model: 'Canon EOS R50', exposureSeconds: 1 / 3200, fNumber: 7.1, iso: 500, capturedAt: '2025-03-20T18:01:37' });
  assert.equal(jpegSize(display), { width: 1620, height: 1080 });
  const thumbnail = readFileSync(fixture('IMG_3086_thumbnail.JPG'));
  assert.is(await readExif(thumbnail), null);
  assert.equal(jpegSize(thumbnail), { width: 160, height: 120 });
});

S('the simulator previews have the real ones’ sizes and shapes: display with EXIF, thumbnail without', async () => {
  const { sim, camera, close } = await rig();
  try {
    const shot = await camera.shoot(request());
    const display = await camera.preview(shot.files[0]!);
    assert.is(display.kind, 'display');
    assert.equal(jpegSize(display.bytes), { width: 1620, height: 1080 });
    const exif = await readExif(display.bytes);
    assert.is(exif?.model, 'Canon EOS R50');
    assert.is(exif?.exposureSeconds, 0.001);
    assert.is(exif?.fNumber, 5.6);
    assert.is(exif?.iso, 1600);
    assert.match(exif?.capturedAt ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    const client = new CcapiClient(new CcapiHttp(sim.url));
    const thumb = await client.http.download(`${shot.files[0]}?kind=thumbnail`, { context: 'thumb', timeoutMs: 5_000 });
    assert.is(thumb.contentType, 'image/jpeg');
    assert.equal(jpegSize(thumb.bytes), { width: 160, height: 120 });
    assert.is(await readExif(thumb.bytes), null);
    await client.http.close();
  } finally {
    await close();
  }
});

S('a body without display previews gets the thumbnail; busy refusals are retried; progress is reported', async () => {
  const jpeg = skyJpeg(160, 120, null);
  let busy = 2;
  const asked: string[] = [];
  const server = http.createServer((req, res) => {
    asked.push(req.url!);
    if (req.url!.endsWith('kind=display')) return res.writeHead(400, { 'content-type': 'application/json' }).end('{"message":"Invalid parameter"}');
    if (busy-- > 0) return res.writeHead(503, { 'content-type': 'application/json' }).end('{"message":"Device busy"}');
    res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': jpeg.length }).end(jpeg);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ccapi`;
  const client = new CcapiClient(new CcapiHttp(base));
  try {
    const progress: number[] = [];
    const got = await downloadPreview(client, '/ccapi/ver100/contents/sd/100CANON/IMG_0001.JPG', {
      clock: systemClock,
      retryMs: 5,
      onProgress: (p) => progress.push(p.loaded),
    });
    assert.is(got.kind, 'thumbnail');
    assert.ok(got.bytes.equals(jpeg));
    assert.equal(asked.map((u) => u.split('?')[1]), ['kind=display', 'kind=thumbnail', 'kind=thumbnail', 'kind=thumbnail']);
    assert.is(progress.at(-1), jpeg.length);
  } finally {
    await client.http.close();
    server.close();
  }
});

S('live view: a frame is refused until it is started, is a JPEG while on, refused again once stopped', async () => {
  const { camera, close } = await rig();
  try {
    assert.is((await caught(camera.liveviewFrame())).code, 'REJECTED');
    await camera.liveview(true);
    const frame = await camera.liveviewFrame();
    assert.equal(frame.subarray(0, 2), Buffer.from([0xff, 0xd8]));
    assert.equal(jpegSize(frame), { width: 640, height: 424 });
    await camera.liveview(false);
    assert.is((await caught(camera.liveviewFrame())).code, 'REJECTED');
  } finally {
    await close();
  }
});

S('bulb: half press, full press, release no earlier than the planned length on the monotonic clock; the file follows', async () => {
  const { sim, camera, close } = await rig({ ...FAST, tv: 'bulb' });
  try {
    const ms = 250.5;
    let opened: { mono: number; releaseAtMono: number } | null = null;
    let closed: { mono: number } | null = null;
    const shot = await camera.shoot({ ...request(ms), bulb: { ms, onOpen: (at) => (opened = at), onClosed: (at) => (closed = at) } });
    assert.ok(opened && closed);
    const o = opened as { mono: number; releaseAtMono: number };
    assert.is(o.releaseAtMono, o.mono + ms);
    assert.ok((closed as { mono: number }).mono >= o.releaseAtMono, 'never released early');
    assert.is(shot.files.length, 1);
    const state = sim.control.state();
    assert.is(state.bulbs.length, 1);
    assert.ok(state.bulbs[0]!.closeMono !== null, 'the simulator saw the release');
    assert.is(state.phase, 'idle');
  } finally {
    await close();
  }
});

S('a plain press on a camera set to bulb is refused: bulb goes through the manual shutter', async () => {
  const { camera, close } = await rig({ ...FAST, tv: 'bulb' });
  try {
    assert.is((await caught(camera.shoot(request()))).code, 'REJECTED');
  } finally {
    await close();
  }
});

S('close() during a bulb releases the shutter at once (the SIGTERM path)', async () => {
  const { sim, camera } = await rig({ ...FAST, tv: 'bulb' });
  try {
    let opened = false;
    const shot = camera.shoot({ ...request(60_000), bulb: { ms: 60_000, onOpen: () => (opened = true) } }).catch((err: unknown) => err);
    await until(() => opened, 'the bulb to open');
    assert.is(sim.control.state().phase, 'exposing');
    await camera.close();
    const state = sim.control.state();
    assert.ok(state.bulbs[0]!.closeMono !== null, 'released before the connection closed');
    assert.is.not(state.phase, 'exposing');
    await shot;
  } finally {
    await sim.close();
  }
});

S.run();
