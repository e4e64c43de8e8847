// The WiFi link as a phone drives it, against `skylapse serve --network sim`: scan, a wrong password, a join,
// the guard that refuses network changes while a session shoots (every guarded command, over the WebSocket and REST,
// unless forced), an AP change whose passphrase reaches neither the wire, the log nor the database.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startServer, stopServer, type Server } from '../helpers/process.ts';
import { Client } from '../helpers/ws-client.ts';

const S = suite('network over the wire');
let dataDir = '';
let server: Server | undefined;
const PASSPHRASE = 'very-secret-ap-passphrase';
/** Every message every client of this file received. */
const wire: unknown[] = [];

S.before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'skylapse-i10-net-'));
  server = await startServer(dataDir, ['--network', 'sim']);
});
S.after(async () => {
  if (server) await stopServer(server, 'SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

async function client(): Promise<Client> {
  const c = await Client.connect(server!.url);
  c.ws.on('message', (raw) => wire.push(raw.toString()));
  const welcome = await c.waitFor((m) => m.type === 'welcome', 'welcome');
  assert.is(welcome.data.state.network.backend, 'sim');
  return c;
}

S('scan, a wrong password, then a join; each step a network_event', async () => {
  const c = await client();
  const scan = await c.request('network_scan', { refresh: true });
  assert.ok(scan.data.networks.some((n: { ssid: string }) => n.ssid === 'Dark:Sky\\Club'));
  const wrong = await c.request('network_connect', { ssid: 'Observatory', password: 'not-the-password' });
  assert.is(wrong.type, 'error');
  assert.is(wrong.data.code, 'NETWORK_ERROR');
  assert.is(wrong.data.details.networkCode, 'WRONG_PASSWORD');
  const ok = await c.request('network_connect', { ssid: 'Observatory', password: 'starlight' });
  assert.is(ok.data.network.state, 'connected');
  assert.equal(ok.data.network.client, { ssid: 'Observatory', ip: '10.0.0.23', signal: 78 });
  await c.waitFor((m) => m.type === 'network_event' && m.data.eventType === 'wifi_connected', 'wifi_connected');
  const kinds = c.messages.filter((m) => m.type === 'network_event').map((m) => m.data.eventType);
  for (const k of ['network_scan_complete', 'wifi_connection_started', 'wifi_connection_failed', 'wifi_connected']) assert.ok(kinds.includes(k), `${k} in ${kinds}`);
  c.close();
});

S('while a session shoots, every guarded network command is refused unless forced', async () => {
  const c = await client();
  const welcome = c.messages[0]!;
  if (welcome.data.state.camera.state !== 'connected') await c.waitFor((m) => m.type === 'camera_connected', 'camera_connected');
  const started = await c.request('start_intervalometer', { interval: 1, title: 'guard' });
  assert.is(started.type, 'operation_result', JSON.stringify(started.data));
  const guarded: [string, Record<string, unknown>][] = [
    ['network_connect', { ssid: 'Campsite WiFi' }],
    ['network_disconnect', {}],
    ['wifi_disable', {}],
    ['configure_access_point', { ssid: 'sky2', passphrase: PASSPHRASE, channel: 11 }],
  ];
  for (const [type, data] of guarded) {
    const reply = await c.request(type, data);
    assert.is(reply.type, 'error', type);
    assert.is(reply.data.code, 'SESSION_ACTIVE', type);
  }
  // The same guard over REST: one command path.
  for (const [type, data] of guarded) {
    const r = await fetch(`${server!.url}/api/commands/${type}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(data) });
    const body = (await r.json()) as { code?: string; data?: { code?: string } };
    assert.is(body.code ?? body.data?.code, 'SESSION_ACTIVE', `REST ${type}: ${JSON.stringify(body)}`);
  }
  // Reading and scanning never disturb the link: allowed.
  assert.is((await c.request('get_network_status')).type, 'operation_result');
  const forced = await c.request('configure_access_point', { ssid: 'sky2', passphrase: PASSPHRASE, channel: 11, force: true });
  assert.is(forced.type, 'operation_result', JSON.stringify(forced.data));
  assert.is(forced.data.network.ap.ssid, 'sky2');
  await c.request('stop_intervalometer');
  await c.waitFor((m) => m.type === 'intervalometer_stopped', 'stopped');
  const after = await c.request('network_disconnect');
  assert.is(after.type, 'operation_result');
  assert.is(after.data.network.state, 'idle');
  c.close();
});

S('the AP passphrase and WiFi passwords reach neither the wire, the log nor the database', async () => {
  const s = server!;
  await stopServer(s, 'SIGTERM');
  server = undefined;
  const sent = wire.join('\n');
  const logLines = JSON.stringify(s.logs);
  const db = readdirSync(dataDir).map((f) => (f.includes('.db') ? readFileSync(join(dataDir, f)).toString('latin1') : '')).join('');
  assert.ok(sent.includes('sky2') && db.includes('sky2'), 'the AP change itself is on the wire and in the log');
  for (const secret of [PASSPHRASE, 'starlight', 'not-the-password']) {
    assert.not.ok(sent.includes(secret), `${secret} on the wire`);
    assert.not.ok(logLines.includes(secret), `${secret} in the server log`);
    assert.not.ok(db.includes(secret), `${secret} in the database`);
  }
});

S.run();
