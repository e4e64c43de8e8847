// Resume without loss: a client that comes back with the seq it last applied gets every broadcast it missed, rebuilt
// from the log, identical to what was sent live, then the live ones, with no gap and no duplicate, even while a
// session keeps appending during the replay. Channels filter both.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cameraConnected, startHarness, type Harness } from '../helpers/in-process.ts';
import { Client, type Message } from '../helpers/ws-client.ts';

const S = suite('resume and channels');
let h: Harness;

S.before(async () => {
  h = await startHarness();
  await h.listen();
  await cameraConnected(h);
});
S.after(async () => h.close());

const broadcasts = (c: Client) => c.messages.filter((m) => typeof m.seq === 'number');
const ended = (m: Message) => m.type === 'intervalometer_completed' || m.type === 'intervalometer_stopped';

S('a client that slept gets exactly what it missed, as it was sent live, then live', async () => {
  const watcher = await Client.connect(h.url); // saw everything live
  await watcher.waitFor((m) => m.type === 'welcome');
  const sleeper = await Client.connect(h.url);
  const first = await sleeper.waitFor((m) => m.type === 'welcome');
  const started = await watcher.request('start_intervalometer', { interval: 0.15, totalShots: 24, title: 'resume', force: true });
  assert.is(started.type, 'operation_result', JSON.stringify(started.data));
  await sleeper.waitFor((m) => m.type === 'photo_taken' && m.data.shot?.number === 3, 'shot 3');
  sleeper.close();
  const lastApplied = Math.max(first.data.seq, ...broadcasts(sleeper).map((m) => m.seq!));
  await watcher.waitFor((m) => m.type === 'photo_taken' && m.data.shot?.number === 10, 'shot 10');
  // Comes back while the session still appends: the replay and live appends race.
  const back = await Client.connect(h.url, { query: `?since=${lastApplied}` });
  const welcome = await back.waitFor((m) => m.type === 'welcome');
  assert.is(welcome.data.resumed, true);
  assert.is(welcome.data.seq, lastApplied);
  assert.is(welcome.data.state, undefined);
  await watcher.waitFor(ended, 'session end');
  const end = (await back.waitFor(ended, 'session end (resumed)')).seq!;
  const expected = broadcasts(watcher).filter((m) => m.seq! > lastApplied && m.seq! <= end);
  const got = broadcasts(back).filter((m) => m.seq! <= end);
  assert.equal(got.map((m) => m.seq), expected.map((m) => m.seq), 'every seq once, in order');
  assert.equal(got, expected, 'rebuilt broadcasts are the live ones');
  watcher.close();
  back.close();
});

S('the resume command, get_events and a since beyond replay', async () => {
  const c = await Client.connect(h.url);
  const w = await c.waitFor((m) => m.type === 'welcome');
  const seq = w.data.seq as number;
  const page = await c.request('get_events', { sinceSeq: seq - 3, limit: 2 });
  assert.equal(page.data.events.map((e: Message) => e.seq), [seq - 2, seq - 1]);
  assert.is(page.data.more, true);
  const r = await c.request('resume', { since: seq - 2 });
  assert.is(r.type, 'operation_result');
  await c.waitFor((m) => m.seq === seq, 'replayed up to the welcome');
  assert.equal(broadcasts(c).map((m) => m.seq), [seq - 1, seq]);
  // A since from another log (ahead of this one) gets a fresh welcome.
  const other = await Client.connect(h.url, { query: `?since=${seq + 1000}` });
  const fresh = await other.waitFor((m) => m.type === 'welcome');
  assert.is(fresh.data.resumed, false);
  // The log may have moved on meanwhile (a status reading, a clock sample): the fresh welcome is of now.
  assert.ok(fresh.data.state.seq >= seq, `fresh welcome at ${fresh.data.state.seq}, after ${seq}`);
  assert.is((await c.request('resume', { since: -1 })).data.code, 'VALIDATION_ERROR');
  c.close();
  other.close();
});

S('channels: every one by default; unsubscribed broadcasts are neither sent live nor replayed', async () => {
  const c = await Client.connect(h.url);
  const w = await c.waitFor((m) => m.type === 'welcome');
  assert.equal(w.data.channels, ['camera', 'session', 'reports', 'network', 'time', 'system']);
  const r = await c.request('unsubscribe', { channels: ['session'] });
  assert.equal(r.data.channels, ['camera', 'reports', 'network', 'time', 'system']);
  assert.is((await c.request('subscribe', { channels: ['weather'] })).data.code, 'VALIDATION_ERROR');
  const control = await Client.connect(h.url);
  await control.waitFor((m) => m.type === 'welcome');
  await control.request('start_intervalometer', { interval: 0.15, totalShots: 2, force: true });
  await control.waitFor(ended, 'end');
  await c.request('resume', { since: 0 });
  const lastCamera = h.log.readFacts(0).filter((f) => f.stream === 'camera').at(-1)!.seq;
  await c.waitFor((m) => m.seq === lastCamera, 'the last camera broadcast, replayed');
  assert.ok(broadcasts(c).every((m) => !['photo_taken', 'intervalometer_started', 'intervalometer_completed'].includes(m.type)), 'no session broadcast');
  c.close();
  control.close();
});

S.run();
