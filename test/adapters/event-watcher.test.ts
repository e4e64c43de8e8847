import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CcapiCamera } from '../../adapters/ccapi-camera.ts';
import { startSimulator } from '../../adapters/camera-sim/index.ts';
import { ManualClock } from '../../adapters/clock.ts';
import { until } from './sim-helpers.ts';

const S = suite('event watcher poll floor');

const settle = () => new Promise((r) => setTimeout(r, 100));

S('a camera that answers polls at once gets one poll per 200 ms of the client clock, no more', async () => {
  const sim = await startSimulator({ tv: '1/1000' });
  sim.control.setModes({ instantPolls: true });
  const clock = new ManualClock(); // only the watcher's pauses run on it: polls happen when it is moved
  const camera = new CcapiCamera({ baseUrl: sim.url, clock });
  try {
    await camera.connect();
    await until(() => sim.control.state().polls === 1, 'first poll');
    await settle();
    assert.is(sim.control.state().polls, 1, 'no spinning while the clock stands still');
    for (let i = 1; i <= 5; i++) {
      clock.advance(199);
      await settle();
      assert.is(sim.control.state().polls, i, 'not before the floor');
      clock.advance(1);
      await until(() => sim.control.state().polls === i + 1, `poll ${i + 1}`);
    }
    await settle();
    assert.is(sim.control.state().polls, 6);
  } finally {
    await camera.close();
    await sim.close();
  }
});

S('a poll that brings news is followed at once', async () => {
  const sim = await startSimulator({ tv: '1/1000', timings: { writeMs: 5, pressLatencyMs: 1 } });
  sim.control.setModes({ instantPolls: true });
  const clock = new ManualClock();
  const camera = new CcapiCamera({ baseUrl: sim.url, clock });
  try {
    await camera.connect();
    await until(() => sim.control.state().polls === 1, 'first poll');
    sim.control.setModes({ rawJpeg: true }); // queues a settings event
    clock.advance(200); // poll 2 brings it; poll 3 follows without waiting, and finds nothing
    await until(() => sim.control.state().polls === 3, 'poll after the news');
    await settle();
    assert.is(sim.control.state().polls, 3);
  } finally {
    await camera.close();
    await sim.close();
  }
});

S.run();
