// The journal: durable before visible, and an event the log refused is never processed.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fromCallback, fromPromise, type AnyEventObject, type EventObject } from 'xstate';
import { ManualClock } from '../../adapters/clock.ts';
import { sessionMachine, type ShootInput, type ShotOutput } from '../../machines/session.ts';
import { openStore } from '../../store/db.ts';
import { EventLog } from '../../store/event-log.ts';
import { JournaledStream, startJournaledActor } from '../../store/journal.ts';

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
    project: (_tx, recorded) => {
      if (refuse(recorded.data as AnyEventObject)) throw new Error('disk full');
    },
    onTransition: (t) => seen.push(`${t.recorded.seq}:${t.recorded.type}`),
  });
  const failed: string[] = [];
  const actor = startJournaledActor(journal, input, { onError: () => failed.push('error'), onAppendFailed: (_e, ev) => failed.push(ev.type) });
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
  shot({ triggerMono: 1, triggerWall: 1, latencyMs: 1, attempts: 1, file: 'f', doneMono: 2, doneWall: 2 });
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

S.run();
