// A frame's file that comes after its shot was recorded still goes to that shot, also when the session has ended
// meanwhile: a stop while the camera is still writing the last frame (long noise reduction here) must not lose it.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { commandSchemas } from '../../transport/protocol.ts';
import { until } from '../adapters/sim-helpers.ts';
import { cameraConnected, startHarness } from '../helpers/in-process.ts';

const S = suite('late files through the controller');

S('a stop while the last frame is still being written: its late file is credited to its shot', async () => {
  const h = await startHarness();
  try {
    await cameraConnected(h);
    const { sessionId } = h.controller.startSession(commandSchemas.start_intervalometer.parse({ interval: 1, stopCondition: 'unlimited' })).session;
    const shots = () => h.controller.sessionShots(sessionId, 1, 10).shots;
    await until(() => shots().length === 1, 'the first frame', 10_000);
    // From now on the camera writes a frame 3 s after its press: after the next slot, where its shot gives up.
    h.sim.control.setModes({ noiseReductionMs: 3_000 });
    await until(() => h.sim.control.state().presses.length === 2, 'the second press', 10_000);
    h.controller.stopSession();
    await until(() => h.controller.state().intervalometer?.state === 'stopped', 'the stop', 10_000);
    assert.equal(shots()[1]?.files ?? [], [], 'the second frame was recorded before its file came');
    await until(() => (shots()[1]?.files.length ?? 0) === 1, "the second frame's late file", 10_000);
    assert.equal(h.sim.control.state().card.length, 2);
  } finally {
    await h.close();
  }
});

S.run();
