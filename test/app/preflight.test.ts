// Pre-flight of a plan against the camera's status: what refuses a start, what only warns, what it estimates.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { batteryLastsMs, batteryMsPerLevel, FRAME_BYTES_DEFAULT, preflight } from '../../app/preflight.ts';
import type { PlannedWindow } from '../../app/schedule.ts';
import type { CameraStatus } from '../../machines/camera-port.ts';

const S = suite('pre-flight');
const GB = 1024 ** 3;
const status = (over: Partial<CameraStatus> = {}): CameraStatus => ({
  battery: { kind: 'battery', name: 'LP-E17', level: 'full', quality: 'good' },
  storage: { name: 'card1', spaceBytes: 60 * GB, maxBytes: 64 * GB, contents: 100 },
  temperature: 'normal',
  tv: '1/125',
  tvSeconds: 1 / 125,
  ...over,
});
const window = (frames: number | null, hours = 1): PlannedWindow => ({ startAt: 0, scheduled: false, totalShots: frames, stopAt: null, endAt: frames === null ? null : hours * 3_600_000 });
const codes = (findings: { code: string }[]) => findings.map((f) => f.code);

S("the issue's 0.2 s interval on a camera cycling in 0.29 s is refused; 0.3 s passes", () => {
  assert.equal(codes(preflight({ intervalMs: 200, window: window(51), status: status(), observedCycleMs: 290 }).errors), ['INTERVAL_TOO_SHORT']);
  assert.equal(codes(preflight({ intervalMs: 200, window: window(51), status: status(), observedCycleMs: null }).errors), ['INTERVAL_TOO_SHORT'], 'by the default write time too');
  assert.equal(preflight({ intervalMs: 300, window: window(51), status: status(), observedCycleMs: null }).errors, []);
  assert.equal(codes(preflight({ intervalMs: 20_000, window: window(10), status: status({ tv: '20"', tvSeconds: 20 }), observedCycleMs: null }).errors), ['INTERVAL_TOO_SHORT']);
  assert.equal(codes(preflight({ intervalMs: 30_000, window: window(10), status: status({ tv: 'bulb', tvSeconds: null }), observedCycleMs: null }).errors), ['SHUTTER_UNKNOWN']);
});

S('card space: the card\'s own average file size, else a default; its free space against the planned frames', () => {
  // 4 GB used by 100 files: 40 MB each; 60 GB free holds about 1 536 of them.
  const fits = preflight({ intervalMs: 30_000, window: window(1_500), status: status(), observedCycleMs: null });
  assert.equal(fits.errors, []);
  assert.is(fits.estimate.cardBytes, Math.round(1_500 * (4 * GB / 100)));
  assert.equal(codes(preflight({ intervalMs: 30_000, window: window(1_600), status: status(), observedCycleMs: null }).errors), ['CARD_TOO_SMALL']);
  const empty = preflight({ intervalMs: 30_000, window: window(10), status: status({ storage: { name: 'card1', spaceBytes: 64 * GB, maxBytes: 64 * GB, contents: 0 } }), observedCycleMs: null });
  assert.is(empty.estimate.cardBytes, 10 * FRAME_BYTES_DEFAULT);
  assert.equal(codes(preflight({ intervalMs: 30_000, window: window(10), status: status({ storage: null }), observedCycleMs: null }).errors), ['NO_CARD']);
  // A body that counts the shots left itself is believed over the estimate.
  const counted = status({ storage: { name: 'card1', spaceBytes: 60 * GB, maxBytes: 64 * GB, contents: 100, shotsLeft: 900 } });
  const tooMany = preflight({ intervalMs: 30_000, window: window(1_000), status: counted, observedCycleMs: null });
  assert.equal(codes(tooMany.errors), ['CARD_TOO_SMALL']);
  assert.match(tooMany.errors[0]!.message, /room for 900 frames \(the camera says\)/);
});

S('the battery drain: the mean time between the last drops of a level; a charge starts it again', () => {
  const h = 3_600_000;
  const r = (hours: number, battery: string) => ({ atMs: hours * h, battery });
  assert.is(batteryMsPerLevel([r(0, 'full'), r(1, 'full')]), null, 'no drop yet');
  assert.is(batteryMsPerLevel([r(0, 'full'), r(1, 'high')]), null, 'one drop says when, not how fast');
  assert.is(batteryMsPerLevel([r(0, 'full'), r(1, 'high'), r(1.5, 'high'), r(2.5, 'half')]), 1.5 * h);
  assert.is(batteryMsPerLevel([r(0, 'high'), r(1, 'half'), r(2, 'full'), r(3, 'high')]), null, 'charged in between');
  assert.is(batteryLastsMs('half', h), 2 * h, 'half → quarter → low');
  assert.is(batteryLastsMs('AC', h), null);
});

S('warnings: a battery that will not last the plan, a camera clock more than 2 s off', () => {
  const h = 3_600_000;
  const base = { intervalMs: 30_000, status: status({ battery: { kind: 'battery', name: 'LP-E17', level: 'half', quality: 'good' } }), observedCycleMs: null };
  const long = preflight({ ...base, window: window(600, 5), batteryMsPerLevel: h });
  assert.ok(codes(long.warnings).includes('BATTERY_WILL_RUN_OUT'), JSON.stringify(long.warnings));
  assert.match(long.warnings.find((w) => w.code === 'BATTERY_WILL_RUN_OUT')!.message, /lasts about 2\.0 h; the plan runs 5\.0 h/);
  assert.not.ok(codes(preflight({ ...base, window: window(60, 1), batteryMsPerLevel: h }).warnings).includes('BATTERY_WILL_RUN_OUT'));
  assert.ok(codes(preflight({ ...base, window: window(null), batteryMsPerLevel: h }).warnings).includes('BATTERY_WILL_RUN_OUT'), 'unlimited');
  assert.ok(codes(preflight({ ...base, window: window(60, 1), cameraClockOffsetMs: -3_400 }).warnings).includes('CAMERA_CLOCK_OFF'));
  assert.not.ok(codes(preflight({ ...base, window: window(60, 1), cameraClockOffsetMs: 1_500 }).warnings).includes('CAMERA_CLOCK_OFF'));
});

S('battery, release and temperature', () => {
  assert.equal(codes(preflight({ intervalMs: 30_000, window: window(10), status: status({ battery: { kind: 'battery', name: 'x', level: 'low', quality: 'good' } }), observedCycleMs: null }).errors), ['BATTERY_LOW']);
  assert.equal(codes(preflight({ intervalMs: 30_000, window: window(500, 4), status: status({ battery: { kind: 'battery', name: 'x', level: 'quarter', quality: 'good' } }), observedCycleMs: null }).warnings), ['BATTERY_MAY_RUN_OUT']);
  assert.equal(codes(preflight({ intervalMs: 30_000, window: window(10), status: status({ temperature: 'disablerelease' }), observedCycleMs: null }).errors), ['RELEASE_DISABLED']);
  assert.equal(codes(preflight({ intervalMs: 30_000, window: window(10), status: status({ temperature: 'warning' }), observedCycleMs: null }).warnings), ['CAMERA_WARM']);
});

S('estimate: frames, clip length at 24 and 30 fps; unlimited plans estimate nothing', () => {
  const e = preflight({ intervalMs: 30_000, window: window(780, 6.5), status: status(), observedCycleMs: null }).estimate;
  assert.equal([e.frames, e.clipSeconds24, e.clipSeconds30, e.endAt], [780, 32.5, 26, 6.5 * 3_600_000]);
  const u = preflight({ intervalMs: 30_000, window: window(null), status: status(), observedCycleMs: null }).estimate;
  assert.equal([u.frames, u.cardBytes, u.clipSeconds24], [null, null, null]);
});

S.run();
