// Camera settings and clock as a phone meets them: `skylapse serve` on the built-in simulator, over the WebSocket.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startServer, stopServer, type Server } from '../helpers/process.ts';
import { Client } from '../helpers/ws-client.ts';

const S = suite('camera settings and clock over the WebSocket');
let dataDir = '';
let server: Server | undefined;
let client: Client;
let simUrl = '';

S.before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'skylapse-i7-settings-'));
  server = await startServer(dataDir);
  client = await Client.connect(server.url);
  const welcome = await client.waitFor((m) => m.type === 'welcome', 'welcome');
  if (welcome.data.state.camera.state !== 'connected') await client.waitFor((m) => m.type === 'camera_connected', 'camera_connected');
  simUrl = (await client.request('get_camera_status')).data.camera.baseUrl;
});
S.after(async () => {
  client?.close();
  if (server) await stopServer(server);
  rmSync(dataDir, { recursive: true, force: true });
});

S('get_camera_settings: every setting with its value, ability and number', async () => {
  const reply = await client.request('get_camera_settings');
  assert.is(reply.type, 'operation_result');
  const byName = Object.fromEntries(reply.data.settings.map((s: { name: string }) => [s.name, s]));
  assert.is(byName.tv.value, '1/125');
  assert.is(byName.tv.number, 1 / 125);
  assert.ok(byName.tv.ability.includes('bulb'));
  assert.is(byName.av.number, 5.6);
  assert.is(byName.iso.number, 1600);
  assert.equal(byName.colortemperature.ability, { min: 2500, max: 10000, step: 100 });
  assert.equal(byName.stillimagequality.value, { raw: 'none', jpeg: 'large_fine' });
});

S('set_camera_setting: checked against the ability, then set and broadcast', async () => {
  const bad = await client.request('set_camera_setting', { name: 'iso', value: '3201' });
  assert.is(bad.type, 'error');
  assert.is(bad.data.code, 'VALIDATION_ERROR');
  assert.ok(bad.data.details.ability.includes('3200'));
  const step = await client.request('set_camera_setting', { name: 'colortemperature', value: 5250 });
  assert.is(step.data.code, 'VALIDATION_ERROR');
  const unknown = await client.request('set_camera_setting', { name: 'nosuchthing', value: '1' });
  assert.is(unknown.data.code, 'VALIDATION_ERROR');

  const ok = await client.request('set_camera_setting', { name: 'iso', value: '3200' });
  assert.is(ok.type, 'operation_result');
  assert.is(ok.data.setting.number, 3200);
  const b = await client.waitFor((m) => m.type === 'camera_setting_changed' && m.data.setting.name === 'iso' && m.data.setting.value === '3200', 'iso broadcast');
  assert.is(b.data.source, 'skylapse');
  assert.is(b.data.previous, '1600');
  assert.type(b.seq, 'number');
  const tv = await client.request('set_camera_setting', { name: 'tv', value: '0"5' });
  assert.is(tv.data.setting.number, 0.5);
});

S('a setting changed on the camera body arrives through the event poll', async () => {
  const res = await fetch(simUrl.replace(/\/ccapi$/, '/_sim/faults'), { method: 'POST', body: JSON.stringify({ setting: { name: 'av', value: 'f8.0' } }) });
  assert.is(res.status, 200);
  const b = await client.waitFor((m) => m.type === 'camera_setting_changed' && m.data.setting.name === 'av', 'av from the body');
  assert.is(b.data.source, 'camera');
  assert.is(b.data.setting.number, 8);
});

S('get_camera_datetime: the camera clock and its offset from the Pi, broadcast', async () => {
  const reply = await client.request('get_camera_datetime');
  assert.is(reply.type, 'operation_result');
  assert.type(reply.data.clock.offsetMs, 'number');
  // The connect reads the clock too (a broadcast this client may or may not have seen): match this read's own.
  const b = await client.waitFor((m) => m.type === 'camera_clock_offset' && m.data.clock.piTime === reply.data.clock.piTime, 'clock offset broadcast');
  assert.equal(b.data.clock, reply.data.clock);
});

S('set_camera_datetime: zones with half and three-quarter hours, west of UTC, and DST', async () => {
  const chatham = await client.request('set_camera_datetime', { iso: '2026-01-15T12:00:00Z', timeZone: 'Pacific/Chatham' });
  assert.is(chatham.type, 'operation_result');
  assert.match(chatham.data.clock.datetime, /^Fri, 16 Jan 2026 01:45:0\d \+1245$/);
  assert.is(chatham.data.clock.dst, true);
  const kolkata = await client.request('set_camera_datetime', { iso: '2026-07-15T17:30:00+05:30' });
  assert.match(kolkata.data.clock.datetime, /^Wed, 15 Jul 2026 17:30:0\d \+0530$/);
  assert.is(kolkata.data.clock.dst, false);
  const stJohns = await client.request('set_camera_datetime', { iso: '2026-07-15T12:00:00Z', timeZone: 'America/St_Johns' });
  assert.match(stJohns.data.clock.datetime, /^Wed, 15 Jul 2026 09:30:0\d -0330$/);
  assert.is(stJohns.data.clock.dst, true);
  const pi = await client.request('set_camera_datetime');
  assert.ok(Math.abs(pi.data.clock.offsetMs) < 2_000, `offset after syncing to the Pi: ${pi.data.clock.offsetMs}`);
  const badZone = await client.request('set_camera_datetime', { timeZone: 'Mars/Olympus' });
  assert.is(badZone.data.code, 'VALIDATION_ERROR');
});

S.run();
