// A night of power cuts: `skylapse sim` runs as its own process (the camera does not lose power with the Pi), and
// `skylapse serve` is SIGKILLed at least 30 times at seeded random moments during one unlimited 0.5 s session —
// while it recovers, mid-press, mid-append, between slots, and during camera outages. After each restart the log
// must hold every frame once, under its own slot of the original grid, and the card must agree with it.
//
// Replay a failing campaign with the seed it printed: KILL_SEED=<n> npm test -- kill-campaign
// KILL_COUNT=<n> changes the number of kills (default 30); KILL_KEEP=1 keeps the data directory and card for a look.
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  countResults,
  doublePressProblems,
  fileProblems,
  gridProblems,
  lostProblems,
  ownSlotProblems,
  readNight,
  readOrphans,
  type NightSnapshot,
} from '../helpers/night-db.ts';
import { startServer, stopServer, type Server } from '../helpers/process.ts';
import { B, C, REPLY_OK, WELCOME_SHOTS_PAGE, endedSessionId, sessionShot, shotsArrays, startedSessionId, welcomeSession, type ShotOnWire } from '../helpers/protocol-names.ts';
import { cardName, connectWithWelcome, prng, simFaults, simState, sleep, startSimProcess, stopProcess, until, type SimProcess } from '../helpers/sim-process.ts';
import type { Client } from '../helpers/ws-client.ts';

const seed = process.env.KILL_SEED ? Number(process.env.KILL_SEED) : randomInt(2 ** 31);
const KILLS = Number(process.env.KILL_COUNT ?? 30);
const INTERVAL_S = 0.5;
/** The restarted server must shoot again within this (it covers a camera outage and the reconnect backoff). */
const SHOT_AGAIN_MS = 30_000;
console.log(`kill campaign: KILL_SEED=${seed} (replay: KILL_SEED=${seed} npm test -- kill-campaign), ${KILLS} kills`);

type KillKind = 'running' | 'recovery' | 'outage';
/** Every 5th kill lands in a camera outage, every 3rd other one while the restarted server is still recovering. */
const kindOf = (k: number): KillKind => (k % 5 === 0 ? 'outage' : k % 3 === 0 ? 'recovery' : 'running');

const S = suite('kill campaign: SIGKILL at random moments of an unlimited session');
let dir = '';
let sim: SimProcess | undefined;
let server: Server | undefined;
const clients: Client[] = [];

S.before(() => {
  dir = mkdtempSync(join(tmpdir(), 'skylapse-kill-'));
});
S.after(async () => {
  for (const c of clients) c.close();
  if (server) await stopServer(server, 'SIGKILL');
  if (sim) await stopProcess(sim, 'SIGKILL');
  if (process.env.KILL_KEEP) console.log(`kill campaign: kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
});

function problems(label: string, list: string[]): void {
  assert.ok(list.length === 0, `${label} (KILL_SEED=${seed}):\n  ${list.slice(0, 20).join('\n  ')}${list.length > 20 ? `\n  … and ${list.length - 20} more` : ''}`);
}

S('every frame is logged once, under its own slot, across 30+ SIGKILLs', async () => {
  const dataDir = join(dir, 'data');
  const dbFile = join(dataDir, 'skylapse.db');
  sim = await startSimProcess(join(dir, 'card.json'));
  const serveArgs = ['--camera', sim.url];
  const rand = prng(seed);
  const started = Date.now();

  /** Every photo_taken for the session that any of the campaign's clients received, in arrival order. */
  let sessionId = '';
  const received = (): ShotOnWire[] => clients.flatMap((c) => c.messages.map((m) => sessionShot(m, sessionId)).filter((s): s is ShotOnWire => s !== null));

  const connect = async (s: Server): Promise<Client> => {
    const { client, welcome } = await connectWithWelcome(s.url);
    clients.push(client);
    const big = shotsArrays(welcome.data).filter((a) => a.length > WELCOME_SHOTS_PAGE);
    problems('the welcome carries a whole shot list', big.map((a) => `${a.path} has ${a.length} entries`));
    if (sessionId) {
      const view = welcomeSession(welcome);
      assert.is(view?.sessionId, sessionId, `the restarted server's welcome shows the session (KILL_SEED=${seed})`);
    }
    return client;
  };

  /** The invariants that hold at any moment after a restart, with the server running. */
  const checkNight = async (when: string): Promise<NightSnapshot> => {
    const night = readNight(dbFile, sessionId);
    assert.is(night.integrity, 'ok', `integrity_check ${when}`);
    assert.is(night.sessionCount, 1, `one session in the log ${when}`);
    problems(`grid ${when}`, gridProblems(night));
    problems(`frames broadcast but not logged ${when}`, lostProblems(night, received()));
    const state = await simState(sim!.origin);
    problems(`two presses in one slot window ${when}`, doublePressProblems(night.session!, state.presses));
    problems(`files ${when}`, fileProblems(night, state.card));
    return night;
  };

  // ---- the session ----
  server = await startServer(dataDir, serveArgs);
  let client = await connect(server);
  await client.waitFor((m) => m.type === B.cameraConnected || (m.type === B.welcome && m.data.state.camera.state === 'connected'), 'camera connected');
  const cardBefore = new Set((await simState(sim.origin)).card.map(cardName));
  const reply = await client.request(C.start, { interval: INTERVAL_S, stopCondition: 'unlimited', title: `kill campaign ${seed}` });
  assert.is(reply.type, REPLY_OK, JSON.stringify(reply.data));
  sessionId = startedSessionId(reply);

  let lastLogged = 0;
  const tally: Record<KillKind, number> = { running: 0, recovery: 0, outage: 0 };
  let checked = 0;
  const timing = { listening: [] as number[], shotAgain: [] as number[] };
  let listenedAt = 0;

  /** Waits until the running server shot a slot beyond the last one logged before the kill, then checks. */
  const shotAgain = async (when: string) => {
    await client.waitFor((m) => (sessionShot(m, sessionId)?.number ?? 0) > lastLogged, `photo_taken beyond slot ${lastLogged} ${when}`, SHOT_AGAIN_MS);
    if (listenedAt) timing.shotAgain.push(Date.now() - listenedAt);
    const status = readNight(dbFile, sessionId).session?.status;
    assert.is(status, 'running', `the session is running again ${when} (KILL_SEED=${seed})`);
    await checkNight(when);
    checked++;
  };

  for (let k = 1; k <= KILLS; k++) {
    const kind = kindOf(k);
    tally[kind]++;
    const when = `after kill ${k - 1} of ${KILLS}`;
    // A 'recovery' kill's delay counts from `listening`: it lands while the server resumes and reconciles. The
    // others count from the first new frame, so they land at a random phase of a slot: mid-press, mid-append, idle.
    if (kind !== 'recovery') await shotAgain(when);
    if (kind === 'outage') await simFaults(sim.origin, { goOfflineMs: 1500 });
    await sleep(rand() * 1500);

    await stopServer(server, 'SIGKILL');
    client.close();
    const dead = readNight(dbFile, sessionId);
    assert.is(dead.integrity, 'ok', `integrity_check right after kill ${k} (${kind}, KILL_SEED=${seed})`);
    lastLogged = Math.max(0, ...dead.shots.map((s) => s.number));

    const restartAt = Date.now();
    server = await startServer(dataDir, serveArgs);
    listenedAt = Date.now();
    timing.listening.push(listenedAt - restartAt);
    client = await connect(server);
  }
  await shotAgain(`after the last kill`);

  // ---- the end of the night ----
  const stop = await client.request(C.stop);
  assert.is(stop.type, REPLY_OK, JSON.stringify(stop.data));
  await client.waitFor((m) => m.type === B.stopped && endedSessionId(m) === sessionId, B.stopped);

  // A stop can end the session while the camera still writes the last frame (its file comes to the ended session).
  await until(async () => (await simState(sim!.origin)).phase === 'idle', 'the camera to write its last frame', 10_000);
  // The server reconciles the log with the card after reconnects and resumes: wait (bounded) for them to agree.
  const sessionFiles = async () => (await simState(sim!.origin)).card.map(cardName).filter((f) => !cardBefore.has(f));
  const logged = () => {
    const night = readNight(dbFile, sessionId);
    const shotFiles = night.shots.flatMap((s) => s.files.map(cardName));
    const orphans = readOrphans(dbFile, sessionId).map(cardName);
    return { night, shotFiles, orphans };
  };
  const agreement = async () => {
    const card = new Set(await sessionFiles());
    const { shotFiles, orphans } = logged();
    const union = new Set([...shotFiles, ...orphans]);
    return {
      notLogged: [...card].filter((f) => !union.has(f)),
      notOnCard: [...union].filter((f) => !card.has(f)),
    };
  };
  await until(async () => {
    const a = await agreement();
    return a.notLogged.length === 0 && a.notOnCard.length === 0;
  }, 'the card and the log to agree', 20_000).catch(() => undefined); // asserted below, with the difference

  const final = await checkNight('after the final stop');
  assert.is(final.session?.status, 'stopped', 'the session ended stopped');
  const { shotFiles, orphans } = logged();
  const a = await agreement();
  const twice = shotFiles.filter((f, i) => shotFiles.indexOf(f) !== i);
  const sections: [string, string[]][] = [
    ['card files of the session that are neither in a shot nor an orphan', a.notLogged],
    ['logged files (shots or orphans) that are not on the card', a.notOnCard],
    ['files in two shots', twice],
    ['files both in a shot and an orphan', orphans.filter((f) => shotFiles.includes(f))],
    // Stricter than the union: each frame is under the slot it was pressed for (an unknown slot whose file is on the
    // card is recovered, not left beside an orphan). Every file here came from one of the session's presses.
    ['frames not under their own shot', ownSlotProblems(final, (await simState(sim.origin)).presses, await sessionFiles(), orphans)],
  ];
  const counts = countResults(final.shots);
  const avg = (xs: number[]) => (xs.length ? Math.round(xs.reduce((x, y) => x + y, 0) / xs.length) : 0);
  console.log(
    `kill campaign KILL_SEED=${seed}: ${KILLS} kills (${tally.running} running, ${tally.recovery} recovering, ${tally.outage} in an outage), ` +
      `${checked} restarts checked; ${final.shots.length} slots: ${counts.ok} ok, ${counts.failed} failed, ${counts.skipped} skipped, ` +
      `${counts.unknown} unknown, ${counts.recovered} recovered; ${orphans.length} orphans; ${(await sessionFiles()).length} files on the card; ` +
      `${Math.round((Date.now() - started) / 1000)} s (mean restart to listening ${avg(timing.listening)} ms, listening to a new frame ${avg(timing.shotAgain)} ms)`,
  );

  const broken = sections.filter(([, list]) => list.length > 0);
  problems(
    'the card and the log at the end of the night',
    broken.flatMap(([label, list]) => [`${label}:`, ...list.map((p) => `  ${p}`)]),
  );
});

S.run();
