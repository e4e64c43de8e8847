// The session machine, stepped purely: grid, lateness policy, stop, failures, interruption.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { AnyEventObject } from 'xstate';
import { step } from '../../machines/replay.ts';
import type { SessionFact } from '../../machines/session-facts.ts';
import { sessionMachine, type ShotFailure, type ShotOutput } from '../../machines/session.ts';

const S = suite('session machine');
const ID = '00000000-0000-4000-8000-000000000001';
const plan = (over: Partial<{ intervalMs: number; totalShots: number | null; stopCondition: 'unlimited' | 'stop-after' }> = {}) => ({
  plan: { id: ID, title: 'Orion', intervalMs: 1000, totalShots: 3, stopCondition: 'stop-after' as const, startedAt: 1_700_000_000_000, ...over },
  anchorMono: 10_000,
});

type Snap = ReturnType<typeof step<typeof sessionMachine>>['snapshot'];
function run(events: AnyEventObject[], input = plan()) {
  let snapshot: Snap | null = null;
  const facts: SessionFact[] = [];
  for (const event of [{ type: 'xstate.init', input }, ...events]) {
    const s: ReturnType<typeof step<typeof sessionMachine>> = step(sessionMachine, snapshot, event);
    snapshot = s.snapshot;
    facts.push(...(s.emitted as SessionFact[]));
  }
  return { snapshot: snapshot!, facts };
}
const tick = (mono: number): AnyEventObject => ({ type: 'TICK', mono, wall: 1_700_000_000_000 + mono });
const done = (triggerMono: number, file = `100CANON/IMG_${triggerMono}.JPG`): AnyEventObject => ({
  type: 'xstate.done.actor.shoot',
  output: { triggerMono, triggerWall: triggerMono, latencyMs: 30, attempts: 1, file, doneMono: triggerMono + 300, doneWall: triggerMono + 300 } satisfies ShotOutput,
});
const failed = (mono: number, code = 'BUSY', fatal = false): AnyEventObject => ({
  type: 'xstate.error.actor.shoot',
  error: { code, message: code, fatal, attempts: 4, mono, wall: mono } satisfies ShotFailure,
});
const shots = (facts: SessionFact[]) => facts.flatMap((f) => (f.type === 'shot.recorded' ? [f.shot] : []));

S('starts waiting for slot 0 at the anchor and announces the plan', () => {
  const { snapshot, facts } = run([]);
  assert.equal(snapshot.value, { running: 'waiting' });
  assert.is(snapshot.context.nextAt, 10_000);
  assert.equal(facts.map((f) => f.type), ['session.started']);
});

S('shoots on the grid: slot k is planned at anchor + k * interval', () => {
  const { snapshot, facts } = run([tick(10_002), done(10_005), tick(11_001), done(11_004)]);
  assert.equal(snapshot.value, { running: 'waiting' });
  assert.is(snapshot.context.nextAt, 12_000);
  const recorded = shots(facts);
  assert.equal(recorded.map((s) => [s.number, s.plannedMono, s.latenessMs, s.result]), [
    [1, 10_000, 5, 'ok'],
    [2, 11_000, 4, 'ok'],
  ]);
  assert.is(recorded[1]!.plannedAt, 1_700_000_000_000 + 1000);
});

S('a slot more than half an interval late is skipped and recorded, never fired in a burst', () => {
  const { snapshot, facts } = run([tick(10_001), done(10_002), tick(13_700)], plan({ totalShots: 10 }));
  // Slots 2 (11 000), 3 (12 000) and 4 (13 000) are past their tolerance at 13 700; slot 5 (14 000) is next.
  assert.equal(shots(facts).map((s) => [s.number, s.result]), [
    [1, 'ok'],
    [2, 'skipped'],
    [3, 'skipped'],
    [4, 'skipped'],
  ]);
  assert.equal(snapshot.value, { running: 'waiting' });
  assert.is(snapshot.context.nextAt, 14_000);
  assert.equal(snapshot.context.counts, { ok: 1, failed: 0, skipped: 3 });
});

S('a slot within half an interval is still shot', () => {
  const { snapshot } = run([tick(10_499)]);
  assert.equal(snapshot.value, { running: 'shooting' });
});

S('completes after totalShots slots with exactly one end fact', () => {
  const { snapshot, facts } = run([tick(10_000), done(10_001), tick(11_000), failed(11_400), tick(12_000), done(12_001)]);
  assert.is(snapshot.value, 'completed');
  assert.is(snapshot.status, 'done');
  const ends = facts.filter((f) => f.type === 'session.ended');
  assert.equal(ends, [{ type: 'session.ended', sessionId: ID, status: 'completed', endedAt: 12_301, error: null }]);
  assert.equal(snapshot.context.counts, { ok: 2, failed: 1, skipped: 0 });
});

S('skipping past the last slot completes the session', () => {
  const { snapshot, facts } = run([tick(10_000), done(10_001), tick(20_000)]);
  assert.is(snapshot.value, 'completed');
  assert.equal(shots(facts).map((s) => s.result), ['ok', 'skipped', 'skipped']);
});

S('stop while waiting ends at once; stop while shooting waits for the frame in flight', () => {
  const waiting = run([tick(10_000), done(10_001), { type: 'STOP', at: 5 }]);
  assert.is(waiting.snapshot.value, 'stopped');
  const shooting = run([tick(10_000), { type: 'STOP', at: 5 }]);
  assert.equal(shooting.snapshot.value, { running: 'shooting' });
  assert.ok(shooting.snapshot.context.stopRequested);
  const after = run([tick(10_000), { type: 'STOP', at: 5 }, done(10_001)]);
  assert.is(after.snapshot.value, 'stopped');
  assert.equal(shots(after.facts).map((s) => s.result), ['ok']);
});

S('a transient failure costs one frame; a fatal one fails the session', () => {
  const transient = run([tick(10_000), failed(10_400)], plan({ totalShots: 5 }));
  assert.equal(transient.snapshot.value, { running: 'waiting' });
  assert.is(transient.snapshot.context.lastShot?.error?.code, 'BUSY');
  const fatal = run([tick(10_000), failed(10_400, 'CARD', true)], plan({ totalShots: 5 }));
  assert.is(fatal.snapshot.value, 'failed');
  assert.equal(fatal.snapshot.context.error, { code: 'CARD', message: 'CARD' });
});

S('an unlimited session never completes by itself', () => {
  const { snapshot } = run([tick(10_000), done(10_001), tick(11_000), done(11_001), tick(12_000), done(12_001), tick(13_000), done(13_001)], plan({ totalShots: null, stopCondition: 'unlimited' }));
  assert.equal(snapshot.value, { running: 'waiting' });
  assert.is(snapshot.context.counts.ok, 4);
});

S('an interrupted session waits for save or discard; events after the end change nothing', () => {
  const interrupted = run([tick(10_000), done(10_001), { type: 'INTERRUPTED', at: 99, lastEventAt: 42 }]);
  assert.is(interrupted.snapshot.value, 'interrupted');
  assert.is(interrupted.snapshot.context.endedAt, 42);
  const saved = run([{ type: 'INTERRUPTED', at: 99, lastEventAt: 42 }, { type: 'SAVE', at: 100, title: 'Kept' }]);
  assert.is(saved.snapshot.value, 'saved');
  assert.equal(saved.facts.at(-1), { type: 'session.saved', sessionId: ID, title: 'Kept', at: 100 });
  const s = saved.snapshot;
  assert.not.ok(step(sessionMachine, s, tick(20_000)).changed);
});

S.run();
