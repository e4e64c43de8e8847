// Read side for the CLI (`skylapse report …`) and the server: reports, open sessions, shot lists.
// Times come both as epoch ms (`…At`, like the facts) and as UTC ISO-8601 text (`…AtIso`).
import { and, asc, desc, eq, gte, inArray, isNull, or } from 'drizzle-orm';
import type { CardFile } from '../machines/camera-port.ts';
import type { ErrorInfo, SessionStatus, ShotCounts, ShotRecord } from '../machines/session-facts.ts';
import type { Store } from './db.ts';
import { StoreError } from './errors.ts';
import { orphanFiles, sessions, shots } from './schema.ts';
import { sessionReport } from './views.ts';

export interface ReportSummary extends ShotCounts {
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
  /** Files on the card from the session that match no slot. */
  orphans: number;
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

export interface OrphanFile extends CardFile {
  capturedAtIso: string | null;
}

export interface OpenSession {
  id: string;
  status: Extract<SessionStatus, 'running' | 'suspended' | 'interrupted'>;
}

/** The whole report, for the CLI. Unbounded: the wire gets a ReportSummary and pages of shots instead. */
export type Report = ReportSummary & { shots: ShotRow[]; orphanFiles: OrphanFile[] };

export interface ShotPage {
  /** First slot number to return (1-based). */
  fromNumber?: number;
  /** At most this many rows. */
  limit?: number;
}

/** Every report, newest first. */
export function listReports(store: Store): ReportSummary[] {
  return store.db
    .select()
    .from(sessionReport)
    .orderBy(desc(sessionReport.startedMs), asc(sessionReport.id))
    .all()
    .map(toSummary);
}

/** A report without its shots; null when `id` is not a report (unknown, running, suspended, unsaved or discarded). */
export function getReportSummary(store: Store, id: string): ReportSummary | null {
  const row = store.db.select().from(sessionReport).where(eq(sessionReport.id, id)).get();
  return row ? toSummary(row) : null;
}

/** A report with every shot and orphan file (`skylapse report show`); null like getReportSummary. */
export function getReport(store: Store, id: string): Report | null {
  const summary = getReportSummary(store, id);
  if (!summary) return null;
  const orphans = store.db.select().from(orphanFiles).where(eq(orphanFiles.sessionId, id)).orderBy(asc(orphanFiles.path)).all();
  return {
    ...summary,
    shots: selectShots(store, id, 1, -1),
    orphanFiles: orphans.map(({ path, capturedAt }) => ({ path, capturedAt, capturedAtIso: capturedAt === null ? null : iso(capturedAt) })),
  };
}

/** Sessions to recover at start: running and suspended ones, and interrupted ones not yet saved (or discarded). */
export function openSessions(store: Store): OpenSession[] {
  return store.db
    .select({ id: sessions.id, status: sessions.status })
    .from(sessions)
    .where(or(inArray(sessions.status, ['running', 'suspended']), and(eq(sessions.status, 'interrupted'), isNull(sessions.savedAt))))
    .orderBy(asc(sessions.startedAt), asc(sessions.id))
    .all()
    .map(({ id, status }) => ({ id, status: status as OpenSession['status'] })); // narrowed by the WHERE above
}

/** One page of the session's slots in grid order, from slot `fromNumber` on (any status; empty for an unknown id). */
export function getSessionShots(store: Store, id: string, { fromNumber = 1, limit = 500 }: ShotPage = {}): ShotRow[] {
  for (const [name, value] of [['fromNumber', fromNumber], ['limit', limit]] as const) {
    if (!Number.isSafeInteger(value) || value < 0) throw new StoreError('INVALID_ARGUMENT', `${name} must be a non-negative integer, got ${value}`);
  }
  return selectShots(store, id, fromNumber, limit);
}

// limit -1: no limit (SQLite).
function selectShots(store: Store, id: string, fromNumber: number, limit: number): ShotRow[] {
  return store.db
    .select()
    .from(shots)
    .where(and(eq(shots.sessionId, id), gte(shots.number, fromNumber)))
    .orderBy(asc(shots.number))
    .limit(limit)
    .all()
    .map(toShotRow);
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
    ok: row.ok,
    failed: row.failed,
    skipped: row.skipped,
    unknown: row.unknown,
    orphans: row.orphans,
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
    files: row.files,
    result: row.result,
    reason: row.reason,
    recovered: row.recovered,
    error: errorInfo(row.errorCode, row.errorMessage),
  };
}

// Same text as the views' strftime('%Y-%m-%dT%H:%M:%fZ', …).
const iso = (ms: number): string => new Date(ms).toISOString();

const errorInfo = (code: string | null, message: string | null): ErrorInfo | null =>
  code === null ? null : { code, message: message ?? '' };
