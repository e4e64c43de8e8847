// A night-sky history for the start-up and welcome figures, built in a fresh data directory without going through
// the app for the bulk: a short real run (server + simulator) writes one template of every row, then plain SQL
// INSERTs copy them into `shots` session events over many sessions and a camera stream that is a series of
// `xstate.init` starts, each followed by STATUS events. Columns are copied as the table has them, so the generator
// follows schema changes by itself.
import Database from 'better-sqlite3';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBenchServer } from './server.ts';
import { connectClients } from './ws.ts';

interface Row {
  [column: string]: unknown;
  stream: string;
  version: number;
  type: string;
  at: number;
}

/** Runs the real server for a few seconds (one camera connection, one 10-shot session) to get template rows. */
export async function templates(dir: string): Promise<void> {
  const server = await startBenchServer(dir);
  try {
    const [client] = await connectClients(server.url, 1);
    await client!.cameraConnected();
    await client!.request('start_intervalometer', { interval: 0.2, totalShots: 10, title: 'template', force: true });
    await client!.waitFor((m) => m.type === 'intervalometer_completed' || m.type === 'intervalometer_stopped', 30_000);
    client!.close();
  } finally {
    await server.stop();
  }
}

/**
 * Writes `<dir>/skylapse.db` with `shots` session events (the template session's shot cycle repeated, in sessions
 * of `perSession` shots) and `status` camera events in blocks of one `xstate.init` and `block - 1` STATUS events.
 * Returns the number of events written.
 */
export async function buildHistory(dir: string, o: { shots: number; status: number; perSession?: number; block?: number }): Promise<number> {
  await templates(dir);
  const db = new Database(join(dir, 'skylapse.db'));
  const columns = (db.pragma('table_info(events)') as { name: string }[]).map((c) => c.name).filter((c) => c !== 'seq');
  const insert = db.prepare(`INSERT INTO events (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`);
  const all = db.prepare(`SELECT ${columns.join(', ')} FROM events ORDER BY seq`).all() as Row[];
  const camera = all.filter((r) => r.stream === 'camera');
  const init = camera.find((r) => r.type === 'xstate.init')!;
  // STATUS when the run logged one; otherwise the camera's next event stands in (same size and shape of work).
  const status = camera.find((r) => r.type === 'STATUS') ?? camera.find((r) => r.type !== 'xstate.init')!;
  const session = all.filter((r) => r.stream.startsWith('session:'));
  const shotType = mostCommon(session.map((r) => r.type));
  const firstShot = session.findIndex((r) => r.type === shotType);
  const lastShot = session.findLastIndex((r) => r.type === shotType);
  const head = session.slice(0, firstShot);
  const cycle = session.slice(firstShot, lastShot + 1);
  const tail = session.slice(lastShot + 1);
  const shotsPerCycle = cycle.filter((r) => r.type === shotType).length;
  const perSession = o.perSession ?? 500;
  const block = o.block ?? 100;
  const start = Date.now() - 400 * 86_400_000; // the history ends before today's template run
  let written = 0;
  db.transaction(() => {
    // Camera: the stream continues after the template's own events in blocks that each start with xstate.init, so
    // the newest start is one of the history's (a full block of STATUS after it).
    let version = camera.length;
    for (let i = 0; i < o.status; i++) {
      insert.run({ ...(i % block === 0 ? init : status), stream: 'camera', version: ++version, at: start + i * 1000 });
      written++;
    }
    // Sessions: head, shot cycles up to perSession shots, tail; one stream each.
    for (let s = 0; written - o.status < o.shots; s++) {
      const id = `00000000-0000-4000-8000-${String(s).padStart(12, '0')}`;
      let v = 0;
      const t0 = start + s * 3_600_000;
      const put = (r: Row) => {
        insert.run({ ...r, stream: `session:${id}`, version: ++v, at: t0 + v * 500 });
        written++;
      };
      head.forEach(put);
      for (let n = 0; n < perSession && written - o.status < o.shots; n += shotsPerCycle) {
        cycle.forEach(put);
      }
      tail.forEach(put);
    }
  })();
  db.close();
  return written;
}

function mostCommon(values: string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]![0];
}

/** A fresh copy of a built history (start-up writes to the log, so every run gets its own). */
export function copyHistory(from: string): string {
  const to = mkdtempSync(join(process.env.BENCH_DIR ?? tmpdir(), 'skylapse-bench-'));
  for (const f of readdirSync(from)) if (f.startsWith('skylapse.db') || f === 'sim-card.json') copyFileSync(join(from, f), join(to, f));
  return to;
}

/** An empty directory for a history, rebuilt on every bench run. */
export function historyDir(name: string): string {
  const dir = join(process.env.BENCH_DIR ?? tmpdir(), `skylapse-bench-history-${name}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * A log whose newest `missed` facts a resuming client has not seen: after a real template run, the camera stream goes
 * on with copies of one of its events that produced a fact, each with its fact, as a status change would. Returns the
 * seq of the last fact before them (the client's `since`) and the seq of the last one.
 */
export async function buildMissedFacts(dir: string, missed: number): Promise<{ since: number; last: number }> {
  await templates(dir);
  const db = new Database(join(dir, 'skylapse.db'));
  const source = db
    .prepare("SELECT e.type, e.data, e.state, e.machine_version AS machineVersion, f.type AS factType, f.data AS factData FROM events e JOIN facts f ON f.event_seq = e.seq WHERE e.stream = 'camera' AND e.type != 'xstate.init' ORDER BY e.seq DESC LIMIT 1")
    .get() as { type: string; data: string; state: string; machineVersion: string; factType: string; factData: string };
  const insertEvent = db.prepare("INSERT INTO events (stream, version, type, data, state, at, machine_version) VALUES ('camera', ?, ?, ?, ?, ?, ?) RETURNING seq").pluck();
  const insertFact = db.prepare("INSERT INTO facts (event_seq, stream, type, data, at) VALUES (?, 'camera', ?, ?, ?) RETURNING seq").pluck();
  const since = db.prepare('SELECT coalesce(max(seq), 0) FROM facts').pluck().get() as number;
  let version = db.prepare("SELECT max(version) FROM events WHERE stream = 'camera'").pluck().get() as number;
  let last = since;
  const at = Date.now();
  db.transaction(() => {
    for (let i = 0; i < missed; i++) {
      const seq = insertEvent.get(++version, source.type, source.data, source.state, at, source.machineVersion) as number;
      last = insertFact.get(seq, source.factType, source.factData, at) as number;
    }
  })();
  db.close();
  return { since, last };
}
