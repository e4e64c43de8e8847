// One server per data directory: two processes appending to one event log would each believe they own the session.
// A second `skylapse serve` on the same directory must refuse (exit 2, naming the first one's pid) without touching
// the first one's session; a lock left behind by a SIGKILLed server must not keep the next one out.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readNight } from '../helpers/night-db.ts';
import { startServer, stopServer, type Server } from '../helpers/process.ts';
import { B, C, REPLY_OK, sessionShot, startedSessionId, welcomeSession } from '../helpers/protocol-names.ts';
import { connectWithWelcome, runServeExpectingExit } from '../helpers/sim-process.ts';
import type { Client } from '../helpers/ws-client.ts';

const S = suite('one server per data directory');
let dir = '';
let server: Server | undefined;
const clients: Client[] = [];

S.before(() => {
  dir = mkdtempSync(join(tmpdir(), 'skylapse-lock-'));
});
S.after(async () => {
  for (const c of clients) c.close();
  if (server) await stopServer(server, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

S('a second serve on the same data dir exits 2 naming the first pid; the first keeps shooting', async () => {
  const dataDir = join(dir, 'data');
  const dbFile = join(dataDir, 'skylapse.db');
  server = await startServer(dataDir);
  const first = server;
  const { client, welcome } = await connectWithWelcome(first.url);
  clients.push(client);
  if (welcome.data.state.camera.state !== 'connected') await client.waitFor((m) => m.type === B.cameraConnected, B.cameraConnected);
  const reply = await client.request(C.start, { interval: 0.5, stopCondition: 'unlimited', title: 'Locked' });
  assert.is(reply.type, REPLY_OK, JSON.stringify(reply.data));
  const sessionId = startedSessionId(reply);
  await client.waitFor((m) => sessionShot(m, sessionId) !== null, 'first photo');

  const pid = String(first.child.pid);
  // The same directory, spelled as given and spelled differently.
  for (const spelling of [dataDir, `${dataDir}/.`]) {
    const second = await runServeExpectingExit(spelling);
    assert.not.ok(second.listened, `a second server on ${spelling} must not start listening`);
    assert.is(second.code, 2, `a second server on ${spelling} exits 2 (got ${second.code ?? second.signal})\n${second.stderr}`);
    assert.ok(new RegExp(`\\b${pid}\\b`).test(second.stderr), `its stderr names the first server's pid ${pid}:\n${second.stderr}`);
  }

  // The first one never noticed: still running, still shooting the same session.
  const shotsSoFar = Math.max(...client.messages.map((m) => sessionShot(m, sessionId)?.number ?? 0));
  await client.waitFor((m) => (sessionShot(m, sessionId)?.number ?? 0) > shotsSoFar, `photo_taken beyond slot ${shotsSoFar} after the refusals`);
  assert.is(first.child.exitCode, null, 'the first server is still running');
  assert.is((await fetch(`${first.url}/health`)).status, 200);
  const night = readNight(dbFile, sessionId);
  assert.is(night.integrity, 'ok');
  assert.is(night.sessionCount, 1);
  assert.is(night.session?.status, 'running', 'the session is still running in the log');

  // A SIGKILLed server leaves its lock behind; the next server takes over (and finds the session).
  await stopServer(first, 'SIGKILL');
  client.close();
  server = await startServer(dataDir);
  const after = await connectWithWelcome(server.url);
  clients.push(after.client);
  assert.is(welcomeSession(after.welcome)?.sessionId, sessionId, 'the next server on the directory has the session');
  await stopServer(server, 'SIGTERM');
  server = undefined;
});

S.run();
