// Model-based over what the connected camera does: test photos (plain and bulb), live view, and the release of a
// shutter a crashed process left held. Every shortest path is driven through a live journaled actor with
// hand-driven actors; replaying the log must give the live snapshot, and the model's state.
import { handDriven } from '../helpers/hand-driven.ts';
import { assertReplayLaw } from '../helpers/replay-law.ts';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fromCallback, type AnyEventObject, type EventObject } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { ManualClock } from '../../adapters/clock.ts';
import type { CameraStatus } from '../../machines/camera-port.ts';
import { cameraFacts } from '../../machines/camera-facts.ts';
import { CAMERA_MACHINE_VERSION, cameraMachine, type CameraInput, type ConnectOutput, type PhotoRecord } from '../../machines/camera.ts';
import { replay } from '../../machines/replay.ts';
import { openStore } from '../../store/db.ts';
import { EventLog } from '../../store/event-log.ts';
import { JournaledStream, startJournaledActor } from '../../store/journal.ts';

const S = suite('camera machine jobs, model-based');
const info = { manufacturer: 'Canon Inc.', productname: 'Canon EOS R50', serialnumber: '1', firmwareversion: '1.1.0' };
const status: CameraStatus = { battery: null, storage: null, temperature: 'normal', tv: 'bulb', tvSeconds: null, mode: 'm' };
const held = { owner: 'test-photo:old', openedAt: 1, releaseAtMono: 42_500 };
const photo: PhotoRecord = { id: 't1', triggeredAt: 5, latencyMs: 30, attempts: 1, files: ['100CANON/IMG_0001.JPG'], bulbSeconds: 42.5, preview: null, previewError: null };
const PROMISE_ACTORS = ['connect', 'liveviewStart', 'liveviewStop', 'releaseShutter'] as const;

type Snap = ReturnType<typeof cameraMachine.transition>;
function eventsFor(s: Snap): AnyEventObject[] {
  const t = (s.context.retryAt ?? 0) + 1;
  const output: ConnectOutput = { baseUrl: 'http://127.0.0.1:9/ccapi', info, status, mono: t, wall: t };
  const failure = { code: 'UNREACHABLE', message: 'refused', mono: t, wall: t };
  return [
    ...PROMISE_ACTORS.map((id) => ({ type: `xstate.done.actor.${id}`, output: id === 'connect' ? output : undefined })),
    ...PROMISE_ACTORS.map((id) => ({ type: `xstate.error.actor.${id}`, error: failure })),
    { type: 'TICK', mono: t, wall: t },
    { type: 'LOST', error: { ...failure, code: 'TIMEOUT' } },
    { type: 'TAKE_TEST_PHOTO', id: 't1', at: t, bulbSeconds: 42.5 },
    { type: 'TEST_PHOTO_PROGRESS', id: 't1', stage: 'downloading', loaded: 10, total: 100 },
    { type: 'BULB_OPENED', owner: 'test-photo:t1', wall: t, releaseAtMono: t + 42_500 },
    { type: 'BULB_CLOSED', wall: t },
    { type: 'TEST_PHOTO_DONE', photo },
    { type: 'TEST_PHOTO_FAILED', id: 't1', error: { code: 'BUSY', message: 'Device busy' } },
    { type: 'LIVEVIEW_START', at: t },
    { type: 'LIVEVIEW_STOP', at: t },
    { type: 'LIVEVIEW_IDLE', mono: t },
  ];
}

const serializeState = (s: Snap) =>
  JSON.stringify([s.value, Math.min(s.context.attempt, 2), s.context.heldShutter !== null, s.context.liveviewLeftOn, s.context.testPhoto?.stage ?? null, s.context.lastPhoto !== null]);

for (const [name, input] of [
  ['a clean start', { baseUrl: 'http://127.0.0.1:9/ccapi', simulated: true }],
  ['a start after a crash mid-bulb', { baseUrl: 'http://127.0.0.1:9/ccapi', simulated: true, heldShutter: held }],
  ['a start after a crash with live view on', { baseUrl: 'http://127.0.0.1:9/ccapi', simulated: true, liveviewLeftOn: true }],
] as Array<[string, CameraInput]>) {
  const paths = getShortestPaths(cameraMachine, { input, events: eventsFor as never, serializeState: serializeState as never });

  S(`${name}: reaches test photo, live view and the shutter release (${paths.length} paths)`, () => {
    const seen = new Set(paths.map((p) => JSON.stringify(p.state.value)));
    if (input.liveviewLeftOn) {
      // Live view left on by the dead process is switched off before the camera is idle.
      for (const p of paths.filter((p) => p.state.matches({ connected: 'idle' }))) {
        assert.ok(p.steps.some((st) => st.state.matches({ connected: { liveview: 'stopping' } })), 'idle before live view was stopped');
      }
    }
    for (const v of [{ connected: 'idle' }, { connected: 'testPhoto' }, { connected: { liveview: 'on' } }]) {
      assert.ok(seen.has(JSON.stringify(v)), `no path reaches ${JSON.stringify(v)}`);
    }
    if (input.heldShutter) {
      assert.ok(seen.has(JSON.stringify({ connected: 'releasing' })), 'a held shutter is released once connected');
      // Whatever the camera does next, it has tried the release first (a failed one stays on record for the next connect).
      for (const p of paths.filter((p) => p.state.matches({ connected: 'testPhoto' }) || p.state.matches({ connected: 'liveview' }))) {
        assert.ok(p.steps.some((st) => st.state.matches({ connected: 'releasing' })), 'no test photo or live view before the release was tried');
      }
    }
  });

  S(`${name}: on every path, replaying the log gives the live snapshot and the model state`, async () => {
    for (const path of paths) {
      const store = openStore(':memory:');
      const log = new EventLog(store);
      const { hold, drive } = handDriven();
      const machine = cameraMachine.provide({
        actors: {
          ...Object.fromEntries(PROMISE_ACTORS.map((id) => [id, hold(id)])),
          monitor: fromCallback<EventObject, { status: CameraStatus | null }>(() => undefined),
          deadline: fromCallback<EventObject, { at: number }>(() => undefined),
          testPhoto: fromCallback(() => undefined),
          liveviewIdle: fromCallback(() => undefined),
        } as never,
      });
      const journal = new JournaledStream(machine, 'camera', log, new ManualClock(), {
        machineVersion: CAMERA_MACHINE_VERSION,
        foldFromLastStart: true,
        facts: (previous, next, event) => cameraFacts(previous, next, event),
      });
      const actor = startJournaledActor(journal, { input }, { onError: (e) => assert.unreachable(String(e)), onAppendFailed: (e) => assert.unreachable(String(e)) });
      await drive(path.steps, (e) => actor.send(e as Parameters<typeof actor.send>[0]));
      assertReplayLaw(cameraMachine, actor.getSnapshot(), log.readStream('camera'), {
        modelValue: path.state.value,
        trail: path.steps.map((s) => s.event.type).join(' → '),
      });
      const rows = log.readStream('camera');
      assert.ok(rows.every((r) => r.facts.length >= 1), 'every logged camera transition states at least one fact');
      actor.stop();
      store.close();
    }
  });
}

S('a restart folds the last run: a bulb logged open and never closed is the next start’s held shutter', () => {
  const input = { baseUrl: 'http://127.0.0.1:9/ccapi', simulated: true };
  const output: ConnectOutput = { baseUrl: input.baseUrl, info, status, mono: 1, wall: 1 };
  const run: AnyEventObject[] = [
    { type: 'xstate.init', input },
    { type: 'xstate.done.actor.connect', output },
    { type: 'TAKE_TEST_PHOTO', id: 't1', at: 2, bulbSeconds: 42.5 },
    { type: 'BULB_OPENED', owner: 'test-photo:t1', wall: 3, releaseAtMono: 42_503 },
  ];
  const crashed = replay(cameraMachine, run)!;
  assert.equal(crashed.context.heldShutter, { owner: 'test-photo:t1', openedAt: 3, releaseAtMono: 42_503 });
  const next = replay(cameraMachine, [{ type: 'xstate.init', input: { ...input, heldShutter: crashed.context.heldShutter } }, { type: 'xstate.done.actor.connect', output }])!;
  assert.equal(next.value, { connected: 'releasing' });
  const released = replay(cameraMachine, [
    { type: 'xstate.init', input: { ...input, heldShutter: crashed.context.heldShutter } },
    { type: 'xstate.done.actor.connect', output },
    { type: 'xstate.done.actor.releaseShutter' },
  ])!;
  assert.equal(released.value, { connected: 'idle' });
  assert.is(released.context.heldShutter, null);
});

S.run();
