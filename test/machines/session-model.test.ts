// Model-based: every shortest path of the real session machine (xstate/graph) is driven through a live, journaled
// actor with controllable actors. Replay is the law: folding the logged events must give the live snapshot, and an
// actor restored from any logged prefix must re-arm its deadline from context, then end where the live one ended.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor, fromCallback, fromPromise, type AnyEventObject, type EventObject } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { systemClock } from '../../adapters/clock.ts';
import { replay } from '../../machines/replay.ts';
import { sessionMachine, type SessionInput, type ShotFailure, type ShootInput, type ShotOutput } from '../../machines/session.ts';
import { openStore } from '../../store/db.ts';
import { EventLog } from '../../store/event-log.ts';
import { JournaledStream, startJournaledActor } from '../../store/journal.ts';
import { projectSessionFacts } from '../../store/projections.ts';
import type { SessionFact } from '../../machines/session-facts.ts';

const S = suite('session machine, model-based');

const input: SessionInput = {
  plan: { id: '00000000-0000-4000-8000-00000000000a', title: 'model', intervalMs: 1000, totalShots: 2, stopCondition: 'stop-after', startedAt: 1_700_000_000_000 },
  anchorMono: 0,
};

type Snap = ReturnType<typeof sessionMachine.transition>;

/** The events worth trying from a state, with payloads derived from its context (on time, late, ok, failing). */
function eventsFor(s: Snap): AnyEventObject[] {
  const at = s.context.nextAt;
  const output: ShotOutput = { triggerMono: at + 3, triggerWall: at + 3, latencyMs: 25, attempts: 1, file: `IMG_${at}.JPG`, doneMono: at + 300, doneWall: at + 300 };
  const failure = (fatal: boolean): ShotFailure => ({ code: fatal ? 'CARD' : 'BUSY', message: 'x', fatal, attempts: 3, mono: at + 500, wall: at + 500 });
  return [
    { type: 'TICK', mono: at + 2, wall: at + 2 },
    { type: 'TICK', mono: at + 1600, wall: at + 1600 },
    { type: 'xstate.done.actor.shoot', output },
    { type: 'xstate.error.actor.shoot', error: failure(false) },
    { type: 'xstate.error.actor.shoot', error: failure(true) },
    { type: 'STOP', at: at + 7 },
    { type: 'INTERRUPTED', at: at + 9, lastEventAt: at + 8 },
    { type: 'SAVE', at: at + 10, title: 'kept' },
    { type: 'DISCARD', at: at + 11 },
  ];
}

const paths = getShortestPaths(sessionMachine, {
  input,
  events: eventsFor as never,
  serializeState: (s) => JSON.stringify([s.value, s.context.nextIndex, s.context.stopRequested, s.context.counts]),
});

/** A session machine whose actors the test drives by hand. */
function harness() {
  const deadlines: { at: number }[] = [];
  let shot: { resolve: (o: ShotOutput) => void; reject: (e: ShotFailure) => void; input: ShootInput } | null = null;
  const machine = sessionMachine.provide({
    actors: {
      deadline: fromCallback<EventObject, { at: number }>(({ input: i }) => {
        deadlines.push(i);
      }),
      shoot: fromPromise<ShotOutput, ShootInput>(
        ({ input: i }) =>
          new Promise((resolve, reject) => {
            shot = { resolve, reject, input: i };
          }),
      ),
    },
  });
  return {
    machine,
    deadlines,
    takeShot: () => {
      const s = shot;
      shot = null;
      return s;
    },
  };
}

const settle = () => new Promise((r) => setImmediate(r));

async function drive(actor: { send(e: AnyEventObject): void }, h: ReturnType<typeof harness>, event: AnyEventObject) {
  if (event.type === 'xstate.done.actor.shoot') h.takeShot()?.resolve(event.output);
  else if (event.type === 'xstate.error.actor.shoot') h.takeShot()?.reject(event.error);
  else actor.send(event);
  await settle();
}

const comparable = (s: { value: unknown; context: unknown; status: string }) => JSON.parse(JSON.stringify({ value: s.value, context: s.context, status: s.status }));

S(`the graph reaches every state of the session (${paths.length} paths)`, () => {
  const values = new Set(paths.map((p) => JSON.stringify(p.state.value)));
  for (const v of ['{"running":"waiting"}', '{"running":"shooting"}', '"completed"', '"stopped"', '"failed"', '"interrupted"', '"saved"', '"discarded"']) {
    assert.ok(values.has(v), `no path reaches ${v}`);
  }
});

S('on every path, replaying the log gives the live snapshot and the model state', async () => {
  for (const path of paths) {
    const store = openStore(':memory:');
    const log = new EventLog(store);
    const h = harness();
    const stream = `session:${input.plan.id}`;
    const journal = new JournaledStream(h.machine, stream, log, systemClock, {
      project: (tx, recorded, emitted) => projectSessionFacts(tx, recorded, emitted as SessionFact[]),
    });
    const actor = startJournaledActor(journal, input, { onError: (e) => assert.unreachable(String(e)), onAppendFailed: (e) => assert.unreachable(String(e)) });
    for (const { event } of path.steps.slice(1)) await drive(actor, h, event as AnyEventObject);

    const live = comparable(actor.getSnapshot());
    const logged = log.readStream(stream);
    const replayed = replay(sessionMachine, logged.map((e) => e.data as AnyEventObject))!;
    const description = path.steps.map((s) => s.event.type).join(' → ');
    assert.equal(comparable(replayed), live, `replay differs from live after ${description}`);
    assert.equal(live, comparable(path.state), `live differs from the model after ${description}`);
    assert.equal(comparable(journal.snapshot!), live, 'the journal fold differs from live');
    assert.equal(logged.map((e) => e.version), logged.map((_, i) => i + 1));
    actor.stop();
    store.close();
  }
});

S('an actor restored from any logged prefix re-arms its deadline from context and ends like the live one', async () => {
  for (const path of paths) {
    const events = path.steps.map((s) => s.event as AnyEventObject);
    for (let k = 1; k < events.length; k++) {
      const prefix = replay(sessionMachine, [{ type: 'xstate.init', input }, ...events.slice(1, k)])!;
      if (prefix.status !== 'active') continue;
      const h = harness();
      const restored = createActor(h.machine, { input, snapshot: JSON.parse(JSON.stringify(h.machine.getPersistedSnapshot(prefix))) });
      restored.start();
      if (prefix.matches({ running: 'waiting' })) assert.equal(h.deadlines.at(-1), { at: prefix.context.nextAt }, 'deadline not re-armed from context');
      for (const event of events.slice(k)) await drive(restored, h, event);
      assert.equal(comparable(restored.getSnapshot()), comparable(path.state), `restore at step ${k} diverged`);
      restored.stop();
    }
  }
});

S.run();
