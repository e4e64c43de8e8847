// The settings feature against a fake camera: refusals become one clear protocol error each, with the camera's words.
import pino from 'pino';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../adapters/clock.ts';
import { httpError } from '../../adapters/ccapi/errors.ts';
import { CameraSettingsFeature } from '../../app/camera-settings.ts';
import type { CameraControls } from '../../machines/camera-controls.ts';
import { openStore } from '../../store/db.ts';
import { EventLog } from '../../store/event-log.ts';
import { ProtocolError, type Broadcast } from '../../transport/protocol.ts';

const S = suite('camera settings feature');

function rig(write: CameraControls['writeSetting']) {
  const controls: CameraControls = {
    readSettings: async () => ({ iso: { value: '1600', ability: ['auto', '1600', '3200'] } }),
    readSetting: async () => ({ value: '1600', ability: ['auto', '1600', '3200'] }),
    writeSetting: write,
    readClock: async () => ({ datetime: 'Thu, 01 Jan 2026 00:00:00 +0000', dst: false, utcMs: Date.UTC(2026, 0, 1), stdOffsetMin: 0 }),
    writeClock: async () => undefined,
    onSettings: () => () => undefined,
  };
  const sent: Broadcast[] = [];
  const feature = new CameraSettingsFeature({
    log: new EventLog(openStore(':memory:')),
    clock: new ManualClock(),
    logger: pino({ level: 'silent' }),
    controls: () => controls,
    requireCamera: () => undefined,
    emit: (b) => sent.push(b),
  });
  feature.start();
  return { feature, sent };
}

async function refusal(p: Promise<unknown>): Promise<ProtocolError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ProtocolError) return err;
    throw err;
  }
  throw new Error('expected a ProtocolError');
}

S('the camera refusing a value is CAMERA_ERROR with its words; busy is CAMERA_BUSY', async () => {
  const refused = rig(async () => {
    throw httpError('shooting/settings/iso', 400, 'Invalid parameter');
  });
  const e = await refusal(refused.feature.setSetting('iso', '3200'));
  assert.is(e.code, 'CAMERA_ERROR');
  assert.match(e.message, /Setting iso to "3200": the camera refused \(shooting\/settings\/iso: HTTP 400 Invalid parameter\)/);
  assert.is(refused.sent.length, 0);
  const busy = rig(async () => {
    throw httpError('shooting/settings/iso', 503, 'During shooting or recording');
  });
  assert.is((await refusal(busy.feature.setSetting('iso', '3200'))).code, 'CAMERA_BUSY');
});

S('an accepted value is one broadcast; the same value again is not sent or broadcast', async () => {
  let puts = 0;
  const { feature, sent } = rig(async (_name, value) => {
    puts++;
    return value;
  });
  await feature.getSettings(); // learned: no broadcast
  assert.is(sent.length, 0);
  await feature.setSetting('iso', '3200');
  assert.is(puts, 1);
  assert.equal(sent.map((b) => [b.type, (b.data.setting as { value: string }).value, b.data.source]), [['camera_setting_changed', '3200', 'skylapse']]);
  await feature.setSetting('iso', '1600'); // the fake still reads 1600: equal, so not sent
  assert.is(puts, 1);
});

S.run();
