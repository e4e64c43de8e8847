// The camera connection machine, stepped purely: backoff, offline, loss and recovery.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { AnyEventObject } from 'xstate';
import { cameraMachine, lostRetryMs, offlineRetryMs, retryDelaysMs } from '../../machines/camera.ts';
import { replay } from '../../machines/replay.ts';

const S = suite('camera machine');
const init = { type: 'xstate.init', input: { baseUrl: 'http://127.0.0.1:1/ccapi', simulated: true } };
const info = { manufacturer: 'Canon Inc.', productname: 'Canon EOS R50', serialnumber: '1', firmwareversion: '1.1.0' };
const status = { battery: null, storage: null, temperature: 'normal', tv: '1/125', tvSeconds: 0.008 };
const connected = (mono: number): AnyEventObject => ({ type: 'xstate.done.actor.connect', output: { baseUrl: 'http://127.0.0.1:1/ccapi', info, status, mono, wall: mono } });
const refused = (mono: number): AnyEventObject => ({ type: 'xstate.error.actor.connect', error: { code: 'UNREACHABLE', message: 'refused', mono, wall: mono } });
const tick = (mono: number): AnyEventObject => ({ type: 'TICK', mono, wall: mono });
const fold = (events: AnyEventObject[]) => replay(cameraMachine, [init, ...events])!;

S('connects', () => {
  const s = fold([connected(5)]);
  assert.equal(s.value, { connected: 'idle' });
  assert.is(s.context.info?.productname, 'Canon EOS R50');
});

S('backs off with absolute retry deadlines, then goes offline and retries slowly', () => {
  let s = fold([refused(100)]);
  assert.is(s.value, 'reconnecting');
  assert.is(s.context.retryAt, 100 + retryDelaysMs[0]);
  const events: AnyEventObject[] = [];
  let mono = 100;
  for (let i = 0; i < retryDelaysMs.length; i++) {
    events.push(refused(mono), tick(mono + 1));
    mono += 10;
  }
  events.push(refused(mono));
  s = fold(events);
  assert.is(s.value, 'offline');
  assert.is(s.context.retryAt, mono + offlineRetryMs);
  assert.is(s.context.lastError?.code, 'UNREACHABLE');
});

S('a lost connection retries quickly and recovers', () => {
  const lost = fold([connected(5), { type: 'LOST', error: { code: 'TIMEOUT', message: 'no answer', mono: 50, wall: 50 } }]);
  assert.is(lost.value, 'reconnecting');
  assert.is(lost.context.retryAt, 50 + lostRetryMs);
  const back = fold([connected(5), { type: 'LOST', error: { code: 'TIMEOUT', message: 'x', mono: 50, wall: 50 } }, tick(600), connected(700)]);
  assert.equal(back.value, { connected: 'idle' });
  assert.is(back.context.attempt, 0);
  assert.is(back.context.lastError, null);
});

S('status and test photos update context while connected', () => {
  const photo = { id: 't', triggeredAt: 1, latencyMs: 2, attempts: 1, files: ['a'] };
  const s = fold([
    connected(5),
    { type: 'STATUS', status: { ...status, temperature: 'warning' }, wall: 9 },
    { type: 'TAKE_TEST_PHOTO', id: 't', at: 10, bulbSeconds: null },
    { type: 'TEST_PHOTO_DONE', photo },
  ]);
  assert.is(s.context.status?.temperature, 'warning');
  assert.equal(s.context.lastPhoto?.files, ['a']);
  assert.equal(s.value, { connected: 'idle' });
});

S('a second test photo, or live view, is not taken while one is in progress', () => {
  const during = fold([connected(5), { type: 'TAKE_TEST_PHOTO', id: 't', at: 10, bulbSeconds: null }]);
  const again = replay(cameraMachine, [init, connected(5), { type: 'TAKE_TEST_PHOTO', id: 't', at: 10, bulbSeconds: null }, { type: 'TAKE_TEST_PHOTO', id: 'u', at: 11, bulbSeconds: null }, { type: 'LIVEVIEW_START', at: 12 }])!;
  assert.equal(again.value, during.value);
  assert.is(again.context.testPhoto?.id, 't');
});

S('a lost camera ends the test photo, and keeps a bulb it opened on record for the next connection', () => {
  const s = fold([
    connected(5),
    { type: 'TAKE_TEST_PHOTO', id: 't', at: 10, bulbSeconds: 42.5 },
    { type: 'BULB_OPENED', owner: 'test-photo:t', wall: 11, releaseAtMono: 42_511 },
    { type: 'LOST', error: { code: 'TIMEOUT', message: 'x', mono: 50, wall: 50 } },
  ]);
  assert.is(s.context.testPhoto, null);
  assert.equal(s.context.lastJobError, { code: 'TIMEOUT', message: 'the camera was lost: x', job: 'test_photo', id: 't' });
  const back = replay(cameraMachine, [init, connected(5), { type: 'TAKE_TEST_PHOTO', id: 't', at: 10, bulbSeconds: 42.5 }, { type: 'BULB_OPENED', owner: 'test-photo:t', wall: 11, releaseAtMono: 42_511 }, { type: 'LOST', error: { code: 'TIMEOUT', message: 'x', mono: 50, wall: 50 } }, tick(600), connected(700)])!;
  assert.equal(back.value, { connected: 'releasing' });
});

S('a fresh xstate.init (a restart) starts the machine anew', () => {
  const s = fold([connected(5), init]);
  assert.is(s.value, 'connecting');
  assert.is(s.context.info, null);
});

S.run();
