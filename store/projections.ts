// Applies session facts to the `sessions`, `shots` and `orphan_files` read models, inside the append's transaction.
//
// Rebuild rule: every counter change rides on a row change. A fact applied again over rows that already hold it
// (a projection rebuilt over existing rows) changes no row, so it changes no counter and leaves the session's
// last_seq alone: `sessions.ok/failed/skipped/unknown` always equal the session's shots counted by result, without
// ever recounting them.
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { AnySQLiteColumn, SQLiteUpdateSetSource } from 'drizzle-orm/sqlite-core';
import type { CardFile } from '../machines/camera-port.ts';
import type { ReportFact } from '../machines/report-edits.ts';
import type { SessionFact, ShotCounts, ShotRecord, ShotResultKind, SkippedRun } from '../machines/session-facts.ts';
import type { RecordedEvent, Tx } from './event-log.ts';
import { StoreError } from './errors.ts';
import { orphanFiles, sessions, shots } from './schema.ts';

type SessionUpdate = SQLiteUpdateSetSource<typeof sessions>;

/**
 * Applies the facts recorded with `recorded`, in order. Throws StoreError on a fact for an unknown session or slot,
 * or a second start of the same session; the append then rolls back with it.
 */
export function projectSessionFacts(tx: Tx, recorded: RecordedEvent): void {
  // A session stream's facts are the session machine's SessionFacts: it is their only author.
  for (const fact of recorded.facts) applyFact(tx, recorded.seq, fact.data as SessionFact);
}

/** Applies the `reports` stream's facts (title, delete, restore) onto the sessions they name. */
export function projectReportFacts(tx: Tx, recorded: RecordedEvent): void {
  for (const { data } of recorded.facts) {
    const fact = data as ReportFact;
    const set: SessionUpdate =
      fact.type === 'report.renamed' ? { title: fact.title } : fact.type === 'report.deleted' ? { deletedAt: fact.at } : { deletedAt: null };
    updateSession(tx, fact.sessionId, fact.type, recorded.seq, set);
  }
}

function applyFact(tx: Tx, seq: number, fact: SessionFact): void {
  switch (fact.type) {
    case 'session.started': {
      const { session } = fact;
      const inserted = tx
        .insert(sessions)
        .values({
          id: session.id,
          title: session.title,
          intervalMs: session.intervalMs,
          totalShots: session.totalShots,
          stopCondition: session.stopCondition,
          startedAt: session.startedAt,
          status: session.scheduled ? 'scheduled' : 'running',
          plan: session,
          lastSeq: seq,
        })
        .onConflictDoNothing()
        .run();
      if (inserted.changes === 0) throw new StoreError('SESSION_EXISTS', `session ${session.id} was already started`);
      return;
    }
    case 'shot.recorded': {
      const { sessionId, shot } = fact;
      // The machine records each slot once; a slot seen again keeps its first record.
      if (tx.insert(shots).values(shotRow(sessionId, shot)).onConflictDoNothing().run().changes === 0) return;
      updateSession(tx, sessionId, fact.type, seq, {
        ...counterChanges({ [shot.result]: 1 }),
        ...(shot.files.length > 0 ? fileBounds(tx, sessionId) : {}),
      });
      return;
    }
    case 'slots.skipped': {
      const inserted = insertSkippedRun(tx, fact.sessionId, fact.run);
      if (inserted > 0) updateSession(tx, fact.sessionId, fact.type, seq, counterChanges({ skipped: inserted }));
      return;
    }
    case 'shot.files_added': {
      const { sessionId, number } = fact;
      const { files } = existingShot(tx, sessionId, number, fact.type);
      const added = fact.files.filter((file) => !files.includes(file));
      if (added.length === 0) return;
      tx.update(shots).set({ files: [...files, ...added] }).where(slot(sessionId, number)).run();
      updateSession(tx, sessionId, fact.type, seq, fileBounds(tx, sessionId));
      return;
    }
    case 'shot.recovered': {
      const { sessionId, number, was } = fact;
      const recovered = tx
        .update(shots)
        .set({ result: 'ok', recovered: true, files: fact.files })
        .where(and(slot(sessionId, number), eq(shots.result, was)))
        .run();
      if (recovered.changes === 0) {
        // The slot is missing (an error), or already moved on from `was` (applied before).
        existingShot(tx, sessionId, number, fact.type);
        return;
      }
      updateSession(tx, sessionId, fact.type, seq, { ...counterChanges(was === 'ok' ? {} : { [was]: -1, ok: 1 }), ...fileBounds(tx, sessionId) });
      return;
    }
    case 'session.orphan_files':
      if (insertOrphans(tx, fact.sessionId, fact.files, seq) > 0) updateSession(tx, fact.sessionId, fact.type, seq, {});
      return;
    case 'session.suspended':
      updateSession(tx, fact.sessionId, fact.type, seq, { status: 'suspended' });
      return;
    case 'session.resumed':
      updateSession(tx, fact.sessionId, fact.type, seq, { status: 'running' });
      return;
    case 'session.stop_requested':
      return; // nothing to keep: the session's end is its own fact
    case 'session.began':
      updateSession(tx, fact.sessionId, fact.type, seq, { status: 'running' });
      return;
    case 'session.held':
    case 'session.hold_ended':
      // Kept in the facts (view session_timeline); the slots they skipped are rows of their own.
      updateSession(tx, fact.sessionId, fact.type, seq, {});
      return;
    case 'session.ended':
      updateSession(tx, fact.sessionId, fact.type, seq, {
        status: fact.status,
        endedAt: fact.endedAt,
        errorCode: fact.error?.code ?? null,
        errorMessage: fact.error?.message ?? null,
        stopReason: fact.reason ?? null,
      });
      return;
    case 'session.interrupted':
      // The session really ended at its last logged event; `at` is only when the restart noticed.
      updateSession(tx, fact.sessionId, fact.type, seq, { status: 'interrupted', endedAt: fact.lastEventAt });
      return;
    case 'session.saved':
      updateSession(tx, fact.sessionId, fact.type, seq, { savedAt: fact.at, title: fact.title });
      return;
    case 'session.discarded':
      updateSession(tx, fact.sessionId, fact.type, seq, { status: 'discarded' });
      return;
    default: {
      const unhandled: never = fact;
      throw new StoreError('INVALID_ARGUMENT', `unknown session fact ${(unhandled as { type: string }).type}`);
    }
  }
}

/** `counter = counter + delta` for each non-zero delta; the counters are named as the results. */
function counterChanges(deltas: Partial<ShotCounts>): SessionUpdate {
  const set: SessionUpdate = {};
  for (const [result, delta] of Object.entries(deltas) as [keyof ShotCounts, number][]) {
    if (delta !== 0) set[result] = sql`${sessions[result]} + ${delta}`;
  }
  return set;
}

// The session's first and last file in slot order, from its slots with files (shots_with_files_idx: one seek each).
// Derived from the rows rather than accumulated, so files reaching an earlier slot late land in the right place.
function fileBounds(tx: Tx, sessionId: string): SessionUpdate {
  const withFiles = and(eq(shots.sessionId, sessionId), sql`${shots.files} <> '[]'`);
  const first = tx.select({ file: sql`json_extract(${shots.files}, '$[0]')` }).from(shots).where(withFiles).orderBy(asc(shots.number)).limit(1);
  const last = tx
    .select({ file: sql`json_extract(${shots.files}, '$[' || (json_array_length(${shots.files}) - 1) || ']')` })
    .from(shots)
    .where(withFiles)
    .orderBy(desc(shots.number))
    .limit(1);
  return { firstFile: sql`(${first})`, lastFile: sql`(${last})` };
}

const slot = (sessionId: string, number: number) => and(eq(shots.sessionId, sessionId), eq(shots.number, number));

function existingShot(tx: Tx, sessionId: string, number: number, factType: SessionFact['type']): { files: string[] } {
  const row = tx.select({ files: shots.files }).from(shots).where(slot(sessionId, number)).get();
  if (!row) throw new StoreError('SHOT_UNKNOWN', `${factType} for slot ${number} of session ${sessionId}, which was never recorded`);
  return row;
}

function shotRow(sessionId: string, shot: ShotRecord): typeof shots.$inferInsert {
  return {
    sessionId,
    number: shot.number,
    plannedAt: shot.plannedAt,
    plannedMono: shot.plannedMono,
    triggeredAt: shot.triggeredAt,
    triggerMono: shot.triggerMono,
    latenessMs: shot.latenessMs,
    latencyMs: shot.latencyMs,
    attempts: shot.attempts,
    files: shot.files,
    result: shot.result,
    reason: shot.reason,
    recovered: shot.recovered,
    errorCode: shot.error?.code ?? null,
    errorMessage: shot.error?.message ?? null,
  };
}

/**
 * Inserts the run's slots not recorded yet, in one statement however long the run (hours offline at a short
 * interval are tens of thousands of slots, and row-by-row inserts would hold the write lock for seconds): a
 * recursive CTE counts i = 0..count-1 and SQLite plans slot first+i. Returns how many rows were inserted.
 */
function insertSkippedRun(tx: Tx, sessionId: string, run: SkippedRun): number {
  const { first, count, intervalMs, reason } = run;
  const column = (c: AnySQLiteColumn) => sql.identifier(c.name);
  const skipped: ShotResultKind = 'skipped';
  return tx.run(sql`
    WITH RECURSIVE i(n) AS (SELECT 0 WHERE ${count} > 0 UNION ALL SELECT n + 1 FROM i WHERE n + 1 < ${count})
    INSERT INTO ${shots} (${column(shots.sessionId)}, ${column(shots.number)}, ${column(shots.plannedAt)},
                          ${column(shots.plannedMono)}, ${column(shots.attempts)}, ${column(shots.result)}, ${column(shots.reason)})
    SELECT ${sessionId}, ${first.number} + n, ${first.plannedAt} + n * ${intervalMs}, ${first.plannedMono} + n * ${intervalMs},
           0, ${skipped}, ${reason}
    FROM i WHERE true -- "WHERE true" keeps ON CONFLICT from parsing as a join constraint
    ON CONFLICT DO NOTHING`).changes;
}

// Rows per INSERT: 4 columns × 500 stays well under SQLite's 32 766 bound parameters.
const ROWS_PER_INSERT = 500;

/** Inserts the files not listed yet; returns how many were. */
function insertOrphans(tx: Tx, sessionId: string, files: CardFile[], seq: number): number {
  let inserted = 0;
  for (let i = 0; i < files.length; i += ROWS_PER_INSERT) {
    const rows = files.slice(i, i + ROWS_PER_INSERT).map((file) => ({ sessionId, path: file.path, capturedAt: file.capturedAt, seq }));
    inserted += tx.insert(orphanFiles).values(rows).onConflictDoNothing().run().changes;
  }
  return inserted;
}

function updateSession(tx: Tx, id: string, factType: SessionFact['type'] | ReportFact['type'], seq: number, set: SessionUpdate): void {
  const updated = tx.update(sessions).set({ ...set, lastSeq: seq }).where(eq(sessions.id, id)).run();
  if (updated.changes === 0) throw new StoreError('SESSION_UNKNOWN', `${factType} for session ${id}, which was never started`);
}
