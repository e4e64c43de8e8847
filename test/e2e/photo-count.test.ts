// What a phone sees of a session: one photo_taken per frame (the last one too) before the session's end, a welcome
// that stays small however long the night, shots in pages on request; and what a graceful shutdown does: SIGTERM
// suspends the session, a restart resumes it on its grid (or, with --resume ask, waits for resume_session).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { gridProblems, lastResumeAt, readNight, type NightSnapshot } from '../helpers/night-db.ts';
import { startServer, stopServer, type Server } from '../helpers/process.ts';
import {
  B,
  C,
  REPLY_OK,
  WELCOME_SHOTS_PAGE,
  endedSessionId,
  repliedShots,
  sessionShot,
  shotsArrays,
  startedSessionId,
  welcomeSession,
} from '../helpers/protocol-names.ts';
import { connectWithWelcome, sleep } from '../helpers/sim-process.ts';
import type { Client, Message } from '../helpers/ws-client.ts';

const S = suite('photo_taken once per shot; SIGTERM suspends, restart resumes');
let dir = '';
let server: Server | undefined;
const clients: Client[] = [];

S.before(() => {
  dir = mkdtempSync(join(tmpdir(), 'skylapse-photos-'));
});
S.after(async () => {
  for (const c of clients) c.close();
  if (server) await stopServer(server, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function connected(s: Server): Promise<{ client: Client; welcome: Message }> {
  const { client, welcome } = await connectWithWelcome(s.url);
  clients.push(client);
  if (welcome.data.state.camera.state !== 'connected') await client.waitFor((m) => m.type === B.cameraConnected, B.cameraConnected);
  return { client, welcome };
}

const lastNumber = (night: NightSnapshot) => Math.max(0, ...night.shots.map((s) => s.number));

/** Wall time at which the server logged `listening` (its own pino timestamp). */
function listeningAt(s: Server): number {
  const entry = s.logs.find((l) => l.msg === 'listening');
  return entry?.time as number;
}

/**
 * The slots between the last one shot before a gap and the first one shot after it are all skipped; those planned
 * while no controller was running them (from `downFrom` until `upAt`, less half an interval of grace at the end)
 * say `controller_offline`. Returns how many were.
 */
function checkGap(night: NightSnapshot, before: number, after: number, downFrom: number, upAt: number): number {
  const interval = night.session!.interval_ms;
  let offline = 0;
  for (let n = before + 1; n < after; n++) {
    const row = night.shots.find((s) => s.number === n);
    assert.ok(row, `slot ${n}, missed while the server was down, has a row`);
    assert.is(row!.result, 'skipped', `slot ${n}, missed while the server was down, is skipped`);
    if (row!.planned_at >= downFrom && row!.planned_at + interval / 2 < upAt) {
      assert.is(row!.reason, 'controller_offline', `slot ${n} (planned while nobody ran the session) says why`);
      offline++;
    }
  }
  return offline;
}

S('a 4-shot session: exactly four photo_taken (the last one too), then completed; late welcome is small', async () => {
  server = await startServer(join(dir, 'count'));
  const { client, welcome } = await connected(server);
  const reply = await client.request(C.start, { interval: 0.5, totalShots: 4, title: 'Four' });
  assert.is(reply.type, REPLY_OK, JSON.stringify(reply.data));
  const sessionId = startedSessionId(reply);
  await client.waitFor((m) => m.type === B.completed && endedSessionId(m) === sessionId, B.completed);
  // A duplicate or a straggler would arrive right behind the end: give it a couple of intervals to show up.
  await sleep(1500);

  const photos = client.messages.map((m, i) => ({ i, shot: sessionShot(m, sessionId) })).filter((p) => p.shot !== null);
  assert.equal(photos.map((p) => p.shot!.number), [1, 2, 3, 4], 'one photo_taken per slot, in order');
  for (const { shot } of photos) {
    assert.is(shot!.result, 'ok', `slot ${shot!.number} result`);
    assert.ok(Array.isArray(shot!.files) && shot!.files.length >= 1, `slot ${shot!.number} has its file in the broadcast`);
  }
  const files = photos.flatMap((p) => p.shot!.files);
  assert.is(new Set(files).size, files.length, `no file under two shots: ${files.join(', ')}`);
  const ends = client.messages.map((m, i) => ({ m, i })).filter(({ m }) => (m.type === B.completed || m.type === B.stopped) && endedSessionId(m) === sessionId);
  assert.is(ends.length, 1, 'exactly one end-of-session broadcast');
  assert.is(ends[0]!.m.type, B.completed);
  assert.ok(photos.every((p) => p.i < ends[0]!.i), 'every photo_taken comes before intervalometer_completed');

  const broadcasts = client.messages.filter((m) => m.type !== B.welcome && m.seq !== undefined);
  const seqs = broadcasts.map((m) => m.seq!);
  for (let k = 1; k < seqs.length; k++) {
    assert.ok(seqs[k]! > seqs[k - 1]!, `broadcast seq strictly increasing: ${broadcasts[k - 1]!.type} ${seqs[k - 1]} then ${broadcasts[k]!.type} ${seqs[k]}`);
  }
  assert.ok(seqs.length === 0 || seqs[0]! > welcome.data.seq, 'broadcasts come after the welcome position');
  assert.ok(photos.every((p) => client.messages[p.i]!.seq !== undefined), 'every photo_taken carries a seq');

  // A phone that wakes up afterwards: a welcome with the session's counts, never its whole shot list.
  const late = await connected(server);
  const big = shotsArrays(late.welcome.data).filter((a) => a.length > WELCOME_SHOTS_PAGE);
  assert.equal(big, [], `no shots array longer than a page (${WELCOME_SHOTS_PAGE}) in the welcome`);
  const view = welcomeSession(late.welcome);
  assert.is(view?.sessionId, sessionId, 'the welcome shows the session that just ran');
  assert.is(view?.state, 'completed');
  const counts = view?.counts ?? {};
  assert.equal(
    { ok: counts.ok, failed: counts.failed, skipped: counts.skipped, unknown: counts.unknown },
    { ok: 4, failed: 0, skipped: 0, unknown: 0 },
    'the welcome counts the slots by result',
  );
  const page = await late.client.request(C.sessionShots, { sessionId, fromNumber: 1, limit: 2 });
  assert.is(page.type, REPLY_OK, JSON.stringify(page.data));
  assert.equal(repliedShots(page).map((s) => s.number), [1, 2], 'get_session_shots answers one page');
  await stopServer(server, 'SIGKILL');
  server = undefined;
});

S('SIGTERM suspends a running session; a restart resumes it on its grid; --resume ask waits for resume_session', async () => {
  const dataDir = join(dir, 'suspend');
  const dbFile = join(dataDir, 'skylapse.db');
  server = await startServer(dataDir);
  let { client } = await connected(server);
  const reply = await client.request(C.start, { interval: 0.5, stopCondition: 'unlimited', title: 'Suspended' });
  assert.is(reply.type, REPLY_OK, JSON.stringify(reply.data));
  const sessionId = startedSessionId(reply);
  await client.waitFor((m) => (sessionShot(m, sessionId)?.number ?? 0) >= 2, 'two photos');

  // ---- SIGTERM: a clean exit that leaves the session suspended, not interrupted ----
  let exit = await stopServer(server, 'SIGTERM');
  const down1 = Date.now();
  assert.equal(exit, { code: 0, signal: null }, 'SIGTERM exits with code 0');
  let night = readNight(dbFile, sessionId);
  assert.is(night.integrity, 'ok');
  assert.is(night.session?.status, 'suspended', 'the session is suspended after SIGTERM');
  const before1 = lastNumber(night);
  await sleep(1500); // the Pi stays down for a few slots

  // ---- restart (default --resume auto): the same session shoots again, on its original grid ----
  server = await startServer(dataDir);
  const up1 = listeningAt(server);
  ({ client } = await connected(server));
  const again = await client.waitFor((m) => (sessionShot(m, sessionId)?.number ?? 0) > before1, `photo_taken beyond slot ${before1}`);
  const first1 = sessionShot(again, sessionId)!.number;
  night = readNight(dbFile, sessionId);
  assert.is(night.session?.status, 'running', 'the session runs again after the restart');
  assert.equal(gridProblems(night), [], 'every slot on the original grid');
  // The server resumed (and judged which slots the gap cost) a little before it listened.
  const resumed1 = lastResumeAt(dbFile, sessionId) ?? up1;
  assert.ok(resumed1 <= up1 + 1_000, 'resumed at start-up, before or as it listened');
  assert.ok(checkGap(night, before1, first1, down1, resumed1) >= 1, 'the slots missed while down are skipped as controller_offline');

  // ---- SIGTERM again, then a restart that asks first ----
  await client.waitFor((m) => (sessionShot(m, sessionId)?.number ?? 0) > first1, 'one more photo');
  exit = await stopServer(server, 'SIGTERM');
  const down2 = Date.now();
  assert.equal(exit, { code: 0, signal: null }, 'the second SIGTERM exits with code 0 too');
  night = readNight(dbFile, sessionId);
  assert.is(night.session?.status, 'suspended');
  const before2 = lastNumber(night);

  server = await startServer(dataDir, ['--resume', 'ask']);
  const up2 = listeningAt(server);
  const asked = await connected(server);
  client = asked.client;
  const view = welcomeSession(asked.welcome);
  assert.is(view?.sessionId, sessionId, 'the welcome shows the suspended session');
  assert.is(view?.state, 'suspended', 'with --resume ask the session waits, suspended');
  await sleep(1200); // a couple of slots: nothing is shot until someone says so
  assert.is(client.messages.filter((m) => sessionShot(m, sessionId)).length, 0, 'no photo while suspended');
  assert.is(readNight(dbFile, sessionId).session?.status, 'suspended');

  const resumedAt = Date.now();
  const resumed = await client.request(C.resume, { sessionId });
  assert.is(resumed.type, REPLY_OK, JSON.stringify(resumed.data));
  await client.waitFor((m) => m.type === B.resumed, B.resumed);
  const again2 = await client.waitFor((m) => (sessionShot(m, sessionId)?.number ?? 0) > before2, `photo_taken beyond slot ${before2}`);
  night = readNight(dbFile, sessionId);
  assert.is(night.session?.status, 'running', 'resume_session resumes it');
  assert.equal(gridProblems(night), [], 'still on the original grid');
  // Down from the second SIGTERM, then up but suspended until resume_session: nobody shot those slots.
  assert.ok(
    checkGap(night, before2, sessionShot(again2, sessionId)!.number, down2, resumedAt) >= 1,
    `the slots missed while down or suspended are skipped as controller_offline (listening at +${up2 - down2} ms)`,
  );

  // ---- a stopped session is not suspended by a later shutdown ----
  const stop = await client.request(C.stop);
  assert.is(stop.type, REPLY_OK, JSON.stringify(stop.data));
  await client.waitFor((m) => m.type === B.stopped && endedSessionId(m) === sessionId, B.stopped);
  exit = await stopServer(server, 'SIGTERM');
  server = undefined;
  assert.equal(exit, { code: 0, signal: null });
  assert.is(readNight(dbFile, sessionId).session?.status, 'stopped');
});

S.run();
