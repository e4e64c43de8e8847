// The append-only event log: one stream per machine (or per session), optimistic concurrency by stream version.
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { SQLiteTransaction } from 'drizzle-orm/sqlite-core';
import type { RunResult, Statement } from 'better-sqlite3';
import type { Schema, Store } from './db.ts';
import { StoreError } from './errors.ts';

/** A drizzle transaction on the store's connection; projections write through it. */
export type Tx = SQLiteTransaction<'sync', RunResult, Schema, ExtractTablesWithRelations<Schema>>;

export interface NewEvent {
  type: string;
  data: unknown;
  state?: unknown;
  at: number;
}

export interface RecordedEvent {
  seq: number;
  stream: string;
  version: number;
  type: string;
  data: unknown;
  state: unknown;
  at: number;
}

export class VersionConflictError extends Error {
  readonly code = 'VERSION_CONFLICT';
  override readonly name = 'VersionConflictError';

  constructor(
    readonly stream: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`stream ${stream} is at version ${actual}, expected ${expected}`);
  }
}

interface EventRow {
  seq: number;
  stream: string;
  version: number;
  type: string;
  data: string;
  state: string | null;
  at: number;
}

interface EncodedEvent {
  type: string;
  data: string;
  state: string | null;
  at: number;
}

const columns = 'seq, stream, version, type, data, state, at';

export class EventLog {
  private readonly db: Store['db'];
  // Raw prepared statements: append runs on every machine transition, and encoding stays under our control
  // (the JSON text is built before the transaction opens, so a bad payload never takes the write lock).
  private readonly versionOf: Statement<[string], number>;
  private readonly insert: Statement<[Omit<EventRow, 'seq'>], number>;
  private readonly byStream: Statement<[string], EventRow>;
  private readonly afterSeq: Statement<[number, number], EventRow>;
  private readonly maxSeq: Statement<[], number>;

  constructor(store: Store) {
    this.db = store.db;
    const { sqlite } = store;
    // max() over the (stream, version) unique index is a single index lookup.
    this.versionOf = sqlite.prepare<[string], number>('SELECT coalesce(max(version), 0) FROM events WHERE stream = ?').pluck();
    this.insert = sqlite.prepare<[Omit<EventRow, 'seq'>], number>(
      'INSERT INTO events (stream, version, type, data, state, at) VALUES (@stream, @version, @type, @data, @state, @at) RETURNING seq',
    ).pluck();
    this.byStream = sqlite.prepare(`SELECT ${columns} FROM events WHERE stream = ? ORDER BY version`);
    this.afterSeq = sqlite.prepare(`SELECT ${columns} FROM events WHERE seq > ? ORDER BY seq LIMIT ?`);
    this.maxSeq = sqlite.prepare<[], number>('SELECT coalesce(max(seq), 0) FROM events').pluck();
  }

  /**
   * Appends in one IMMEDIATE transaction: checks the stream's current version equals expectedVersion
   * (0 = new stream), inserts, then calls `project(tx, recorded)` for each recorded event inside the same
   * transaction. Returns the recorded events (with seq). Throws VersionConflictError on mismatch; nothing is
   * written then. If `project` throws, the whole append is rolled back and the error rethrown.
   */
  append(
    stream: string,
    expectedVersion: number,
    events: NewEvent[],
    project?: (tx: Tx, recorded: RecordedEvent) => void,
  ): RecordedEvent[] {
    if (!Number.isSafeInteger(expectedVersion) || expectedVersion < 0) {
      throw new StoreError('INVALID_ARGUMENT', `expected version must be a non-negative integer, got ${expectedVersion}`);
    }
    const encoded = events.map((event) => encode(stream, event));

    return this.db.transaction(
      (tx) => {
        const actual = this.versionOf.get(stream) ?? 0;
        if (actual !== expectedVersion) throw new VersionConflictError(stream, expectedVersion, actual);

        const recorded = encoded.map((event, i) => {
          const row = { stream, version: expectedVersion + i + 1, ...event };
          const seq = this.insert.get(row) as number; // RETURNING always yields the inserted row
          return decode({ seq, ...row });
        });
        if (project) for (const event of recorded) project(tx, event);
        return recorded;
      },
      { behavior: 'immediate' },
    );
  }

  readStream(stream: string): RecordedEvent[] {
    return this.byStream.all(stream).map(decode);
  }

  /** Events with seq > afterSeq in global order; at most `limit` of them when given. */
  readAll(afterSeq = 0, limit?: number): RecordedEvent[] {
    if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) {
      throw new StoreError('INVALID_ARGUMENT', `limit must be a non-negative integer, got ${limit}`);
    }
    return this.afterSeq.all(afterSeq, limit ?? -1).map(decode); // LIMIT -1 = no limit in SQLite
  }

  /** 0 when the stream does not exist. */
  version(stream: string): number {
    return this.versionOf.get(stream) ?? 0;
  }

  /** 0 when the log is empty. */
  lastSeq(): number {
    return this.maxSeq.get() ?? 0;
  }
}

function encode(stream: string, event: NewEvent): EncodedEvent {
  try {
    if (!Number.isFinite(event.at)) throw new Error(`at must be epoch ms, got ${event.at}`);
    const data = JSON.stringify(event.data);
    // JSON.stringify(undefined) is undefined, not text; the column is NOT NULL.
    if (data === undefined) throw new Error('data is not JSON-serialisable');
    const state = event.state === undefined ? null : (JSON.stringify(event.state) ?? null);
    return { type: event.type, data, state, at: event.at };
  } catch (cause) {
    throw new StoreError('INVALID_EVENT', `cannot record ${event.type} on ${stream}: ${(cause as Error).message}`, { cause });
  }
}

// Recorded events are always decoded from the stored text, so a projection sees the same values live as it
// would when rebuilt from the log (no Dates, no undefined fields).
function decode(row: EventRow): RecordedEvent {
  return {
    seq: row.seq,
    stream: row.stream,
    version: row.version,
    type: row.type,
    data: JSON.parse(row.data) as unknown,
    state: row.state === null ? null : (JSON.parse(row.state) as unknown),
    at: row.at,
  };
}
