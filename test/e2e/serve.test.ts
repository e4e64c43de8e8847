// The whole path as a photographer meets it: `skylapse serve` on the built-in simulated camera, a WebSocket client,
// a 5-shot session, a session killed with SIGKILL that resumes by itself, a plan that ran out while the controller
// was down (saved as a report), and the report CLI.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli, startServer, stopServer, type Server } from '../helpers/process.ts';
import { Client } from '../helpers/ws-client.ts';

const S = suite('skylapse serve, end to end');
let dataDir = '';
let server: Server | undefined;

S.before(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'skylapse-e2e-'));
});
S.after(async () => {
  if (server) await stopServer(server, 'SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

async function connectedClient(url: string): Promise<Client> {
  const client = await Client.connect(url);
  const welcome = await client.waitFor((m) => m.type === 'welcome', 'welcome');
  if (welcome.data.state.camera.state !== 'connected') await client.waitFor((m) => m.type === 'camera_connected', 'camera_connected');
  return client;
}

S('serves health and the UI, greets with state', async () => {
  server = await startServer(dataDir);
  const health = await fetch(`${server.url}/health`);
  assert.is(health.status, 200);
  assert.is(((await health.json()) as { status: string }).status, 'ok');
  const page = await fetch(`${server.url}/`);
  assert.is(page.status, 200);
  assert.match(await page.text(), /<html/i);
  const client = await Client.connect(server.url);
  const welcome = await client.waitFor((m) => m.type === 'welcome');
  for (const key of ['camera', 'intervalometer', 'unsavedSession']) assert.ok(key in welcome.data.state, `welcome.state.${key}`);
  assert.type(welcome.data.seq, 'number');
  assert.ok(welcome.data.availableCommands.includes('start_intervalometer'));
  client.close();
});

S('malformed messages get one error each and change nothing', async () => {
  const client = await connectedClient(server!.url);
  const before = (await client.request('get_camera_status')).data;
  client.sendRaw('{not json');
  const invalid = await client.waitFor((m) => m.type === 'error' && m.data.code === 'INVALID_JSON', 'INVALID_JSON');
  assert.type(invalid.data.message, 'string');
  assert.type(invalid.data.timestamp, 'string');
  assert.is((await client.request('format_card')).data.code, 'UNKNOWN_COMMAND');
  assert.is((await client.request('start_intervalometer', { interval: -1 })).data.code, 'VALIDATION_ERROR');
  assert.is((await client.request('start_intervalometer', { interval: 1, totalShots: 3, stopCondition: 'unlimited' })).data.code, 'VALIDATION_ERROR');
  assert.is((await client.request('start_intervalometer', { interval: 1, bogus: true })).data.code, 'VALIDATION_ERROR');
  assert.is((await client.request('stop_intervalometer')).data.code, 'NOT_FOUND');
  assert.is((await client.request('discard_session', { sessionId: '00000000-0000-4000-8000-000000000000' })).data.code, 'NOT_FOUND');
  client.sendRaw(Buffer.from([1, 2, 3]));
  await client.waitFor((m) => m.type === 'error' && m.data.code === 'INVALID_MESSAGE', 'INVALID_MESSAGE');
  const pong = await client.request('ping');
  assert.is(pong.type, 'operation_result');
  assert.equal((await client.request('get_camera_status')).data.camera.state, before.camera.state);
  assert.is(client.messages.filter((m) => m.type === 'intervalometer_started').length, 0);
  client.close();

  // A frame over the 64 KiB limit closes that connection (1009) and nothing else.
  const big = await connectedClient(server!.url);
  const closed = new Promise<number>((resolve) => big.ws.on('close', resolve));
  big.sendRaw(JSON.stringify({ type: 'ping', id: 1, data: { pad: 'x'.repeat(70_000) } }));
  assert.is(await closed, 1009);
  assert.is((await fetch(`${server!.url}/health`)).status, 200);
});

S('a 5-shot session runs to completion and becomes a report', async () => {
  const client = await connectedClient(server!.url);
  // 1 s apart: at 0.4 s a machine loaded to a load average of 15 pressed a slot late enough for the camera (250 ms
  // write) to be busy, and the controller rightly skipped or failed it; this test is about the whole path, not pace.
  const started = await client.request('start_intervalometer', { interval: 1, totalShots: 5, title: 'Five' });
  assert.is(started.type, 'operation_result', JSON.stringify(started.data));
  const sessionId = started.data.session.sessionId as string;
  assert.is((await client.request('start_intervalometer', { interval: 1 })).data.code, 'SESSION_ACTIVE');
  const completed = await client.waitFor((m) => m.type === 'intervalometer_completed', 'intervalometer_completed');
  assert.is(completed.data.session.counts.ok, 5);
  // Broadcasts carry strictly increasing log positions.
  const seqs = client.messages.filter((m) => m.seq !== undefined && m.type !== 'welcome').map((m) => m.seq!);
  assert.equal(seqs, [...seqs].sort((a, b) => a - b));
  assert.is(new Set(seqs).size, seqs.length);
  client.close();
  const report = runCli(['report', 'show', sessionId, '--json', '--data', dataDir]);
  assert.is(report.status, 0, report.stderr);
  const parsed = JSON.parse(report.stdout);
  assert.is(parsed.reason, 'completed');
  assert.is(parsed.ok, 5);
  assert.equal(parsed.shots.map((s: { number: number }) => s.number), [1, 2, 3, 4, 5]);
  for (const shot of parsed.shots) {
    assert.type(shot.plannedAt, 'number');
    assert.type(shot.triggeredAt, 'number');
    assert.type(shot.latencyMs, 'number');
    assert.match(shot.files[0], /IMG_\d{4}\.JPG$/);
  }
});

S('a session killed with SIGKILL resumes by itself on its grid after the restart', async () => {
  let client = await connectedClient(server!.url);
  const started = await client.request('start_intervalometer', { interval: 0.3, title: 'Killed' });
  const sessionId = started.data.session.sessionId as string;
  await client.waitFor(() => client.count('photo_taken') >= 3, '3 photos');
  // A broadcast is only sent after its event is durable, so at least these shots are in the log.
  const beforeKill = Math.max(...client.messages.filter((m) => m.type === 'photo_taken').map((m) => m.data.shot.number as number));
  await stopServer(server!, 'SIGKILL');
  client.close();
  // Down for several slots, so that some surely pass unshot: the compiled start-up alone can take less than 1.5
  // intervals, and a slot within half an interval of its time is still shot after the restart.
  await new Promise((resolve) => setTimeout(resolve, 1_000));

  server = await startServer(dataDir);
  client = await Client.connect(server.url);
  const welcome = await client.waitFor((m) => m.type === 'welcome');
  assert.is(welcome.data.state.intervalometer?.sessionId, sessionId, 'the killed session is the live one again');
  assert.is(welcome.data.state.unsavedSession, null);
  const after = await client.waitFor((m) => m.type === 'photo_taken' && m.data.sessionId === sessionId && m.data.shot.number > beforeKill, 'a shot after the restart');
  const startedAt = after.data.session.startedAt as number;
  assert.is(after.data.shot.plannedAt, startedAt + (after.data.shot.number - 1) * 300, 'on the original grid');
  await client.request('stop_intervalometer');
  await client.waitFor((m) => m.type === 'intervalometer_stopped' && m.data.session.sessionId === sessionId, 'stopped');
  client.close();

  const report = runCli(['report', 'show', sessionId, '--json', '--data', dataDir]);
  assert.is(report.status, 0, report.stderr);
  const parsed = JSON.parse(report.stdout);
  assert.is(parsed.reason, 'stopped');
  const numbers = parsed.shots.map((s: { number: number }) => s.number);
  assert.equal(numbers, numbers.map((_: number, i: number) => i + 1), 'every slot of the grid is accounted for, once');
  const offline = parsed.shots.filter((s: { reason: string | null }) => s.reason === 'controller_offline');
  assert.ok(offline.length > 0, 'the slots missed while the controller was down are skipped as controller_offline');
});

S('a session whose plan ran out while the controller was down waits to be saved, then is reported', async () => {
  let client = await connectedClient(server!.url);
  const started = await client.request('start_intervalometer', { interval: 0.3, totalShots: 4, title: 'Ran out' });
  const sessionId = started.data.session.sessionId as string;
  await client.waitFor(() => client.count('photo_taken') >= 1, '1 photo');
  await stopServer(server!, 'SIGKILL');
  client.close();
  await new Promise((r) => setTimeout(r, 1_500)); // the plan's 1.2 s run out while nobody is there

  server = await startServer(dataDir);
  client = await Client.connect(server.url);
  const welcome = await client.waitFor((m) => m.type === 'welcome');
  const unsaved = welcome.data.state.unsavedSession;
  assert.ok(unsaved, 'no unsaved session after restart');
  assert.is(unsaved.sessionId, sessionId);
  assert.is(unsaved.state, 'interrupted');
  assert.not.ok('shots' in unsaved, 'the welcome carries a summary, not the shot list');
  const page = await client.request('get_session_shots', { sessionId, fromNumber: 1, limit: 10 });
  assert.is(page.data.shots.length, 4, 'every slot of the plan is recorded');
  assert.ok(unsaved.counts.ok >= 1);

  const saved = await client.request('save_session_as_report', { sessionId, title: 'Ran out, kept' });
  assert.is(saved.type, 'operation_result', JSON.stringify(saved.data));
  await client.waitFor((m) => m.type === 'report_saved' && m.data.sessionId === sessionId, 'report_saved');
  assert.is((await client.request('save_session_as_report', { sessionId })).data.code, 'NOT_FOUND');
  client.close();

  const report = runCli(['report', 'show', sessionId, '--json', '--data', dataDir]);
  assert.is(report.status, 0, report.stderr);
  const parsed = JSON.parse(report.stdout);
  assert.is(parsed.reason, 'interrupted');
  assert.is(parsed.title, 'Ran out, kept');
  // The card may still settle a press that was in flight at the kill, so the report can only know more.
  assert.ok(parsed.ok >= unsaved.counts.ok);
  assert.is(parsed.ok + parsed.failed + parsed.skipped + parsed.unknown, 4);
  const list = runCli(['report', 'list', '--json', '--data', dataDir]);
  const ids = (JSON.parse(list.stdout) as { id: string }[]).map((r) => r.id);
  assert.is(ids.length, 3, 'the completed, the stopped and the saved session');
  assert.ok(ids.includes(sessionId));
});

S.run();
