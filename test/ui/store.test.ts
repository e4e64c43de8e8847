// The web UI's pure logic: the state store (welcome replaces, seq dedup, one update per event), the start form's
// parsing (checked against the server's own schema) and the reconnect backoff.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BROADCAST_TYPES, commandSchemas } from '../../transport/protocol.ts';
import { ACTIVITY_LIMIT, HANDLED_BROADCASTS, describe, initialState, reduce } from '../../ui/store.js';
import { msUntilNextShot, parseStartForm } from '../../ui/format.js';
import { BACKOFF_MAX_MS, backoffDelay } from '../../ui/connection.js';

const SID = '6f1c2b1e-8a3b-4c1d-9e2f-0a1b2c3d4e5f';
const camera = (state = 'connected', extra: Record<string, unknown> = {}) => ({
  state,
  simulated: true,
  baseUrl: 'http://127.0.0.1:8080',
  info: { productname: 'Canon EOS R50', serialnumber: '1', firmwareversion: '1.0.0', manufacturer: 'Canon' },
  status: null,
  lastError: null,
  attempt: 0,
  lastPhoto: null,
  ...extra,
});
const session = (extra: Record<string, unknown> = {}) => ({
  sessionId: SID,
  title: 'Milky Way',
  state: 'waiting',
  running: true,
  interval: 30,
  totalShots: 100,
  stopCondition: 'stop-after',
  startedAt: 1_700_000_000_000,
  endedAt: null,
  shotsTaken: 0,
  shotsFailed: 0,
  shotsSkipped: 0,
  nextShotNumber: 1,
  nextShotAt: 1_700_000_000_000,
  stopRequested: false,
  lastShot: null,
  error: null,
  ...extra,
});
const welcome = (seq: number, state: Record<string, unknown>, serverTime = 1_000_000) => ({
  type: 'welcome',
  data: { clientId: 'c1', serverTime, seq, availableCommands: Object.keys(commandSchemas), state },
});
const bc = (seq: number, type: string, data: Record<string, unknown>) => ({ type, seq, timestamp: new Date(seq * 1000).toISOString(), data });
const shot = (number: number, result: 'ok' | 'failed' = 'ok') => ({
  number,
  plannedAt: 0,
  triggeredAt: 0,
  latenessMs: 12,
  latencyMs: 80,
  attempts: 1,
  file: result === 'ok' ? `/ccapi/ver110/contents/sd/100CANON/IMG_${number}.JPG` : null,
  result,
  error: result === 'ok' ? null : { code: 'TIMEOUT', message: 'no answer' },
});

const S = suite('ui store');

S('welcome fills the state and sets the clock offset', () => {
  const s = reduce(initialState(), welcome(10, { camera: camera(), intervalometer: session(), unsavedSession: null }, 5_000), 4_000);
  assert.ok(s.live);
  assert.is(s.lastSeq, 10);
  assert.is(s.clockOffsetMs, 1_000);
  assert.is(s.camera?.state, 'connected');
  assert.is(s.session?.sessionId, SID);
  assert.is(s.unsaved, null);
});

S('a broadcast at or below the last seq is ignored, welcome seq included', () => {
  const s1 = reduce(initialState(), welcome(10, { camera: camera(), intervalometer: null, unsavedSession: null }));
  assert.is(reduce(s1, bc(10, 'camera_status', { camera: camera('reconnecting') })), s1);
  assert.is(reduce(s1, bc(3, 'camera_status', { camera: camera('reconnecting') })), s1);
  const s2 = reduce(s1, bc(11, 'camera_status', { camera: camera('reconnecting') }));
  assert.is(s2.camera?.state, 'reconnecting');
  assert.is(s2.lastSeq, 11);
  // The same event delivered twice updates the state and the activity list once.
  const s3 = reduce(s2, bc(11, 'camera_status', { camera: camera('offline') }));
  assert.is(s3, s2);
  assert.is(s3.activity.filter((e) => e.seq === 11).length, 1);
});

S('after a reconnect the welcome state replaces everything', () => {
  let s = reduce(initialState(), welcome(10, { camera: camera(), intervalometer: session(), unsavedSession: null }));
  s = reduce(s, bc(11, 'photo_taken', { sessionId: SID, shot: shot(1), session: session({ shotsTaken: 1 }) }));
  s = reduce(s, { type: 'connection_lost' });
  assert.not.ok(s.live);
  assert.is(s.session?.shotsTaken, 1, 'stale state is kept for display');
  // Broadcasts between losing the socket and the next welcome are not applied.
  assert.is(reduce(s, bc(12, 'camera_status', { camera: camera('offline') })), s);
  const unsaved = { ...session({ state: 'interrupted', running: false }), reason: 'interrupted', shots: [shot(1)] };
  s = reduce(s, welcome(20, { camera: camera('reconnecting'), intervalometer: null, unsavedSession: unsaved }));
  assert.ok(s.live);
  assert.is(s.lastSeq, 20);
  assert.is(s.session, null);
  assert.is(s.camera?.state, 'reconnecting');
  assert.is(s.unsaved?.sessionId, SID);
  assert.is(reduce(s, bc(19, 'session_discarded', { sessionId: SID })), s);
});

S('a welcome with a lower seq (fresh server database) still resets the dedup position', () => {
  let s = reduce(initialState(), welcome(500, { camera: camera(), intervalometer: null, unsavedSession: null }));
  s = reduce(s, { type: 'connection_lost' });
  s = reduce(s, welcome(2, { camera: camera(), intervalometer: null, unsavedSession: null }));
  s = reduce(s, bc(3, 'intervalometer_started', { session: session() }));
  assert.is(s.session?.sessionId, SID);
});

S('replies never touch the state', () => {
  const s = reduce(initialState(), welcome(1, { camera: camera(), intervalometer: null, unsavedSession: null }));
  assert.is(reduce(s, { type: 'operation_result', id: 3, success: true, data: { session: session() } }), s);
  assert.is(reduce(s, { type: 'error', id: 4, data: { code: 'CAMERA_BUSY', message: 'busy', timestamp: '' } }), s);
  assert.is(reduce(s, { type: 'error', data: { code: 'INVALID_JSON', message: 'bad', timestamp: '' } }), s);
});

S('session broadcasts replace the session; photo_taken carries camera or session', () => {
  let s = reduce(initialState(), welcome(1, { camera: camera(), intervalometer: null, unsavedSession: null }));
  s = reduce(s, bc(2, 'intervalometer_started', { session: session() }));
  s = reduce(s, bc(3, 'photo_taken', { sessionId: SID, shot: shot(1), session: session({ shotsTaken: 1, lastShot: shot(1) }) }));
  assert.is(s.session?.shotsTaken, 1);
  s = reduce(s, bc(4, 'intervalometer_update', { session: session({ shotsSkipped: 2 }), skipped: [shot(2), shot(3)] }));
  assert.is(s.session?.shotsSkipped, 2);
  assert.match(s.activity[0]!.text, /#2–#3/);
  s = reduce(s, bc(5, 'intervalometer_stopped', { session: session({ state: 'failed', running: false }), reason: 'failed', error: { code: 'CARD', message: 'card full' } }));
  assert.is(s.session?.state, 'failed');
  assert.is(s.activity[0]!.level, 'error');
  assert.match(s.activity[0]!.text, /CARD: card full/);
  const photo = { triggeredAt: 1, latencyMs: 90, attempts: 1, file: '/x/IMG_9.JPG' };
  s = reduce(s, bc(6, 'photo_taken', { sessionId: null, photo, camera: camera('connected', { lastPhoto: photo }) }));
  assert.equal(s.camera?.lastPhoto, photo);
  assert.match(s.activity[0]!.text, /Test photo: IMG_9\.JPG/);
});

S('report_saved and session_discarded clear only the matching unsaved session', () => {
  const unsaved = { ...session({ state: 'interrupted', running: false }), reason: 'interrupted', shots: [] };
  let s = reduce(initialState(), welcome(1, { camera: camera(), intervalometer: null, unsavedSession: unsaved }));
  s = reduce(s, bc(2, 'report_saved', { sessionId: '00000000-0000-4000-8000-000000000000', report: {} }));
  assert.is(s.unsaved?.sessionId, SID);
  s = reduce(s, bc(3, 'report_saved', { sessionId: SID, report: { title: 'Milky Way' } }));
  assert.is(s.unsaved, null);
  s = reduce(s, bc(4, 'unsaved_session_found', { unsavedSession: unsaved }));
  assert.is(s.unsaved?.sessionId, SID);
  s = reduce(s, bc(5, 'session_discarded', { sessionId: SID }));
  assert.is(s.unsaved, null);
});

S('activity is capped, merges repeats, and marks errors', () => {
  let s = reduce(initialState(), welcome(1, { camera: camera(), intervalometer: session(), unsavedSession: null }));
  for (let i = 2; i < 6; i++) s = reduce(s, bc(i, 'camera_status', { camera: camera() }));
  assert.is(s.activity[0]!.count, 4);
  for (let i = 6; i < 40; i++) s = reduce(s, bc(i, 'photo_taken', { sessionId: SID, shot: shot(i, i % 2 ? 'failed' : 'ok'), session: session() }));
  assert.is(s.activity.length, ACTIVITY_LIMIT);
  assert.ok(s.activity.some((e) => e.level === 'error' && /Shot #\d+ failed: TIMEOUT/.test(e.text)));
  s = reduce(s, bc(40, 'camera_disconnected', { camera: camera('reconnecting'), reason: { code: 'UNREACHABLE', message: 'gone' } }));
  assert.is(s.activity[0]!.level, 'error');
});

S('every broadcast type of the protocol has a handler and a description', () => {
  assert.equal([...HANDLED_BROADCASTS].sort(), [...BROADCAST_TYPES].sort());
  for (const type of BROADCAST_TYPES) {
    const text = describe(initialState(), type, { camera: camera(), session: session(), unsavedSession: session(), sessionId: SID, skipped: [] }).text;
    assert.not.match(text, /Unknown event/, type);
  }
});

const F = suite('ui start form');

F('parses what the server accepts', () => {
  const cases = [
    { interval: '30', shots: '', title: '' },
    { interval: '2,5', shots: '300', title: '  Orion  ' },
    { interval: '0.1', shots: '1', title: 'x' },
  ];
  for (const c of cases) {
    const r = parseStartForm(c);
    if (!r.ok) throw new Error(`rejected ${JSON.stringify(c)}: ${JSON.stringify(r.errors)}`);
    const server = commandSchemas.start_intervalometer.safeParse(r.data);
    assert.ok(server.success, `server rejects ${JSON.stringify(r.data)}`);
  }
  const unlimited = parseStartForm({ interval: '30', shots: ' ', title: '' });
  assert.equal(unlimited.ok && unlimited.data, { interval: 30, stopCondition: 'unlimited' });
  const comma = parseStartForm({ interval: '2,5', shots: '300', title: ' Orion ' });
  assert.equal(comma.ok && comma.data, { interval: 2.5, stopCondition: 'stop-after', totalShots: 300, title: 'Orion' });
});

F('rejects what the server would reject, per field', () => {
  for (const [fields, field] of [
    [{ interval: '', shots: '', title: '' }, 'interval'],
    [{ interval: '0.05', shots: '', title: '' }, 'interval'],
    [{ interval: 'abc', shots: '', title: '' }, 'interval'],
    [{ interval: '5', shots: '0', title: '' }, 'shots'],
    [{ interval: '5', shots: '2.5', title: '' }, 'shots'],
    [{ interval: '5', shots: '', title: 'x'.repeat(201) }, 'title'],
  ] as const) {
    const r = parseStartForm(fields);
    assert.ok(!r.ok && r.errors[field], `${JSON.stringify(fields)} should fail on ${field}`);
  }
});

F('countdown reads the next slot by the server clock', () => {
  const s = { running: true, nextShotAt: 10_000 };
  assert.is(msUntilNextShot(s, 1_000, 5_000), 4_000);
  assert.is(msUntilNextShot({ running: false, nextShotAt: null }, 0, 0), null);
});

F('reconnect backoff: 0.5 s doubling to 10 s, jittered', () => {
  assert.ok(backoffDelay(0, () => 0) >= 250 && backoffDelay(0, () => 0.999) <= 500);
  assert.is(backoffDelay(1, () => 1), 1_000);
  assert.is(backoffDelay(30, () => 1), BACKOFF_MAX_MS);
  assert.ok(backoffDelay(30, () => 0) >= BACKOFF_MAX_MS / 2);
});

S.run();
F.run();
