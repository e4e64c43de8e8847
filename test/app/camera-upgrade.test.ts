// A Pi upgraded from camera@1: its `camera` stream's last run was logged with flat states (`"connected"`), which
// camera@2 folds to `{"connected": "idle"}`. The camera stream starts afresh at every boot, so that old run must
// not stop the service from starting.
import pino from 'pino';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Controller } from '../../app/controller.ts';
import { startSimulator } from '../../adapters/camera-sim/index.ts';
import { CcapiCamera } from '../../adapters/ccapi-camera.ts';
import { systemClock } from '../../adapters/clock.ts';
import { openStore } from '../../store/db.ts';
import { EventLog } from '../../store/event-log.ts';
import { until } from '../adapters/sim-helpers.ts';

const S = suite('camera stream written by camera@1');

S('starts, connects and logs a fresh run after it', async () => {
  const sim = await startSimulator({ timings: { writeMs: 20, pressLatencyMs: 5, pollLongMs: 400 } });
  const store = openStore(':memory:');
  const log = new EventLog(store);
  const info = { manufacturer: 'Canon Inc.', productname: 'Canon EOS R50', serialnumber: '1', firmwareversion: '1.1.0' };
  const status = { battery: null, storage: null, temperature: 'normal', tv: '1/125', tvSeconds: 0.008 };
  const input = { baseUrl: sim.url, simulated: true };
  const old = (type: string, data: Record<string, unknown>, state: unknown) => ({ type, data: { type, ...data }, state, at: 1, machineVersion: 'camera@1', facts: [] });
  log.append('camera', 0, [
    old('xstate.init', { input }, 'connecting'),
    old('xstate.done.actor.connect', { output: { baseUrl: sim.url, info, status, mono: 1, wall: 1 } }, 'connected'),
    old('PHOTO_TAKEN', { photo: { triggeredAt: 1, latencyMs: 2, attempts: 1, files: ['a'] } }, 'connected'),
  ]);
  const camera = new CcapiCamera({ baseUrl: sim.url, timeouts: { pollHoldMs: 400, pollSlackMs: 2_000 } });
  const controller = new Controller({ store, log, camera, simulated: true, clock: systemClock, logger: pino({ level: 'silent' }) });
  try {
    controller.start();
    await until(() => controller.cameraState().state === 'connected', 'the camera to connect');
    const rows = log.readStream('camera');
    assert.is(rows[3]!.type, 'xstate.init');
    assert.is(rows[3]!.machineVersion, 'camera@2');
  } finally {
    await controller.stop();
    store.close();
    await sim.close();
  }
});

S.run();
