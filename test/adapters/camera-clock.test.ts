// The camera's zone fields from IANA rules (never the process zone): standard offset ±HHMM and the dst flag, for
// whole-hour, half-hour and negative zones, both hemispheres, and a zone whose DST is not one hour.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { cameraClock, cameraZone, canonDatetimeFor } from '../../adapters/time/camera-clock.ts';

const S = suite('camera clock');
const winter = Date.UTC(2026, 0, 15, 12, 0, 0);
const summer = Date.UTC(2026, 6, 15, 12, 0, 0);

S('standard offset and dst from zone rules', () => {
  assert.equal(cameraZone(winter, 'Europe/Berlin'), { stdOffsetMin: 60, dst: false });
  assert.equal(cameraZone(summer, 'Europe/Berlin'), { stdOffsetMin: 60, dst: true });
  assert.equal(cameraZone(summer, 'Asia/Kolkata'), { stdOffsetMin: 330, dst: false });
  assert.equal(cameraZone(summer, 'America/St_Johns'), { stdOffsetMin: -210, dst: true });
  assert.equal(cameraZone(winter, 'Australia/Sydney'), { stdOffsetMin: 600, dst: true });
  assert.equal(cameraZone(summer, 'Australia/Sydney'), { stdOffsetMin: 600, dst: false });
  // Lord Howe moves by 30 minutes: written as its offset of the moment, without the one-hour flag.
  assert.equal(cameraZone(winter, 'Australia/Lord_Howe'), { stdOffsetMin: 660, dst: false });
  assert.equal(cameraZone(summer, null), { stdOffsetMin: 0, dst: false });
});

S('the string the camera is sent', () => {
  assert.equal(canonDatetimeFor(summer, 'Europe/Berlin'), { datetime: 'Wed, 15 Jul 2026 14:00:00 +0100', dst: true });
  assert.equal(canonDatetimeFor(winter, 'America/St_Johns'), { datetime: 'Thu, 15 Jan 2026 08:30:00 -0330', dst: false });
});

S("the camera adapter's clock controls are used when present; without them setting is not supported", async () => {
  const writes: unknown[][] = [];
  const withControls = cameraClock({ controls: () => ({ readClock: async () => ({ utcMs: 5 }), writeClock: async (...a: unknown[]) => void writes.push(a) }) });
  assert.is(await withControls.read(), 5);
  await withControls.set(summer, 'Europe/Berlin');
  assert.equal(writes, [[summer, 60, true]]);
  const readOnly = cameraClock({ datetime: async () => ({ utcMs: 7 }) });
  assert.is(await readOnly.read(), 7);
  await readOnly.set(summer, null).then(
    () => assert.unreachable('set without writeClock'),
    (e: { code: string }) => assert.is(e.code, 'NOT_SUPPORTED'),
  );
});

S.run();
