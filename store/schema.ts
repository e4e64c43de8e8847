// Tables of the skylapse database. drizzle-kit generates migrations from this file only; the hand-written
// parts (append-only triggers, report views) live in custom migrations under drizzle/, and the views' row
// types in ./views.ts.
//
// Evolving `events`: additive, nullable/defaulted ALTER TABLE … ADD COLUMN only, reviewed by hand. Never let
// drizzle-kit recreate it (copy/drop/rename) — that path has lost data (stack-notes §6).
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { SessionStatus, ShotResultKind, StopCondition } from '../machines/session-facts.ts';

const sessionStatuses = ['running', 'completed', 'stopped', 'failed', 'interrupted', 'discarded'] as const satisfies readonly SessionStatus[];
const shotResults = ['ok', 'failed', 'skipped'] as const satisfies readonly ShotResultKind[];
const stopConditions = ['unlimited', 'stop-after'] as const satisfies readonly StopCondition[];

/** The durable record: one row per machine event, never updated or deleted (enforced by triggers). */
export const events = sqliteTable(
  'events',
  {
    /** Global position, for checkpoints of projections and subscribers. */
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    stream: text('stream').notNull(),
    /** 1-based position within the stream; (stream, version) is unique, which backs the optimistic check. */
    version: integer('version').notNull(),
    type: text('type').notNull(),
    /** The machine event object, as JSON. */
    data: text('data', { mode: 'json' }).notNull(),
    /** The machine's state value after the event, for people reading the log. */
    state: text('state', { mode: 'json' }),
    /** Wall-clock epoch ms. */
    at: integer('at').notNull(),
  },
  (t) => [uniqueIndex('events_stream_version_uq').on(t.stream, t.version), index('events_type_idx').on(t.type)],
);

/** Projection: one row per intervalometer session. Rebuildable from `events`. */
export const sessions = sqliteTable('sessions', {
  id: text('id').primaryKey(),
  title: text('title').notNull(),
  intervalMs: integer('interval_ms').notNull(),
  totalShots: integer('total_shots'),
  stopCondition: text('stop_condition', { enum: stopConditions }).notNull(),
  /** Wall-clock label of slot 0 (epoch ms). */
  startedAt: integer('started_at').notNull(),
  status: text('status', { enum: sessionStatuses }).notNull(),
  endedAt: integer('ended_at'),
  errorCode: text('error_code'),
  errorMessage: text('error_message'),
  /** Set when an interrupted session is saved as a report (together with its new title). */
  savedAt: integer('saved_at'),
  shotsOk: integer('shots_ok').notNull().default(0),
  shotsFailed: integer('shots_failed').notNull().default(0),
  shotsSkipped: integer('shots_skipped').notNull().default(0),
  firstFile: text('first_file'),
  lastFile: text('last_file'),
  /** Global seq of the last event applied to this row. */
  lastSeq: integer('last_seq').notNull(),
});

/** Projection: one row per slot of a session's grid. */
export const shots = sqliteTable(
  'shots',
  {
    // No foreign key to sessions: projections are rebuildable, and FKs make drizzle-kit table recreates dangerous.
    sessionId: text('session_id').notNull(),
    /** 1-based slot number. */
    number: integer('number').notNull(),
    plannedAt: integer('planned_at').notNull(),
    plannedMono: real('planned_mono').notNull(),
    triggeredAt: integer('triggered_at'),
    triggerMono: real('trigger_mono'),
    // Differences of monotonic times: fractional ms.
    latenessMs: real('lateness_ms'),
    latencyMs: real('latency_ms'),
    attempts: integer('attempts').notNull(),
    file: text('file'),
    result: text('result', { enum: shotResults }).notNull(),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.number] })],
);
