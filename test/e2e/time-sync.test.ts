// Time sync as a phone meets it, against `skylapse serve` (simulated camera, so the Pi's clock is a dry run): the
// server asks for the time, a client whose clock is 5 s ahead answers, the Pi's clock is stepped by the best
// sample's offset (within half its round trip), and the next burst finds it in step. A client that connects while a
// session shoots gets its step deferred, never taken.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startServer, stopServer, type Server } from '../helpers/process.ts';
import { Client, type Message } from '../helpers/ws-client.ts';

const S = suite('time sync over the wire');
let dataDir = '';
let server: Server | undefined;

S.before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'skylapse-i10-time-'));
  server = await startServer(dataDir, ['--network', 'sim', '--set-clock', 'dry-run']);
});
S.after(async () => {
  if (server) await stopServer(server, 'SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

/** A phone whose clock is `skewMs` ahead of this machine's; it answers every time-sync-request. */
async function phone(skewMs: number): Promise<Client> {
  const c = await Client.connect(server!.url);
  c.ws.on('message', (raw) => {
    const m = JSON.parse(raw.toString()) as Message;
    if (m.type !== 'time-sync-request') return;
    const t2 = Date.now() + skewMs;
    c.ws.send(JSON.stringify({ type: 'time-sync-response', data: { requestId: m.data.requestId, t1: m.data.t1, t2, t3: Date.now() + skewMs, timezone: 'Europe/Berlin' } }));
  });
  await c.waitFor((m) => m.type === 'welcome', 'welcome');
  return c;
}

const stepped = (m: Message) => m.type === 'time_sync_status' && m.data.changes.includes('stepped');

S('a phone 5 s ahead: the Pi clock is stepped by the best offset, within half its round trip', async () => {
  const c = await phone(5_000);
  const status = await c.waitFor(stepped, 'time_sync_status stepped');
  const { stepMs, pi } = status.data;
  const delay = c.messages.find((m) => m.type === 'time_sync_status' && m.data.changes.includes('stepping'))!.data.pi.delayMs as number;
  assert.ok(Math.abs(stepMs - 5_000) <= delay / 2 + 1, `step ${stepMs} ms, delay ${delay} ms`);
  assert.is(pi.synchronized, true);
  assert.is(pi.source, 'phone-client'); // loopback is not the AP's subnet
  assert.is(pi.timezone, 'Europe/Berlin');
  // The log line travels through the server's stdout, apart from the broadcast: give it a moment.
  for (let i = 0; i < 50 && !server!.logs.some((l) => l.msg === "stepped the Pi's clock"); i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(server!.logs.some((l) => l.msg === "stepped the Pi's clock" && l.setter === 'dry-run'), 'the step is logged');
  c.close();
});

S('while a session shoots, a phone with another clock gets its step deferred, never taken', async () => {
  const c = await Client.connect(server!.url);
  const welcome = await c.waitFor((m) => m.type === 'welcome', 'welcome');
  if (welcome.data.state.camera.state !== 'connected') await c.waitFor((m) => m.type === 'camera_connected', 'camera_connected');
  const started = await c.request('start_intervalometer', { interval: 1, title: 'clock guard' });
  assert.is(started.type, 'operation_result', JSON.stringify(started.data));
  const p = await phone(-60_000);
  const deferred = await p.waitFor((m) => m.type === 'time_sync_status' && m.data.changes.includes('step_deferred'), 'step_deferred');
  // The Pi's (dry-run) clock was already moved 5 s ahead by the first test.
  assert.ok(Math.abs(deferred.data.pi.pendingStepMs + 65_000) < 1_000, String(deferred.data.pi.pendingStepMs));
  assert.is(deferred.data.pi.synchronized, false);
  assert.not.ok(p.messages.some(stepped), 'stepped during a session');
  const refused = await c.request('manual_camera_sync');
  assert.is(refused.data.code, 'SESSION_ACTIVE');
  await c.request('stop_intervalometer');
  p.close();
  c.close();
});

S('a time-sync-response to no request is refused and changes nothing', async () => {
  const c = await Client.connect(server!.url);
  await c.waitFor((m) => m.type === 'welcome');
  const reply = await c.request('time-sync-response', { requestId: 'nope', t1: 1, t2: 2, t3: 3 });
  assert.is(reply.data.code, 'NOT_FOUND');
  const bad = await c.request('time-sync-response', { requestId: 'x', t1: 1, t2: 2, t3: 3, timezone: 'Mars/Olympus' });
  assert.is(bad.data.code, 'VALIDATION_ERROR');
  c.close();
});

S.run();
