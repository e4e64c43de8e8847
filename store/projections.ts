// Applies session facts to the `sessions` and `shots` read models, inside the append's transaction.
import { eq, sql, type SQL } from 'drizzle-orm';
import type { SQLiteUpdateSetSource } from 'drizzle-orm/sqlite-core';
import type { SessionFact, ShotRecord, ShotResultKind } from '../machines/session-facts.ts';
import type { RecordedEvent, Tx } from './event-log.ts';
import { StoreError } from './errors.ts';
import { sessions, shots } from './schema.ts';

type SessionUpdate = SQLiteUpdateSetSource<typeof sessions>;

/**
 * Applies `facts` (derived from `recorded`) in order. Throws StoreError on a fact for an unknown session or a
 * second start of the same session; the append then rolls back with it.
 */
export function projectSessionFacts(tx: Tx, recorded: RecordedEvent, facts: readonly SessionFact[]): void {
  for (const fact of facts) applyFact(tx, recorded.seq, fact);
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
          status: 'running',
          lastSeq: seq,
        })
        .onConflictDoNothing()
        .run();
      if (inserted.changes === 0) throw new StoreError('SESSION_EXISTS', `session ${session.id} was already started`);
      return;
    }
    case 'shot.recorded': {
      upsertShot(tx, fact.sessionId, fact.shot);
      // Recomputed from the shots rather than incremented, so re-recording a slot can't double-count.
      updateSession(tx, fact.sessionId, fact.type, seq, {
        shotsOk: countShots(fact.sessionId, 'ok'),
        shotsFailed: countShots(fact.sessionId, 'failed'),
        shotsSkipped: countShots(fact.sessionId, 'skipped'),
        firstFile: edgeFile(fact.sessionId, 'asc'),
        lastFile: edgeFile(fact.sessionId, 'desc'),
      });
      return;
    }
    case 'session.ended':
      updateSession(tx, fact.sessionId, fact.type, seq, {
        status: fact.status,
        endedAt: fact.endedAt,
        errorCode: fact.error?.code ?? null,
        errorMessage: fact.error?.message ?? null,
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

function upsertShot(tx: Tx, sessionId: string, shot: ShotRecord): void {
  const values = {
    plannedAt: shot.plannedAt,
    plannedMono: shot.plannedMono,
    triggeredAt: shot.triggeredAt,
    triggerMono: shot.triggerMono,
    latenessMs: shot.latenessMs,
    latencyMs: shot.latencyMs,
    attempts: shot.attempts,
    file: shot.file,
    result: shot.result,
    errorCode: shot.error?.code ?? null,
    errorMessage: shot.error?.message ?? null,
  };
  tx.insert(shots)
    .values({ sessionId, number: shot.number, ...values })
    .onConflictDoUpdate({ target: [shots.sessionId, shots.number], set: values })
    .run();
}

function updateSession(tx: Tx, id: string, factType: SessionFact['type'], seq: number, set: SessionUpdate): void {
  const updated = tx.update(sessions).set({ ...set, lastSeq: seq }).where(eq(sessions.id, id)).run();
  if (updated.changes === 0) throw new StoreError('SESSION_UNKNOWN', `${factType} for session ${id}, which was never started`);
}

// Scalar subqueries over the (session_id, number) primary key, evaluated by SQLite inside the UPDATE.
function countShots(sessionId: string, result: ShotResultKind): SQL<number> {
  return sql<number>`(SELECT count(*) FROM ${shots} WHERE ${shots.sessionId} = ${sessionId} AND ${shots.result} = ${result})`;
}

function edgeFile(sessionId: string, order: 'asc' | 'desc'): SQL<string | null> {
  const direction = order === 'asc' ? sql`ASC` : sql`DESC`;
  return sql<string | null>`(SELECT ${shots.file} FROM ${shots} WHERE ${shots.sessionId} = ${sessionId} AND ${shots.file} IS NOT NULL ORDER BY ${shots.number} ${direction} LIMIT 1)`;
}
