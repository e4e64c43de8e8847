// A whole night under a simulated clock, in a second or two: planned "23:40" → "05:10" in Europe/Berlin on the night
// the clocks go back (6 h 30 of real time, 780 slots at 30 s), scheduled, paused, the camera lost, too hot, five
// frames failed in a row. The session machine is folded and journaled exactly as live (store, projections, facts);
// replay must give the same snapshot, and the CSV export, parsed back with csv-parse, must match the log row by row.
import { parse } from 'csv-parse/sync';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { AnyEventObject } from 'xstate';
import { ManualClock } from '../../adapters/clock.ts';
import { CSV_COLUMNS, exportReport } from '../../app/report-export.ts';
import { planWindow } from '../../app/schedule.ts';
import { replay } from '../../machines/replay.ts';
import type { SessionFact } from '../../machines/session-facts.ts';
import { ARM_AHEAD_MS, holdWakeAt, SCHEDULE_WAKE_MS, SESSION_MACHINE_VERSION, sessionMachine, type SessionInput, type ShotFailure, type ShotOutput } from '../../machines/session.ts';
import { openStore } from '../../store/db.ts';
import { EventLog } from '../../store/event-log.ts';
import { JournaledStream } from '../../store/journal.ts';
import { projectSessionFacts } from '../../store/projections.ts';
import { getReport } from '../../store/reports.ts';

const S = suite('a night across midnight and a DST change, simulated');
const ID = '00000000-0000-4000-8000-0000000000ee';
const ZONE = 'Europe/Berlin';

S('23:40 → 05:10 on 2026-10-24/25: planned, held, completed, exported and read back', () => {
  const evening = Date.parse('2026-10-24T20:00:00+02:00');
  const clock = new ManualClock(evening);
  const window = planWindow({ intervalMs: 30_000, stopCondition: 'stop-at', totalShots: null, startAt: '23:40', stopAt: '05:10', durationMs: null, timeZone: ZONE }, evening);
  assert.is(window.totalShots, 780, '6 h 30 of real time at 30 s');

  const store = openStore(':memory:');
  const log = new EventLog(store);
  const stream = `session:${ID}`;
  const journal = new JournaledStream(sessionMachine, stream, log, clock, { machineVersion: SESSION_MACHINE_VERSION, project: projectSessionFacts });
  const input: SessionInput = {
    plan: { id: ID, title: 'Orion over the lake', intervalMs: 30_000, totalShots: window.totalShots, stopCondition: 'stop-at', startedAt: window.startAt, scheduled: true, stopAt: window.stopAt, timeZone: ZONE, maxFailedInRow: 5 },
    anchorMono: window.startAt - evening,
  };
  const record = (event: AnyEventObject) => journal.record(event);
  record({ type: 'xstate.init', input });
  assert.is(journal.snapshot!.value, 'scheduled');

  const reading = () => ({ at: clock.wall(), mono: clock.mono(), wall: clock.wall() });
  const slotMono = (n: number) => input.anchorMono + (n - 1) * 30_000;
  // What happens in the night, by slot number (1-based): the press's outcome, or an event between slots.
  const failing = new Map<number, string>([
    [200, 'UNREACHABLE'], // the camera is gone: waiting_for_camera until it is back, 5 min later
    [400, 'RELEASE_DISABLED'], // too hot: held until release is allowed, 3 min later
    ...[500, 501, 502, 503, 504].map((n): [number, string] => [n, 'BUSY']), // five in a row: paused
  ]);
  const external: { mono: number; event: () => AnyEventObject }[] = [
    { mono: slotMono(100) + 5_000, event: () => ({ type: 'PAUSE', ...reading() }) },
    { mono: slotMono(100) + 605_000, event: () => ({ type: 'UNPAUSE', ...reading() }) },
    { mono: slotMono(200) + 300_000, event: () => ({ type: 'CAMERA_BACK', ...reading() }) },
    { mono: slotMono(400) + 180_000, event: () => ({ type: 'RELEASE_ALLOWED', ...reading() }) },
    { mono: slotMono(504) + 95_000, event: () => ({ type: 'UNPAUSE', ...reading() }) },
  ];

  // The actors, simulated: deadlines fire on time, presses are 1 ms late and answer 180 ms later.
  for (let guard = 0; guard < 10_000 && journal.snapshot!.status === 'active'; guard++) {
    const s = journal.snapshot!;
    const c = s.context;
    if (s.matches('completed') || s.matches('stopped') || s.matches('failed')) break;
    if (s.matches({ running: 'shooting' })) {
      const n = c.nextIndex + 1;
      clock.advance(c.nextAt + 1 - clock.mono());
      const code = failing.get(n);
      if (code) {
        const error: ShotFailure = { code, message: code, fatal: code === 'RELEASE_DISABLED', attempts: 1, mono: clock.mono() + 100, wall: clock.wall() + 100 };
        record({ type: 'xstate.error.actor.shoot', error });
      } else {
        const output: ShotOutput = {
          triggerMono: clock.mono(),
          triggerWall: clock.wall(),
          latencyMs: 180,
          attempts: 1,
          files: [`100CANON/IMG_${String(n).padStart(4, '0')}.CR3`],
          confirmedByEvidence: false,
          doneMono: clock.mono() + 180,
          doneWall: clock.wall() + 180,
        };
        record({ type: 'xstate.done.actor.shoot', output });
      }
      continue;
    }
    const deadline = s.matches('scheduled') ? c.nextAt - SCHEDULE_WAKE_MS : s.matches({ running: 'waiting' }) ? c.nextAt - ARM_AHEAD_MS : holdWakeAt(c);
    const next = external[0];
    if (next && next.mono <= deadline) {
      clock.advance(Math.max(0, next.mono - clock.mono()));
      external.shift();
      record(next.event());
    } else {
      clock.advance(Math.max(0, deadline - clock.mono()));
      record({ type: 'TICK', mono: clock.mono(), wall: clock.wall() });
    }
  }

  const end = journal.snapshot!;
  assert.is(end.value, 'completed');
  assert.equal(external, [], 'every planned event happened');
  const logged = log.readStream(stream);
  assert.equal(JSON.parse(JSON.stringify(replay(sessionMachine, logged.map((e) => e.data as AnyEventObject))!.context)), JSON.parse(JSON.stringify(end.context)), 'replay gives the live snapshot');

  const report = getReport(store, ID)!;
  assert.is(report.shots.length, 780);
  assert.is(report.stopCondition, 'stop-at');
  // Paused 10 min after slot 100: slots 101–119 pass; slot 120 is 5 s late at the resume, within half an interval.
  // The camera away from slot 200 for 5 min: 200–209. Too hot at 400 for 3 min: 400–405. 500–504 fail, then the
  // pause until 95 s after 504 skips 505 and 506.
  assert.equal(report.byReason.skipped, { paused: 19, camera_offline: 10, camera_hot: 6, failed_in_row: 2 });
  assert.equal(report.byReason.failed, { BUSY: 5 });
  assert.is(report.byReason.ok, 780 - 19 - 10 - 6 - 2 - 5);
  const holds = report.timeline.filter((t) => t.what === 'held').map((t) => t.reason);
  assert.equal(holds, ['paused', 'camera_offline', 'camera_hot', 'failed_in_row']);
  assert.equal(report.timeline.filter((t) => t.what === 'hold_ended').map((t) => [t.reason, t.skipped]), [
    ['paused', 19],
    ['camera_offline', 9],
    ['camera_hot', 5],
    ['failed_in_row', 2],
  ]);
  assert.is(report.driftEndMs, 1);

  // The export, read back by a CSV library, against the log's own facts, slot by slot.
  const csv = exportReport(report, 'csv').body;
  const rows = parse(csv, { columns: true, skip_empty_lines: true }) as Record<(typeof CSV_COLUMNS)[number], string>[];
  assert.equal(Object.keys(rows[0]!), [...CSV_COLUMNS]);
  const fromLog = new Map<number, { result: string; reason: string | null; plannedAt: number; files: string[] }>();
  for (const fact of logged.flatMap((e) => e.facts.map((f) => f.data as SessionFact))) {
    if (fact.type === 'shot.recorded') fromLog.set(fact.shot.number, { result: fact.shot.result, reason: fact.shot.reason, plannedAt: fact.shot.plannedAt, files: fact.shot.files });
    if (fact.type === 'slots.skipped') {
      for (let i = 0; i < fact.run.count; i++) fromLog.set(fact.run.first.number + i, { result: 'skipped', reason: fact.run.reason, plannedAt: fact.run.first.plannedAt + i * fact.run.intervalMs, files: [] });
    }
  }
  assert.is(rows.length, fromLog.size);
  rows.forEach((row, i) => {
    const slot = fromLog.get(i + 1)!;
    assert.is(Number(row.slot), i + 1);
    assert.is(row.result, slot.result, `slot ${i + 1}`);
    assert.is(row.reason, slot.reason ?? '', `slot ${i + 1}`);
    assert.is(Date.parse(row.planned_utc), slot.plannedAt);
    assert.is(Date.parse(row.planned_local), slot.plannedAt, 'the local time names the same instant');
    assert.is(row.file, slot.files[0]?.slice(9) ?? '');
  });
  // Before the clocks go back the rows are in summer time, after it in winter time: 03:00 CEST is 02:00 CET.
  const offsets = new Set(rows.map((r) => r.planned_local.slice(-6)));
  assert.equal([...offsets], ['+02:00', '+01:00']);
  assert.is(rows[0]!.planned_local, '2026-10-24T23:40:00.000+02:00');
  assert.is(rows.at(-1)!.planned_local, '2026-10-25T05:09:30.000+01:00');
  assert.ok(exportReport(report, 'md').body.includes('failed_in_row'));
  store.close();
});

S.run();
