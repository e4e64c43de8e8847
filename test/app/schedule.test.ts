// The date math of a night's plan: "HH:MM" in the client's zone, windows across midnight and DST changes.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isTimeZone, localIso, planWindow, resolveTime, zonedTime, type PlanRequest } from '../../app/schedule.ts';

const S = suite('schedule');
const BERLIN = 'Europe/Berlin';
const req = (over: Partial<PlanRequest>): PlanRequest => ({
  intervalMs: 30_000,
  stopCondition: 'unlimited',
  totalShots: null,
  startAt: null,
  stopAt: null,
  durationMs: null,
  timeZone: BERLIN,
  ...over,
});

S('zone names are checked against the zone database', () => {
  assert.ok(isTimeZone('Europe/Berlin'));
  assert.ok(isTimeZone('UTC'));
  assert.not.ok(isTimeZone('Mars/Olympus_Mons'));
  assert.not.ok(isTimeZone(''));
});

S('"HH:MM" is the next such time on the zone\'s clock', () => {
  const noon = Date.parse('2026-07-01T12:00:00+02:00');
  assert.is(resolveTime('23:40', { after: noon, timeZone: BERLIN }), Date.parse('2026-07-01T23:40:00+02:00'));
  assert.is(resolveTime('05:10', { after: noon, timeZone: BERLIN }), Date.parse('2026-07-02T05:10:00+02:00'));
  assert.is(resolveTime('12:00', { after: noon, timeZone: BERLIN }), Date.parse('2026-07-02T12:00:00+02:00'), 'now itself is not after now');
  assert.is(resolveTime('2026-07-01T23:40:00-04:00', { after: noon, timeZone: null }), Date.parse('2026-07-02T03:40:00Z'));
  assert.throws(() => resolveTime('23:40', { after: noon, timeZone: null }), /timezone/);
  assert.throws(() => resolveTime('24:00', { after: noon, timeZone: BERLIN }), /neither/);
});

S('month and year ends roll over', () => {
  const nye = Date.parse('2026-12-31T22:00:00+01:00');
  assert.is(resolveTime('01:30', { after: nye, timeZone: BERLIN }), Date.parse('2027-01-01T01:30:00+01:00'));
});

S('clocks going back: a repeated time is its first occurrence; going forward: a missing time moves past the gap', () => {
  // Europe/Berlin: 2026-10-25 03:00 CEST → 02:00 CET; 2026-03-29 02:00 CET → 03:00 CEST.
  assert.is(zonedTime(BERLIN, 2026, 10, 25, 2, 30), Date.parse('2026-10-25T02:30:00+02:00'));
  assert.is(zonedTime(BERLIN, 2026, 3, 29, 2, 30), Date.parse('2026-03-29T03:30:00+02:00'));
  assert.is(localIso(Date.parse('2026-10-25T01:30:00Z'), BERLIN), '2026-10-25T02:30:00.000+01:00');
  assert.is(localIso(Date.parse('2026-01-01T00:00:00Z'), 'America/St_Johns'), '2025-12-31T20:30:00.000-03:30');
});

S('a 23:40 → 05:10 window crosses midnight and the night clocks go back: 6 h 30 of real time', () => {
  const evening = Date.parse('2026-10-24T20:00:00+02:00');
  const w = planWindow(req({ stopCondition: 'stop-at', startAt: '23:40', stopAt: '05:10' }), evening);
  assert.is(w.startAt, Date.parse('2026-10-24T23:40:00+02:00'));
  assert.is(w.stopAt, Date.parse('2026-10-25T05:10:00+01:00'));
  assert.is(w.stopAt! - w.startAt, 6.5 * 3_600_000);
  assert.is(w.totalShots, (6.5 * 3600) / 30);
  assert.ok(w.scheduled);
});

S('a stop earlier than the start on the clock face is the next day; a stop before an ISO start is refused', () => {
  const now = Date.parse('2026-07-01T12:00:00+02:00');
  const w = planWindow(req({ stopCondition: 'stop-at', startAt: '22:00', stopAt: '21:00' }), now);
  assert.is(w.stopAt! - w.startAt, 23 * 3_600_000);
  assert.throws(() => planWindow(req({ stopCondition: 'stop-at', startAt: '2026-07-01T22:00:00+02:00', stopAt: '2026-07-01T21:00:00+02:00' }), now), /before it starts/);
  assert.throws(() => planWindow(req({ startAt: '2026-07-01T11:00:00+02:00' }), now), /has passed/);
});

S('every stop condition states its slot count and end', () => {
  const now = Date.parse('2026-07-01T12:00:00Z');
  assert.equal(planWindow(req({ stopCondition: 'stop-after', totalShots: 10 }), now), { startAt: now, scheduled: false, totalShots: 10, stopAt: null, endAt: now + 300_000 });
  assert.equal(planWindow(req({ stopCondition: 'duration', durationMs: 3 * 3_600_000 }), now), { startAt: now, scheduled: false, totalShots: 360, stopAt: null, endAt: now + 3 * 3_600_000 });
  assert.equal(planWindow(req({ stopCondition: 'duration', durationMs: 45_000 }), now).totalShots, 2, 'a part slot counts: 0 s and 30 s both start before 45 s');
  assert.equal(planWindow(req({}), now), { startAt: now, scheduled: false, totalShots: null, stopAt: null, endAt: null });
});

S.run();
