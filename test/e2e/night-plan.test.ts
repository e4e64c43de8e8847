// A night as a photographer plans and keeps it, over the wire against `skylapse serve` on the simulated camera:
// pre-flight, a refused start and a forced one, a scheduled start that states its slots and end, pause and resume on
// the grid, a duration plan, reports listed, renamed, deleted and restored, and the export over HTTP and the CLI.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli, startServer, stopServer, type Server } from '../helpers/process.ts';
import { Client } from '../helpers/ws-client.ts';

const S = suite('a night planned, paused and reported, end to end');
let dataDir = '';
let server: Server | undefined;
let client: Client | undefined;

S.before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'skylapse-night-'));
  server = await startServer(dataDir);
  client = await Client.connect(server.url);
  const welcome = await client.waitFor((m) => m.type === 'welcome', 'welcome');
  if (welcome.data.state.camera.state !== 'connected') await client.waitFor((m) => m.type === 'camera_connected', 'camera_connected');
});
S.after(async () => {
  client?.close();
  if (server) await stopServer(server, 'SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

S('pre-flight: a 0.2 s interval is refused with its reason, forced it starts and says so', async () => {
  const check = await client!.request('validate_interval', { interval: 0.2, totalShots: 100 });
  assert.is(check.type, 'operation_result');
  assert.equal(check.data.errors.map((e: { code: string }) => e.code), ['INTERVAL_TOO_SHORT']);
  assert.is(check.data.estimate.frames, 100);
  assert.is(check.data.estimate.clipSeconds24, 4.2);
  const refused = await client!.request('start_intervalometer', { interval: 0.2, totalShots: 3 });
  assert.is(refused.data.code, 'PREFLIGHT_FAILED');
  assert.equal(refused.data.details.errors.map((e: { code: string }) => e.code), ['INTERVAL_TOO_SHORT']);
  const forced = await client!.request('start_intervalometer', { interval: 0.2, totalShots: 3, force: true, title: 'Forced' });
  assert.is(forced.type, 'operation_result', JSON.stringify(forced.data));
  assert.equal(forced.data.forcedErrors.map((e: { code: string }) => e.code), ['INTERVAL_TOO_SHORT']);
  await client!.waitFor((m) => m.type === 'intervalometer_completed' && m.data.session.sessionId === forced.data.session.sessionId, 'forced session ends');
});

S('a scheduled start waits in `scheduled`, states its slots and end, then shoots; pause and resume keep the grid', async () => {
  const startAt = new Date(Date.now() + 1_500).toISOString();
  const started = await client!.request('start_intervalometer', { interval: 0.5, stopCondition: 'duration', duration: 6, startAt, title: 'Scheduled' });
  assert.is(started.type, 'operation_result', JSON.stringify(started.data));
  const session = started.data.session;
  assert.is(session.state, 'scheduled');
  assert.is(session.totalShots, 12, '6 s at 0.5 s');
  assert.is(session.startedAt, Date.parse(startAt));
  assert.is(session.endAt, Date.parse(startAt) + 6_000);
  const id = session.sessionId as string;
  await client!.waitFor((m) => m.type === 'photo_taken' && m.data.sessionId === id && m.data.shot.number === 2, 'two frames');
  const paused = await client!.request('pause_intervalometer');
  assert.is(paused.type, 'operation_result', JSON.stringify(paused.data));
  await client!.waitFor((m) => m.type === 'intervalometer_held' && m.data.reason === 'paused', 'held: paused');
  await new Promise((r) => setTimeout(r, 1_600));
  const resumed = await client!.request('resume_intervalometer');
  assert.is(resumed.type, 'operation_result', JSON.stringify(resumed.data));
  const ended = await client!.waitFor((m) => m.type === 'intervalometer_hold_ended', 'hold ended');
  assert.ok(ended.data.skipped >= 2, `skipped ${ended.data.skipped} while paused for 1.6 s at 0.5 s`);
  const done = await client!.waitFor((m) => m.type === 'intervalometer_completed' && m.data.session.sessionId === id, 'completed');
  const c = done.data.session.counts;
  assert.is(c.ok + c.failed + c.skipped + c.unknown, 12, 'every slot of the plan, once');

  // The report at once: listed, with its hold in the timeline and paused slots by reason.
  const list = await client!.request('get_timelapse_reports');
  assert.ok(list.data.reports.some((r: { id: string }) => r.id === id));
  const full = await client!.request('get_timelapse_report', { id });
  const report = full.data.report;
  assert.is(report.stopCondition, 'duration');
  assert.ok(report.byReason.skipped.paused >= 2);
  assert.equal(report.timeline.filter((t: { what: string }) => t.what === 'held' || t.what === 'hold_ended').map((t: { what: string }) => t.what), ['held', 'hold_ended']);
  assert.ok(report.timeline.some((t: { what: string }) => t.what === 'began'), 'the scheduled start is in the timeline');
  assert.ok(report.plan.camera.model, 'the camera at start');

  // Export over HTTP, parsed back, one row per slot including the paused ones.
  const res = await fetch(`${server!.url}/api/reports/${id}/export?format=csv`);
  assert.is(res.status, 200);
  assert.match(res.headers.get('content-disposition') ?? '', /attachment; filename="skylapse-.*\.csv"/);
  const rows = parse(await res.text(), { columns: true }) as { slot: string; result: string; reason: string; file: string }[];
  assert.equal(rows.map((r) => Number(r.slot)), report.shots.map((s: { number: number }) => s.number));
  assert.equal(rows.map((r) => r.reason), report.shots.map((s: { reason: string | null }) => s.reason ?? ''));
  assert.is((await fetch(`${server!.url}/api/reports/${id}/export?format=xls`)).status, 400);
  assert.is((await fetch(`${server!.url}/api/reports/00000000-0000-4000-8000-000000000000/export`)).status, 404);

  // Renamed, deleted (hidden), restored: each an appended event, broadcast.
  const renamed = await client!.request('update_report_title', { id, title: 'Lake, first try' });
  assert.is(renamed.data.report.title, 'Lake, first try');
  await client!.request('delete_timelapse_report', { id });
  await client!.waitFor((m) => m.type === 'report_updated' && m.data.change === 'deleted', 'deleted');
  assert.not.ok((await client!.request('get_timelapse_reports')).data.reports.some((r: { id: string }) => r.id === id));
  assert.is((await client!.request('delete_timelapse_report', { id })).data.code, 'NOT_FOUND');
  await client!.request('restore_timelapse_report', { id });
  assert.ok((await client!.request('get_timelapse_reports')).data.reports.some((r: { id: string }) => r.id === id));

  // The CLI writes the same export to a file.
  const out = join(dataDir, 'night.md');
  const cli = runCli(['report', 'export', id, '--format', 'md', '--out', out, '--data', dataDir]);
  assert.is(cli.status, 0, cli.stderr);
  assert.match(readFileSync(out, 'utf8'), /^# Lake, first try/);
  const bad = runCli(['report', 'export', id, '--format', 'xls', '--data', dataDir]);
  assert.is(bad.status, 2);
});

S('a scheduled session survives a SIGKILL before its start, and starts on time after it', async () => {
  const startAt = new Date(Date.now() + 4_000).toISOString();
  const started = await client!.request('start_intervalometer', { interval: 0.5, totalShots: 3, startAt, title: 'Scheduled, killed' });
  assert.is(started.type, 'operation_result', JSON.stringify(started.data));
  const id = started.data.session.sessionId as string;
  client!.close();
  await stopServer(server!, 'SIGKILL');
  server = await startServer(dataDir);
  client = await Client.connect(server.url);
  const welcome = await client.waitFor((m) => m.type === 'welcome', 'welcome');
  const session = welcome.data.state.intervalometer;
  assert.is(session?.sessionId, id);
  assert.is(session.state, 'scheduled', 'still waiting for its start');
  assert.is(session.startedAt, Date.parse(startAt), 'the same start time');
  const done = await client.waitFor((m) => m.type === 'intervalometer_completed' && m.data.session.sessionId === id, 'completed', 30_000);
  assert.is(done.data.session.counts.ok + done.data.session.counts.failed + done.data.session.counts.skipped, 3);
  const shots = (await client.request('get_session_shots', { sessionId: id })).data.shots as { number: number; plannedAt: number }[];
  assert.equal(shots.map((s) => s.plannedAt), [0, 1, 2].map((k) => Date.parse(startAt) + k * 500), 'the grid starts at startAt');
});

S.run();
