import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { generateSQLiteDrizzleJson, generateSQLiteMigration } from 'drizzle-kit/api';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { openStore, type Store } from '../../store/db.ts';
import { StoreError } from '../../store/errors.ts';
import { EventLog } from '../../store/event-log.ts';
import { getReport } from '../../store/reports.ts';
import * as schema from '../../store/schema.ts';
import { tempDir, type TempDir } from './fixtures.ts';

interface Journal {
  entries: { idx: number; when: number; tag: string }[];
}

const drizzleDir = new URL('../../drizzle/', import.meta.url);
const journal = JSON.parse(readFileSync(new URL('meta/_journal.json', drizzleDir), 'utf8')) as Journal;

const S = suite<{ tmp: TempDir; open: Store[] }>('store/db', { tmp: undefined as unknown as TempDir, open: [] });

S.before.each((ctx) => {
  ctx.tmp = tempDir();
  ctx.open = [];
});

S.after.each((ctx) => {
  for (const store of ctx.open) store.close();
  ctx.tmp.remove();
});

function open(ctx: { open: Store[] }, file: string): Store {
  const store = openStore(file);
  ctx.open.push(store);
  return store;
}

function pragmas(store: Store) {
  return {
    journalMode: store.sqlite.pragma('journal_mode', { simple: true }),
    synchronous: store.sqlite.pragma('synchronous', { simple: true }),
    busyTimeout: store.sqlite.pragma('busy_timeout', { simple: true }),
    foreignKeys: store.sqlite.pragma('foreign_keys', { simple: true }),
  };
}

const durable = { journalMode: 'wal', synchronous: 2, busyTimeout: 5000, foreignKeys: 1 };

S('a fresh file opens in WAL with synchronous FULL', (ctx) => {
  const store = open(ctx, ctx.tmp.path('fresh.db'));
  assert.equal(pragmas(store), durable);
});

S('reopening an existing WAL file keeps synchronous FULL', (ctx) => {
  const file = ctx.tmp.path('reopen.db');
  openStore(file).close();
  assert.equal(pragmas(open(ctx, file)), durable);
});

S('a second connection while the -wal file exists gets the same pragmas', (ctx) => {
  const file = ctx.tmp.path('live.db');
  const first = open(ctx, file);
  first.sqlite.prepare('CREATE TABLE scratch (x)').run(); // something in the WAL
  assert.ok(existsSync(`${file}-wal`));
  assert.equal(pragmas(open(ctx, file)), durable);
});

S('a plain better-sqlite3 reopen would be NORMAL (why openStore sets it)', (ctx) => {
  const file = ctx.tmp.path('plain.db');
  openStore(file).close();
  const raw = new Database(file);
  try {
    assert.is(raw.pragma('synchronous', { simple: true }), 1);
  } finally {
    raw.close();
  }
});

S('creates missing parent directories', (ctx) => {
  const file = ctx.tmp.path('data', 'nested', 'skylapse.db');
  open(ctx, file);
  assert.ok(existsSync(file));
});

S('finds its migrations whatever the working directory', (ctx) => {
  const cwd = process.cwd();
  process.chdir(tmpdir());
  try {
    const store = open(ctx, ctx.tmp.path('elsewhere.db'));
    assert.ok(store.sqlite.prepare("SELECT 1 FROM sqlite_master WHERE name = 'events'").get());
  } finally {
    process.chdir(cwd);
  }
});

S(':memory: works (without WAL)', (ctx) => {
  const store = open(ctx, ':memory:');
  assert.is(store.sqlite.pragma('journal_mode', { simple: true }), 'memory');
  assert.is(store.sqlite.pragma('synchronous', { simple: true }), 2);
  assert.ok(store.sqlite.prepare("SELECT 1 FROM sqlite_master WHERE name = 'session_report'").get());
});

S('migrations are idempotent: a second open applies nothing', (ctx) => {
  const file = ctx.tmp.path('twice.db');
  const first = openStore(file);
  const applied = first.sqlite.prepare('SELECT hash, created_at FROM __drizzle_migrations ORDER BY id').all();
  const objects = first.sqlite.prepare('SELECT type, name FROM sqlite_master ORDER BY name').all();
  first.close();

  const second = open(ctx, file);
  assert.equal(second.sqlite.prepare('SELECT hash, created_at FROM __drizzle_migrations ORDER BY id').all(), applied);
  assert.equal(second.sqlite.prepare('SELECT type, name FROM sqlite_master ORDER BY name').all(), objects);
  assert.is(applied.length, journal.entries.length);
});

S("the journal's `when` values strictly increase (else migrate() skips entries)", () => {
  assert.ok(journal.entries.length >= 3);
  journal.entries.forEach((entry, i) => {
    assert.is(entry.idx, i);
    if (i > 0) assert.ok(entry.when > journal.entries[i - 1]!.when, `${entry.tag} is not newer than its predecessor`);
  });
});

S('every journal entry has its SQL file and every file is in the journal', () => {
  const files = readdirSync(drizzleDir).filter((name) => name.endsWith('.sql'));
  assert.equal(files.sort(), journal.entries.map((entry) => `${entry.tag}.sql`).sort());
});

S('each statement-breakpoint chunk holds exactly one statement', () => {
  const probe = new Database(':memory:');
  try {
    for (const entry of journal.entries) {
      const text = readFileSync(new URL(`${entry.tag}.sql`, drizzleDir), 'utf8');
      for (const chunk of text.split('--> statement-breakpoint')) {
        // Preparing a multi-statement or comment-only string throws; run it so later chunks can refer to it.
        probe.prepare(chunk).run();
      }
    }
  } finally {
    probe.close();
  }
});

S('close() checkpoints the WAL and is safe to call twice', (ctx) => {
  const file = ctx.tmp.path('close.db');
  const store = openStore(file);
  store.sqlite.prepare('CREATE TABLE scratch (x)').run();
  store.close();
  store.close();
  assert.not.ok(store.sqlite.open);
  assert.not.ok(existsSync(`${file}-wal`) && readFileSync(`${file}-wal`).length > 0);
});

S('an unusable file fails with STORE_OPEN_FAILED', (ctx) => {
  const file = ctx.tmp.path('not-a-db.db');
  // A directory where the database file should be.
  openStore(ctx.tmp.path('not-a-db.db', 'inner.db')).close();
  try {
    openStore(file);
    assert.unreachable('should have thrown');
  } catch (error) {
    assert.instance(error, StoreError);
    assert.is((error as StoreError).code, 'STORE_OPEN_FAILED');
  }
});

S('a readonly reader beside the writer reads, refuses writes, and leaves the writer\'s WAL alone', (ctx) => {
  const file = ctx.tmp.path('data', 'skylapse.db');
  const writer = open(ctx, file);
  writer.sqlite.prepare("INSERT INTO events (stream, version, type, data, at) VALUES ('camera', 1, 'x', '{}', 1)").run();
  const reader = openStore(file, { readonly: true });
  assert.is((reader.sqlite.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n, 1);
  assert.throws(() => reader.sqlite.prepare("INSERT INTO events (stream, version, type, data, at) VALUES ('camera', 2, 'x', '{}', 1)").run(), /readonly/);
  reader.close();
  assert.ok(existsSync(`${file}-wal`), 'the reader checkpointed the writer\'s WAL away');
  assert.throws(() => openStore(ctx.tmp.path('missing.db'), { readonly: true }), (e: unknown) => e instanceof StoreError && e.code === 'STORE_OPEN_FAILED');
});

/** A database as the migrations up to and including `lastTag` left it. */
function migratedUpTo(ctx: { tmp: TempDir }, file: string, lastTag: string): Database.Database {
  const folder = ctx.tmp.path('migrations-upto-' + lastTag);
  mkdirSync(`${folder}/meta`, { recursive: true });
  const entries = journal.entries.slice(0, journal.entries.findIndex((e) => e.tag === lastTag) + 1);
  for (const { tag } of entries) copyFileSync(new URL(`${tag}.sql`, drizzleDir), `${folder}/${tag}.sql`);
  writeFileSync(`${folder}/meta/_journal.json`, JSON.stringify({ ...journal, entries }));
  const sqlite = new Database(file);
  migrate(drizzle({ client: sqlite }), { migrationsFolder: folder });
  return sqlite;
}

S('0003 keeps the sessions, shots and events a 0000–0002 database holds', (ctx) => {
  const file = ctx.tmp.path('old.db');
  const old = migratedUpTo(ctx, file, '0002_report_views');
  old.exec(`
    INSERT INTO events (stream, version, type, data, state, at) VALUES ('session:a', 1, 'START', '{"type":"START"}', '"running"', 1000);
    INSERT INTO sessions (id, title, interval_ms, total_shots, stop_condition, started_at, status, ended_at, saved_at,
                          shots_ok, shots_failed, shots_skipped, first_file, last_file, last_seq)
      VALUES ('a', 'Orion', 30000, 3, 'stop-after', 1000, 'completed', 91000, NULL, 1, 1, 1, 'IMG_1.JPG', 'IMG_1.JPG', 1);
    INSERT INTO shots (session_id, number, planned_at, planned_mono, triggered_at, trigger_mono, lateness_ms, latency_ms, attempts, file, result)
      VALUES ('a', 1, 1000, 5, 1012, 17.5, 12.5, 180, 1, 'IMG_1.JPG', 'ok'),
             ('a', 2, 31000, 30005, NULL, NULL, NULL, NULL, 0, NULL, 'skipped');
    INSERT INTO shots (session_id, number, planned_at, planned_mono, attempts, file, result, error_code, error_message)
      VALUES ('a', 3, 61000, 60005, 3, NULL, 'failed', 'BUSY', 'busy');
  `);
  old.close();

  const store = open(ctx, file);
  assert.equal(store.sqlite.prepare('SELECT ok, failed, skipped, unknown, first_file, last_file FROM sessions').all(), [
    { ok: 1, failed: 1, skipped: 1, unknown: 0, first_file: 'IMG_1.JPG', last_file: 'IMG_1.JPG' },
  ]);
  const report = getReport(store, 'a')!;
  assert.equal([report.ok, report.failed, report.skipped, report.unknown, report.orphans], [1, 1, 1, 0, 0]);
  assert.equal(report.shots.map((r) => [r.number, r.files, r.result, r.reason, r.recovered, r.latenessMs, r.error?.code ?? null]), [
    [1, ['IMG_1.JPG'], 'ok', null, false, 12.5, null],
    [2, [], 'skipped', 'late', false, null, null],
    [3, [], 'failed', null, false, null, 'BUSY'],
  ]);
  assert.equal(store.sqlite.prepare('SELECT number, file, reason, recovered FROM shot_log').all(), [
    { number: 1, file: 'IMG_1.JPG', reason: null, recovered: 0 },
    { number: 2, file: null, reason: 'late', recovered: 0 },
    { number: 3, file: null, reason: null, recovered: 0 },
  ]);

  const log = new EventLog(store);
  assert.equal(log.readStream('session:a').map((e) => [e.version, e.type, e.machineVersion, e.facts]), [[1, 'START', null, []]]);
  const [next] = log.append('session:a', 1, [{ type: 'STOP', data: { type: 'STOP' }, at: 2000, machineVersion: 'v2', facts: [{ type: 'f', data: {} }] }]);
  assert.equal([next!.version, next!.facts[0]!.seq], [2, 1]);
  assert.throws(() => store.sqlite.prepare('DELETE FROM events').run(), /append-only/);
});

S('the newest snapshot is what store/schema.ts declares (drizzle-kit generate would write nothing)', async () => {
  const newest = journal.entries.at(-1)!;
  const snapshot = JSON.parse(readFileSync(new URL(`meta/${newest.tag.slice(0, 4)}_snapshot.json`, drizzleDir), 'utf8')) as Parameters<typeof generateSQLiteMigration>[0];
  assert.equal(await generateSQLiteMigration(snapshot, await generateSQLiteDrizzleJson(schema)), []);
});

// Column and index definitions as SQLite reports them, for comparing two databases. Column positions are left out:
// ALTER TABLE … ADD COLUMN appends where a fresh CREATE TABLE follows schema.ts.
function shape(sqlite: Database.Database, tables: string[]) {
  return tables.map((table) => ({
    table,
    columns: (sqlite.pragma(`table_xinfo(${table})`) as { cid: number; name: string }[])
      .map(({ cid: _position, ...column }) => column)
      .sort((a, b) => a.name.localeCompare(b.name)),
    indexes: (sqlite.pragma(`index_list(${table})`) as { name: string }[])
      .map((index) => ({ ...index, columns: sqlite.pragma(`index_info(${index.name})`) }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  }));
}

S('the migrations build the tables store/schema.ts declares', async (ctx) => {
  const tables = ['events', 'facts', 'sessions', 'shots', 'orphan_files'];
  const fresh = new Database(':memory:');
  try {
    const statements = await generateSQLiteMigration(await generateSQLiteDrizzleJson({}), await generateSQLiteDrizzleJson(schema));
    for (const statement of statements) fresh.exec(statement);
    assert.equal(shape(open(ctx, ctx.tmp.path('migrated.db')).sqlite, tables), shape(fresh, tables));
  } finally {
    fresh.close();
  }
});

S("the views run in the sqlite3 shell (the Pi's is 3.40)", (ctx) => {
  const file = ctx.tmp.path('shell.db');
  openStore(file).close();
  const shell = spawnSync('sqlite3', [file, 'SELECT count(*) FROM session_report; SELECT count(*) FROM shot_log;'], { encoding: 'utf8' });
  if (shell.error) {
    console.log(`  (sqlite3 shell not installed: ${shell.error.message}; view check skipped)`);
    return;
  }
  assert.is(shell.stderr, '');
  assert.is(shell.stdout, '0\n0\n');
});

S.run();
