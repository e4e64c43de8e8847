// A slot is armed (its TICK logged) up to a second before it is due, so that a slow fsync is over by the press. A
// stop or pause that comes in that second must not cost a frame the photographer did not want: the press is held
// back, nothing reaches the camera, and the slot is not recorded as shot.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { commandSchemas } from '../../transport/protocol.ts';
import { until } from '../adapters/sim-helpers.ts';
import { cameraConnected, startHarness, type Harness } from '../helpers/in-process.ts';

const S = suite('a stop or pause while a slot is armed');

/** Starts a 3 s session and returns once slot 2 is armed (state `shooting`, nothing pressed for it yet). */
async function armedForSlot2(h: Harness) {
  await cameraConnected(h);
  const { sessionId } = h.controller.startSession(commandSchemas.start_intervalometer.parse({ interval: 3, stopCondition: 'unlimited' })).session;
  const session = () => h.controller.state().intervalometer!;
  await until(() => session().counts.ok === 1, 'the first frame', 10_000);
  await until(() => session().state === 'shooting' && session().nextShotNumber === 2, 'slot 2 armed', 10_000);
  assert.is(h.sim.control.state().presses.length, 1, 'slot 2 is armed, not pressed');
  return { sessionId, session, slot2At: session().nextShotAt! };
}

S('a stop while slot 2 is armed ends the session at once, without pressing it', async () => {
  const h = await startHarness();
  try {
    const { sessionId, session, slot2At } = await armedForSlot2(h);
    h.controller.stopSession();
    await until(() => session().state === 'stopped', 'the stop', 10_000);
    // Past the slot's planned time, nothing was pressed for it.
    await until(() => Date.now() > slot2At + 300, "slot 2's time", 10_000);
    assert.is(h.sim.control.state().presses.length, 1);
    assert.is(h.sim.control.state().card.length, 1);
    const shots = h.controller.sessionShots(sessionId, 1, 10).shots;
    assert.equal(shots.map((s) => [s.number, s.result]), [[1, 'ok']], 'slot 2 is no shot at all');
  } finally {
    await h.close();
  }
});

S('a pause while slot 2 is armed holds without pressing it; the resume shoots on along the grid', async () => {
  const h = await startHarness();
  try {
    const { sessionId, session, slot2At } = await armedForSlot2(h);
    h.controller.pauseSession();
    await until(() => session().state === 'paused', 'the pause', 10_000);
    await until(() => Date.now() > slot2At + 300, "slot 2's time", 10_000);
    assert.is(h.sim.control.state().presses.length, 1, 'slot 2 was not pressed');
    const resumedAt = Date.now();
    h.controller.unpauseSession();
    await until(() => session().counts.ok === 2, 'the frame after the pause', 10_000);
    // Slot 2 is still within half an interval of its time, so the grid shoots it late rather than skip it.
    const shots = h.controller.sessionShots(sessionId, 1, 10).shots;
    assert.equal(shots.map((s) => [s.number, s.result]), [[1, 'ok'], [2, 'ok']]);
    assert.ok(shots[1]!.triggeredAt! >= resumedAt, 'slot 2 was pressed after the resume, not while paused');
    h.controller.stopSession();
  } finally {
    await h.close();
  }
});

S.run();
