// Row types of the SQL views created by drizzle/0002_report_views.sql. Declared `.existing()`, so drizzle can
// query them but drizzle-kit never generates DDL for them; keep both files in step.
import { integer, real, sqliteView, text } from 'drizzle-orm/sqlite-core';

const reportReasons = ['completed', 'stopped', 'failed', 'interrupted'] as const;
const shotResults = ['ok', 'failed', 'skipped'] as const;

export const sessionReport = sqliteView('session_report', {
  id: text('id').notNull(),
  title: text('title').notNull(),
  reason: text('reason', { enum: reportReasons }).notNull(),
  startedAt: text('started_at').notNull(),
  endedAt: text('ended_at'),
  durationS: real('duration_s'),
  intervalS: real('interval_s').notNull(),
  plannedShots: integer('planned_shots'),
  ok: integer('ok').notNull(),
  failed: integer('failed').notNull(),
  skipped: integer('skipped').notNull(),
  firstFile: text('first_file'),
  lastFile: text('last_file'),
  latenessP50Ms: real('lateness_p50_ms'),
  latenessMaxMs: real('lateness_max_ms'),
  errorCode: text('error_code'),
  errorMessage: text('error_message'),
  savedAt: text('saved_at'),
  startedMs: integer('started_ms').notNull(),
  endedMs: integer('ended_ms'),
  savedMs: integer('saved_ms'),
}).existing();

export const shotLog = sqliteView('shot_log', {
  sessionId: text('session_id').notNull(),
  number: integer('number').notNull(),
  plannedAt: text('planned_at').notNull(),
  triggeredAt: text('triggered_at'),
  latenessMs: real('lateness_ms'),
  latencyMs: real('latency_ms'),
  attempts: integer('attempts').notNull(),
  file: text('file'),
  result: text('result', { enum: shotResults }).notNull(),
  error: text('error'),
}).existing();
