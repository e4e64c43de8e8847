// Model-based: every shortest path of the time-sync machine through a live journaled actor with hand-driven
// actors; replaying the log gives the live snapshot and the model's state, and the facts derived on replay are the
// stored ones. Then the rules one by one: source priority, validity, never a step while shooting.
import { handDriven } from '../helpers/hand-driven.ts';
import { assertReplayLaw } from '../helpers/replay-law.ts';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fromCallback, type AnyEventObject, type EventObject } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { ManualClock } from '../../adapters/clock.ts';
import { step } from '../../machines/replay.ts';
import { VALIDITY_MS } from '../../machines/time-math.ts';
import { timeFacts } from '../../machines/time-sync-facts.ts';
import { TIME_MACHINE_VERSION, timeSyncMachine, type Estimate } from '../../machines/time-sync.ts';
import { openStore } from '../../store/db.ts';
import { EventLog } from '../../store/event-log.ts';
import { JournaledStream, startJournaledActor } from '../../store/journal.ts';

const S = suite('time-sync machine');
type Snap = ReturnType<typeof timeSyncMachine.transition>;

const est = (source: Estimate['source'], offsetMs: number, sourceId: string = source): Estimate => ({ source, sourceId, offsetMs, delayMs: 20, timezone: 'Europe/Berlin' });

function eventsFor(s: Snap): AnyEventObject[] {
  const t = (s.context.pi.validUntil ?? 0) + 1;
  return [
    { type: 'ESTIMATE', estimate: est('phone-ap', 5_000, 'a'), shooting: false, mono: t, wall: t },
    { type: 'ESTIMATE', estimate: est('phone-ap', 5_000, 'a'), shooting: true, mono: t, wall: t },
    { type: 'ESTIMATE', estimate: est('phone-client', 30, 'b'), shooting: false, mono: t, wall: t },
    { type: 'ESTIMATE', estimate: est('camera', 900), shooting: false, mono: t, wall: t },
    { type: 'SOURCE_GONE', sourceId: 'a', mono: t, wall: t },
    { type: 'TICK', mono: t, wall: t },
    { type: 'CAMERA_SYNC', mono: t, wall: t },
    { type: 'xstate.done.actor.stepClock', output: { deltaMs: 5_000, mono: t, wall: t } },
    { type: 'xstate.error.actor.stepClock', error: { code: 'CLOCK_SET_FAILED', message: 'EPERM', mono: t, wall: t } },
    { type: 'xstate.done.actor.syncCamera', output: { offsetBeforeMs: 4_000, offsetAfterMs: 200, mono: t, wall: t } },
    { type: 'xstate.error.actor.syncCamera', error: { code: 'NOT_SUPPORTED', message: 'no', mono: t, wall: t } },
  ];
}

const paths = getShortestPaths(timeSyncMachine, {
  events: eventsFor as never,
  serializeState: (s) => JSON.stringify([s.value, s.context.pi.source, s.context.pi.pendingStepMs !== null, s.context.pi.lastSync !== null, s.context.camera.lastSync !== null]),
});

S(`reaches every state (${paths.length} paths)`, () => {
  const values = new Set(paths.map((p) => JSON.stringify(p.state.value)));
  for (const pi of ['unsynced', 'synced', 'stale', 'stepping']) assert.ok([...values].some((v) => v.includes(`"pi":"${pi}"`)), `no path reaches ${pi}`);
  assert.ok([...values].some((v) => v.includes('"camera":"syncing"')));
});

S('on every path, replaying the log gives the live snapshot, the model state and the same facts', async () => {
  for (const path of paths) {
    const store = openStore(':memory:');
    const log = new EventLog(store);
    const { hold, drive } = handDriven();
    const machine = timeSyncMachine.provide({
      actors: { stepClock: hold('stepClock'), syncCamera: hold('syncCamera'), deadline: fromCallback<EventObject, { at: number }>(() => undefined) } as never,
    });
    const journal = new JournaledStream(machine, 'time', log, new ManualClock(), { machineVersion: TIME_MACHINE_VERSION, foldFromLastStart: true, facts: (p, n, e) => timeFacts(p, n, e) });
    const actor = startJournaledActor(journal, { input: undefined as never }, { onError: (e) => assert.unreachable(String(e)), onAppendFailed: (e) => assert.unreachable(String(e)) });
    await drive(path.steps, (e) => actor.send(e as Parameters<typeof actor.send>[0]));
    assertReplayLaw(timeSyncMachine, actor.getSnapshot(), log.readStream('time'), {
      modelValue: path.state.value,
      trail: path.steps.map((s) => s.event.type).join(' → '),
      facts: timeFacts,
    });
    actor.stop();
    store.close();
  }
});

const init = () => step(timeSyncMachine, null, { type: 'xstate.init' }).snapshot;
const send = (s: Snap, e: AnyEventObject) => step(timeSyncMachine, s, e).snapshot;
const pi = (s: Snap) => (s.value as { pi: string }).pi;
const camera = (s: Snap) => (s.value as { camera: string }).camera;

S('a big offset from a trusted phone steps the clock, then the camera is set', () => {
  let s = send(init(), { type: 'ESTIMATE', estimate: est('phone-ap', 5_000, 'a'), shooting: false, mono: 10, wall: 10 });
  assert.is(pi(s), 'stepping');
  assert.is(s.context.pi.pendingStepMs, 5_000);
  s = send(s, { type: 'xstate.done.actor.stepClock', output: { deltaMs: 5_000, mono: 20, wall: 5_020 } });
  assert.is(pi(s), 'synced');
  assert.is(camera(s), 'syncing');
  assert.equal(s.context.pi.lastStep, { deltaMs: 5_000, at: 5_020 });
});

S('never a step while a session shoots: it is deferred, and taken by the next estimate after the session', () => {
  const t = { mono: 10, wall: 10 };
  const before = init();
  let s = send(before, { type: 'ESTIMATE', estimate: est('phone-ap', 5_000, 'a'), shooting: true, ...t });
  assert.is(pi(s), 'unsynced');
  assert.is(camera(s), 'idle');
  assert.is(s.context.pi.pendingStepMs, 5_000);
  assert.equal(timeFacts(before, s, { type: 'ESTIMATE' })[0]!.changes, ['step_deferred']);
  s = send(s, { type: 'ESTIMATE', estimate: est('phone-ap', 5_001, 'a'), shooting: false, mono: 20, wall: 20 });
  assert.is(pi(s), 'stepping');
});

S('a small offset is within tolerance: synced without a step', () => {
  const s = send(init(), { type: 'ESTIMATE', estimate: est('phone-client', 40, 'b'), shooting: false, mono: 10, wall: 10 });
  assert.is(pi(s), 'synced');
  assert.is(s.context.pi.pendingStepMs, null);
});

S('source priority: a client-network phone does not displace a valid AP phone; the AP phone displaces it', () => {
  let s = send(init(), { type: 'ESTIMATE', estimate: est('phone-ap', 10, 'a'), shooting: false, mono: 10, wall: 10 });
  const same = send(s, { type: 'ESTIMATE', estimate: est('phone-client', 90, 'b'), shooting: false, mono: 20, wall: 20 });
  assert.is(same, s, 'a lower-priority source changed the state');
  s = send(init(), { type: 'ESTIMATE', estimate: est('phone-client', 10, 'b'), shooting: false, mono: 10, wall: 10 });
  s = send(s, { type: 'ESTIMATE', estimate: est('phone-ap', 30, 'a'), shooting: false, mono: 20, wall: 20 });
  assert.is(s.context.pi.source, 'phone-ap');
});

S('validity: a source expires after its window (or when its phone goes), and then any source counts again', () => {
  let s = send(init(), { type: 'ESTIMATE', estimate: est('phone-ap', 10, 'a'), shooting: false, mono: 10, wall: 10 });
  assert.is(s.context.pi.validUntil, 10 + VALIDITY_MS['phone-ap']);
  const gone = send(s, { type: 'SOURCE_GONE', sourceId: 'other', mono: 20, wall: 20 });
  assert.is(pi(gone), 'synced', 'another client leaving changes nothing');
  s = send(s, { type: 'SOURCE_GONE', sourceId: 'a', mono: 20, wall: 20 });
  assert.is(pi(s), 'stale');
  s = send(s, { type: 'ESTIMATE', estimate: est('phone-client', 10, 'b'), shooting: false, mono: 30, wall: 30 });
  assert.is(s.context.pi.source, 'phone-client');
  s = send(s, { type: 'TICK', mono: 30 + VALIDITY_MS['phone-client'], wall: 0 });
  assert.is(pi(s), 'stale');
});

S('the camera is a last resort: it sets a Pi no one told the time, never one a phone did', () => {
  let s = send(init(), { type: 'ESTIMATE', estimate: est('camera', 3_000), shooting: false, mono: 10, wall: 10 });
  assert.is(pi(s), 'stepping');
  s = send(init(), { type: 'ESTIMATE', estimate: est('phone-ap', 10, 'a'), shooting: false, mono: 10, wall: 10 });
  s = send(s, { type: 'SOURCE_GONE', sourceId: 'a', mono: 20, wall: 20 });
  const after = send(s, { type: 'ESTIMATE', estimate: est('camera', 3_000), shooting: false, mono: 30, wall: 30 });
  assert.is(after, s);
});

S.run();
