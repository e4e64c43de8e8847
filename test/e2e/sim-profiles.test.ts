// `skylapse sim --profile/--quirks/--https` as a user runs them: its own process, a `skylapse serve` pointed at it,
// and a test photo and the settings over the WebSocket.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli, startServer, stopServer } from '../helpers/process.ts';
import { startSimProcess, stopProcess } from '../helpers/sim-process.ts';
import { Client } from '../helpers/ws-client.ts';

const S = suite('skylapse sim profiles, quirks and HTTPS');
let dir = '';
S.before(() => {
  dir = mkdtempSync(join(tmpdir(), 'skylapse-i7-sim-'));
});
S.after(() => rmSync(dir, { recursive: true, force: true }));

S('a wrong profile or quirk is one line and the usage, exit 2', () => {
  const profile = runCli(['sim', '--profile', 'r5']);
  assert.is(profile.status, 2);
  assert.match(profile.stderr, /--profile must be one of r50, ver100-only/);
  const quirk = runCli(['sim', '--quirks', 'af-required,sparkles']);
  assert.is(quirk.status, 2);
  assert.match(quirk.stderr, /unknown quirk sparkles/);
});

async function photoThrough(simArgs: string[], name: string) {
  const sim = await startSimProcess(join(dir, `${name}-card.json`), simArgs);
  const server = await startServer(join(dir, name), ['--camera', sim.url]);
  const client = await Client.connect(server.url);
  try {
    const welcome = await client.waitFor((m) => m.type === 'welcome', 'welcome');
    if (welcome.data.state.camera.state !== 'connected') await client.waitFor((m) => m.type === 'camera_connected', 'camera_connected');
    const photo = await client.request('take_photo');
    assert.is(photo.type, 'operation_result', JSON.stringify(photo.data));
    const settings = await client.request('get_camera_settings');
    assert.ok(settings.data.settings.some((s: { name: string }) => s.name === 'tv'));
    return { url: sim.url, files: photo.data.photo.files as string[] };
  } finally {
    client.close();
    await stopServer(server);
    await stopProcess(sim, 'SIGTERM');
  }
}

S('ver100-only with quirks: a test photo and the settings', async () => {
  const { url, files } = await photoThrough(['--profile', 'ver100-only', '--quirks', 'af-required,key-only-polls,detail-errors,delete-204'], 'v100');
  assert.equal(files, [`${new URL(url).origin}/ccapi/ver100/contents/sd/100CANON/IMG_0001.JPG`]);
});

S('HTTPS with the certificate made at start', async () => {
  const { url, files } = await photoThrough(['--https'], 'https');
  assert.match(url, /^https:/);
  assert.is(files.length, 1);
});

S.run();
