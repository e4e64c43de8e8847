// Model-based: every shortest path of the camera settings machine, journaled as the app does it; replaying the log
// gives the live snapshot, and facts come only from real changes (never from a first reading or a repeat).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { AnyEventObject } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { ManualClock } from '../../adapters/clock.ts';
import { CAMERA_SETTINGS_MACHINE_VERSION, cameraSettingsMachine, type CameraSettingsFact } from '../../machines/camera-settings.ts';
import { INIT_EVENT, replay } from '../../machines/replay.ts';
import { openStore } from '../../store/db.ts';
import { EventLog } from '../../store/event-log.ts';
import { JournaledStream } from '../../store/journal.ts';

const S = suite('camera settings machine, model-based');
const ISO = ['auto', '800', '1600'];
const clock = { datetime: 'Tue, 01 Jan 2019 01:23:45 +0530', dst: false, cameraUtcMs: 1, piUtcMs: 2, offsetMs: -1 };

const events = (): AnyEventObject[] => [
  { type: 'SETTING_READ', name: 'iso', reading: { value: '800', ability: ISO }, source: 'camera', wall: 1 },
  { type: 'SETTING_READ', name: 'iso', reading: { value: '1600', ability: ISO }, source: 'skylapse', wall: 2 },
  { type: 'CLOCK_READ', clock, wall: 3 },
];
const paths = getShortestPaths(cameraSettingsMachine, {
  events: events as never,
  serializeState: (s) => JSON.stringify([s.value, s.context.settings.iso?.value ?? null, s.context.clock !== null]),
});

S(`every path: replay equals the live fold; facts only for changes (${paths.length} paths)`, () => {
  assert.ok(paths.length >= 4);
  for (const path of paths) {
    const log = new EventLog(openStore(':memory:'));
    const journal = new JournaledStream(cameraSettingsMachine, 'camera-settings', log, new ManualClock(), { machineVersion: CAMERA_SETTINGS_MACHINE_VERSION });
    journal.record({ type: INIT_EVENT, input: {} });
    let known: string | null = null;
    for (const step of path.steps.slice(1)) {
      const t = journal.record(step.event);
      if (step.event.type !== 'SETTING_READ') continue;
      const value = (step.event as { reading: { value: string } }).reading.value;
      const facts = (t?.recorded.facts ?? []).map((f) => f.data as CameraSettingsFact);
      // A first reading is learned silently; a repeat is not even logged; a new value is one fact.
      assert.is(facts.length, known !== null && known !== value ? 1 : 0, `facts for iso ${known} → ${value}`);
      if (known === value) assert.is(t, null);
      known = value;
    }
    const folded = replay(cameraSettingsMachine, log.readStream('camera-settings').map((e) => e.data as AnyEventObject));
    assert.equal(folded?.context, journal.snapshot?.context);
    assert.equal(folded?.context, path.state.context);
  }
});

S.run();
