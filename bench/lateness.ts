// Shot trigger lateness on the simulator: a real session (controller, journal, CCAPI client over loopback HTTP,
// simulated camera) of 200 shots at 0.5 s. Lateness = trigger time − planned grid time, monotonic clock.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startSimulator } from '../adapters/camera-sim/index.ts';
import { CcapiCamera } from '../adapters/ccapi-camera.ts';
import { systemClock } from '../adapters/clock.ts';
import { openStore } from '../store/db.ts';
import { EventLog } from '../store/event-log.ts';
import { getSessionShots } from '../store/reports.ts';
import { Controller } from '../app/controller.ts';
import { fmt, summary } from './stats.ts';

export async function benchLateness(shots = Number(process.env.BENCH_SHOTS ?? 200), intervalMs = 500) {
  const dir = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'skylapse-bench-'));
  const logger = pino({ level: 'warn' });
  const sim = await startSimulator({ logger });
  const store = openStore(join(dir, 'skylapse.db'));
  const camera = new CcapiCamera({ baseUrl: sim.url, clock: systemClock, logger });
  const controller = new Controller({ store, log: new EventLog(store), camera, simulated: true, clock: systemClock, logger });
  const connected = new Promise<void>((resolve) => controller.onBroadcast((b) => b.type === 'camera_connected' && resolve()));
  controller.start();
  await connected;
  const ended = new Promise<void>((resolve) =>
    controller.onBroadcast((b) => (b.type === 'intervalometer_completed' || b.type === 'intervalometer_stopped') && resolve()),
  );
  const { sessionId } = controller.startSession({ intervalMs, totalShots: shots, stopCondition: 'stop-after', title: 'bench' });
  await ended;
  const rows = getSessionShots(store, sessionId);
  await controller.stop();
  store.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
  const taken = rows.filter((r) => r.result === 'ok');
  return {
    shots,
    intervalMs,
    ok: taken.length,
    failed: rows.filter((r) => r.result === 'failed').length,
    skipped: rows.filter((r) => r.result === 'skipped').length,
    lateness: summary(taken.map((r) => r.latenessMs!)),
    latency: summary(taken.map((r) => r.latencyMs!)),
  };
}

export function printLateness(r: Awaited<ReturnType<typeof benchLateness>>) {
  console.log(`shot timing on the simulator (${r.shots} shots at ${r.intervalMs / 1000} s): ${r.ok} ok, ${r.failed} failed, ${r.skipped} skipped`);
  console.log(`  trigger lateness          p50 ${fmt(r.lateness.p50)}  p99 ${fmt(r.lateness.p99)}  max ${fmt(r.lateness.max)}`);
  console.log(`  shutter request latency   p50 ${fmt(r.latency.p50)}  p99 ${fmt(r.latency.p99)}  max ${fmt(r.latency.max)}`);
}
