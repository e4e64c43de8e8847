// Model-based, like the session's: every shortest path of the camera connection machine, driven through a live
// journaled actor with hand-driven actors; replaying the log must give the live snapshot and the model's state.
import { suite } from 'uvu';
import { assertReplayLaw } from '../helpers/replay-law.ts';
import * as assert from 'uvu/assert';
import { fromCallback, fromPromise, type AnyEventObject, type EventObject } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { ManualClock } from '../../adapters/clock.ts';
import type { CameraStatus } from '../../machines/camera-port.ts';
import { cameraFacts } from '../../machines/camera-facts.ts';
import { CAMERA_MACHINE_VERSION, cameraMachine, connectionOf, retryDelaysMs, type CameraFailure, type ConnectOutput } from '../../machines/camera.ts';
import { openStore } from '../../store/db.ts';
import { EventLog } from '../../store/event-log.ts';
import { JournaledStream, startJournaledActor } from '../../store/journal.ts';

const S = suite('camera machine, model-based');
const input = { baseUrl: 'http://127.0.0.1:9/ccapi', simulated: true };
const info = { manufacturer: 'Canon Inc.', productname: 'Canon EOS R50', serialnumber: '1', firmwareversion: '1.1.0' };
const status = (temperature: string) => ({ battery: null, storage: null, temperature, tv: '1/125', tvSeconds: 0.008 });

type Snap = ReturnType<typeof cameraMachine.transition>;
function eventsFor(s: Snap): AnyEventObject[] {
  const t = (s.context.retryAt ?? 0) + 1;
  const failure: CameraFailure = { code: 'UNREACHABLE', message: 'refused', mono: t, wall: t };
  const output: ConnectOutput = { baseUrl: input.baseUrl, info, status: status('normal'), mono: t, wall: t };
  return [
    { type: 'xstate.done.actor.connect', output },
    { type: 'xstate.error.actor.connect', error: failure },
    { type: 'TICK', mono: t, wall: t },
    { type: 'LOST', error: { ...failure, code: 'TIMEOUT' } },
    { type: 'STATUS', status: status('warning'), wall: t },
    { type: 'RECONNECT', mono: t },
    { type: 'RETARGET', baseUrl: 'http://127.0.0.2:8080/ccapi', moved: null, mono: t },
    { type: 'RETARGET', baseUrl: 'http://127.0.0.3:8080/ccapi', moved: { uuid: 'U', oldIP: '127.0.0.1', newIP: '127.0.0.3' }, mono: t },
  ];
}

const paths = getShortestPaths(cameraMachine, {
  input,
  events: eventsFor as never,
  // Attempts past the quick retries all behave alike (offline): capping them keeps the graph finite.
  serializeState: (s) => JSON.stringify([s.value, Math.min(s.context.attempt, retryDelaysMs.length + 1), s.context.status?.temperature ?? null]),
});

S(`reaches connected, reconnecting and offline (${paths.length} paths)`, () => {
  const values = new Set<string>(paths.map((p) => connectionOf(p.state.value)));
  for (const v of ['connecting', 'connected', 'reconnecting', 'offline']) assert.ok(values.has(v), `no path reaches ${v}`);
});

S('on every path, replaying the log gives the live snapshot and the model state', async () => {
  for (const path of paths) {
    const store = openStore(':memory:');
    const log = new EventLog(store);
    type Pending = { resolve: (o: ConnectOutput) => void; reject: (e: CameraFailure) => void };
    const slot: { pending: Pending | null } = { pending: null };
    const machine = cameraMachine.provide({
      actors: {
        connect: fromPromise<ConnectOutput>(() => new Promise((resolve, reject) => (slot.pending = { resolve, reject }))),
        monitor: fromCallback<EventObject, { status: CameraStatus | null }>(() => undefined),
        deadline: fromCallback<EventObject, { at: number }>(() => undefined),
      },
    });
    const journal = new JournaledStream(machine, 'camera', log, new ManualClock(), {
      machineVersion: CAMERA_MACHINE_VERSION,
      foldFromLastStart: true,
      facts: (previous, next, event) => cameraFacts(previous, next, event),
    });
    const actor = startJournaledActor(journal, { input }, { onError: (e) => assert.unreachable(String(e)), onAppendFailed: (e) => assert.unreachable(String(e)) });
    for (const { event } of path.steps.slice(1)) {
      const e = event as AnyEventObject;
      if (e.type === 'xstate.done.actor.connect') slot.pending?.resolve(e.output);
      else if (e.type === 'xstate.error.actor.connect') slot.pending?.reject(e.error);
      else actor.send(e as Parameters<typeof actor.send>[0]);
      if (e.type.startsWith('xstate.')) slot.pending = null;
      await new Promise((r) => setImmediate(r));
    }
    // The graph merges states that differ only in capped attempts, so the model is compared by state value.
    assertReplayLaw(cameraMachine, actor.getSnapshot(), log.readStream('camera'), {
      modelValue: path.state.value,
      trail: path.steps.map((s) => s.event.type).join(' → '),
    });
    const facts = log.readStream('camera').flatMap((r) => r.facts);
    assert.is(facts.length, log.readStream('camera').length, 'every logged camera transition states one fact');
    assert.ok(facts.every((f, i) => i === 0 || f.seq > facts[i - 1]!.seq), 'fact seqs strictly increase');
    actor.stop();
    store.close();
  }
});

S.run();
