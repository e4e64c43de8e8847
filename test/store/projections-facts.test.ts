// The session facts beyond start/shot/end: skipped runs, late files, recovered slots, orphan files, suspend and
// resume; paged shot reads; and the rebuild rule (a fact applied again changes nothing, counters stay exact).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { SessionFact } from '../../machines/session-facts.ts';
import { openStore, type Store } from '../../store/db.ts';
import { StoreError } from '../../store/errors.ts';
import { EventLog } from '../../store/event-log.ts';
import { projectSessionFacts } from '../../store/projections.ts';
import { getReport, getReportSummary, getSessionShots, openSessions } from '../../store/reports.ts';
import { tempDir, type TempDir } from './fixtures.ts';
import { interval, record, shot, started, t0 } from './session-fixtures.ts';

interface Ctx {
  tmp: TempDir;
  store: Store;
  log: EventLog;
}

const S = suite<Ctx>('store/projections (facts)', {} as Ctx);

S.before.each((ctx) => {
  ctx.tmp = tempDir();
  ctx.store = openStore(ctx.tmp.path('skylapse.db'));
  ctx.log = new EventLog(ctx.store);
});

S.after.each((ctx) => {
  ctx.store.close();
  ctx.tmp.remove();
});

type Counters = { ok: number; failed: number; skipped: number; unknown: number; first_file: string | null; last_file: string | null };
const counters = (store: Store, id = 's'): Counters =>
  store.sqlite.prepare('SELECT ok, failed, skipped, unknown, first_file, last_file FROM sessions WHERE id = ?').get(id) as Counters;

/** Counters recomputed from the rows: what the projection must always equal. */
const recount = (store: Store, id = 's') =>
  Object.fromEntries(
    (['ok', 'failed', 'skipped', 'unknown'] as const).map((r) => [
      r,
      store.sqlite.prepare('SELECT count(*) FROM shots WHERE session_id = ? AND result = ?').pluck().get(id, r),
    ]),
  );

const fileOf = (n: number, ext = 'JPG') => `100CANON/IMG_000${n}.${ext}`;

function expectStoreError(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (error) {
    assert.instance(error, StoreError);
    assert.is((error as StoreError).code, code);
    return;
  }
  assert.unreachable(`expected ${code}`);
}

/** A night touching every fact: shots, a skipped run, an unknown slot recovered, late files, orphans, suspend/resume. */
function fullNight(log: EventLog): void {
  record(log, 's', 'START', t0, [started('s')]);
  record(log, 's', 'SHOT', t0 + 12, [{ type: 'shot.recorded', sessionId: 's', shot: shot(1) }]);
  record(log, 's', 'TICK', t0 + 3 * interval, [
    { type: 'slots.skipped', sessionId: 's', run: { first: { number: 2, plannedAt: t0 + interval, plannedMono: 1_000 + interval }, count: 2, intervalMs: interval, reason: 'late' } },
  ]);
  record(log, 's', 'SHOT', t0 + 3 * interval, [{ type: 'shot.recorded', sessionId: 's', shot: shot(4, { result: 'unknown', files: [] }) }]);
  record(log, 's', 'SHUTDOWN', t0 + 4 * interval, [{ type: 'session.suspended', sessionId: 's', at: t0 + 4 * interval, reason: 'shutdown' }]);
  record(log, 's', 'RESUME', t0 + 6 * interval, [{ type: 'session.resumed', sessionId: 's', at: t0 + 6 * interval, gapMs: 2 * interval, reanchored: false, skipped: 0 }]);
  record(log, 's', 'CARD_FILES', t0 + 6 * interval, [
    { type: 'shot.recovered', sessionId: 's', number: 4, was: 'unknown', files: [fileOf(4)] },
    { type: 'shot.files_added', sessionId: 's', number: 1, files: [fileOf(1, 'CR3')] },
    { type: 'session.orphan_files', sessionId: 's', files: [{ path: fileOf(5), capturedAt: t0 + 5 * interval }, { path: fileOf(6), capturedAt: null }] },
  ]);
  record(log, 's', 'STOP', t0 + 7 * interval, [{ type: 'session.ended', sessionId: 's', status: 'stopped', endedAt: t0 + 7 * interval, error: null }]);
}

S('slots.skipped inserts one row per slot of the run on the grid, and counts them', ({ log, store }) => {
  record(log, 's', 'START', t0, [started('s')]);
  const first = { number: 3, plannedAt: t0 + 2 * interval, plannedMono: 1_000 + 2 * interval };
  record(log, 's', 'RECOVER', t0 + 10 * interval, [
    { type: 'slots.skipped', sessionId: 's', run: { first, count: 4, intervalMs: interval, reason: 'controller_offline' } },
  ]);
  const rows = getSessionShots(store, 's');
  assert.equal(rows.map((r) => [r.number, r.plannedAt - t0, r.plannedMono - 1_000, r.result, r.reason, r.files, r.attempts]), [
    [3, 2 * interval, 2 * interval, 'skipped', 'controller_offline', [], 0],
    [4, 3 * interval, 3 * interval, 'skipped', 'controller_offline', [], 0],
    [5, 4 * interval, 4 * interval, 'skipped', 'controller_offline', [], 0],
    [6, 5 * interval, 5 * interval, 'skipped', 'controller_offline', [], 0],
  ]);
  assert.equal(counters(store), { ok: 0, failed: 0, skipped: 4, unknown: 0, first_file: null, last_file: null });
});

S('a long skipped run is recorded whole, every slot on the grid', ({ log, store }) => {
  record(log, 's', 'START', t0, [started('s')]);
  const run = { first: { number: 1, plannedAt: t0, plannedMono: 1_000 }, count: 1_234, intervalMs: 1_000, reason: 'controller_offline' as const };
  record(log, 's', 'RECOVER', t0, [{ type: 'slots.skipped', sessionId: 's', run }]);
  assert.is(counters(store).skipped, 1_234);
  assert.equal(recount(store), { ok: 0, failed: 0, skipped: 1_234, unknown: 0 });
  const last = getSessionShots(store, 's', { fromNumber: 1_234 })[0]!;
  assert.equal([last.number, last.plannedAt, last.plannedMono], [1_234, t0 + 1_233_000, 1_000 + 1_233_000]);
});

S('a skipped run over slots already recorded adds and counts only the new ones', ({ log, store }) => {
  record(log, 's', 'START', t0, [started('s')]);
  record(log, 's', 'SHOT', t0, [{ type: 'shot.recorded', sessionId: 's', shot: shot(2) }]);
  record(log, 's', 'TICK', t0, [
    { type: 'slots.skipped', sessionId: 's', run: { first: { number: 1, plannedAt: t0, plannedMono: 1_000 }, count: 3, intervalMs: interval, reason: 'late' } },
  ]);
  assert.equal(getSessionShots(store, 's').map((r) => r.result), ['skipped', 'ok', 'skipped']);
  assert.equal(recount(store), { ok: 1, failed: 0, skipped: 2, unknown: 0 });
  assert.equal({ ...counters(store), first_file: undefined, last_file: undefined }, { ok: 1, failed: 0, skipped: 2, unknown: 0, first_file: undefined, last_file: undefined });
});

S('an unknown slot counts as unknown until recovered, then as ok', ({ log, store }) => {
  record(log, 's', 'START', t0, [started('s')]);
  record(log, 's', 'SHOT', t0, [{ type: 'shot.recorded', sessionId: 's', shot: shot(1, { result: 'unknown', files: [], latencyMs: null }) }]);
  assert.equal(counters(store), { ok: 0, failed: 0, skipped: 0, unknown: 1, first_file: null, last_file: null });
  record(log, 's', 'CARD_FILES', t0, [{ type: 'shot.recovered', sessionId: 's', number: 1, was: 'unknown', files: [fileOf(1, 'CR3'), fileOf(1)] }]);
  assert.equal(counters(store), { ok: 1, failed: 0, skipped: 0, unknown: 0, first_file: fileOf(1, 'CR3'), last_file: fileOf(1) });
  const [row] = getSessionShots(store, 's');
  assert.equal([row!.result, row!.recovered, row!.files], ['ok', true, [fileOf(1, 'CR3'), fileOf(1)]]);
});

S('a failed slot is recovered the same way', ({ log, store }) => {
  record(log, 's', 'START', t0, [started('s')]);
  record(log, 's', 'SHOT', t0, [{ type: 'shot.recorded', sessionId: 's', shot: shot(1, { result: 'failed', files: [], error: { code: 'UNCONFIRMED', message: 'press may have reached the camera' } }) }]);
  record(log, 's', 'CARD_FILES', t0, [{ type: 'shot.recovered', sessionId: 's', number: 1, was: 'failed', files: [fileOf(1)] }]);
  assert.equal(counters(store), { ok: 1, failed: 0, skipped: 0, unknown: 0, first_file: fileOf(1), last_file: fileOf(1) });
  assert.equal(recount(store), { ok: 1, failed: 0, skipped: 0, unknown: 0 });
});

S('late files are appended to their slot once, and first/last file follow slot order', ({ log, store }) => {
  record(log, 's', 'START', t0, [started('s')]);
  record(log, 's', 'SHOT', t0, [{ type: 'shot.recorded', sessionId: 's', shot: shot(1, { files: [] }) }]);
  record(log, 's', 'SHOT', t0, [{ type: 'shot.recorded', sessionId: 's', shot: shot(2) }]);
  record(log, 's', 'SHOT', t0, [{ type: 'shot.recorded', sessionId: 's', shot: shot(3, { files: [] }) }]);
  assert.equal(counters(store), { ok: 3, failed: 0, skipped: 0, unknown: 0, first_file: fileOf(2), last_file: fileOf(2) });

  // Slot 1's JPEG arrives late: it becomes the session's first file.
  record(log, 's', 'LATE_FILES', t0, [{ type: 'shot.files_added', sessionId: 's', number: 1, files: [fileOf(1)] }]);
  assert.equal(counters(store), { ok: 3, failed: 0, skipped: 0, unknown: 0, first_file: fileOf(1), last_file: fileOf(2) });
  // Slot 3's RAW and JPEG, then the JPEG again (reported twice) with slot 2's RAW.
  record(log, 's', 'LATE_FILES', t0, [{ type: 'shot.files_added', sessionId: 's', number: 3, files: [fileOf(3, 'CR3'), fileOf(3)] }]);
  record(log, 's', 'LATE_FILES', t0, [
    { type: 'shot.files_added', sessionId: 's', number: 3, files: [fileOf(3)] },
    { type: 'shot.files_added', sessionId: 's', number: 2, files: [fileOf(2, 'CR3')] },
  ]);
  assert.equal(getSessionShots(store, 's').map((r) => r.files), [[fileOf(1)], [fileOf(2), fileOf(2, 'CR3')], [fileOf(3, 'CR3'), fileOf(3)]]);
  assert.equal(counters(store), { ok: 3, failed: 0, skipped: 0, unknown: 0, first_file: fileOf(1), last_file: fileOf(3) });
});

S('shot_log joins a release\'s files with " + "', ({ log, store }) => {
  record(log, 's', 'START', t0, [started('s')]);
  record(log, 's', 'SHOT', t0, [{ type: 'shot.recorded', sessionId: 's', shot: shot(1, { files: [fileOf(1, 'CR3'), fileOf(1)] }) }]);
  assert.is(store.sqlite.prepare('SELECT file FROM shot_log').pluck().get(), `${fileOf(1, 'CR3')} + ${fileOf(1)}`);
});

S('facts about a slot never recorded fail with SHOT_UNKNOWN and roll back', ({ log, store }) => {
  record(log, 's', 'START', t0, [started('s')]);
  const before = log.lastSeq();
  expectStoreError(() => record(log, 's', 'LATE_FILES', t0, [{ type: 'shot.files_added', sessionId: 's', number: 9, files: [fileOf(9)] }]), 'SHOT_UNKNOWN');
  expectStoreError(() => record(log, 's', 'CARD_FILES', t0, [{ type: 'shot.recovered', sessionId: 's', number: 9, was: 'unknown', files: [fileOf(9)] }]), 'SHOT_UNKNOWN');
  assert.is(log.lastSeq(), before);
  assert.is(log.lastFactSeq(), 1);
  assert.equal(getSessionShots(store, 's'), []);
});

S('orphan files are listed in the report, once each', ({ log, store }) => {
  fullNight(log);
  record(log, 's', 'CARD_FILES', t0 + 8 * interval, [{ type: 'session.orphan_files', sessionId: 's', files: [{ path: fileOf(5), capturedAt: t0 + 5 * interval }] }]);
  const report = getReport(store, 's')!;
  assert.is(report.orphans, 2);
  assert.equal(report.orphanFiles, [
    { path: fileOf(5), capturedAt: t0 + 5 * interval, capturedAtIso: '2026-01-01T22:02:30.000Z' },
    { path: fileOf(6), capturedAt: null, capturedAtIso: null },
  ]);
  assert.is(getReportSummary(store, 's')!.orphans, 2);
});

S('a suspended session is open and not a report; resumed, it runs again', ({ log, store }) => {
  record(log, 's', 'START', t0, [started('s')]);
  record(log, 's', 'SHUTDOWN', t0 + 5, [{ type: 'session.suspended', sessionId: 's', at: t0 + 5, reason: 'shutdown' }]);
  assert.equal(openSessions(store), [{ id: 's', status: 'suspended' }]);
  assert.is(getReportSummary(store, 's'), null);
  record(log, 's', 'RESUME', t0 + 9, [{ type: 'session.resumed', sessionId: 's', at: t0 + 9, gapMs: 4, reanchored: false, skipped: 0 }]);
  assert.equal(openSessions(store), [{ id: 's', status: 'running' }]);
});

S('a whole night reads back as a report with every count', ({ log, store }) => {
  fullNight(log);
  const summary = getReportSummary(store, 's')!;
  assert.equal(
    [summary.reason, summary.ok, summary.failed, summary.skipped, summary.unknown, summary.orphans, summary.firstFile, summary.lastFile],
    ['stopped', 2, 0, 2, 0, 2, fileOf(1), fileOf(4)],
  );
  assert.equal(
    getReport(store, 's')!.shots.map((r) => [r.number, r.result, r.reason, r.recovered, r.files]),
    [
      [1, 'ok', null, false, [fileOf(1), fileOf(1, 'CR3')]],
      [2, 'skipped', 'late', false, []],
      [3, 'skipped', 'late', false, []],
      [4, 'ok', null, true, [fileOf(4)]],
    ],
  );
});

const tables = (store: Store) => ({
  sessions: store.sqlite.prepare('SELECT * FROM sessions').all(),
  shots: store.sqlite.prepare('SELECT * FROM shots ORDER BY session_id, number').all(),
  orphans: store.sqlite.prepare('SELECT * FROM orphan_files ORDER BY session_id, path').all(),
});

S('re-applying every logged fact after the start over the existing rows changes nothing', ({ log, store }) => {
  fullNight(log);
  const before = tables(store);
  const [start, ...rest] = log.readAll();
  // A second start of a session is refused outright (SESSION_EXISTS); every other fact is a no-op the second time.
  expectStoreError(() => store.db.transaction((tx) => projectSessionFacts(tx, start!)), 'SESSION_EXISTS');
  for (const event of rest) store.db.transaction((tx) => projectSessionFacts(tx, event));
  assert.equal(tables(store), before);
  assert.equal(recount(store), { ok: 2, failed: 0, skipped: 2, unknown: 0 });
});

S('rebuilding the projections from the log gives the same rows', ({ log, store }) => {
  fullNight(log);
  const before = tables(store);
  // Projections, unlike the log, may be emptied.
  store.sqlite.exec('DELETE FROM sessions; DELETE FROM shots; DELETE FROM orphan_files;');
  for (const event of log.readAll()) store.db.transaction((tx) => projectSessionFacts(tx, event));
  assert.equal(tables(store), before);
});

S('getSessionShots pages in grid order; bad pages are refused', ({ log, store }) => {
  record(log, 's', 'START', t0, [started('s')]);
  const run = { first: { number: 1, plannedAt: t0, plannedMono: 1_000 }, count: 7, intervalMs: interval, reason: 'late' as const };
  record(log, 's', 'TICK', t0, [{ type: 'slots.skipped', sessionId: 's', run }]);
  const numbers = (page: { fromNumber?: number; limit?: number }) => getSessionShots(store, 's', page).map((r) => r.number);
  assert.equal(numbers({}), [1, 2, 3, 4, 5, 6, 7]);
  assert.equal(numbers({ limit: 3 }), [1, 2, 3]);
  assert.equal(numbers({ fromNumber: 4, limit: 3 }), [4, 5, 6]);
  assert.equal(numbers({ fromNumber: 7, limit: 3 }), [7]);
  assert.equal(numbers({ fromNumber: 8 }), []);
  assert.is(getSessionShots(store, 'nope').length, 0);
  expectStoreError(() => getSessionShots(store, 's', { limit: -1 }), 'INVALID_ARGUMENT');
  expectStoreError(() => getSessionShots(store, 's', { fromNumber: 1.5 }), 'INVALID_ARGUMENT');
});

S('the default page is 500 slots', ({ log, store }) => {
  record(log, 's', 'START', t0, [started('s')]);
  const run = { first: { number: 1, plannedAt: t0, plannedMono: 1_000 }, count: 501, intervalMs: 1_000, reason: 'late' as const };
  record(log, 's', 'TICK', t0, [{ type: 'slots.skipped', sessionId: 's', run }]);
  assert.is(getSessionShots(store, 's').length, 500);
  assert.is(getSessionShots(store, 's', { fromNumber: 501 }).length, 1);
});

S('every session fact for an unknown session fails with SESSION_UNKNOWN', ({ log }) => {
  const facts: SessionFact[] = [
    { type: 'slots.skipped', sessionId: 'ghost', run: { first: { number: 1, plannedAt: t0, plannedMono: 0 }, count: 1, intervalMs: 1, reason: 'late' } },
    { type: 'session.orphan_files', sessionId: 'ghost', files: [{ path: 'x', capturedAt: null }] },
    { type: 'session.suspended', sessionId: 'ghost', at: t0, reason: 'restart' },
    { type: 'session.resumed', sessionId: 'ghost', at: t0, gapMs: 0, reanchored: false, skipped: 0 },
  ];
  for (const fact of facts) expectStoreError(() => record(log, 'ghost', 'X', t0, [fact]), 'SESSION_UNKNOWN');
  assert.is(log.lastSeq(), 0);
});

S.run();
