// Every way another CCAPI implementation differs (adapters/camera-sim/quirks.ts), the older-body profile, HTTPS and
// the temperature knob, each against the client as skylapse uses it: connect, status, a shot, settings.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CcapiCamera } from '../../adapters/ccapi-camera.ts';
import { startSimulator, type Quirk, type SimulatorOptions } from '../../adapters/camera-sim/index.ts';
import { CcapiClient } from '../../adapters/ccapi/client.ts';
import { CcapiHttp } from '../../adapters/ccapi/http.ts';
import { systemClock } from '../../adapters/clock.ts';
import { caught, until } from './sim-helpers.ts';

const S = suite('quirky cameras, older bodies, HTTPS, temperature');

const FAST: SimulatorOptions = { tv: '1/1000', timings: { writeMs: 20, pressLatencyMs: 5, pollLongMs: 400, rawJpegGapMs: 30 } };
let slot = 0;
const shot = () => ({ tag: { sessionId: 'quirks', number: ++slot }, pressDeadlineMono: systemClock.mono() + 2_000, fileDeadlineMono: systemClock.mono() + 5_000 });

async function withCamera(opts: SimulatorOptions, body: (r: { sim: Awaited<ReturnType<typeof startSimulator>>; camera: CcapiCamera }) => Promise<void>) {
  const sim = await startSimulator({ ...FAST, ...opts });
  const camera = new CcapiCamera({ baseUrl: sim.url, timeouts: { pollHoldMs: 400, pollSlackMs: 2_000 }, watcher: { backoffMinMs: 20, backoffMaxMs: 200 } });
  try {
    await body({ sim, camera });
  } finally {
    await camera.close();
    await sim.close();
  }
}

/** Connects, reads settings and takes one shot: the least a quirky camera must allow. */
async function basics(quirks: Quirk[]) {
  let files: string[] = [];
  await withCamera({ quirks }, async ({ camera }) => {
    await camera.connect();
    const settings = await camera.controls().readSettings();
    assert.is(settings.tv?.value, '1/1000', `${quirks}: settings`);
    files = (await camera.shoot(shot())).files;
  });
  return files;
}

for (const quirk of ['relative-paths', 'plain-string-features', 'settings-newest-404', 'never-busy', 'storage-ver120'] as const) {
  S(`${quirk}: connects, reads settings and shoots`, async () => {
    const files = await basics([quirk]);
    assert.is(files.length, 1);
  });
}

S('settings-newest-404: falls back to ver100 and remembers it', async () => {
  await withCamera({ quirks: ['settings-newest-404'] }, async ({ camera }) => {
    await camera.connect(); // the status read already met the 404 and fell back
    const before = camera.controls();
    assert.is((await before.readSettings()).iso?.value, '1600');
  });
});

S('status bodies that differ: battery level a number, storage without contentsnumber or with a relative url', async () => {
  await withCamera({ quirks: ['battery-number', 'storage-remainingshots', 'storage-relative-url'] }, async ({ camera }) => {
    const { status } = await camera.connect();
    assert.is(status.battery?.level, '100');
    assert.is(status.storage?.name, 'card1');
    assert.is(status.storage?.contents, null);
    assert.is((await camera.shoot(shot())).files.length, 1);
  });
});

S('af-required: a 422 to {af:false} is pressed again with af:true, and remembered', async () => {
  await withCamera({ quirks: ['af-required'] }, async ({ sim, camera }) => {
    await camera.connect();
    assert.is((await camera.shoot(shot())).files.length, 1);
    assert.is(sim.control.state().pressRequests, 1); // the 422 is refused before it counts as a press
    assert.is((await camera.shoot(shot())).files.length, 1);
    assert.is(sim.control.state().presses.length, 2);
  });
});

S('instant-polls and key-only-polls: the watcher does not spin', async () => {
  await withCamera({ quirks: ['instant-polls', 'key-only-polls'] }, async ({ sim, camera }) => {
    await camera.connect();
    const from = sim.control.state().polls;
    await new Promise((r) => setTimeout(r, 600));
    // The empty-poll floor is 200 ms: a spinning loop would make hundreds of polls here.
    assert.ok(sim.control.state().polls - from < 20, `polls: ${sim.control.state().polls - from}`);
    assert.is((await camera.shoot(shot())).files.length, 1);
  });
});

S('no-addedcontents: the new file is found in the contents listing', async () => {
  await withCamera({ quirks: ['no-addedcontents'] }, async ({ camera }) => {
    await camera.connect();
    assert.equal((await camera.shoot(shot())).files, ['/ccapi/ver130/contents/card1/100CANON/IMG_0001.JPG']);
    assert.equal((await camera.shoot(shot())).files, ['/ccapi/ver130/contents/card1/100CANON/IMG_0002.JPG']);
  });
});

S('delete-204: the poll session ends on a 204 with no body, and a reconnect polls again', async () => {
  await withCamera({ quirks: ['delete-204'] }, async ({ sim, camera }) => {
    await camera.connect();
    await until(() => sim.control.state().pollPending, 'first poll');
    await camera.connect(); // teardown DELETEs the held poll
    await until(() => sim.control.state().pollPending, 'poll after reconnect');
    assert.is((await camera.shoot(shot())).files.length, 1);
  });
});

for (const quirk of ['detail-errors', 'text-errors'] as const) {
  S(`${quirk}: the camera's words reach the error`, async () => {
    await withCamera({ quirks: [quirk] }, async ({ camera }) => {
      await camera.connect();
      const err = await caught(camera.controls().writeSetting('iso', '99'));
      assert.is(err.code, 'REJECTED');
      assert.match(err.message, /HTTP 400 Invalid parameter/);
    });
  });
}

S('raw-jpeg: two events, the CR3 first, one release', async () => {
  const files = await basics(['raw-jpeg']);
  assert.equal(files, ['/ccapi/ver130/contents/card1/100CANON/IMG_0001.CR3', '/ccapi/ver130/contents/card1/100CANON/IMG_0001.JPG']);
});

S('ver100-only body: continue=on polling, absolute URLs, a shot and the card listing', async () => {
  await withCamera({ profile: 'ver100-only' }, async ({ sim, camera }) => {
    const { status } = await camera.connect();
    assert.is(status.storage?.name, 'sd');
    await until(() => sim.control.state().pollPending, 'a held continue=on poll');
    const origin = new URL(sim.url).origin;
    const { files } = await camera.shoot(shot());
    assert.equal(files, [`${origin}/ccapi/ver100/contents/sd/100CANON/IMG_0001.JPG`]);
    const listed = await camera.filesSince({ path: null, wall: 0 });
    assert.equal(listed.map((f) => f.path), files);
    assert.is((await camera.controls().readSettings()).stillimagequality !== undefined, true);
  });
});

S('HTTPS with a self-signed certificate made at start', async () => {
  await withCamera({ https: true }, async ({ sim, camera }) => {
    assert.match(sim.url, /^https:\/\//);
    const { info } = await camera.connect();
    assert.is(info.productname, 'Canon EOS R50');
    assert.is((await camera.shoot(shot())).files.length, 1);
  });
});

S('temperature: warning still shoots; disablerelease and disableshooting refuse before pressing', async () => {
  await withCamera({}, async ({ sim, camera }) => {
    await camera.connect();
    sim.control.setTemperature('warning');
    assert.is((await camera.shoot(shot())).files.length, 1);
    for (const t of ['disablerelease', 'disableshooting'] as const) {
      sim.control.setTemperature(t);
      await camera.status(); // what the monitor does every few seconds
      const presses = sim.control.state().pressRequests;
      const err = await caught(camera.shoot(shot()));
      assert.is(err.code, 'RELEASE_DISABLED');
      assert.is(sim.control.state().pressRequests, presses, 'no press sent');
    }
    sim.control.setTemperature('normal');
    await camera.status();
    assert.is((await camera.shoot(shot())).files.length, 1);
  });
});

S('temperature: a press the camera refuses for heat is RELEASE_DISABLED too', async () => {
  const sim = await startSimulator(FAST);
  const http = new CcapiHttp(sim.url);
  try {
    const client = new CcapiClient(http);
    await client.negotiate();
    sim.control.setTemperature('disablerelease');
    const err = await caught(client.shutterButton(false));
    assert.is(err.code, 'RELEASE_DISABLED');
    assert.match(err.message, /Temperature too high/);
  } finally {
    await http.close();
    await sim.close();
  }
});

S.run();
