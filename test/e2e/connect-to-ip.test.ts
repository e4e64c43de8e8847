// connect_to_ip as a photographer uses it: `skylapse serve` on the built-in simulator, switched at run time to
// another camera (a second simulator on loopback) by address and port or by a whole CCAPI root.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startSimulator, type SimulatedCamera } from '../../adapters/camera-sim/index.ts';
import { startServer, stopServer, type Server } from '../helpers/process.ts';
import { Client } from '../helpers/ws-client.ts';

const S = suite('connect_to_ip, end to end');
let dataDir = '';
let server: Server | undefined;
let other: SimulatedCamera | undefined;

S.before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'skylapse-connect-'));
  other = await startSimulator({ host: '127.0.0.1', tv: '1/1000' });
  server = await startServer(dataDir);
});
S.after(async () => {
  if (server) await stopServer(server, 'SIGKILL');
  await other?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

S('switches to the camera at {ip, port}, then back by CCAPI root; nothing there or a bad address is refused', async () => {
  const client = await Client.connect(server!.url);
  const welcome = await client.waitFor((m) => m.type === 'welcome');
  if (welcome.data.state.camera.state !== 'connected') await client.waitFor((m) => m.type === 'camera_connected');
  const first = (await client.request('get_camera_status')).data.camera.baseUrl as string;

  const port = other!.port;
  const switched = await client.request('connect_to_ip', { ip: '127.0.0.1', port: String(port) });
  assert.is(switched.success, true, JSON.stringify(switched));
  assert.is(switched.data.baseUrl, `http://127.0.0.1:${port}/ccapi`);
  assert.is(switched.data.info.productname, 'Canon EOS R50');
  const there = await client.waitFor((m) => m.type === 'camera_connected' && m.data.camera.baseUrl === `http://127.0.0.1:${port}/ccapi`, 'connected at the new address');
  assert.type(there.seq, 'number');

  const back = await client.request('connect_to_ip', { ip: first });
  assert.is(back.data.baseUrl, first.replace(/\/$/, ''));
  await client.waitFor((m) => m.type === 'camera_connected' && m.data.camera.baseUrl === first, 'connected back');

  const dead = await client.request('connect_to_ip', { ip: '127.0.0.1', port: 9 });
  assert.is(dead.data.code, 'CAMERA_OFFLINE');
  assert.is((await client.request('get_camera_status')).data.camera.baseUrl, first); // the current camera is kept
  for (const bad of [{ ip: 'not an address!' }, { ip: 'http://127.0.0.1:8080/other' }, { ip: '127.0.0.1', port: 70_000 }, { ip: 'http://127.0.0.1:8080/ccapi', port: 1 }]) {
    assert.is((await client.request('connect_to_ip', bad)).data.code, 'VALIDATION_ERROR', JSON.stringify(bad));
  }
  client.close();
});

S.run();
