// The camera goes away in the middle of a session (the simulator, run as its own process, drops every connection
// and stops answering for 4 s): the press that meets it is `failed` (UNCONFIRMED: its answer was lost, and the card
// may still show the frame), the session waits for the camera (`waiting_for_camera`, probed every 2 s), the slots
// that pass are skipped `camera_offline`, and shooting goes on on the original grid once the camera answers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startServer, stopServer, type Server } from '../helpers/process.ts';
import { connectWithWelcome, simFaults, startSimProcess, stopProcess, type SimProcess } from '../helpers/sim-process.ts';
import type { Client } from '../helpers/ws-client.ts';

const S = suite('a camera lost mid-session holds the session, then it shoots on its grid');
let dir = '';
let sim: SimProcess | undefined;
let server: Server | undefined;
let client: Client | undefined;

S.before(() => {
  dir = mkdtempSync(join(tmpdir(), 'skylapse-hold-'));
});
S.after(async () => {
  client?.close();
  if (server) await stopServer(server, 'SIGKILL');
  if (sim) await stopProcess(sim, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

S('slots of the outage are skipped camera_offline; the first slot after it is shot', async () => {
  sim = await startSimProcess(join(dir, 'card.json'));
  server = await startServer(join(dir, 'data'), ['--camera', sim.url]);
  const { client: c, welcome } = await connectWithWelcome(server.url);
  client = c;
  if (welcome.data.state.camera.state !== 'connected') await c.waitFor((m) => m.type === 'camera_connected', 'camera_connected');
  const started = await c.request('start_intervalometer', { interval: 1, totalShots: 14, title: 'Outage' });
  assert.is(started.type, 'operation_result', JSON.stringify(started.data));
  const id = started.data.session.sessionId as string;
  await c.waitFor((m) => m.type === 'photo_taken' && m.data.sessionId === id && m.data.shot.number === 3, 'three frames');
  await simFaults(sim.origin, { goOfflineMs: 4_000 });

  const held = await c.waitFor((m) => m.type === 'intervalometer_held', 'held', 20_000);
  assert.is(held.data.reason, 'camera_offline');
  assert.is(held.data.session.state, 'waiting_for_camera');
  const ended = await c.waitFor((m) => m.type === 'intervalometer_hold_ended', 'hold ended', 20_000);
  assert.is(ended.data.reason, 'camera_offline');
  const done = await c.waitFor((m) => m.type === 'intervalometer_completed' && m.data.session.sessionId === id, 'completed', 30_000);

  type Row = { number: number; result: string; reason: string | null; error: { code: string } | null };
  const shots = (await c.request('get_session_shots', { sessionId: id, limit: 100 })).data.shots as Row[];
  assert.equal(shots.map((s) => s.number), Array.from({ length: 14 }, (_, i) => i + 1), 'every slot once, on the grid');
  const failed = shots.filter((s) => s.result === 'failed');
  assert.is(failed.length, 1, `only the press that met the outage fails: ${JSON.stringify(failed)}`);
  const offline = shots.filter((s) => s.reason === 'camera_offline').map((s) => s.number);
  assert.ok(offline.length >= 2, `skipped camera_offline: ${offline.join(', ')}`);
  // The outage is one run of slots right after that press, and the slot right after it is shot.
  assert.equal(offline, Array.from({ length: offline.length }, (_, i) => failed[0]!.number + 1 + i));
  const after = shots.find((s) => s.number === offline.at(-1)! + 1);
  assert.is(after?.result, 'ok', `slot after the outage: ${JSON.stringify(after)}`);
  assert.is(ended.data.skipped, offline.length, 'the hold counts the slots it skipped');
  assert.is(done.data.session.counts.skipped, offline.length);
});

S.run();
