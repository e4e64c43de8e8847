// The session machine, stepped purely: grid, lateness policy, stop, failures, restarts, suspend, files and the card.
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
const done = (triggerMono: number, files = [`100CANON/IMG_${triggerMono}.JPG`]): AnyEventObject => ({
  type: 'xstate.done.actor.shoot',
  output: { triggerMono, triggerWall: triggerMono, latencyMs: 30, attempts: 1, files, confirmedByEvidence: false, doneMono: triggerMono + 300, doneWall: triggerMono + 300 } satisfies ShotOutput,
});
const failed = (mono: number, code = 'BUSY', fatal = false): AnyEventObject => ({
  type: 'xstate.error.actor.shoot',
  error: { code, message: code, fatal, attempts: 4, mono, wall: mono } satisfies ShotFailure,
});
const shots = (facts: SessionFact[]) => facts.flatMap((f) => (f.type === 'shot.recorded' ? [f.shot] : []));
/** Slots as [number, result], skipped runs expanded. */
const slots = (facts: SessionFact[]) =>
  facts.flatMap((f): [number, string][] => {
    if (f.type === 'shot.recorded') return [[f.shot.number, f.shot.result]];
    if (f.type === 'slots.skipped') return Array.from({ length: f.run.count }, (_, i) => [f.run.first.number + i, 'skipped']);
    return [];
  });
/** An UNCONFIRMED press puts the session in waiting_for_camera; the camera answering again lets the grid go on. */
const back = (mono: number): AnyEventObject => ({ type: 'CAMERA_BACK', at: WALL0 + mono, mono, wall: WALL0 + mono });
const counts = (over: Partial<Record<'ok' | 'failed' | 'skipped' | 'unknown', number>>) => ({ ok: 0, failed: 0, skipped: 0, unknown: 0, ...over });
const WALL0 = 1_700_000_000_000;

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
  assert.equal(slots(facts), [
    [1, 'ok'],
    [2, 'skipped'],
    [3, 'skipped'],
    [4, 'skipped'],
  ]);
  const run3 = facts.find((f) => f.type === 'slots.skipped');
  assert.equal(run3, { type: 'slots.skipped', sessionId: ID, run: { first: { number: 2, plannedAt: WALL0 + 1000, plannedMono: 11_000 }, count: 3, intervalMs: 1000, reason: 'late' } });
  assert.equal(snapshot.value, { running: 'waiting' });
  assert.is(snapshot.context.nextAt, 14_000);
  assert.equal(snapshot.context.counts, counts({ ok: 1, skipped: 3 }));
});

S('a slot within half an interval is still shot', () => {
  const { snapshot } = run([tick(10_499)]);
  assert.equal(snapshot.value, { running: 'shooting' });
});

S('completes after totalShots slots with exactly one end fact', () => {
  const { snapshot, facts } = run([tick(10_000), done(10_001), tick(11_000), failed(11_400), tick(12_000), done(12_001)]);
  assert.is(snapshot.value, 'completed');
  assert.not.ok(step(sessionMachine, snapshot, tick(13_000)).changed, 'an ended session shoots nothing more');
  const ends = facts.filter((f) => f.type === 'session.ended');
  assert.equal(ends, [{ type: 'session.ended', sessionId: ID, status: 'completed', endedAt: 12_301, error: null }]);
  assert.equal(snapshot.context.counts, counts({ ok: 2, failed: 1 }));
});

S('skipping past the last slot completes the session', () => {
  const { snapshot, facts } = run([tick(10_000), done(10_001), tick(20_000)]);
  assert.is(snapshot.value, 'completed');
  assert.equal(slots(facts).map(([, r]) => r), ['ok', 'skipped', 'skipped']);
});

S('stop while waiting ends at once; stop while shooting waits for the frame in flight', () => {
  const waiting = run([tick(10_000), done(10_001), { type: 'STOP', at: 5 }]);
  assert.is(waiting.snapshot.value, 'stopped');
  const shooting = run([tick(10_000), { type: 'STOP', at: 5 }]);
  assert.equal(shooting.snapshot.value, { running: 'shooting' });
  assert.ok(shooting.snapshot.context.stopRequested);
  assert.equal(shooting.facts.at(-1), { type: 'session.stop_requested', sessionId: ID, at: 5, reason: 'user' }, 'every phone hears that it is stopping');
  const after = run([tick(10_000), { type: 'STOP', at: 5 }, done(10_001)]);
  assert.is(after.snapshot.value, 'stopped');
  assert.equal(shots(after.facts).map((s) => s.result), ['ok']);
});

S('a press that came due past its window (TOO_LATE) is skipped as late, and counts toward no failure run', () => {
  const { snapshot, facts } = run([tick(10_000), done(10_001), tick(10_100), failed(11_600, 'TOO_LATE')], plan({ totalShots: 10 }));
  assert.equal(snapshot.value, { running: 'waiting' });
  assert.equal(slots(facts), [[1, 'ok'], [2, 'skipped']]);
  assert.equal(facts.find((f) => f.type === 'slots.skipped'), {
    type: 'slots.skipped',
    sessionId: ID,
    run: { first: { number: 2, plannedAt: WALL0 + 1_000, plannedMono: 11_000 }, count: 1, intervalMs: 1_000, reason: 'late' },
  });
  assert.is(snapshot.context.failedInRow, 0);
  assert.equal(snapshot.context.counts, counts({ ok: 1, skipped: 1 }));
  const stopped = run([tick(10_000), done(10_001), tick(10_100), { type: 'STOP', at: 5 }, failed(11_600, 'TOO_LATE')], plan({ totalShots: 10 }));
  assert.is(stopped.snapshot.value, 'stopped');
  assert.equal(slots(stopped.facts), [[1, 'ok'], [2, 'skipped']]);
});

S('a frame whose end finds the next slot due arms it in the same transition (armOnDone); a session@4 log does not', () => {
  const armed = { ...plan({ totalShots: 4 }), armOnDone: true };
  // Slot 1 ends at 10 301: slot 2 (11 000) is armed from 10 000, so the frame's end arms it. One event per frame.
  const { snapshot, facts } = run([tick(9_000), done(10_001), done(11_002)], armed);
  assert.equal(snapshot.value, { running: 'shooting' });
  assert.equal([snapshot.context.nextIndex, snapshot.context.nextAt], [2, 12_000]);
  assert.equal(slots(facts), [[1, 'ok'], [2, 'ok']]);
  // A failed frame's end arms the next slot too; a held one does not (the hold decides).
  const afterFailure = run([tick(9_000), failed(10_400)], armed);
  assert.equal([afterFailure.snapshot.value, afterFailure.snapshot.context.nextIndex], [{ running: 'shooting' }, 1]);
  assert.equal(run([tick(9_000), failed(10_400, 'UNREACHABLE')], armed).snapshot.value, { running: 'waiting_for_camera' });
  // Not yet due (a 3 s interval): the grid rests in `waiting` until the arm.
  const slow = run([tick(9_000), done(10_001)], { ...armed, plan: { ...armed.plan, intervalMs: 3000 } });
  assert.equal(slow.snapshot.value, { running: 'waiting' });
  // Past its window when the frame ended: `waiting` skips it as late at the next TICK.
  const long = { ...done(10_001), output: { ...(done(10_001).output as ShotOutput), doneMono: 11_501 } };
  const overran = run([tick(9_000), long, tick(11_502)], armed);
  assert.equal(slots(overran.facts), [[1, 'ok'], [2, 'skipped']]);
  assert.equal([overran.snapshot.value, overran.snapshot.context.nextAt], [{ running: 'waiting' }, 12_000]);
  // The last slot ends the session as before.
  assert.is(run([tick(9_000), done(10_001), done(11_002), done(12_003), done(13_004)], armed).snapshot.value, 'completed');
  // Without the flag (sessions begun under session@4) the same events fold as they were logged: back to `waiting`.
  assert.equal(run([tick(9_000), done(10_001)]).snapshot.value, { running: 'waiting' });
});

S('a press held back while its slot was armed is not shot: stop ends, pause holds, SIGTERM suspends, and nothing is recorded', () => {
  const heldBack = failed(10_050, 'HELD_BACK');
  const stopped = run([tick(10_000), done(10_001), tick(10_100), { type: 'STOP', at: 5 }, heldBack]);
  assert.is(stopped.snapshot.value, 'stopped');
  assert.equal(slots(stopped.facts), [[1, 'ok']], 'slot 2 was armed, held back, and is no shot at all');
  assert.equal(stopped.snapshot.context.counts, counts({ ok: 1 }));
  const paused = run([tick(10_000), done(10_001), tick(10_100), { type: 'PAUSE', at: WALL0 + 10_090, mono: 10_090, wall: WALL0 + 10_090 }, heldBack]);
  assert.equal(paused.snapshot.value, { running: 'paused' });
  assert.is(paused.snapshot.context.nextIndex, 1, 'the held-back slot is the first the pause skips');
  assert.is(paused.snapshot.context.hold?.reason, 'paused');
  assert.is(paused.snapshot.context.failedInRow, 0);
  const suspended = run([tick(10_000), done(10_001), tick(10_100), { type: 'SUSPEND', at: WALL0 + 10_090 }, heldBack], plan({ totalShots: 20 }));
  assert.is(suspended.snapshot.value, 'suspended');
  assert.is(suspended.snapshot.context.nextIndex, 1);
  const unasked = run([tick(10_000), done(10_001), tick(10_100), heldBack]);
  assert.equal(unasked.snapshot.value, { running: 'waiting' }, 'held back with nothing asked: the slot is armed again');
  assert.equal(slots(unasked.facts), [[1, 'ok']]);
});

S('a stop carries its reason into the request and the end', () => {
  const battery = run([tick(10_000), { type: 'STOP', at: 5, reason: 'controller_battery' }, done(10_001)]);
  assert.equal(battery.facts.find((f) => f.type === 'session.stop_requested'), { type: 'session.stop_requested', sessionId: ID, at: 5, reason: 'controller_battery' });
  const ended = battery.facts.find((f) => f.type === 'session.ended');
  assert.is(ended?.type === 'session.ended' && ended.reason, 'controller_battery');
  assert.is(battery.snapshot.context.stopReason, 'controller_battery');
  const waiting = run([{ type: 'STOP', at: 5, reason: 'controller_battery' }]);
  const end = waiting.facts.at(-1);
  assert.is(end?.type === 'session.ended' && end.reason, 'controller_battery');
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

const restarted = (mono: number, wall: number, lastEventAt: number, resume = true): AnyEventObject => ({ type: 'RESTARTED', at: wall, mono, wall, lastEventAt, resume });

S('after a restart the session resumes on its original grid; slots missed while down are skipped as controller_offline', () => {
  // Slot 1 shot at mono 10 000; the process dies; a new process (mono starts near 0) comes back at wall +5 200.
  const { snapshot, facts } = run([tick(10_000), done(10_001), restarted(300, WALL0 + 5_200, WALL0 + 1_000)], plan({ totalShots: 20 }));
  assert.equal(snapshot.value, { running: 'waiting' });
  // Slot 6 (index 5) is planned at wall +5 000; at +5 200 it is within tolerance, so it is the next one.
  assert.is(snapshot.context.nextIndex, 5);
  assert.is(snapshot.context.nextAt, 300 - 200, 'the grid keeps its wall-clock labels on the new monotonic clock');
  assert.equal(slots(facts).slice(1), [[2, 'skipped'], [3, 'skipped'], [4, 'skipped'], [5, 'skipped']]);
  const skipped = facts.find((f) => f.type === 'slots.skipped');
  assert.is(skipped?.type === 'slots.skipped' && skipped.run.reason, 'controller_offline');
  assert.equal(facts.at(-1), { type: 'session.resumed', sessionId: ID, at: WALL0 + 5_200, gapMs: 4_200, reanchored: false, skipped: 4 });
  assert.equal(snapshot.context.lastResume, { at: WALL0 + 5_200, gapMs: 4_200, skipped: 4, reanchored: false });
});

S('a press in flight when the process died is unknown; the card recovers it', () => {
  const { snapshot, facts } = run(
    [tick(10_000), restarted(50, WALL0 + 2_100, WALL0 + 10), { type: 'CARD_FILES', at: WALL0 + 2_200, files: [{ path: '100CANON/IMG_0007.JPG', capturedAt: null }] }],
    plan({ totalShots: 20 }),
  );
  assert.equal(slots(facts)[0], [1, 'unknown']);
  assert.equal(facts.find((f) => f.type === 'shot.recovered'), { type: 'shot.recovered', sessionId: ID, number: 1, was: 'unknown', files: ['100CANON/IMG_0007.JPG'] });
  assert.equal(snapshot.context.counts, counts({ ok: 1, skipped: 1 }));
  assert.equal(snapshot.context.pending, []);
});

S('an unsettled press the card does not show yet can still be recovered by its late file', () => {
  const { snapshot, facts } = run(
    [tick(10_000), failed(10_400, 'UNCONFIRMED'), { type: 'CARD_FILES', at: 1, files: [] }, { type: 'FILES_LATE', number: 1, files: ['100CANON/IMG_0001.JPG'] }],
    plan({ totalShots: 10 }),
  );
  assert.equal(facts.at(-1), { type: 'shot.recovered', sessionId: ID, number: 1, was: 'failed', files: ['100CANON/IMG_0001.JPG'] });
  assert.equal(snapshot.context.counts, counts({ ok: 1 }));
});

S('with fewer files than unsettled presses, a press cut off by a crash is likelier to have fired than one already watched in vain', () => {
  const { facts } = run(
    [
      tick(10_000), done(10_001, ['100CANON/IMG_0001.JPG']),
      tick(11_000), failed(11_400, 'UNCONFIRMED'), back(11_401),
      tick(12_000), restarted(50, WALL0 + 2_100, WALL0 + 2_000),
      { type: 'CARD_FILES', at: 1, files: [{ path: '100CANON/IMG_0002.JPG', capturedAt: null }] },
    ],
    plan({ totalShots: 10 }),
  );
  assert.equal(facts.filter((f) => f.type === 'shot.recovered').map((f) => f.type === 'shot.recovered' && [f.number, f.was]), [[3, 'unknown']]);
});

S('files on the card that no slot can have made are orphans; files between logged ones go to the slot between them', () => {
  const { facts } = run(
    [
      tick(10_000), done(10_001, ['100CANON/IMG_0001.JPG']),
      tick(11_000), failed(11_400, 'UNCONFIRMED'), back(11_401),
      tick(12_000), done(12_001, ['100CANON/IMG_0003.JPG']),
      { type: 'CARD_FILES', at: 1, files: ['100CANON/IMG_0002.JPG', '100CANON/IMG_0003.JPG', '100CANON/IMG_0004.JPG'].map((path) => ({ path, capturedAt: null })) },
      { type: 'CARD_FILES', at: 2, files: ['100CANON/IMG_0004.JPG'].map((path) => ({ path, capturedAt: null })) },
    ],
    plan({ totalShots: 10 }),
  );
  assert.equal(facts.find((f) => f.type === 'shot.recovered'), { type: 'shot.recovered', sessionId: ID, number: 2, was: 'failed', files: ['100CANON/IMG_0002.JPG'] });
  assert.equal(
    facts.filter((f) => f.type === 'session.orphan_files'),
    [{ type: 'session.orphan_files', sessionId: ID, files: [{ path: '100CANON/IMG_0004.JPG', capturedAt: null }] }],
    'an orphan is reported once, however often the card is read',
  );
});

S("a session that ended with an unsettled press still takes the card's word for it", () => {
  const { snapshot, facts } = run(
    [tick(10_000), failed(10_400, 'UNCONFIRMED'), { type: 'STOP', at: 5 }, { type: 'CARD_FILES', at: 6, files: [{ path: '100CANON/IMG_0001.JPG', capturedAt: null }] }],
    plan({ totalShots: 10 }),
  );
  assert.is(snapshot.value, 'stopped');
  assert.equal(facts.at(-1), { type: 'shot.recovered', sessionId: ID, number: 1, was: 'failed', files: ['100CANON/IMG_0001.JPG'] });
});

S('a press the camera could not settle (UNCONFIRMED) stays failed, and the session waits for the camera', () => {
  const { snapshot, facts } = run([tick(10_000), failed(10_400, 'UNCONFIRMED'), tick(12_000)], plan({ totalShots: 10 }));
  assert.equal(snapshot.value, { running: 'waiting_for_camera' });
  assert.equal(slots(facts), [[1, 'failed'], [2, 'skipped']], 'a held session wakes to record the slots that passed');
  assert.equal(facts.find((f) => f.type === 'session.held'), { type: 'session.held', sessionId: ID, at: 10_400, reason: 'camera_offline', detail: { code: 'UNCONFIRMED', message: 'UNCONFIRMED' } });
  const resumed = run([tick(10_000), failed(10_400, 'UNCONFIRMED'), back(12_600)], plan({ totalShots: 10 }));
  assert.equal(slots(resumed.facts), [[1, 'failed'], [2, 'skipped'], [3, 'skipped']], 'slot 4 (13 000) is the first after the camera is back');
  assert.equal(resumed.snapshot.value, { running: 'waiting' });
  assert.is(resumed.snapshot.context.nextAt, 13_000);
});

S('a press that surely never reached the camera is never credited with a file', () => {
  const { facts } = run(
    [tick(10_000), failed(10_400, 'UNREACHABLE'), tick(11_000), failed(11_400, 'UNREACHABLE'), { type: 'CARD_FILES', at: 1, files: [{ path: '100CANON/IMG_0009.JPG', capturedAt: null }] }],
    plan({ totalShots: 10 }),
  );
  assert.not.ok(facts.some((f) => f.type === 'shot.recovered'));
  assert.ok(facts.some((f) => f.type === 'session.orphan_files'));
});

S('capture time (whole seconds, never before the press) rules out the slots planned after it; order does the rest', () => {
  // Slots every 500 ms; slots 2 (+500) and 8 (+3 500) are unsettled. A file the camera dates +1 000 was closed before
  // +2 000, so it cannot be slot 8's.
  const events = [
    tick(10_000), done(10_001, ['100CANON/IMG_0001.JPG']),
    tick(10_500), failed(10_800, 'UNCONFIRMED'), back(10_801),
    tick(13_500), tick(13_501), failed(13_800, 'UNCONFIRMED'), // the first tick skips slots 3–7 as late
  ];
  const early = run([...events, { type: 'CARD_FILES', at: 1, files: [{ path: '100CANON/IMG_0002.JPG', capturedAt: WALL0 + 1_000 }] }], plan({ intervalMs: 500, totalShots: 20 }));
  assert.equal(early.facts.filter((f) => f.type === 'shot.recovered').map((f) => f.type === 'shot.recovered' && f.number), [2]);
  // Two files for the two unsettled presses: each gets its own, in order.
  const both = run(
    [...events, { type: 'CARD_FILES', at: 1, files: [{ path: '100CANON/IMG_0002.JPG', capturedAt: WALL0 + 1_000 }, { path: '100CANON/IMG_0003.JPG', capturedAt: WALL0 + 3_000 }] }],
    plan({ intervalMs: 500, totalShots: 20 }),
  );
  assert.equal(both.facts.filter((f) => f.type === 'shot.recovered').map((f) => f.type === 'shot.recovered' && [f.number, f.files[0]]), [
    [2, '100CANON/IMG_0002.JPG'],
    [8, '100CANON/IMG_0003.JPG'],
  ]);
});

S('a card listing begun after a press that shows no file for it makes that press the least likely owner of a later file', () => {
  // KILL_SEED=1389876099, 0.5 s slots: the process dies pressing slot 2, and the next one lists the card (nothing
  // new: slot 2 never fired), then dies pressing slot 4. A file the camera dates +1 s is found: slots 2 and 4 both
  // fit its capture time, but the camera cannot have been holding slot 2's file back from the first listing.
  const at = (ms: number) => WALL0 + ms;
  const i = plan({ intervalMs: 500, totalShots: 20 });
  const first = [tick(10_000), done(10_001, ['100CANON/IMG_0001.JPG']), tick(10_480), restarted(50, at(1_300), at(480))];
  const listed = { type: 'CARD_FILES', at: at(1_350), listedFrom: at(1_320), files: [{ path: '100CANON/IMG_0001.JPG', capturedAt: at(0) }] };
  const slot4 = run([...first, listed], i).snapshot.context.nextAt;
  const events = [...first, listed, tick(slot4 - 20), restarted(60, at(2_600), at(1_480))];
  const found = { type: 'CARD_FILES', at: at(2_750), listedFrom: at(2_700), files: [{ path: '100CANON/IMG_0001.JPG', capturedAt: at(0) }, { path: '100CANON/IMG_0002.JPG', capturedAt: at(1_000) }] };
  const { facts } = run([...events, found], i);
  assert.equal(slots(facts).slice(0, 4), [[1, 'ok'], [2, 'unknown'], [3, 'skipped'], [4, 'unknown']]);
  assert.equal(facts.filter((f) => f.type === 'shot.recovered').map((f) => f.type === 'shot.recovered' && [f.number, f.files]), [[4, ['100CANON/IMG_0002.JPG']]]);
  // Without a listing to tell, the two are alike and the capture time decides as before.
  const blind = run([...first, tick(slot4 - 20), restarted(60, at(2_600), at(1_480)), found], i);
  assert.equal(blind.facts.filter((f) => f.type === 'shot.recovered').map((f) => f.type === 'shot.recovered' && f.number), [2]);
});

S('a listing begun after a crash shows every press the dead process sent, even within the press window', () => {
  // KILL_SEED=586224353, 0.5 s slots on a grid at x.100 and x.600 s: the process dies armed for slot 2 (+100), the
  // next lists the card at +330 (nothing new), then dies pressing slot 3 (+600). That press's file closes before +1 s,
  // so the camera dates it +0: both slots fit, and slot 2 is nearer. Slot 2's press window was still open at the
  // listing, but whoever was to press it had died before the listing began: had it pressed, the file would be there.
  const at = (ms: number) => WALL0 + ms;
  const base = plan({ intervalMs: 500, totalShots: 20 });
  const i = { ...base, plan: { ...base.plan, startedAt: at(-400) } };
  const first = [tick(10_000), done(10_001, ['100CANON/IMG_0001.JPG']), tick(10_480), restarted(50, at(300), at(80))];
  const listed = { type: 'CARD_FILES', at: at(350), listedFrom: at(330), files: [{ path: '100CANON/IMG_0001.JPG', capturedAt: at(-1_000) }] };
  const slot3 = run([...first, listed], i).snapshot.context.nextAt;
  const events = [...first, listed, tick(slot3 - 20), restarted(60, at(1_200), at(580))];
  const found = { type: 'CARD_FILES', at: at(1_350), listedFrom: at(1_300), files: [{ path: '100CANON/IMG_0001.JPG', capturedAt: at(-1_000) }, { path: '100CANON/IMG_0002.JPG', capturedAt: at(0) }] };
  const { facts } = run([...events, found], i);
  assert.equal(slots(facts).slice(0, 3), [[1, 'ok'], [2, 'unknown'], [3, 'unknown']]);
  assert.equal(facts.filter((f) => f.type === 'shot.recovered').map((f) => f.type === 'shot.recovered' && [f.number, f.files]), [[3, ['100CANON/IMG_0002.JPG']]]);
});

S('a late file goes to its own shot, never to the next one, and is credited once', () => {
  const { snapshot, facts } = run(
    [tick(10_000), done(10_001, []), tick(11_000), done(11_001, []), { type: 'FILES_LATE', number: 1, files: ['100CANON/IMG_0001.CR3', '100CANON/IMG_0001.JPG'] }, { type: 'FILES_LATE', number: 1, files: ['100CANON/IMG_0001.JPG'] }],
    plan({ totalShots: 10 }),
  );
  const added = facts.filter((f) => f.type === 'shot.files_added');
  assert.equal(added, [{ type: 'shot.files_added', sessionId: ID, number: 1, files: ['100CANON/IMG_0001.CR3', '100CANON/IMG_0001.JPG'] }]);
  assert.equal(snapshot.context.pending.map((p) => p.number), [2], 'slot 2 still waits for its file');
});

S('SIGTERM suspends after the frame in flight; a restart resumes it, or waits with --resume ask', () => {
  const sus = run([tick(10_000), { type: 'SUSPEND', at: WALL0 + 50 }, done(10_001)], plan({ totalShots: 20 }));
  assert.is(sus.snapshot.value, 'suspended');
  assert.equal(sus.facts.at(-1), { type: 'session.suspended', sessionId: ID, at: 10_301, reason: 'shutdown' });
  const asked = run([tick(10_000), done(10_001), { type: 'SUSPEND', at: WALL0 + 500 }, restarted(40, WALL0 + 3_000, WALL0 + 500, false)], plan({ totalShots: 20 }));
  assert.is(asked.snapshot.value, 'suspended', 'with ask a suspended session stays suspended (and the restart is not even logged)');
  const resumed = run([tick(10_000), done(10_001), { type: 'SUSPEND', at: WALL0 + 500 }, { type: 'RESUME', at: WALL0 + 3_000, mono: 40, wall: WALL0 + 3_000, lastEventAt: WALL0 + 500 }], plan({ totalShots: 20 }));
  assert.equal(resumed.snapshot.value, { running: 'waiting' });
  assert.is(resumed.snapshot.context.nextIndex, 3);
  assert.is(resumed.snapshot.context.lastResume?.gapMs, 2_500, 'the gap runs from the suspend, not from the last logged event');
});

S('a restart with --resume ask suspends a session that was shooting', () => {
  const { snapshot, facts } = run([tick(10_000), done(10_001), restarted(40, WALL0 + 3_000, WALL0 + 400, false)], plan({ totalShots: 20 }));
  assert.is(snapshot.value, 'suspended');
  assert.equal(facts.at(-1), { type: 'session.suspended', sessionId: ID, at: WALL0 + 3_000, reason: 'restart' });
  // A card check while suspended is logged too; the gap still runs from the crash.
  const later = run(
    [tick(10_000), done(10_001), restarted(40, WALL0 + 3_000, WALL0 + 400, false), { type: 'CARD_FILES', at: WALL0 + 3_100, files: [] }, { type: 'RESUME', at: WALL0 + 9_000, mono: 60, wall: WALL0 + 9_000, lastEventAt: WALL0 + 3_100 }],
    plan({ totalShots: 20 }),
  );
  assert.is(later.snapshot.context.lastResume?.gapMs, 8_600);
});

S('a wall clock that went backwards across the gap re-anchors the grid at now', () => {
  const { snapshot, facts } = run([tick(10_000), done(10_001), restarted(77, WALL0 - 60_000, WALL0 + 400)], plan({ totalShots: 20 }));
  assert.equal(snapshot.value, { running: 'waiting' });
  assert.equal(snapshot.context.anchor, { index: 1, mono: 77, wall: WALL0 - 60_000 });
  assert.is(snapshot.context.nextAt, 77);
  assert.ok(facts.some((f) => f.type === 'session.resumed' && f.reanchored));
});

S('a plan that ran out while the controller was down waits to be saved, its missed slots skipped', () => {
  const { snapshot, facts } = run([tick(10_000), done(10_001), restarted(40, WALL0 + 60_000, WALL0 + 400)]);
  assert.is(snapshot.value, 'interrupted');
  assert.equal(slots(facts), [[1, 'ok'], [2, 'skipped'], [3, 'skipped']]);
  assert.is(snapshot.context.endedAt, WALL0 + 400);
  const saved = run([tick(10_000), done(10_001), restarted(40, WALL0 + 60_000, WALL0 + 400), { type: 'SAVE', at: 100, title: 'Kept' }]);
  assert.is(saved.snapshot.value, 'saved');
  assert.equal(saved.facts.at(-1), { type: 'session.saved', sessionId: ID, title: 'Kept', at: 100 });
  assert.not.ok(step(sessionMachine, saved.snapshot, tick(20_000)).changed, 'events after the end change nothing');
});

S('a suspended session can be saved (as stopped) or discarded', () => {
  const base = [tick(10_000), done(10_001), { type: 'SUSPEND', at: WALL0 + 500 }];
  const saved = run([...base, { type: 'SAVE', at: WALL0 + 900 }], plan({ totalShots: 20 }));
  assert.is(saved.snapshot.value, 'saved');
  assert.equal(saved.facts.slice(-2).map((f) => f.type), ['session.ended', 'session.saved']);
  const discarded = run([...base, { type: 'DISCARD', at: WALL0 + 900 }], plan({ totalShots: 20 }));
  assert.is(discarded.snapshot.value, 'discarded');
});

S.run();
