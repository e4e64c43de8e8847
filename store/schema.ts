// Tables of the skylapse database. drizzle-kit generates migrations from this file only; the hand-written
// parts (append-only triggers, report views, and migrations that must keep data) live in custom migrations under
// drizzle/, and the views' row types in ./views.ts.
//
// Evolving `events` and `facts`: additive, nullable/defaulted ALTER TABLE … ADD COLUMN only, reviewed by hand. Never
// let drizzle-kit recreate them (copy/drop/rename) — that path has lost data.
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { SessionPlan, SessionStatus, ShotResultKind, SkipReason, StopCondition } from '../machines/session-facts.ts';

const sessionStatuses = ['scheduled', 'running', 'suspended', 'completed', 'stopped', 'failed', 'interrupted', 'discarded'] as const satisfies readonly SessionStatus[];
const shotResults = ['ok', 'failed', 'skipped', 'unknown'] as const satisfies readonly ShotResultKind[];
const skipReasons = ['late', 'controller_offline', 'paused', 'camera_offline', 'camera_hot', 'failed_in_row'] as const satisfies readonly SkipReason[];
const stopConditions = ['unlimited', 'stop-after', 'stop-at', 'duration'] as const satisfies readonly StopCondition[];

/** The durable record: one row per machine event, never updated or deleted (enforced by triggers). */
export const events = sqliteTable(
  'events',
  {
    /** Global position, for checkpoints of projections. */
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
    /** Version of the machine definition that folded the event; null for events logged before it was recorded. */
    machineVersion: text('machine_version'),
  },
  (t) => [
    uniqueIndex('events_stream_version_uq').on(t.stream, t.version),
    index('events_type_idx').on(t.type),
    // Backs lastVersionOfType(): the newest event of a type in a stream is one index seek, however long the log.
    index('events_stream_type_version_idx').on(t.stream, t.type, t.version),
  ],
);

/**
 * What the machines said on each logged transition: one row per fact, stored in the event's transaction and, like
 * it, never updated or deleted. `seq` is the position clients see in broadcasts and resume from.
 */
export const facts = sqliteTable(
  'facts',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    /** The event that produced the fact (events.seq). No foreign key: nothing may cascade into the log. */
    eventSeq: integer('event_seq').notNull(),
    stream: text('stream').notNull(),
    type: text('type').notNull(),
    /** The whole fact object, its `type` included, as JSON. */
    data: text('data', { mode: 'json' }).notNull(),
    /** Wall-clock epoch ms of the event. */
    at: integer('at').notNull(),
  },
  (t) => [index('facts_event_seq_idx').on(t.eventSeq)],
);

/** Projection: one row per intervalometer session. Rebuildable from the facts. */
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
  // Slots by result (ShotCounts): always equal to the session's `shots` rows counted by result.
  ok: integer('ok').notNull().default(0),
  failed: integer('failed').notNull().default(0),
  skipped: integer('skipped').notNull().default(0),
  unknown: integer('unknown').notNull().default(0),
  /** First file of the session's first slot with files, and last file of its last one (slot order). */
  firstFile: text('first_file'),
  lastFile: text('last_file'),
  /** Global seq of the last event applied to this row. */
  lastSeq: integer('last_seq').notNull(),
  /** The whole plan as started (stop time, zone, the camera at start), JSON; null for sessions logged before. */
  plan: text('plan', { mode: 'json' }).$type<SessionPlan>(),
  /** For a stopped session: who or what stopped it (`user`, `controller_battery`, …). */
  stopReason: text('stop_reason'),
  /** Set when the report is deleted (hidden); cleared when it is restored. */
  deletedAt: integer('deleted_at'),
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
    /** Every file of the release, in the camera's order, as a JSON array. */
    files: text('files', { mode: 'json' }).$type<string[]>().notNull().default([]),
    result: text('result', { enum: shotResults }).notNull(),
    reason: text('reason', { enum: skipReasons }),
    recovered: integer('recovered', { mode: 'boolean' }).notNull().default(false),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
  },
  (t) => [
    primaryKey({ columns: [t.sessionId, t.number] }),
    // Slots that have files: a session's first and last file are one seek each (see projections.ts).
    index('shots_with_files_idx').on(t.sessionId, t.number).where(sql`${t.files} <> '[]'`),
  ],
);

/** Projection: files on the card, written during a session, that match none of its slots. */
export const orphanFiles = sqliteTable(
  'orphan_files',
  {
    sessionId: text('session_id').notNull(),
    /** As the camera names it, e.g. `100CANON/IMG_0042.JPG`. */
    path: text('path').notNull(),
    /** Epoch ms when the camera tells it. */
    capturedAt: integer('captured_at'),
    /** Global seq of the event whose fact listed the file. */
    seq: integer('seq').notNull(),
  },
  (t) => [primaryKey({ columns: [t.sessionId, t.path] })],
);
