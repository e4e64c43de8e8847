// Row type of the session_report view created by drizzle/0004_report_plans_holds.sql (before by 0002 and 0003);
// shot_log is read only by people, with sqlite3. Declared `.existing()`, so drizzle can query it but drizzle-kit never
// generates DDL for it; keep both files in step.
import { integer, real, sqliteView, text } from 'drizzle-orm/sqlite-core';

const reportReasons = ['completed', 'stopped', 'failed', 'interrupted'] as const;

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
  unknown: integer('unknown').notNull(),
  orphans: integer('orphans').notNull(),
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
  stopCondition: text('stop_condition').notNull(),
  stopReason: text('stop_reason'),
  timeZone: text('time_zone'),
  latenessP99Ms: real('lateness_p99_ms'),
  deletedAt: text('deleted_at'),
  deletedMs: integer('deleted_ms'),
}).existing();
