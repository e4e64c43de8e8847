import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { SessionFact } from '../../machines/session-facts.ts';
import { openStore, type Store } from '../../store/db.ts';
import { StoreError } from '../../store/errors.ts';
import { EventLog } from '../../store/event-log.ts';
import { getReport, getReportSummary, getSessionShots, listReports, openSessions } from '../../store/reports.ts';
import { tempDir, type TempDir } from './fixtures.ts';
import { interval, record, shot, started, t0 } from './session-fixtures.ts';

interface Ctx {
  tmp: TempDir;
  store: Store;
  log: EventLog;
}

const S = suite<Ctx>('store/projections', {} as Ctx);

S.before.each((ctx) => {
  ctx.tmp = tempDir();
  ctx.store = openStore(ctx.tmp.path('data', 'skylapse.db'));
  ctx.log = new EventLog(ctx.store);
});

S.after.each((ctx) => {
  ctx.store.close();
  ctx.tmp.remove();
});

// A realistic night: slot 1 ok, slot 2 skipped (the previous shot overran), slot 3 failed after retries.
const shot1 = shot(1, {});
const shot2 = shot(2, { triggeredAt: null, triggerMono: null, latenessMs: null, latencyMs: null, attempts: 0, files: [], result: 'skipped', reason: 'late' });
const shot3 = shot(3, {
  triggeredAt: t0 + 2 * interval + 8,
  triggerMono: 1_000 + 2 * interval + 8.2,
  latenessMs: 8.2,
  latencyMs: null,
  attempts: 3,
  files: [],
  result: 'failed',
  error: { code: 'SHUTTER_TIMEOUT', message: 'camera did not answer' },
});
const endedAt = t0 + 2 * interval + 5_000;

function runNight(log: EventLog, id = 's1') {
  record(log, id, 'START', t0, [started(id)]);
  record(log, id, 'xstate.done.actor.shoot', shot1.triggeredAt!, [{ type: 'shot.recorded', sessionId: id, shot: shot1 }]);
  record(log, id, 'DEADLINE', t0 + interval, [{ type: 'shot.recorded', sessionId: id, shot: shot2 }]);
  return record(log, id, 'xstate.error.actor.shoot', endedAt, [
    { type: 'shot.recorded', sessionId: id, shot: shot3 },
    { type: 'session.ended', sessionId: id, status: 'completed', endedAt, error: null },
  ]);
}

S('a finished session fills sessions and shots', ({ log, store }) => {
  const last = runNight(log);
  const session = store.sqlite.prepare('SELECT * FROM sessions').all();
  assert.equal(session, [
    {
      id: 's1',
      title: 'Night s1',
      interval_ms: 30000,
      total_shots: 3,
      stop_condition: 'stop-after',
      started_at: t0,
      status: 'completed',
      ended_at: endedAt,
      error_code: null,
      error_message: null,
      saved_at: null,
      ok: 1,
      failed: 1,
      skipped: 1,
      unknown: 0,
      first_file: '100CANON/IMG_0001.JPG',
      last_file: '100CANON/IMG_0001.JPG',
      last_seq: last.seq,
      plan: JSON.stringify({ id: 's1', title: 'Night s1', intervalMs: 30000, totalShots: 3, stopCondition: 'stop-after', startedAt: t0 }),
      stop_reason: null,
      deleted_at: null,
    },
  ]);

  const rows = getSessionShots(store, 's1');
  assert.equal(rows.map((r) => [r.number, r.result, r.reason, r.attempts, r.files]), [
    [1, 'ok', null, 1, ['100CANON/IMG_0001.JPG']],
    [2, 'skipped', 'late', 0, []],
    [3, 'failed', null, 3, []],
  ]);
  assert.equal(rows[0], {
    sessionId: 's1',
    number: 1,
    plannedAt: t0,
    plannedAtIso: '2026-01-01T22:00:00.000Z',
    plannedMono: 1000,
    triggeredAt: t0 + 12,
    triggeredAtIso: '2026-01-01T22:00:00.012Z',
    triggerMono: 1012.5,
    latenessMs: 12.5,
    latencyMs: 180,
    attempts: 1,
    files: ['100CANON/IMG_0001.JPG'],
    result: 'ok',
    reason: null,
    recovered: false,
    error: null,
  });
  assert.equal(rows[2]!.error, { code: 'SHUTTER_TIMEOUT', message: 'camera did not answer' });
  assert.is(rows[1]!.triggeredAtIso, null);
});

S('session_report view reads like a report', ({ log, store }) => {
  runNight(log);
  const report = store.sqlite.prepare('SELECT * FROM session_report').all();
  assert.equal(report, [
    {
      id: 's1',
      title: 'Night s1',
      reason: 'completed',
      started_at: '2026-01-01T22:00:00.000Z',
      ended_at: '2026-01-01T22:01:05.000Z',
      duration_s: 65,
      interval_s: 30,
      planned_shots: 3,
      ok: 1,
      failed: 1,
      skipped: 1,
      unknown: 0,
      orphans: 0,
      first_file: '100CANON/IMG_0001.JPG',
      last_file: '100CANON/IMG_0001.JPG',
      lateness_p50_ms: 8.2,
      lateness_max_ms: 12.5,
      error_code: null,
      error_message: null,
      saved_at: null,
      started_ms: t0,
      ended_ms: endedAt,
      saved_ms: null,
      stop_condition: 'stop-after',
      stop_reason: null,
      time_zone: null,
      lateness_p99_ms: 12.5,
      deleted_at: null,
      deleted_ms: null,
    },
  ]);
});

S('shot_log view lists every slot with readable times and errors', ({ log, store }) => {
  runNight(log);
  const rows = store.sqlite.prepare("SELECT * FROM shot_log WHERE session_id = 's1'").all();
  assert.equal(rows, [
    {
      session_id: 's1',
      number: 1,
      planned_at: '2026-01-01T22:00:00.000Z',
      triggered_at: '2026-01-01T22:00:00.012Z',
      lateness_ms: 12.5,
      latency_ms: 180,
      attempts: 1,
      file: '100CANON/IMG_0001.JPG',
      result: 'ok',
      reason: null,
      recovered: 0,
      error: null,
    },
    {
      session_id: 's1',
      number: 2,
      planned_at: '2026-01-01T22:00:30.000Z',
      triggered_at: null,
      lateness_ms: null,
      latency_ms: null,
      attempts: 0,
      file: null,
      result: 'skipped',
      reason: 'late',
      recovered: 0,
      error: null,
    },
    {
      session_id: 's1',
      number: 3,
      planned_at: '2026-01-01T22:01:00.000Z',
      triggered_at: '2026-01-01T22:01:00.008Z',
      lateness_ms: 8.2,
      latency_ms: null,
      attempts: 3,
      file: null,
      result: 'failed',
      reason: null,
      recovered: 0,
      error: 'SHUTTER_TIMEOUT: camera did not answer',
    },
  ]);
});

S('listReports and getReport return camelCase summaries', ({ log, store }) => {
  runNight(log);
  const [summary] = listReports(store);
  assert.equal(summary, {
    id: 's1',
    title: 'Night s1',
    reason: 'completed',
    startedAt: t0,
    startedAtIso: '2026-01-01T22:00:00.000Z',
    endedAt: endedAt,
    endedAtIso: '2026-01-01T22:01:05.000Z',
    savedAt: null,
    savedAtIso: null,
    durationS: 65,
    intervalS: 30,
    plannedShots: 3,
    ok: 1,
    failed: 1,
    skipped: 1,
    unknown: 0,
    orphans: 0,
    firstFile: '100CANON/IMG_0001.JPG',
    lastFile: '100CANON/IMG_0001.JPG',
    latenessP50Ms: 8.2,
    latenessMaxMs: 12.5,
    latenessP99Ms: 12.5,
    error: null,
    stopCondition: 'stop-after',
    stopReason: null,
    timeZone: null,
    deletedAt: null,
  });
  assert.equal(getReportSummary(store, 's1'), summary);
  const report = getReport(store, 's1');
  assert.ok(report);
  const { shots, orphanFiles, plan, byReason, driftEndMs, timeline, cameraTimeline, ...rest } = report;
  assert.equal(rest, summary);
  assert.equal(byReason, { ok: 1, failed: { SHUTTER_TIMEOUT: 1 }, skipped: { late: 1 }, unknown: 0 });
  assert.is(driftEndMs, 12.5);
  assert.is(plan?.intervalMs, 30_000);
  assert.equal(cameraTimeline, [], 'no camera stream in this log');
  assert.equal(timeline, [], 'this fixture logs under another stream name than session:<id>');
  assert.equal(shots, getSessionShots(store, 's1'));
  assert.equal(orphanFiles, []);
  assert.is(getReport(store, 'nope'), null);
  assert.is(getReportSummary(store, 'nope'), null);
});

S('a failed session carries its error; reports are newest first', ({ log, store }) => {
  runNight(log, 'older');
  const later = t0 + 86_400_000;
  record(log, 'newer', 'START', later, [started('newer', 'Second night', later)]);
  record(log, 'newer', 'CAMERA.LOST', later + 5_000, [
    { type: 'session.ended', sessionId: 'newer', status: 'failed', endedAt: later + 5_000, error: { code: 'CAMERA_LOST', message: 'camera went away' } },
  ]);
  const reports = listReports(store);
  assert.equal(reports.map((r) => [r.id, r.reason]), [['newer', 'failed'], ['older', 'completed']]);
  assert.equal(reports[0]!.error, { code: 'CAMERA_LOST', message: 'camera went away' });
  assert.is(reports[0]!.latenessP50Ms, null);
  assert.is(reports[0]!.firstFile, null);
});

S('openSessions: running listed; interrupted listed until saved; discarded not listed', ({ log, store }) => {
  record(log, 'a', 'START', t0, [started('a')]);
  record(log, 'b', 'START', t0 + 1, [started('b')]);
  assert.equal(openSessions(store), [
    { id: 'a', status: 'running' },
    { id: 'b', status: 'running' },
  ]);
  assert.equal(listReports(store), []);
  assert.is(getReport(store, 'a'), null);

  // The Pi lost power after slot 1 of both; on restart both are marked interrupted.
  record(log, 'a', 'xstate.done.actor.shoot', shot1.triggeredAt!, [{ type: 'shot.recorded', sessionId: 'a', shot: shot1 }]);
  const restart = t0 + 3_600_000;
  record(log, 'a', 'RECOVERED', restart, [{ type: 'session.interrupted', sessionId: 'a', at: restart, lastEventAt: shot1.triggeredAt! }]);
  record(log, 'b', 'RECOVERED', restart, [{ type: 'session.interrupted', sessionId: 'b', at: restart, lastEventAt: t0 + 1 }]);
  assert.equal(openSessions(store), [
    { id: 'a', status: 'interrupted' },
    { id: 'b', status: 'interrupted' },
  ]);
  assert.equal(listReports(store), [], 'unsaved interrupted sessions are not reports');

  record(log, 'a', 'SAVE', restart + 10, [{ type: 'session.saved', sessionId: 'a', title: 'Orion, cut short', at: restart + 10 }]);
  record(log, 'b', 'DISCARD', restart + 20, [{ type: 'session.discarded', sessionId: 'b', at: restart + 20 }]);
  assert.equal(openSessions(store), []);

  const reports = listReports(store);
  assert.equal(reports.map((r) => [r.id, r.title, r.reason, r.savedAt, r.endedAt]), [
    ['a', 'Orion, cut short', 'interrupted', restart + 10, shot1.triggeredAt],
  ]);
  assert.is(reports[0]!.savedAtIso, '2026-01-01T23:00:00.010Z');
  assert.is(reports[0]!.durationS, 0);
  assert.is(getReport(store, 'b'), null);
  assert.is(store.sqlite.prepare("SELECT status FROM sessions WHERE id = 'b'").pluck().get(), 'discarded');
});

S('re-recording a slot is idempotent: the first record of a slot stands and counters count it once', ({ log, store }) => {
  record(log, 's', 'START', t0, [started('s')]);
  const ok1 = { type: 'shot.recorded', sessionId: 's', shot: shot1 } as const;
  record(log, 's', 'A', t0, [ok1]);
  record(log, 's', 'B', t0, [ok1]);
  const failed2: SessionFact = { type: 'shot.recorded', sessionId: 's', shot: shot(2, { result: 'failed', files: [], error: { code: 'BUSY', message: 'busy' } }) };
  const applied = record(log, 's', 'C', t0, [failed2]);
  // The machine never records a slot twice; a repeated fact (a projection rebuilt over existing rows) is ignored.
  record(log, 's', 'D', t0, [{ type: 'shot.recorded', sessionId: 's', shot: shot(2, {}) }]);

  const row = store.sqlite.prepare('SELECT ok, failed, skipped, unknown, first_file, last_file, last_seq FROM sessions').get();
  assert.equal(row, {
    ok: 1,
    failed: 1,
    skipped: 0,
    unknown: 0,
    first_file: '100CANON/IMG_0001.JPG',
    last_file: '100CANON/IMG_0001.JPG',
    last_seq: applied.seq,
  });
  const shots = getSessionShots(store, 's');
  assert.is(shots.length, 2);
  assert.equal(shots[1]!.error, { code: 'BUSY', message: 'busy' });
});

S('a fact for an unknown session fails and rolls back the append', ({ log, store }) => {
  try {
    record(log, 'ghost', 'X', t0, [{ type: 'shot.recorded', sessionId: 'ghost', shot: shot1 }]);
    assert.unreachable('should have thrown');
  } catch (error) {
    assert.instance(error, StoreError);
    assert.is((error as StoreError).code, 'SESSION_UNKNOWN');
  }
  assert.is(log.lastSeq(), 0);
  assert.equal(getSessionShots(store, 'ghost'), []);
});

S('starting the same session twice fails with SESSION_EXISTS', ({ log }) => {
  record(log, 's', 'START', t0, [started('s')]);
  try {
    record(log, 's', 'START', t0, [started('s')]);
    assert.unreachable('should have thrown');
  } catch (error) {
    assert.is((error as StoreError).code, 'SESSION_EXISTS');
  }
  assert.is(log.version('session-s'), 1);
});

S.run();
