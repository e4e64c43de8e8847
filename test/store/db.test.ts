import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import Database from 'better-sqlite3';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { openStore, type Store } from '../../store/db.ts';
import { StoreError } from '../../store/errors.ts';
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

S.run();
