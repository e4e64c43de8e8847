// Read side for the CLI (`skylapse report …`) and the server: reports, open sessions, shot lists.
// Times come both as epoch ms (`…At`, like the facts) and as UTC ISO-8601 text (`…AtIso`).
import { and, asc, between, desc, eq, gte, inArray, isNull, or, sql } from 'drizzle-orm';
import type { CardFile } from '../machines/camera-port.ts';
import type { ErrorInfo, SessionPlan, SessionStatus, ShotCounts, ShotRecord } from '../machines/session-facts.ts';
import type { Store } from './db.ts';
import { StoreError } from './errors.ts';
import { events, facts, orphanFiles, sessions, shots } from './schema.ts';
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
  latenessP99Ms: number | null;
  error: ErrorInfo | null;
  stopCondition: string;
  /** For a stopped session: who or what stopped it. */
  stopReason: string | null;
  timeZone: string | null;
  /** Set while the report is deleted (hidden). */
  deletedAt: number | null;
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
  status: Extract<SessionStatus, 'scheduled' | 'running' | 'suspended' | 'interrupted'>;
}

/** A moment of the session besides its shots (view session_timeline): start, holds and their ends, suspends, end. */
export interface TimelineEntry {
  at: number;
  atIso: string;
  what: string;
  reason: string | null;
  skipped: number | null;
  heldMs: number | null;
  errorCode: string | null;
}

/** A camera status reading during the session (view camera_status_log). */
export interface CameraReading {
  at: number;
  atIso: string;
  battery: string | null;
  cardFreeBytes: number | null;
  cardFiles: number | null;
  temperature: string | null;
}

/** The whole report. Unbounded: the wire's list gets ReportSummary and pages of shots instead. */
export type Report = ReportSummary & {
  /** The plan as started (null for sessions logged before plans were kept): stop time, zone, the camera at start. */
  plan: SessionPlan | null;
  /** Slots by result and, for skipped ones, by reason: `{ok: 12, skipped: {paused: 3, camera_offline: 2}}`. */
  byReason: { ok: number; failed: Record<string, number>; skipped: Record<string, number>; unknown: number };
  /** Lateness of the last frame taken: how far the grid had drifted by the end. */
  driftEndMs: number | null;
  timeline: TimelineEntry[];
  cameraTimeline: CameraReading[];
  shots: ShotRow[];
  orphanFiles: OrphanFile[];
};

/** Whether deleted (hidden) reports are included; by default they are not. */
export interface ReportFilter {
  includeDeleted?: boolean;
}

export interface ShotPage {
  /** First slot number to return (1-based). */
  fromNumber?: number;
  /** At most this many rows. */
  limit?: number;
}

const shown = (filter: ReportFilter) => (filter.includeDeleted ? undefined : isNull(sessionReport.deletedMs));

/** Every report, newest first; deleted ones only when asked. */
export function listReports(store: Store, filter: ReportFilter = {}): ReportSummary[] {
  return store.db
    .select()
    .from(sessionReport)
    .where(shown(filter))
    .orderBy(desc(sessionReport.startedMs), asc(sessionReport.id))
    .all()
    .map(toSummary);
}

/**
 * A report without its shots; null when `id` is not a report (unknown, running, suspended, unsaved or discarded,
 * or deleted unless asked).
 */
export function getReportSummary(store: Store, id: string, filter: ReportFilter = {}): ReportSummary | null {
  const row = store.db.select().from(sessionReport).where(and(eq(sessionReport.id, id), shown(filter))).get();
  return row ? toSummary(row) : null;
}

/** A report with its plan, timeline, camera readings, every slot and orphan file; null like getReportSummary. */
export function getReport(store: Store, id: string, filter: ReportFilter = {}): Report | null {
  const summary = getReportSummary(store, id, filter);
  if (!summary) return null;
  const orphans = store.db.select().from(orphanFiles).where(eq(orphanFiles.sessionId, id)).orderBy(asc(orphanFiles.path)).all();
  const rows = selectShots(store, id, 1, -1);
  const plan = store.db.select({ plan: sessions.plan }).from(sessions).where(eq(sessions.id, id)).get()?.plan ?? null;
  const byReason: Report['byReason'] = { ok: 0, failed: {}, skipped: {}, unknown: 0 };
  for (const r of rows) {
    if (r.result === 'ok' || r.result === 'unknown') byReason[r.result]++;
    else {
      const key = r.result === 'failed' ? (r.error?.code ?? 'ERROR') : (r.reason ?? 'late');
      byReason[r.result][key] = (byReason[r.result][key] ?? 0) + 1;
    }
  }
  const lastTaken = rows.findLast((r) => r.result === 'ok' && r.latenessMs !== null);
  return {
    ...summary,
    plan,
    byReason,
    driftEndMs: lastTaken?.latenessMs ?? null,
    timeline: sessionTimeline(store, id),
    cameraTimeline: cameraTimeline(store, summary.startedAt, summary.endedAt ?? summary.startedAt),
    shots: rows,
    orphanFiles: orphans.map(({ path, capturedAt }) => ({ path, capturedAt, capturedAtIso: capturedAt === null ? null : iso(capturedAt) })),
  };
}

const TIMELINE_FACTS = [
  'session.started',
  'session.began',
  'session.held',
  'session.hold_ended',
  'session.suspended',
  'session.resumed',
  'session.stop_requested',
  'session.ended',
  'session.interrupted',
  'session.saved',
];

/** The session's facts besides its shots, in log order (what the view session_timeline shows). */
function sessionTimeline(store: Store, id: string): TimelineEntry[] {
  return store.db
    .select({ data: facts.data, at: facts.at })
    .from(facts)
    .where(and(eq(facts.stream, `session:${id}`), inArray(facts.type, TIMELINE_FACTS)))
    .orderBy(asc(facts.seq))
    .all()
    .map(({ data, at: loggedAt }) => {
      const f = data as Record<string, unknown> & { type: string };
      const at = typeof f.at === 'number' ? f.at : typeof f.endedAt === 'number' ? f.endedAt : loggedAt;
      const error = (f.detail ?? f.error) as ErrorInfo | null | undefined;
      return {
        at,
        atIso: iso(at),
        what: f.type.slice('session.'.length),
        reason: typeof f.reason === 'string' ? f.reason : typeof f.status === 'string' ? f.status : null,
        skipped: typeof f.skipped === 'number' ? f.skipped : null,
        heldMs: typeof f.heldMs === 'number' ? f.heldMs : null,
        errorCode: error?.code ?? null,
      };
    });
}

/** The camera's status readings from `from` to `to` (wall ms), and the last one before, what held at the start. */
/** The camera's status readings between `from` and `to` (epoch ms), with the last one before `from` first. */
export function cameraTimeline(store: Store, from: number, to: number): CameraReading[] {
  const statusOf = sql<string | null>`coalesce(json_extract(${events.data}, '$.status'), json_extract(${events.data}, '$.output.status'))`;
  const readings = and(eq(events.stream, 'camera'), inArray(events.type, ['STATUS', 'xstate.done.actor.connect']));
  const before = store.db.select({ at: events.at, status: statusOf }).from(events).where(and(readings, sql`${events.at} < ${from}`)).orderBy(desc(events.seq)).limit(1).all();
  const during = store.db.select({ at: events.at, status: statusOf }).from(events).where(and(readings, between(events.at, from, to))).orderBy(asc(events.seq)).all();
  return [...before, ...during].map(({ at, status }) => {
    const s = status ? (JSON.parse(status) as { battery?: { level?: string } | null; storage?: { spaceBytes?: number; contents?: number } | null; temperature?: string | null }) : null;
    return {
      at,
      atIso: iso(at),
      battery: s?.battery?.level ?? null,
      cardFreeBytes: s?.storage?.spaceBytes ?? null,
      cardFiles: s?.storage?.contents ?? null,
      temperature: s?.temperature ?? null,
    };
  });
}

/** Sessions to recover at start: running and suspended ones, and interrupted ones not yet saved (or discarded). */
export function openSessions(store: Store): OpenSession[] {
  return store.db
    .select({ id: sessions.id, status: sessions.status })
    .from(sessions)
    .where(or(inArray(sessions.status, ['scheduled', 'running', 'suspended']), and(eq(sessions.status, 'interrupted'), isNull(sessions.savedAt))))
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
    latenessP99Ms: row.latenessP99Ms,
    error: errorInfo(row.errorCode, row.errorMessage),
    stopCondition: row.stopCondition,
    stopReason: row.stopReason,
    timeZone: row.timeZone,
    deletedAt: row.deletedMs,
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
