// The web UI's pure logic: the state store (welcome replaces, seq dedup, one update per broadcast, one activity line
// per shot, suspended and resumed sessions), the start form's parsing (checked against the server's own schema),
// the texts for people and the reconnect backoff.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BROADCAST_TYPES, commandSchemas } from '../../transport/protocol.ts';
import { ACTIVITY_LIMIT, HANDLED_BROADCASTS, describe, initialState, reduce, resumeText } from '../../ui/store.js';
import { countsText, fileNames, formatGap, msUntilNextShot, parseStartForm, shotRowText } from '../../ui/format.js';
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
  counts: { ok: 0, failed: 0, skipped: 0, unknown: 0 },
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
const counts = (ok = 0, failed = 0, skipped = 0, unknown = 0) => ({ counts: { ok, failed, skipped, unknown } });
const shot = (number: number, result: 'ok' | 'failed' | 'unknown' = 'ok', files = result === 'ok' ? [`100CANON/IMG_${number}.CR3`] : []) => ({
  number,
  plannedAt: 0,
  plannedMono: 0,
  triggeredAt: result === 'unknown' ? null : 0,
  triggerMono: result === 'unknown' ? null : 0,
  latenessMs: result === 'unknown' ? null : 12,
  latencyMs: result === 'ok' ? 80 : null,
  attempts: 1,
  files,
  result,
  reason: null,
  recovered: false,
  error: result === 'failed' ? { code: 'TIMEOUT', message: 'no answer' } : null,
});
const live = (intervalometer: unknown = session(), unsavedSession: unknown = null, seq = 1) =>
  reduce(initialState(), welcome(seq, { seq, camera: camera(), intervalometer, unsavedSession }));
/** The activity lines about shot `n` of session SID. */
const linesOf = (s: ReturnType<typeof initialState>, n: number) => s.activity.filter((e) => e.shot?.sessionId === SID && e.shot.number === n);

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
  s = reduce(s, bc(11, 'photo_taken', { sessionId: SID, shot: shot(1), session: session(counts(1)) }));
  s = reduce(s, { type: 'connection_lost' });
  assert.not.ok(s.live);
  assert.is(s.session?.counts.ok, 1, 'stale state is kept for display');
  // Broadcasts between losing the socket and the next welcome are not applied.
  assert.is(reduce(s, bc(12, 'camera_status', { camera: camera('offline') })), s);
  const unsaved = { ...session({ state: 'interrupted', running: false }), reason: 'interrupted' };
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
  s = reduce(s, bc(3, 'photo_taken', { sessionId: SID, shot: shot(1), session: session({ ...counts(1), lastShot: shot(1) }) }));
  assert.is(s.session?.counts.ok, 1);
  const run = { first: { number: 2, plannedAt: 0, plannedMono: 0 }, count: 2, intervalMs: 30_000, reason: 'late' };
  s = reduce(s, bc(4, 'intervalometer_update', { session: session(counts(1, 0, 2)), skipped: run }));
  assert.is(s.session?.counts.skipped, 2);
  assert.match(s.activity[0]!.text, /Skipped shots #2–#3 \(too late to take\)/);
  s = reduce(s, bc(5, 'intervalometer_stopped', { session: session({ ...counts(1, 0, 2), state: 'failed', running: false }), reason: 'failed', error: { code: 'CARD', message: 'card full' } }));
  assert.is(s.session?.state, 'failed');
  assert.is(s.activity[0]!.level, 'error');
  assert.match(s.activity[0]!.text, /cannot write to its card/);
  assert.is(s.activity[0]!.detail, 'CARD: card full');
  assert.match(s.activity[0]!.text, /\(1 taken, 0 failed, 2 skipped\)$/);
  const photo = { triggeredAt: 1, latencyMs: 90, attempts: 1, files: ['100CANON/IMG_9.CR3', '100CANON/IMG_9.JPG'] };
  s = reduce(s, bc(6, 'photo_taken', { sessionId: null, photo, camera: camera('connected', { lastPhoto: photo }) }));
  assert.equal(s.camera?.lastPhoto, photo);
  assert.match(s.activity[0]!.text, /Test photo: IMG_9\.CR3 \+ IMG_9\.JPG \(90 ms\)/);
});

S('report_saved and session_discarded clear only the matching unsaved session', () => {
  const unsaved = { ...session({ state: 'interrupted', running: false }), reason: 'interrupted' };
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
  // The line says it for people; the code and the camera's words stay in its details.
  assert.ok(s.activity.some((e) => e.level === 'error' && /Shot #\d+ failed: Camera took too long/.test(e.text) && /^TIMEOUT: /.test(e.detail ?? '')));
  s = reduce(s, bc(40, 'camera_disconnected', { camera: camera('reconnecting'), reason: { code: 'UNREACHABLE', message: 'gone' } }));
  assert.is(s.activity[0]!.level, 'error');
});

S('one activity line per shot: the last shot, then the end; late files join their shot line', () => {
  let s = live();
  for (let n = 1; n <= 3; n++) s = reduce(s, bc(1 + n, 'photo_taken', { sessionId: SID, shot: shot(n), session: session({ ...counts(n), lastShot: shot(n) }) }));
  // The last shot has its own photo_taken (seq 4) and the end its own broadcast (seq 5): two facts, two seqs.
  const done = session({ ...counts(3), state: 'completed', running: false, lastShot: shot(3), nextShotNumber: null, nextShotAt: null });
  s = reduce(s, bc(5, 'intervalometer_completed', { session: done, reason: 'completed' }));
  assert.is(s.session?.state, 'completed');
  assert.match(s.activity[0]!.text, /^Completed “Milky Way”: 3 taken, 0 failed, 0 skipped$/);
  const shotLines = s.activity.filter((e) => e.key === `shots:${SID}`);
  assert.is(shotLines.length, 1, 'consecutive taken frames are one line that counts');
  assert.is(shotLines[0]!.count, 3);
  assert.match(shotLines[0]!.text, /^Shot #3: IMG_3\.CR3, 12 ms late$/);
  // The JPEG of the same release arrives after the shot was recorded: the shot's line gets it, no second line.
  const before = s.activity.length;
  s = reduce(s, bc(6, 'shot_updated', { sessionId: SID, number: 3, files: ['100CANON/IMG_3.JPG'], recovered: false, session: done }));
  assert.is(s.activity.length, before);
  assert.is(linesOf(s, 3).length, 1);
  assert.match(linesOf(s, 3)[0]!.text, /IMG_3\.CR3 \+ IMG_3\.JPG/);
  assert.is(linesOf(s, 3)[0]!.count, 3);
  assert.is(s.lastSeq, 6);
  // Late files for a shot whose line is gone (merged into the run) write nothing; the record has them.
  const quiet = reduce(s, bc(7, 'shot_updated', { sessionId: SID, number: 1, files: ['100CANON/IMG_1.JPG'], recovered: false, session: done }));
  assert.is(quiet.activity, s.activity);
  assert.is(quiet.lastSeq, 7);
});

S('a recovered shot replaces its failed or unknown line, at the top, and counts move', () => {
  let s = live(session(counts(1)));
  s = reduce(s, bc(2, 'photo_taken', { sessionId: SID, shot: shot(2, 'failed'), session: session(counts(1, 1)) }));
  s = reduce(s, bc(3, 'photo_taken', { sessionId: SID, shot: shot(3), session: session(counts(2, 1)) }));
  assert.is(linesOf(s, 2)[0]!.level, 'error');
  const after = session({ ...counts(3, 0) });
  s = reduce(s, bc(4, 'shot_updated', { sessionId: SID, number: 2, files: ['100CANON/IMG_2.CR3'], recovered: true, was: 'failed', session: after }));
  assert.is(linesOf(s, 2).length, 1, 'one line for shot #2');
  assert.is(s.activity[0]!.shot?.number, 2);
  assert.is(s.activity[0]!.level, 'ok');
  assert.match(s.activity[0]!.text, /Shot #2 recovered from the card: IMG_2\.CR3 \(was failed\)/);
  assert.equal(s.session?.counts, { ok: 3, failed: 0, skipped: 0, unknown: 0 });
  assert.is(s.note?.recovered, 1);
  // An unknown slot this page never saw (recorded while it was away) gets a line of its own.
  s = reduce(s, bc(5, 'shot_updated', { sessionId: SID, number: 9, files: ['100CANON/IMG_9.CR3'], recovered: true, was: 'unknown', session: after }));
  assert.match(s.activity[0]!.text, /Shot #9 recovered from the card: IMG_9\.CR3 \(was unknown\)/);
  assert.is(s.note?.recovered, 2);
});

S('an unknown shot is said as unknown and counted as such', () => {
  let s = live(session(counts(4)));
  s = reduce(s, bc(2, 'photo_taken', { sessionId: SID, shot: shot(5, 'unknown'), session: session(counts(4, 0, 0, 1)) }));
  assert.is(s.session?.counts.unknown, 1);
  assert.is(s.activity[0]!.level, 'warn');
  assert.match(s.activity[0]!.text, /Shot #5 unknown/);
  s = reduce(s, bc(3, 'intervalometer_stopped', { session: session({ ...counts(4, 0, 0, 1), state: 'stopped', running: false }), reason: 'stopped', error: null }));
  assert.match(s.activity[0]!.text, /4 taken, 0 failed, 0 skipped, 1 unknown/);
});

S('a suspended session is held, not running, with the reason the broadcast gave', () => {
  let s = live(session(counts(10)));
  const held = session({ ...counts(10), state: 'suspended', running: false, nextShotNumber: null, nextShotAt: null });
  s = reduce(s, bc(2, 'intervalometer_suspended', { session: held, reason: 'shutdown' }));
  assert.is(s.session?.state, 'suspended');
  assert.not.ok(s.session?.running);
  assert.is(s.note?.suspendReason, 'shutdown');
  assert.is(s.activity[0]!.level, 'warn');
  assert.match(s.activity[0]!.text, /Suspended “Milky Way”: the controller was shut down; nothing is being shot \(10 taken/);
  // A reconnect to the same session keeps what only the broadcast said.
  s = reduce(reduce(s, { type: 'connection_lost' }), welcome(9, { camera: camera(), intervalometer: held, unsavedSession: null }));
  assert.is(s.note?.suspendReason, 'shutdown');
  // Discarding a suspended session ends it for the page too.
  s = reduce(s, bc(10, 'session_discarded', { sessionId: SID }));
  assert.is(s.session?.state, 'discarded');
});

S('after a resume: the gap, and the slots skipped while the controller was down', () => {
  let s = live(session({ ...counts(10), state: 'suspended', running: false }));
  const run = { first: { number: 11, plannedAt: 0, plannedMono: 0 }, count: 24, intervalMs: 30_000, reason: 'controller_offline' };
  const resumed = session({ ...counts(10, 0, 24), nextShotNumber: 35 });
  // One RESUME event, two facts: the skipped run, then the resume.
  s = reduce(s, bc(2, 'intervalometer_update', { session: resumed, skipped: run }));
  assert.match(s.activity[0]!.text, /Skipped shots #11–#34 \(the controller was down\)/);
  s = reduce(s, bc(3, 'intervalometer_resumed', { session: resumed, gapMs: 12 * 60_000 + 20_000, reanchored: false }));
  assert.is(s.session?.state, 'waiting');
  assert.equal(s.note?.resumed, { at: 3000, gapMs: 740_000, skipped: 24, reanchored: false });
  assert.is(s.note?.offlineSkips, 0);
  assert.is(s.activity[0]!.text, 'Resumed “Milky Way”: after a gap of 12 min — 24 slots skipped while the controller was down');
  // A later resume without a missed slot says so; a new session forgets the old one's notes.
  s = reduce(s, bc(4, 'intervalometer_suspended', { session: session({ state: 'suspended', running: false }), reason: 'restart' }));
  assert.is(s.note?.resumed, null);
  s = reduce(s, bc(5, 'intervalometer_resumed', { session: session(), gapMs: 400, reanchored: true }));
  assert.match(s.activity[0]!.text, /gap of under a second — no slot was missed; the clock went back/);
  s = reduce(s, bc(6, 'intervalometer_started', { session: session({ sessionId: '00000000-0000-4000-8000-000000000001' }) }));
  assert.is(s.note, null);
});

S('a welcome for another session drops the notes of the old one', () => {
  let s = live(session({ state: 'suspended', running: false }));
  s = reduce(s, bc(2, 'intervalometer_suspended', { session: session({ state: 'suspended', running: false }), reason: 'restart' }));
  s = reduce(s, welcome(3, { camera: camera(), intervalometer: session({ sessionId: '00000000-0000-4000-8000-000000000002' }), unsavedSession: null }));
  assert.is(s.note, null);
});

S('the card check of an unsaved session updates its banner, not the shown session', () => {
  const other = session({ sessionId: '00000000-0000-4000-8000-000000000003', title: 'Tonight' });
  const unsaved = { ...session({ ...counts(5, 0, 0, 1), state: 'interrupted', running: false }), reason: 'interrupted' };
  let s = live(other, unsaved);
  const fixed = session({ ...counts(6), state: 'interrupted', running: false });
  s = reduce(s, bc(2, 'shot_updated', { sessionId: SID, number: 6, files: ['100CANON/IMG_6.CR3'], recovered: true, was: 'unknown', session: fixed }));
  assert.is(s.session?.title, 'Tonight');
  assert.equal(s.unsaved?.counts, { ok: 6, failed: 0, skipped: 0, unknown: 0 });
  assert.is(s.unsaved?.reason, 'interrupted');
  s = reduce(s, bc(3, 'orphan_files_found', { sessionId: SID, files: [{ path: '100CANON/IMG_99.CR3', capturedAt: null }] }));
  assert.match(s.activity[0]!.text, /1 file on the card match no shot of this session: IMG_99\.CR3/);
  assert.is(s.session?.title, 'Tonight');
});

S('a resumed session whose plan ran out while down becomes the unsaved one', () => {
  let s = live(session({ state: 'suspended', running: false }));
  const u = { ...session({ ...counts(50, 0, 50), state: 'interrupted', running: false }), reason: 'interrupted' };
  s = reduce(s, bc(2, 'unsaved_session_found', { unsavedSession: u }));
  assert.is(s.unsaved?.sessionId, SID);
  assert.is(s.session?.state, 'interrupted');
  assert.is((s.session as Record<string, unknown> | null)?.reason, undefined);
  assert.match(s.activity[0]!.text, /Interrupted session found: “Milky Way” \(50 taken, 0 failed, 50 skipped/);
});

S('report_saved names the counts by their one name', () => {
  let s = live(session({ state: 'suspended', running: false }));
  s = reduce(s, bc(2, 'report_saved', { sessionId: SID, report: { title: 'Milky Way', ok: 7, failed: 1, skipped: 2, unknown: 0 } }));
  assert.is(s.session?.state, 'saved');
  assert.is(s.activity[0]!.text, 'Saved as report: “Milky Way” (7 taken, 1 failed, 2 skipped)');
});

S('every broadcast type of the protocol has a handler and a description', () => {
  assert.equal([...HANDLED_BROADCASTS].sort(), [...BROADCAST_TYPES].sort());
  for (const type of BROADCAST_TYPES) {
    const data = { camera: camera(), session: session(), unsavedSession: session(), sessionId: SID, number: 1, files: [], skipped: null, reason: 'shutdown', gapMs: 0 };
    const text = describe(initialState(), type, data).text;
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

F('texts for people: files, gaps, counts, shot rows', () => {
  assert.is(fileNames(['100CANON/IMG_1.CR3', '100CANON/IMG_1.JPG']), 'IMG_1.CR3 + IMG_1.JPG');
  assert.is(fileNames([]), null);
  assert.is(formatGap(300), 'under a second');
  assert.is(formatGap(44_600), '45 s');
  assert.is(formatGap(12 * 60_000 + 29_000), '12 min');
  assert.is(formatGap(89 * 60_000), '89 min');
  assert.is(formatGap(125 * 60_000), '2 h 5 min');
  assert.is(formatGap(3 * 3_600_000), '3 h');
  assert.is(countsText({ ok: 3, failed: 1, skipped: 0, unknown: 0 }), '3 taken · 1 failed · 0 skipped');
  assert.is(countsText({ ok: 3, failed: 0, skipped: 0, unknown: 2 }, ', '), '3 taken, 0 failed, 0 skipped, 2 unknown');
  assert.is(resumeText({ gapMs: 60_000, skipped: 1 }), 'after a gap of 60 s — 1 slot skipped while the controller was down');
  assert.is(shotRowText({ ...shot(4), files: ['a/IMG_4.CR3', 'a/IMG_4.JPG'], recovered: true }), '#4 IMG_4.CR3 + IMG_4.JPG, 12 ms late (recovered from the card)');
  assert.is(shotRowText({ ...shot(5), result: 'skipped', files: [], reason: 'controller_offline' }), '#5 skipped: the controller was down');
  assert.is(shotRowText(shot(6, 'failed')), '#6 failed: TIMEOUT: no answer');
  assert.match(shotRowText(shot(7, 'unknown')), /^#7 unknown/);
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
