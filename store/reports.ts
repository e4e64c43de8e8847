// Read side for the CLI (`skylapse report …`) and the server: reports, open sessions, shot lists.
// Times come both as epoch ms (`…At`, like the facts) and as UTC ISO-8601 text (`…AtIso`).
import { and, asc, desc, eq, isNull, or } from 'drizzle-orm';
import type { ErrorInfo, ShotRecord } from '../machines/session-facts.ts';
import type { Store } from './db.ts';
import { sessions, shots } from './schema.ts';
import { sessionReport } from './views.ts';

export interface ReportSummary {
  id: string;
  title: string;
  /** Why the session ended: its final status. */
  reason: 'completed' | 'stopped' | 'failed' | 'interrupted';
  startedAt: number;
  startedAtIso: string;
  endedAt: number | null;
  endedAtIso: string | null;
  /** Set for interrupted sessions saved as a report. */
  savedAt: number | null;
  savedAtIso: string | null;
  durationS: number | null;
  intervalS: number;
  /** null for unlimited sessions. */
  plannedShots: number | null;
  shotsOk: number;
  shotsFailed: number;
  shotsSkipped: number;
  firstFile: string | null;
  lastFile: string | null;
  /** Lower median of the shots' lateness, rounded to 0.1 ms. */
  latenessP50Ms: number | null;
  latenessMaxMs: number | null;
  error: ErrorInfo | null;
}

/** A logged shot as the store gives it back: the machine's record plus its session and readable times. */
export interface ShotRow extends ShotRecord {
  sessionId: string;
  plannedAtIso: string;
  triggeredAtIso: string | null;
}

export interface OpenSession {
  id: string;
  status: 'running' | 'interrupted';
}

export type Report = ReportSummary & { shots: ShotRow[] };

/** Every report, newest first. */
export function listReports(store: Store): ReportSummary[] {
  return store.db
    .select()
    .from(sessionReport)
    .orderBy(desc(sessionReport.startedMs), asc(sessionReport.id))
    .all()
    .map(toSummary);
}

/** A report with its shots; null when `id` is not a report (unknown, running, unsaved or discarded). */
export function getReport(store: Store, id: string): Report | null {
  const row = store.db.select().from(sessionReport).where(eq(sessionReport.id, id)).get();
  return row ? { ...toSummary(row), shots: getSessionShots(store, id) } : null;
}

/** Sessions to recover at start: running ones, and interrupted ones not yet saved (or discarded). */
export function openSessions(store: Store): OpenSession[] {
  return store.db
    .select({ id: sessions.id, status: sessions.status })
    .from(sessions)
    .where(or(eq(sessions.status, 'running'), and(eq(sessions.status, 'interrupted'), isNull(sessions.savedAt))))
    .orderBy(asc(sessions.startedAt), asc(sessions.id))
    .all()
    .map(({ id, status }) => ({ id, status: status as OpenSession['status'] })); // narrowed by the WHERE above
}

/** The session's slots in grid order (any status; empty for an unknown id). */
export function getSessionShots(store: Store, id: string): ShotRow[] {
  return store.db.select().from(shots).where(eq(shots.sessionId, id)).orderBy(asc(shots.number)).all().map(toShotRow);
}

function toSummary(row: typeof sessionReport.$inferSelect): ReportSummary {
  return {
    id: row.id,
    title: row.title,
    reason: row.reason,
    startedAt: row.startedMs,
    startedAtIso: row.startedAt,
    endedAt: row.endedMs,
    endedAtIso: row.endedAt,
    savedAt: row.savedMs,
    savedAtIso: row.savedAt,
    durationS: row.durationS,
    intervalS: row.intervalS,
    plannedShots: row.plannedShots,
    shotsOk: row.ok,
    shotsFailed: row.failed,
    shotsSkipped: row.skipped,
    firstFile: row.firstFile,
    lastFile: row.lastFile,
    latenessP50Ms: row.latenessP50Ms,
    latenessMaxMs: row.latenessMaxMs,
    error: errorInfo(row.errorCode, row.errorMessage),
  };
}

function toShotRow(row: typeof shots.$inferSelect): ShotRow {
  return {
    sessionId: row.sessionId,
    number: row.number,
    plannedAt: row.plannedAt,
    plannedAtIso: iso(row.plannedAt),
    plannedMono: row.plannedMono,
    triggeredAt: row.triggeredAt,
    triggeredAtIso: row.triggeredAt === null ? null : iso(row.triggeredAt),
    triggerMono: row.triggerMono,
    latenessMs: row.latenessMs,
    latencyMs: row.latencyMs,
    attempts: row.attempts,
    file: row.file,
    result: row.result,
    error: errorInfo(row.errorCode, row.errorMessage),
  };
}

// Same text as the views' strftime('%Y-%m-%dT%H:%M:%fZ', …).
const iso = (ms: number): string => new Date(ms).toISOString();

const errorInfo = (code: string | null, message: string | null): ErrorInfo | null =>
  code === null ? null : { code, message: message ?? '' };
