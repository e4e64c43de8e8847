// parseMessage: every malformed frame maps to one error code; valid commands are normalised.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseMessage } from '../../transport/protocol.ts';

const S = suite('protocol parsing');
const code = (raw: string) => {
  const p = parseMessage(raw);
  return p.ok ? 'ok' : p.error.code;
};

S('malformed frames', () => {
  assert.is(code('{'), 'INVALID_JSON');
  assert.is(code('[]'), 'INVALID_MESSAGE');
  assert.is(code('null'), 'INVALID_MESSAGE');
  assert.is(code('{"id":1}'), 'INVALID_MESSAGE');
  assert.is(code('{"type":"","id":1}'), 'INVALID_MESSAGE');
  assert.is(code('{"type":"rm_rf","id":1}'), 'UNKNOWN_COMMAND');
  assert.is(code('{"type":"__proto__"}'), 'UNKNOWN_COMMAND');
  assert.is(code('{"type":"ping","data":{"x":1}}'), 'VALIDATION_ERROR');
  assert.is(code('{"type":"discard_session","data":{"sessionId":"nope"}}'), 'VALIDATION_ERROR');
});

S('ids are echoed even when the message is refused', () => {
  const p = parseMessage('{"type":"nope","id":"abc"}');
  assert.is(p.id, 'abc');
});

S('start_intervalometer is normalised and validated per stop condition', () => {
  const ok = parseMessage('{"type":"start_intervalometer","data":{"interval":0.5,"shots":10}}');
  assert.ok(ok.ok);
  const rest = { startAt: null, stopAt: null, durationMs: null, timeZone: null, force: false, maxFailedInRow: null, bulbSeconds: null };
  if (ok.ok) assert.equal(ok.data, { intervalMs: 500, totalShots: 10, stopCondition: 'stop-after', title: null, ...rest });
  const unlimited = parseMessage('{"type":"start_intervalometer_with_title","data":{"interval":30,"title":" Milky way "}}');
  if (unlimited.ok) assert.equal(unlimited.data, { intervalMs: 30_000, totalShots: null, stopCondition: 'unlimited', title: 'Milky way', ...rest });
  else assert.unreachable('valid command refused');
  assert.is(code('{"type":"start_intervalometer","data":{"interval":1,"stopCondition":"stop-after"}}'), 'VALIDATION_ERROR');
  assert.is(code('{"type":"start_intervalometer","data":{"interval":1,"totalShots":2,"shots":3}}'), 'VALIDATION_ERROR');
  assert.is(code('{"type":"start_intervalometer","data":{"interval":0}}'), 'VALIDATION_ERROR');
  assert.is(code('{"type":"start_intervalometer","data":{"interval":"10"}}'), 'VALIDATION_ERROR');
  assert.is(code('{"type":"start_intervalometer","data":{"interval":1,"totalShots":1.5}}'), 'VALIDATION_ERROR');
});

S('a night: start and stop times in the client\'s zone, a duration, and one value per stop condition', () => {
  const night = parseMessage(frame('start_intervalometer', { interval: 30, startAt: '23:40', stopAt: '05:10', timezone: 'Europe/Berlin' }));
  if (night.ok) assert.equal(night.data, { intervalMs: 30_000, totalShots: null, stopCondition: 'stop-at', title: null, startAt: '23:40', stopAt: '05:10', durationMs: null, timeZone: 'Europe/Berlin', force: false, maxFailedInRow: null, bulbSeconds: null });
  else assert.unreachable('valid command refused');
  const hours = parseMessage(frame('start_intervalometer', { interval: 30, stopCondition: 'duration', duration: 10_800, startAt: '2026-10-24T23:40:00+02:00', force: true }));
  if (hours.ok) assert.equal(hours.data, { intervalMs: 30_000, totalShots: null, stopCondition: 'duration', title: null, startAt: '2026-10-24T23:40:00+02:00', stopAt: null, durationMs: 10_800_000, timeZone: null, force: true, maxFailedInRow: null, bulbSeconds: null });
  else assert.unreachable('valid command refused');
  for (const data of [
    { interval: 30, stopAt: '05:10' }, // "HH:MM" without its zone
    { interval: 30, stopAt: '05:10', timezone: 'Mars/Olympus_Mons' },
    { interval: 30, stopAt: '25:10', timezone: 'UTC' },
    { interval: 30, stopAt: '2026-10-25T05:10:00' }, // ISO without offset
    { interval: 30, stopCondition: 'stop-at' },
    { interval: 30, stopCondition: 'duration', duration: 60, totalShots: 3 },
    { interval: 30, stopCondition: 'unlimited', stopAt: '05:10', timezone: 'UTC' },
  ]) {
    assert.is(code(frame('start_intervalometer', data)), 'VALIDATION_ERROR', JSON.stringify(data));
  }
});

const SID = '6f1c2b1e-8a3b-4c1d-9e2f-0a1b2c3d4e5f';
const frame = (type: string, data?: unknown) => JSON.stringify(data === undefined ? { type, id: 1 } : { type, id: 1, data });

S('get_session_shots: a session uuid, pages from slot 1 of 100 by default, 1 to 500 rows', () => {
  const defaults = parseMessage(frame('get_session_shots', { sessionId: SID }));
  if (defaults.ok) assert.equal(defaults.data, { sessionId: SID, fromNumber: 1, limit: 100 });
  else assert.unreachable('valid command refused');
  const page = parseMessage(frame('get_session_shots', { sessionId: SID, fromNumber: 101, limit: 500 }));
  if (page.ok) assert.equal(page.data, { sessionId: SID, fromNumber: 101, limit: 500 });
  else assert.unreachable('valid command refused');
  assert.is(code(frame('get_session_shots', { sessionId: SID, limit: 1 })), 'ok');
  for (const data of [
    undefined,
    {},
    { sessionId: 'nope' },
    { sessionId: SID, limit: 0 },
    { sessionId: SID, limit: 501 },
    { sessionId: SID, limit: 2.5 },
    { sessionId: SID, limit: '10' },
    { sessionId: SID, fromNumber: 0 },
    { sessionId: SID, fromNumber: -1 },
    { sessionId: SID, fromNumber: 1.5 },
    { sessionId: SID, cursor: 3 },
  ]) {
    assert.is(code(frame('get_session_shots', data)), 'VALIDATION_ERROR', JSON.stringify(data));
  }
});

S('resume_session needs the uuid of a session, and nothing else', () => {
  const ok = parseMessage(frame('resume_session', { sessionId: SID }));
  if (ok.ok) assert.equal(ok.data, { sessionId: SID });
  else assert.unreachable('valid command refused');
  for (const data of [undefined, {}, { sessionId: 'nope' }, { sessionId: 42 }, { sessionId: SID, force: true }]) {
    assert.is(code(frame('resume_session', data)), 'VALIDATION_ERROR', JSON.stringify(data));
  }
});

S('a refused command reports where the data is wrong', () => {
  const p = parseMessage(frame('get_session_shots', { sessionId: SID, limit: 501 }));
  assert.ok(!p.ok && p.error.details);
  if (!p.ok) assert.ok((p.error.details!.issues as { path: string }[]).some((i) => i.path === 'limit'));
});

S.run();
