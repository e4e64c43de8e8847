// The journal: durable before visible, and an event the log refused is never processed.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fromCallback, fromPromise, type AnyEventObject, type EventObject } from 'xstate';
import { ManualClock } from '../../adapters/clock.ts';
import { cameraMachine } from '../../machines/camera.ts';
import { INIT_EVENT } from '../../machines/replay.ts';
import { SESSION_MACHINE_VERSION, sessionMachine, type ShootInput, type ShotOutput } from '../../machines/session.ts';
import { openStore } from '../../store/db.ts';
import { EventLog } from '../../store/event-log.ts';
import { JournaledStream, ReplayDivergenceError, startJournaledActor } from '../../store/journal.ts';

const S = suite('store/journal');
const input = {
  plan: { id: '00000000-0000-4000-8000-0000000000j1', title: 'j', intervalMs: 1000, totalShots: null, stopCondition: 'unlimited' as const, startedAt: 0 },
  anchorMono: 0,
};

function setup(refuse: (e: AnyEventObject) => boolean) {
  const store = openStore(':memory:');
  const log = new EventLog(store);
  let resolveShot: ((o: ShotOutput) => void) | undefined;
  const machine = sessionMachine.provide({
    actors: {
      deadline: fromCallback<EventObject, { at: number }>(({ sendBack }) => sendBack({ type: 'TICK', mono: 1, wall: 1 })),
      shoot: fromPromise<ShotOutput, ShootInput>(() => new Promise((r) => (resolveShot = r))),
    },
  });
  const seen: string[] = [];
  const journal = new JournaledStream(machine, 'session:j', log, new ManualClock(), {
    machineVersion: SESSION_MACHINE_VERSION,
    project: (_tx, recorded) => {
      if (refuse(recorded.data as AnyEventObject)) throw new Error('disk full');
    },
    onTransition: (t) => seen.push(`${t.recorded.seq}:${t.recorded.type}`),
  });
  const failed: string[] = [];
  const actor = startJournaledActor(journal, { input }, { onError: () => failed.push('error'), onAppendFailed: (_e, ev) => failed.push(ev.type) });
  return { store, log, actor, journal, seen, failed, shot: (o: ShotOutput) => resolveShot!(o) };
}

S('every transition is appended before it is announced, in log order', () => {
  const { log, seen, actor } = setup(() => false);
  assert.equal(actor.getSnapshot().value, { running: 'shooting' });
  assert.equal(seen, ['1:xstate.init', '2:TICK']);
  assert.equal(log.readStream('session:j').map((e) => e.type), ['xstate.init', 'TICK']);
});

S('an external event the log refuses is not processed and the sender hears of it', () => {
  const { actor, failed, log } = setup((e) => e.type === 'STOP');
  assert.throws(() => actor.send({ type: 'STOP', at: 5 }), /disk full/);
  assert.equal(actor.getSnapshot().value, { running: 'shooting' });
  assert.not.ok(actor.getSnapshot().context.stopRequested);
  assert.equal(failed, ['STOP']);
  assert.is(log.readStream('session:j').length, 2);
});

S('a child result the log refuses is reported and not processed', async () => {
  const { actor, failed, shot } = setup((e) => e.type === 'xstate.done.actor.shoot');
  const swallow = (e: unknown) => void e;
  process.on('unhandledRejection', swallow);
  shot({ triggerMono: 1, triggerWall: 1, latencyMs: 1, attempts: 1, files: ['f'], confirmedByEvidence: false, doneMono: 2, doneWall: 2 });
  await new Promise((r) => setTimeout(r, 10));
  process.off('unhandledRejection', swallow);
  assert.equal(failed, ['xstate.done.actor.shoot']);
  assert.equal(actor.getSnapshot().value, { running: 'shooting' });
  assert.is(actor.getSnapshot().context.counts.ok, 0);
});

S('events the machine ignores are not logged', () => {
  const { actor, log } = setup(() => false);
  actor.send({ type: 'SAVE', at: 1 });
  actor.send({ type: 'DISCARD', at: 1 });
  assert.is(log.readStream('session:j').length, 2);
});

S('one event can state several facts, each with a seq of its own, stored with the event', async () => {
  const store = openStore(':memory:');
  const log = new EventLog(store);
  const finite = { ...input, plan: { ...input.plan, totalShots: 1, stopCondition: 'stop-after' as const } };
  const journal = new JournaledStream(sessionMachine, 'session:f', log, new ManualClock(), { machineVersion: SESSION_MACHINE_VERSION });
  journal.record({ type: INIT_EVENT, input: finite });
  journal.record({ type: 'TICK', mono: 0, wall: 0 });
  const last = journal.record({
    type: 'xstate.done.actor.shoot',
    output: { triggerMono: 1, triggerWall: 1, latencyMs: 1, attempts: 1, files: ['f'], confirmedByEvidence: false, doneMono: 2, doneWall: 2 },
  })!;
  assert.equal(last.recorded.facts.map((f) => f.type), ['shot.recorded', 'session.ended']);
  const [a, b] = last.recorded.facts;
  assert.ok(a!.seq < b!.seq && a!.eventSeq === last.recorded.seq && b!.eventSeq === last.recorded.seq);
  assert.is(log.lastFactSeq(), b!.seq);
  store.close();
});

S('a logged state the machine does not fold to stops the replay, naming the stream and version', () => {
  const store = openStore(':memory:');
  const log = new EventLog(store);
  log.append('session:d', 0, [{ type: INIT_EVENT, data: { type: INIT_EVENT, input }, state: { running: 'waiting' }, at: 1, machineVersion: 'session@1', facts: [] }]);
  log.append('session:d', 1, [{ type: 'TICK', data: { type: 'TICK', mono: 0, wall: 0 }, state: 'completed', at: 2, machineVersion: 'session@1', facts: [] }]);
  const error = (() => {
    try {
      new JournaledStream(sessionMachine, 'session:d', log, new ManualClock(), { machineVersion: SESSION_MACHINE_VERSION });
    } catch (e) {
      return e;
    }
    return null;
  })();
  assert.instance(error, ReplayDivergenceError);
  assert.match((error as Error).message, /session:d diverged at version 2/);
  assert.match((error as Error).message, /session@1/);
  store.close();
});

S('a stream that restarts at every boot is folded only from its last start', () => {
  const store = openStore(':memory:');
  const log = new EventLog(store);
  const clock = new ManualClock();
  const camInput = { baseUrl: 'http://127.0.0.1:1/ccapi', simulated: true };
  const boot = () => new JournaledStream(cameraMachine, 'camera', log, clock, { machineVersion: 'camera@1', foldFromLastStart: true });
  boot().record({ type: INIT_EVENT, input: camInput });
  const second = boot();
  assert.is(second.version, 1);
  second.record({ type: INIT_EVENT, input: { ...camInput, baseUrl: 'http://127.0.0.1:2/ccapi' } });
  const third = boot();
  assert.is(third.version, 2);
  assert.is(third.snapshot?.context.baseUrl, 'http://127.0.0.1:2/ccapi');
  store.close();
});

S.run();
