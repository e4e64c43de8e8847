// The append-only event log: one stream per machine (or per session), optimistic concurrency by stream version.
// Each event carries the facts its transition produced; they are stored beside it, in the same transaction, as rows
// with a seq of their own (the position clients see and resume from).
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { SQLiteTransaction } from 'drizzle-orm/sqlite-core';
import type { RunResult, Statement } from 'better-sqlite3';
import type { Schema, Store } from './db.ts';
import { StoreError } from './errors.ts';

/** A drizzle transaction on the store's connection; projections write through it. */
export type Tx = SQLiteTransaction<'sync', RunResult, Schema, ExtractTablesWithRelations<Schema>>;

export interface NewFact {
  type: string;
  /** The whole fact object, its `type` included. */
  data: unknown;
}

export interface NewEvent {
  type: string;
  data: unknown;
  state?: unknown;
  at: number;
  /** Version of the machine definition that folded the event. */
  machineVersion: string;
  /** What the transition said, in order; stored with the event and given to `project` with it. */
  facts: NewFact[];
}

export interface RecordedFact {
  /** Broadcast position: strictly increasing across the whole log. */
  seq: number;
  /** The event that produced it. */
  eventSeq: number;
  stream: string;
  type: string;
  data: unknown;
  /** The event's wall-clock time. */
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
  /** null for events logged before machine versions were recorded. */
  machineVersion: string | null;
  facts: RecordedFact[];
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
  machineVersion: string | null;
}

interface FactRow {
  seq: number;
  eventSeq: number;
  stream: string;
  type: string;
  data: string;
  at: number;
}

type EncodedEvent = Omit<EventRow, 'seq' | 'stream' | 'version'> & { facts: { type: string; data: string }[] };

const eventColumns = 'seq, stream, version, type, data, state, at, machine_version AS machineVersion';
const factColumns = 'seq, event_seq AS eventSeq, stream, type, data, at';

export class EventLog {
  private readonly db: Store['db'];
  // Raw prepared statements: append runs on every machine transition, and encoding stays under our control
  // (the JSON text is built before the transaction opens, so a bad payload never takes the write lock).
  private readonly versionOf: Statement<[string], number>;
  private readonly insertEvent: Statement<[Omit<EventRow, 'seq'>], number>;
  private readonly insertFact: Statement<[Omit<FactRow, 'seq'>], number>;
  private readonly eventsOfStream: Statement<[string, number], EventRow>;
  private readonly factsOfStream: Statement<[string, number], FactRow>;
  private readonly eventsAfter: Statement<[number, number], EventRow>;
  private readonly factsOfEvents: Statement<[number, number], FactRow>;
  private readonly lastOfType: Statement<[string, string], number>;
  private readonly factsAfter: Statement<[number, number], FactRow>;
  private readonly maxSeq: Statement<[], number>;
  private readonly maxFactSeq: Statement<[], number>;

  constructor(store: Store) {
    this.db = store.db;
    const { sqlite } = store;
    // max() over the (stream, version) unique index is a single index lookup.
    this.versionOf = sqlite.prepare<[string], number>('SELECT coalesce(max(version), 0) FROM events WHERE stream = ?').pluck();
    this.insertEvent = sqlite.prepare<[Omit<EventRow, 'seq'>], number>(
      `INSERT INTO events (stream, version, type, data, state, at, machine_version)
       VALUES (@stream, @version, @type, @data, @state, @at, @machineVersion) RETURNING seq`,
    ).pluck();
    this.insertFact = sqlite.prepare<[Omit<FactRow, 'seq'>], number>(
      'INSERT INTO facts (event_seq, stream, type, data, at) VALUES (@eventSeq, @stream, @type, @data, @at) RETURNING seq',
    ).pluck();
    this.eventsOfStream = sqlite.prepare(`SELECT ${eventColumns} FROM events WHERE stream = ? AND version >= ? ORDER BY version`);
    this.factsOfStream = sqlite.prepare(
      `SELECT f.seq, f.event_seq AS eventSeq, f.stream, f.type, f.data, f.at FROM facts AS f
       JOIN events AS e ON e.seq = f.event_seq WHERE e.stream = ? AND e.version >= ? ORDER BY f.seq`,
    );
    this.eventsAfter = sqlite.prepare(`SELECT ${eventColumns} FROM events WHERE seq > ? ORDER BY seq LIMIT ?`);
    this.factsOfEvents = sqlite.prepare(`SELECT ${factColumns} FROM facts WHERE event_seq > ? AND event_seq <= ? ORDER BY seq`);
    // Served by the (stream, type, version) index: one seek, however long the log.
    this.lastOfType = sqlite.prepare<[string, string], number>(
      'SELECT coalesce(max(version), 0) FROM events WHERE stream = ? AND type = ?',
    ).pluck();
    this.factsAfter = sqlite.prepare(`SELECT ${factColumns} FROM facts WHERE seq > ? ORDER BY seq LIMIT ?`);
    this.maxSeq = sqlite.prepare<[], number>('SELECT coalesce(max(seq), 0) FROM events').pluck();
    this.maxFactSeq = sqlite.prepare<[], number>('SELECT coalesce(max(seq), 0) FROM facts').pluck();
  }

  /**
   * Appends in one IMMEDIATE transaction: checks the stream's current version equals expectedVersion
   * (0 = new stream), inserts the events and their facts, then calls `project(tx, recorded)` for each recorded
   * event inside the same transaction. Returns the recorded events (with seqs). Throws VersionConflictError on
   * mismatch; nothing is written then. If `project` throws, the whole append is rolled back and the error rethrown.
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

        const recorded = encoded.map(({ facts, ...event }, i) => {
          const row = { stream, version: expectedVersion + i + 1, ...event };
          const seq = this.insertEvent.get(row) as number; // RETURNING always yields the inserted row
          const factRows = facts.map((fact) => {
            const factRow = { eventSeq: seq, stream, type: fact.type, data: fact.data, at: event.at };
            return { seq: this.insertFact.get(factRow) as number, ...factRow };
          });
          return decode({ seq, ...row }, factRows);
        });
        if (project) for (const event of recorded) project(tx, event);
        return recorded;
      },
      { behavior: 'immediate' },
    );
  }

  /** The stream's events with version ≥ fromVersion, in order, with their facts. */
  readStream(stream: string, fromVersion = 1): RecordedEvent[] {
    return withFacts(this.eventsOfStream.all(stream, fromVersion), this.factsOfStream.all(stream, fromVersion));
  }

  /** Events with seq > afterSeq in global order, with their facts; at most `limit` of them when given. */
  readAll(afterSeq = 0, limit?: number): RecordedEvent[] {
    const rows = this.eventsAfter.all(afterSeq, checkedLimit(limit));
    const last = rows.at(-1);
    // A page is a contiguous seq range, so its facts are one range of event_seq.
    return withFacts(rows, last ? this.factsOfEvents.all(afterSeq, last.seq) : []);
  }

  /** Facts with seq > afterSeq in seq order; at most `limit` of them when given. */
  readFacts(afterSeq = 0, limit?: number): RecordedFact[] {
    return this.factsAfter.all(afterSeq, checkedLimit(limit)).map(decodeFact);
  }

  /** 0 when the stream does not exist. */
  version(stream: string): number {
    return this.versionOf.get(stream) ?? 0;
  }

  /** Version of the stream's newest event of `type`; 0 when it has none. */
  lastVersionOfType(stream: string, type: string): number {
    return this.lastOfType.get(stream, type) ?? 0;
  }

  /** 0 when the log is empty. */
  lastSeq(): number {
    return this.maxSeq.get() ?? 0;
  }

  /** Seq of the newest fact; 0 when there is none. */
  lastFactSeq(): number {
    return this.maxFactSeq.get() ?? 0;
  }
}

// SQLite reads LIMIT -1 as no limit.
function checkedLimit(limit: number | undefined): number {
  if (limit === undefined) return -1;
  if (!Number.isSafeInteger(limit) || limit < 0) {
    throw new StoreError('INVALID_ARGUMENT', `limit must be a non-negative integer, got ${limit}`);
  }
  return limit;
}

function encode(stream: string, event: NewEvent): EncodedEvent {
  try {
    if (!Number.isFinite(event.at)) throw new Error(`at must be epoch ms, got ${event.at}`);
    if (typeof event.machineVersion !== 'string') throw new Error('machineVersion must be a string');
    const state = event.state === undefined ? null : (JSON.stringify(event.state) ?? null);
    const facts = event.facts.map((fact) => ({ type: fact.type, data: json(fact.data, `fact ${fact.type}`) }));
    return { type: event.type, data: json(event.data, 'data'), state, at: event.at, machineVersion: event.machineVersion, facts };
  } catch (cause) {
    throw new StoreError('INVALID_EVENT', `cannot record ${event.type} on ${stream}: ${(cause as Error).message}`, { cause });
  }
}

// Names what failed (the event's data or which fact). JSON.stringify(undefined) is undefined, not text; the data
// columns are NOT NULL.
function json(value: unknown, what: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (cause) {
    throw new Error(`${what}: ${(cause as Error).message}`, { cause });
  }
  if (text === undefined) throw new Error(`${what} is not JSON-serialisable`);
  return text;
}

function withFacts(rows: EventRow[], factRows: FactRow[]): RecordedEvent[] {
  const byEvent = new Map<number, FactRow[]>();
  for (const fact of factRows) {
    const list = byEvent.get(fact.eventSeq);
    if (list) list.push(fact);
    else byEvent.set(fact.eventSeq, [fact]);
  }
  return rows.map((row) => decode(row, byEvent.get(row.seq) ?? []));
}

// Recorded events and facts are always decoded from the stored text, so a projection sees the same values live as
// it would when rebuilt from the log (no Dates, no undefined fields).
function decode(row: EventRow, facts: FactRow[]): RecordedEvent {
  return {
    seq: row.seq,
    stream: row.stream,
    version: row.version,
    type: row.type,
    data: JSON.parse(row.data) as unknown,
    state: row.state === null ? null : (JSON.parse(row.state) as unknown),
    at: row.at,
    machineVersion: row.machineVersion,
    facts: facts.map(decodeFact),
  };
}

function decodeFact(row: FactRow): RecordedFact {
  return { ...row, data: JSON.parse(row.data) as unknown };
}
