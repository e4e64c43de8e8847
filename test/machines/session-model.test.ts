// Model-based: every shortest path of the real session machine (xstate/graph) is driven through a live, journaled
// actor with controllable actors. Replay is the law: folding the logged events must give the live snapshot, and an
// actor restored from any logged prefix must re-arm its deadline from context, then end where the live one ended.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor, fromCallback, fromPromise, type AnyEventObject, type EventObject } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { systemClock } from '../../adapters/clock.ts';
import { replay } from '../../machines/replay.ts';
import { ARM_AHEAD_MS, SESSION_MACHINE_VERSION, sessionMachine, type SessionInput, type ShotFailure, type ShootInput, type ShotOutput } from '../../machines/session.ts';
import { openStore } from '../../store/db.ts';
import { EventLog } from '../../store/event-log.ts';
import { JournaledStream, startJournaledActor } from '../../store/journal.ts';
import { projectSessionFacts } from '../../store/projections.ts';

const S = suite('session machine, model-based');

const basePlan = { id: '00000000-0000-4000-8000-00000000000a', title: 'model', intervalMs: 1000, totalShots: 2, startedAt: 1_700_000_000_000 };
/**
 * Every stop condition with a finite plan (an unlimited one has no finite graph; session.test.ts covers it), each
 * with the events it is about, so the graph stays small enough to walk every path in seconds: the card, restarts and
 * saving on the stop-after plan; holds, the schedule and a restart on the stop-at one; the end on the duration one.
 * The first two arm the next slot as a frame ends (session@5); the duration one folds as a session@4 log does.
 */
const HOLDS = ['PAUSE', 'UNPAUSE', 'CAMERA_LOST', 'CAMERA_BACK', 'RELEASE_DISABLED', 'RELEASE_ALLOWED'];
const failureCode = (e: AnyEventObject): string | null => (e.type === 'xstate.error.actor.shoot' ? (e.error as ShotFailure).code : null);
const models: { input: SessionInput; skip: (e: AnyEventObject) => boolean }[] = [
  { input: { plan: { ...basePlan, stopCondition: 'stop-after' }, anchorMono: 0, armOnDone: true }, skip: (e) => HOLDS.includes(e.type) || ['UNREACHABLE', 'RELEASE_DISABLED'].includes(failureCode(e) ?? '') },
  {
    // Scheduled, ending at a stop time, pausing after two failed frames in a row.
    input: { plan: { ...basePlan, stopCondition: 'stop-at', stopAt: basePlan.startedAt + 1500, scheduled: true, maxFailedInRow: 2 }, anchorMono: 5000, armOnDone: true },
    skip: (e) =>
      ['FILES_LATE', 'CARD_FILES', 'SAVE', 'DISCARD', 'RESUME'].includes(e.type) ||
      (e.type === 'RESTARTED' && (!e.resume || e.wall - e.lastEventAt > 1000)) ||
      (e.type === 'xstate.done.actor.shoot' && (e.output as ShotOutput).files.length === 0) ||
      failureCode(e) === 'CARD',
  },
  { input: { plan: { ...basePlan, stopCondition: 'duration', durationMs: 2000 }, anchorMono: 0 }, skip: (e) => !['TICK', 'xstate.done.actor.shoot', 'STOP', 'PAUSE', 'UNPAUSE'].includes(e.type) },
];

type Snap = ReturnType<typeof sessionMachine.transition>;

/**
 * The events worth trying from a state, with payloads derived from its context: on time and late ticks, shots ok
 * with and without their file, ambiguous and fatal failures, a press held back, stop, SIGTERM, restarts (resume or ask, in time or after
 * the plan ran out), a resume, a late file and a card listing, save and discard.
 */
function eventsFor(s: Snap): AnyEventObject[] {
  const c = s.context;
  const at = c.nextAt;
  const wall = c.anchor.wall + (c.nextIndex - c.anchor.index) * c.plan.intervalMs;
  const output = (files: string[]): ShotOutput => ({ triggerMono: at + 3, triggerWall: wall + 3, latencyMs: 25, attempts: 1, files, confirmedByEvidence: false, doneMono: at + 300, doneWall: wall + 300 });
  const failure = (code: string, fatal = false): ShotFailure => ({ code, message: 'x', fatal, attempts: 1, mono: at + 500, wall: wall + 500 });
  const reading = (dt: number) => ({ at: wall + dt, mono: at + dt, wall: wall + dt });
  const file = `100CANON/IMG_${String(c.nextIndex + 1).padStart(4, '0')}.JPG`;
  const restart = (gapMs: number, resume: boolean) => ({ type: 'RESTARTED', at: wall + gapMs, mono: 5, wall: wall + gapMs, lastEventAt: wall, resume });
  return [
    { type: 'TICK', mono: at + 2, wall: wall + 2 },
    { type: 'TICK', mono: at + 1600, wall: wall + 1600 },
    { type: 'xstate.done.actor.shoot', output: output([file]) },
    { type: 'xstate.done.actor.shoot', output: output([]) },
    { type: 'xstate.error.actor.shoot', error: failure('BUSY') },
    { type: 'xstate.error.actor.shoot', error: failure('UNREACHABLE') },
    { type: 'xstate.error.actor.shoot', error: failure('RELEASE_DISABLED', true) },
    { type: 'xstate.error.actor.shoot', error: failure('CARD', true) },
    { type: 'xstate.error.actor.shoot', error: failure('HELD_BACK') },
    { type: 'xstate.error.actor.shoot', error: failure('TOO_LATE') },
    { type: 'PAUSE', ...reading(-100) },
    { type: 'UNPAUSE', ...reading(1200) },
    { type: 'CAMERA_LOST', ...reading(-90), error: { code: 'UNREACHABLE', message: 'gone' } },
    { type: 'CAMERA_BACK', ...reading(300) },
    { type: 'RELEASE_DISABLED', ...reading(-80) },
    { type: 'RELEASE_ALLOWED', ...reading(100) },
    { type: 'STOP', at: wall + 7 },
    { type: 'SUSPEND', at: wall + 8 },
    restart(200, true),
    restart(200, false),
    restart(60_000, true),
    { type: 'RESUME', at: wall + 900, mono: 9, wall: wall + 900, lastEventAt: wall },
    { type: 'FILES_LATE', number: Math.max(1, c.nextIndex), files: [`100CANON/IMG_${String(c.nextIndex).padStart(4, '0')}.JPG`] },
    { type: 'CARD_FILES', at: wall + 20, files: [{ path: `100CANON/IMG_${String(c.nextIndex).padStart(4, '0')}.CR3`, capturedAt: null }] },
    { type: 'SAVE', at: wall + 10, title: 'kept' },
    { type: 'DISCARD', at: wall + 11 },
  ];
}

/** The model's abstraction of a state; live and model are compared through it (replay and live in full). */
const modelKey = (s: { value: unknown; context: Snap['context'] }) => {
  const c = s.context;
  return JSON.stringify([s.value, c.nextIndex, c.anchor, c.stopRequested, c.suspendRequested, c.counts, c.pending.map((p) => [p.number, p.result]), c.hold?.reason, c.holdRequested, c.failedInRow]);
};

const paths = models.flatMap(({ input, skip }) =>
  getShortestPaths(sessionMachine, { input, events: ((s: Snap) => eventsFor(s).filter((e) => !skip(e))) as never, serializeState: modelKey }).map((path) => ({ ...path, input })),
);

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
  for (const v of ['"scheduled"', '{"running":"paused"}', '{"running":"waiting_for_camera"}', '{"running":"held"}', '{"running":"waiting"}', '{"running":"shooting"}', '"suspended"', '"completed"', '"stopped"', '"failed"', '"interrupted"', '"saved"', '"discarded"']) {
    assert.ok(values.has(v), `no path reaches ${v}`);
  }
});

S('on every path, replaying the log gives the live snapshot and the model state', async () => {
  for (const path of paths) {
    const { input } = path;
    const store = openStore(':memory:');
    const log = new EventLog(store);
    const h = harness();
    const stream = `session:${input.plan.id}`;
    const journal = new JournaledStream(h.machine, stream, log, systemClock, {
      machineVersion: SESSION_MACHINE_VERSION,
      project: projectSessionFacts,
    });
    const actor = startJournaledActor(journal, { input }, { onError: (e) => assert.unreachable(String(e)), onAppendFailed: (e) => assert.unreachable(String(e)) });
    for (const { event } of path.steps.slice(1)) await drive(actor, h, event as AnyEventObject);

    const live = comparable(actor.getSnapshot());
    const logged = log.readStream(stream);
    const replayed = replay(sessionMachine, logged.map((e) => e.data as AnyEventObject))!;
    const description = path.steps.map((s) => s.event.type).join(' → ');
    assert.equal(comparable(replayed), live, `replay differs from live after ${description}`);
    assert.is(modelKey(actor.getSnapshot()), modelKey(path.state), `live differs from the model after ${description}`);
    assert.equal(comparable(journal.snapshot!), live, 'the journal fold differs from live');
    assert.equal(logged.map((e) => e.version), logged.map((_, i) => i + 1));
    assert.ok(logged.every((e) => e.machineVersion === SESSION_MACHINE_VERSION), 'every row names its machine version');
    const reopened = new JournaledStream(h.machine, stream, log, systemClock, { machineVersion: SESSION_MACHINE_VERSION });
    assert.equal(comparable(reopened.snapshot!), live, 'a restart folds the log to the live snapshot');
    actor.stop();
    store.close();
  }
});

S('an actor restored from any logged prefix re-arms its deadline from context and ends like the live one', async () => {
  for (const path of paths) {
    const { input } = path;
    const events = path.steps.map((s) => s.event as AnyEventObject);
    const whole = comparable(replay(sessionMachine, [{ type: 'xstate.init', input }, ...events.slice(1)])!);
    for (let k = 1; k < events.length; k++) {
      const prefix = replay(sessionMachine, [{ type: 'xstate.init', input }, ...events.slice(1, k)])!;
      if (prefix.status !== 'active') continue;
      const h = harness();
      const restored = createActor(h.machine, { input, snapshot: JSON.parse(JSON.stringify(h.machine.getPersistedSnapshot(prefix))) });
      restored.start();
      if (prefix.matches({ running: 'waiting' })) assert.equal(h.deadlines.at(-1), { at: prefix.context.nextAt - ARM_AHEAD_MS }, 'deadline not re-armed from context');
      for (const event of events.slice(k)) await drive(restored, h, event);
      assert.equal(comparable(restored.getSnapshot()), whole, `restore at step ${k} diverged from the fold of the whole path`);
      restored.stop();
    }
  }
});

S.run();
