// Opens the SQLite file with the durability settings skylapse relies on, and brings its schema up to date.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { StoreError } from './errors.ts';
import * as schema from './schema.ts';

export type Schema = typeof schema;

export interface Store {
  db: BetterSQLite3Database<Schema>;
  sqlite: Database.Database;
  /** Checkpoints the WAL into the main file and closes. Safe to call twice. */
  close(): void;
}

// Resolved from this module, not the cwd: under systemd the cwd is usually '/'.
const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));

const isInMemory = (file: string): boolean => file === ':memory:' || file === '' || file.startsWith('file::memory:');

/**
 * Opens the store. The writer (the server) migrates and sets the durability pragmas. A `readonly` reader (the report
 * CLI, possibly beside a running server) writes nothing, never migrates and never checkpoints on close, so it cannot
 * hold up the server's appends.
 */
export function openStore(file: string, opts: { readonly?: boolean } = {}): Store {
  let sqlite: Database.Database;
  try {
    if (!isInMemory(file) && !opts.readonly) mkdirSync(dirname(file), { recursive: true });
    sqlite = new Database(file, opts.readonly ? { readonly: true, fileMustExist: true } : {});
  } catch (cause) {
    throw new StoreError('STORE_OPEN_FAILED', `cannot open database ${file}: ${(cause as Error).message}`, { cause });
  }

  try {
    const db = drizzle({ client: sqlite, schema });
    if (opts.readonly) {
      sqlite.pragma('busy_timeout = 5000');
      return { db, sqlite, close: () => sqlite.close() };
    }
    configure(sqlite);
    migrate(db, { migrationsFolder });
    return { db, sqlite, close: () => closeStore(sqlite) };
  } catch (cause) {
    sqlite.close();
    throw new StoreError('STORE_OPEN_FAILED', `cannot prepare database ${file}: ${(cause as Error).message}`, { cause });
  }
}

// Order matters: synchronous must follow journal_mode, because better-sqlite3 is built with
// SQLITE_DEFAULT_WAL_SYNCHRONOUS=1 and would reopen an existing WAL file at NORMAL — commits could then roll
// back on power loss. In-memory databases stay in 'memory' journal mode; that is expected.
function configure(sqlite: Database.Database): void {
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
}

function closeStore(sqlite: Database.Database): void {
  if (!sqlite.open) return;
  // Leaves no -wal file behind after a graceful shutdown; never delete -wal/-shm by hand.
  try {
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    sqlite.close();
  }
}
