// Power and thermal, acted on: the system adapter reads a /sys tree and `vcgencmd` (a fake on PATH), and a real
// controller (simulated camera, fake power) stops a shooting session cleanly with reason controller_battery when
// the battery reaches the floor, after warning at the low mark; under-voltage is a stored fact with its time.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CcapiCamera } from '../../adapters/ccapi-camera.ts';
import { startSimulator } from '../../adapters/camera-sim/index.ts';
import { systemClock } from '../../adapters/clock.ts';
import { SimulatedNetwork } from '../../adapters/network/sim.ts';
import { FakePower } from '../../adapters/power/fake.ts';
import { decodeThrottled, SystemPower } from '../../adapters/power/system.ts';
import { DryRunClockSetter } from '../../adapters/time/clock-setter.ts';
import { Controller } from '../../app/controller.ts';
import { openStore } from '../../store/db.ts';
import { EventLog } from '../../store/event-log.ts';
import { commandSchemas, type Broadcast } from '../../transport/protocol.ts';

const S = suite('power');

S('get_throttled bits: now and since boot', () => {
  const t = decodeThrottled(0x50005);
  assert.equal([t.underVoltage, t.freqCapped, t.throttled, t.softTempLimit], [true, false, true, false]);
  assert.equal([t.underVoltageOccurred, t.freqCappedOccurred, t.throttledOccurred, t.softTempLimitOccurred], [true, false, true, false]);
});

S('the system adapter reads vcgencmd, the thermal zone, a battery and a USB supply; absent parts are null', async () => {
  const root = mkdtempSync(join(tmpdir(), 'i10-sys-'));
  const bin = join(root, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'vcgencmd'), `#!${process.execPath}\nprocess.stdout.write(process.argv[2] === 'get_throttled' ? 'throttled=0x50000\\n' : '')\n`);
  chmodSync(join(bin, 'vcgencmd'), 0o755);
  const put = (path: string, value: string) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), value + '\n');
  };
  put('class/thermal/thermal_zone0/temp', '61234');
  put('class/power_supply/BAT0/type', 'Battery');
  put('class/power_supply/BAT0/capacity', '17');
  put('class/power_supply/BAT0/status', 'Discharging');
  put('class/power_supply/BAT0/voltage_now', '3712000');
  put('class/power_supply/usb/type', 'USB');
  put('class/power_supply/usb/online', '0');
  const power = new SystemPower({ sysRoot: root, env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
  const r = await power.read();
  assert.is(r.temperatureC, 61.2);
  assert.equal(r.battery, { name: 'BAT0', percent: 17, status: 'Discharging', voltageV: 3.71 });
  assert.is(r.externalPower, false);
  assert.is(r.throttled?.underVoltageOccurred, true);
  assert.is(r.throttled?.underVoltage, false);
  const bare = await new SystemPower({ sysRoot: join(root, 'nothing'), env: { ...process.env, PATH: join(root, 'nothing') } }).read();
  assert.equal(bare, { throttled: null, temperatureC: null, battery: null, externalPower: null });
  rmSync(root, { recursive: true, force: true });
});

/** Resolves once a broadcast matching `match` was emitted (or was already). */
function until(seen: Broadcast[], controller: Controller, match: (b: Broadcast) => boolean): Promise<Broadcast> {
  const hit = seen.find(match);
  if (hit) return Promise.resolve(hit);
  return new Promise((resolve) => {
    const off = controller.onBroadcast((b) => {
      if (match(b)) {
        off();
        resolve(b);
      }
    });
  });
}

S('a battery at the floor stops a shooting session cleanly (controller_battery), after a low-battery warning', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'i10-power-'));
  const logger = pino({ level: 'silent' });
  const sim = await startSimulator({ clock: systemClock, logger });
  const store = openStore(join(dir, 'skylapse.db'));
  const log = new EventLog(store);
  const power = new FakePower();
  const controller = new Controller({
    store,
    log,
    camera: new CcapiCamera({ baseUrl: sim.url, clock: systemClock, logger }),
    simulated: true,
    clock: systemClock,
    logger,
    network: new SimulatedNetwork(systemClock),
    clockSetter: new DryRunClockSetter(),
    power,
    powerPollMs: 20,
  });
  const seen: Broadcast[] = [];
  controller.onBroadcast((b) => void seen.push(b));
  controller.start();
  try {
    await until(seen, controller, (b) => b.type === 'camera_connected');
    await until(seen, controller, (b) => b.type === 'power_status');
    controller.startSession(commandSchemas.start_intervalometer.parse({ interval: 1, title: 'battery' }));
    await until(seen, controller, (b) => b.type === 'intervalometer_started');
    power.set({ battery: { name: 'BAT0', percent: 15, status: 'Discharging', voltageV: 3.6 }, throttled: decodeThrottled(0x1) });
    const low = await until(seen, controller, (b) => b.type === 'power_status' && (b.data.alerts as string[]).includes('low_battery'));
    assert.ok((low.data.alerts as string[]).includes('under_voltage'));
    assert.is(controller.state().intervalometer?.running, true, 'a low battery only warns');
    power.set({ battery: { name: 'BAT0', percent: 7, status: 'Discharging', voltageV: 3.4 } });
    await until(seen, controller, (b) => b.type === 'power_status' && (b.data.alerts as string[]).includes('battery_floor'));
    const stopped = await until(seen, controller, (b) => b.type === 'intervalometer_stopped');
    assert.ok(JSON.stringify(stopped.data).includes('controller_battery'), JSON.stringify(stopped.data).slice(0, 600));
    // The under-voltage is a stored fact, with its time, inside the session's span.
    const sessionId = (stopped.data.session as { sessionId: string }).sessionId;
    const rows = store.sqlite
      .prepare(
        "SELECT f.data FROM facts f JOIN (SELECT stream, min(at) AS first, max(at) AS last FROM events GROUP BY stream) span ON f.at BETWEEN span.first AND span.last WHERE span.stream = 'session:' || ? AND f.stream = 'power' AND json_array_length(f.data, '$.alerts') > 0",
      )
      .all(sessionId) as { data: string }[];
    assert.ok(rows.some((r) => r.data.includes('under_voltage')), JSON.stringify(rows));
  } finally {
    await controller.stop();
    store.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

S.run();
