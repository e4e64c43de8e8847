import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../adapters/clock.ts';
import { fileNameFor, startSimulator, type SimulatedCamera } from '../../adapters/camera-sim/index.ts';
import { parseCanonDatetime } from '../../adapters/ccapi/datetime.ts';
import { call, ccapi, until } from './sim-helpers.ts';

const S = suite('camera simulator');

const SHUTTER = '/ccapi/ver100/shooting/control/shutterbutton';
const POLL = '/ccapi/ver110/event/polling';

/** Presses the shutter on a ManualClock sim: the reply comes after pressLatencyMs on that clock. */
async function press(sim: SimulatedCamera, clock: ManualClock, latencyMs: number, body: unknown = { af: false }) {
  const before = sim.control.state().pressRequests;
  const reply = call(ccapi(sim.url, SHUTTER), 'POST', body);
  await until(() => sim.control.state().pressRequests > before, 'press received');
  clock.advance(latencyMs);
  return reply;
}

S('file numbering rolls over to the next folder after 9999', () => {
  assert.is(fileNameFor(1), '100CANON/IMG_0001.JPG');
  assert.is(fileNameFor(9999), '100CANON/IMG_9999.JPG');
  assert.is(fileNameFor(10000), '101CANON/IMG_0001.JPG');
  assert.is(fileNameFor(20000), '102CANON/IMG_0002.JPG');
});

S('topology on /ccapi and /ccapi/; 404, 405 and 501 elsewhere', async () => {
  const sim = await startSimulator();
  try {
    assert.ok(sim.url.startsWith('http://127.0.0.1:'));
    const a = await call(sim.url);
    const b = await call(sim.url + '/');
    assert.is(a.status, 200);
    assert.equal(a.json, b.json);
    const doc = a.json as Record<string, unknown[]>;
    assert.equal(doc.ver120, []);
    assert.is(doc.ver100!.length, 80);

    assert.equal(await call(ccapi(sim.url, '/ccapi/ver100/event/polling')), { status: 404, json: { message: 'URL not found' } });
    assert.is((await call(ccapi(sim.url, '/ccapi/ver100/deviceinformation'), 'POST', {})).status, 405);
    assert.is((await call(ccapi(sim.url, '/ccapi/ver100/functions/cardformat'), 'POST', {})).status, 501);
    const info = await call(ccapi(sim.url, '/ccapi/ver100/deviceinformation'));
    assert.is((info.json as { productname: string }).productname, 'Canon EOS R50');
  } finally {
    await sim.close();
  }
});

S('status answers: battery named level, stale batterylist quirk, storage, temperature, settings', async () => {
  const sim = await startSimulator({ tv: '0"5' });
  try {
    const list1 = (await call(ccapi(sim.url, '/ccapi/ver110/devicestatus/batterylist'))).json as any; // test-only peek
    assert.is(list1.batterylist[0].level, '100'); // until ver100 was read (docs/camera-notes.md §9)
    const bat = (await call(ccapi(sim.url, '/ccapi/ver100/devicestatus/battery'))).json;
    assert.equal(bat, { name: 'LP-E17', kind: 'battery', level: 'full', quality: 'good' });
    const storage = (await call(ccapi(sim.url, '/ccapi/ver110/devicestatus/storage'))).json as any; // test-only peek
    assert.is(storage.storagelist[0].name, 'card1');
    assert.is(storage.storagelist[0].path, '/ccapi/ver130/contents/card1');
    assert.equal((await call(ccapi(sim.url, '/ccapi/ver100/devicestatus/temperature'))).json, { status: 'normal' });
    const settings = (await call(ccapi(sim.url, '/ccapi/ver100/shooting/settings'))).json as any; // test-only peek
    assert.is(settings.tv.value, '0"5');
    assert.ok(settings.tv.ability.includes('bulb'));
    assert.ok(settings.tv.ability.includes('1/4000'));
  } finally {
    await sim.close();
  }
});

S('shot engine on a ManualClock: exposing → writing → idle, busy in between, event after the write', async () => {
  const clock = new ManualClock();
  const LAT = 30;
  const sim = await startSimulator({ clock, tv: '1"', timings: { writeMs: 500, pressLatencyMs: LAT } });
  try {
    const r1 = await press(sim, clock, LAT);
    assert.is(r1.status, 200);
    assert.is(sim.control.state().phase, 'exposing');
    assert.equal(await press(sim, clock, LAT), { status: 503, json: { message: 'Device busy' } });
    const put = await call(ccapi(sim.url, '/ccapi/ver100/shooting/settings/tv'), 'PUT', { value: '1/125' });
    assert.equal(put, { status: 503, json: { message: 'During shooting or recording' } });

    clock.advance(1000);
    assert.is(sim.control.state().phase, 'writing');
    assert.is((await press(sim, clock, LAT)).status, 503);
    clock.advance(500);
    const st = sim.control.state();
    assert.is(st.phase, 'idle');
    assert.is(st.shots, 1);
    assert.equal(st.card, ['100CANON/IMG_0001.JPG']);
    assert.is(st.pressRequests, 3);
    assert.equal(st.presses, [{ wall: clock.wall() - clock.mono(), mono: 0 }]); // only the first press fired
    assert.is(st.busyRefusals, 2);

    const ev = (await call(ccapi(sim.url, POLL + '?timeout=immediately'))).json as any; // test-only peek
    assert.equal(ev.addedcontents, ['/ccapi/ver130/contents/card1/100CANON/IMG_0001.JPG']);
    assert.ok(typeof ev.recordable.recordableshots === 'number'); // the keys a real R50 sends after a shot
    assert.equal((await call(ccapi(sim.url, POLL))).json, {}); // drained
  } finally {
    await sim.close();
  }
});

S('shutter: bad body 400, no content-type needed, busyNext, bulb and card full refusals', async () => {
  const clock = new ManualClock();
  const LAT = 0;
  const sim = await startSimulator({ clock, tv: '1/1000', timings: { writeMs: 10, pressLatencyMs: LAT } });
  try {
    assert.equal(await call(ccapi(sim.url, SHUTTER), 'POST', {}), { status: 400, json: { message: 'Invalid parameter' } });
    assert.is((await call(ccapi(sim.url, SHUTTER), 'POST', { af: 'no' })).status, 400);
    assert.is((await press(sim, clock, LAT, '{"af":false}')).status, 200); // text/plain, not application/json
    clock.advance(100);
    sim.control.busyNext(2);
    assert.is((await press(sim, clock, LAT)).status, 503);
    assert.is((await press(sim, clock, LAT)).status, 503);
    assert.is((await press(sim, clock, LAT)).status, 200);
    clock.advance(100);
    sim.control.setTv('bulb');
    assert.equal(await press(sim, clock, LAT), { status: 503, json: { message: 'Mode not supported' } });
    sim.control.setTv('1/1000');
    sim.control.setCardFull(true);
    assert.equal(await press(sim, clock, LAT), { status: 503, json: { message: 'Can not write to card' } });
    assert.ok(sim.control.state().cardFull);
    sim.control.reset();
    assert.is(sim.control.state().shots, 0);
    assert.is(sim.control.state().cardFull, false);
  } finally {
    await sim.close();
  }
});

S('event polling: hold, one-poll rule, DELETE, hold timeout gives {}', async () => {
  const clock = new ManualClock();
  const sim = await startSimulator({ clock, timings: { pollLongMs: 30_000, pollShortMs: 10_000 } });
  try {
    assert.equal(await call(ccapi(sim.url, POLL), 'DELETE'), { status: 503, json: { message: 'Not started' } });
    const held = call(ccapi(sim.url, POLL + '?timeout=long'));
    await until(() => sim.control.state().pollPending, 'poll held');
    assert.equal(await call(ccapi(sim.url, POLL + '?timeout=long')), { status: 503, json: { message: 'Already started' } });
    clock.advance(29_999);
    assert.ok(sim.control.state().pollPending);
    clock.advance(1);
    assert.equal(await held, { status: 200, json: {} });

    const held2 = call(ccapi(sim.url, POLL + '?timeout=short'));
    await until(() => sim.control.state().pollPending, 'second poll held');
    assert.equal(await call(ccapi(sim.url, POLL), 'DELETE'), { status: 200, json: {} });
    assert.equal(await held2, { status: 200, json: {} });
    assert.is((await call(ccapi(sim.url, POLL + '?timeout=forever'))).status, 400);
  } finally {
    await sim.close();
  }
});

S('datetime runs with the clock and keeps what was PUT', async () => {
  const clock = new ManualClock();
  const sim = await startSimulator({ clock });
  try {
    const url = ccapi(sim.url, '/ccapi/ver100/functions/datetime');
    const t0 = (await call(url)).json as { datetime: string; dst: boolean };
    assert.match(t0.datetime, /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
    clock.advance(61_000);
    const t1 = (await call(url)).json as { datetime: string; dst: boolean };
    assert.is(parseCanonDatetime(t1.datetime, t1.dst)!.utcMs - parseCanonDatetime(t0.datetime, t0.dst)!.utcMs, 61_000);

    assert.is((await call(url, 'PUT', { datetime: 'Sat, 29 Aug 2020 17:46:19 -0800', dst: true })).status, 200);
    assert.equal((await call(url)).json, { datetime: 'Sat, 29 Aug 2020 17:46:19 -0800', dst: true });
    clock.advance(1_000);
    assert.equal((await call(url)).json, { datetime: 'Sat, 29 Aug 2020 17:46:20 -0800', dst: true });
    assert.is((await call(url, 'PUT', { datetime: 'yesterday', dst: true })).status, 400);
  } finally {
    await sim.close();
  }
});

S('offline: requests are reset, held polls dropped, control endpoint still answers; back after the window', async () => {
  const clock = new ManualClock();
  const sim = await startSimulator({ clock });
  try {
    const held = call(ccapi(sim.url, POLL + '?timeout=long')).then(
      () => 'answered',
      () => 'dropped',
    );
    await until(() => sim.control.state().pollPending, 'poll held');
    sim.control.goOffline(5_000);
    assert.is(await held, 'dropped');
    await until(() => !sim.control.state().pollPending, 'poll forgotten');
    const err = await call(ccapi(sim.url, '/ccapi/ver100/deviceinformation')).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(err instanceof Error, 'request while offline fails at the socket');
    const st = (await call(ccapi(sim.url, '/_sim/state'))).json as { offlineUntil: number };
    assert.is(st.offlineUntil, 5_000);
    clock.advance(5_000);
    assert.is((await call(ccapi(sim.url, '/ccapi/ver100/deviceinformation'))).status, 200);
    assert.is(sim.control.state().offlineUntil, null);
  } finally {
    await sim.close();
  }
});

S('HTTP control: POST /_sim/faults and GET /_sim/state', async () => {
  const sim = await startSimulator();
  try {
    const r = await call(ccapi(sim.url, '/_sim/faults'), 'POST', { busyNext: 3, cardFull: true, tv: '30"' }, { 'content-type': 'application/json' });
    assert.is(r.status, 200);
    const st = r.json as { cardFull: boolean; tv: string };
    assert.is(st.cardFull, true);
    assert.is(st.tv, '30"');
    assert.is((await call(ccapi(sim.url, '/_sim/faults'), 'POST', { bogus: 1 })).status, 400);
    assert.is((await call(ccapi(sim.url, '/_sim/faults'), 'POST', 'not json')).status, 400);
    const reset = await call(ccapi(sim.url, '/_sim/faults'), 'POST', { reset: true });
    assert.is((reset.json as { cardFull: boolean }).cardFull, false);
    assert.is(((await call(ccapi(sim.url, '/_sim/state'))).json as { tv: string }).tv, '1/125');
    assert.is((await call(ccapi(sim.url, '/ccapi/_sim/state'))).status, 404); // never under /ccapi
  } finally {
    await sim.close();
  }
});

const CONTENTS = '/ccapi/ver130/contents';

S('card file: the card and its numbering survive a restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'skylapse-card-'));
  const cardFile = join(dir, 'card.json');
  try {
    const clock = new ManualClock();
    const opts = { clock, tv: '1/1000', cardFile, timings: { writeMs: 10, pressLatencyMs: 0 } };
    const first = await startSimulator(opts);
    for (let i = 0; i < 2; i++) {
      assert.is((await press(first, clock, 0)).status, 200);
      clock.advance(100);
    }
    assert.equal(first.control.state().card, ['100CANON/IMG_0001.JPG', '100CANON/IMG_0002.JPG']);
    await first.close();

    const second = await startSimulator(opts);
    try {
      assert.equal(second.control.state().card, ['100CANON/IMG_0001.JPG', '100CANON/IMG_0002.JPG']);
      assert.equal(second.control.state().presses, []);
      assert.is((await press(second, clock, 0)).status, 200);
      clock.advance(100);
      assert.is(second.control.state().card.at(-1), '100CANON/IMG_0003.JPG');
      const storage = (await call(ccapi(second.url, '/ccapi/ver110/devicestatus/storage'))).json as any; // test-only peek
      assert.is(storage.storagelist[0].contentsnumber, 3);
    } finally {
      await second.close();
    }
    writeFileSync(cardFile, '{"version":1,"counter":"x","files":[]}');
    await startSimulator(opts).then(
      (sim) => sim.close().then(() => assert.unreachable('a broken card file is refused')),
      (err: unknown) => assert.match(String(err), /not a simulator card file/),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

S('contents: storage → folders → number → 100-entry pages → info; refused while shooting', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'skylapse-card-'));
  const cardFile = join(dir, 'card.json');
  const files = Array.from({ length: 150 }, (_, i) => ({ name: fileNameFor(i + 1), writtenAt: Date.UTC(2026, 0, 1, 22, 0, i) }));
  writeFileSync(cardFile, JSON.stringify({ version: 1, counter: 150, files }));
  const clock = new ManualClock();
  const sim = await startSimulator({ clock, tv: '1"', cardFile, timings: { writeMs: 100, pressLatencyMs: 0 } });
  try {
    const get = async (path: string) => (await call(ccapi(sim.url, path))).json;
    assert.equal(await get(CONTENTS), { path: [`${CONTENTS}/card1`] });
    assert.equal(await get(`${CONTENTS}/card1`), { path: [`${CONTENTS}/card1/100CANON`] });
    const folder = `${CONTENTS}/card1/100CANON`;
    assert.equal(await get(`${folder}?type=all&kind=number`), { contentsnumber: 150, pagenumber: 2 });
    const page1 = (await get(`${folder}?type=all&kind=list&page=1`)) as { path: string[] };
    const page2 = (await get(`${folder}?type=all&kind=list&page=2`)) as { path: string[] };
    assert.is(page1.path.length, 100);
    assert.is(page2.path.length, 50);
    assert.is(page2.path.at(-1), `${folder}/IMG_0150.JPG`);
    assert.equal(await get(`${folder}?type=all&kind=list&page=3`), { path: [] });
    assert.is((await call(ccapi(sim.url, `${folder}?kind=list&page=0`))).status, 400);
    const info = (await get(`${folder}/IMG_0002.JPG?kind=info`)) as { lastmodifieddate: string };
    assert.is(info.lastmodifieddate, 'Thu, 01 Jan 2026 22:00:01 GMT');
    assert.is((await call(ccapi(sim.url, `${folder}/IMG_9999.JPG?kind=info`))).status, 404);

    assert.is((await press(sim, clock, 0)).status, 200);
    assert.equal(await call(ccapi(sim.url, CONTENTS)), { status: 503, json: { message: 'During shooting or recording' } });
    clock.advance(1000);
    assert.equal(await call(ccapi(sim.url, CONTENTS)), { status: 503, json: { message: 'Device busy' } });
    clock.advance(100);
    assert.is((await call(ccapi(sim.url, CONTENTS))).status, 200);
  } finally {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

S('modes: RAW+JPEG writes CR3 then JPG, noise reduction keeps the camera busy, instant polls do not hold', async () => {
  const clock = new ManualClock();
  const sim = await startSimulator({ clock, tv: '1/1000', timings: { writeMs: 100, pressLatencyMs: 0, rawJpegGapMs: 500 } });
  try {
    const r = await call(ccapi(sim.url, '/_sim/faults'), 'POST', { rawJpeg: true, noiseReductionMs: 2_000, instantPolls: true });
    assert.is(r.status, 200);
    assert.is((await call(ccapi(sim.url, POLL + '?timeout=long'))).status, 200); // the quality change, at once
    assert.equal((await call(ccapi(sim.url, POLL + '?timeout=long'))).json, {}); // nothing new: still at once
    assert.is((await press(sim, clock, 0)).status, 200);
    clock.advance(1_000);
    assert.is(sim.control.state().phase, 'processing');
    assert.is((await press(sim, clock, 0)).status, 503);
    clock.advance(1_101); // exposure 1 ms + noise reduction 2 s + write 100 ms
    assert.equal(sim.control.state().card, ['100CANON/IMG_0001.CR3']);
    const ev = (await call(ccapi(sim.url, POLL))).json as { addedcontents: string[] };
    assert.equal(ev.addedcontents, ['/ccapi/ver130/contents/card1/100CANON/IMG_0001.CR3']);
    clock.advance(500);
    assert.equal(sim.control.state().card, ['100CANON/IMG_0001.CR3', '100CANON/IMG_0001.JPG']);
    assert.is(sim.control.state().phase, 'idle');
    assert.is(sim.control.state().presses.length, 1);
    assert.is((await call(ccapi(sim.url, '/_sim/faults'), 'POST', { noiseReductionMs: -1 })).status, 400);
  } finally {
    await sim.close();
  }
});

S('dropAfterFire: the press fires, the connection closes without an answer', async () => {
  const clock = new ManualClock();
  const sim = await startSimulator({ clock, tv: '1/1000', timings: { writeMs: 10, pressLatencyMs: 0 } });
  try {
    assert.is((await call(ccapi(sim.url, '/_sim/faults'), 'POST', { dropAfterFire: 1 })).status, 200);
    assert.is(sim.control.state().dropAfterFire, 1);
    const outcome = await press(sim, clock, 0).then(
      () => 'answered',
      () => 'dropped',
    );
    assert.is(outcome, 'dropped');
    assert.is(sim.control.state().presses.length, 1);
    clock.advance(100);
    assert.equal(sim.control.state().card, ['100CANON/IMG_0001.JPG']);
    assert.is((await press(sim, clock, 0)).status, 200, 'only the next n');
  } finally {
    await sim.close();
  }
});

S.run();
