// Applies session facts to the `sessions` and `shots` read models, inside the append's transaction.
import { eq, sql } from 'drizzle-orm';
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
      const { shot } = fact;
      // The machine records each slot once; a slot seen again (a projection rebuilt over an existing row) changes
      // nothing, so the counters below are incremented exactly once per slot and stay O(1) through a long night.
      if (!insertShot(tx, fact.sessionId, shot)) return;
      const counter = { ok: sessions.shotsOk, failed: sessions.shotsFailed, skipped: sessions.shotsSkipped }[shot.result];
      updateSession(tx, fact.sessionId, fact.type, seq, {
        [counterKey[shot.result]]: sql`${counter} + 1`,
        ...(shot.file === null ? {} : { firstFile: sql`coalesce(${sessions.firstFile}, ${shot.file})`, lastFile: shot.file }),
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

const counterKey = { ok: 'shotsOk', failed: 'shotsFailed', skipped: 'shotsSkipped' } as const satisfies Record<ShotResultKind, keyof SessionUpdate>;

/** Inserts the shot row; false when that slot was already recorded. */
function insertShot(tx: Tx, sessionId: string, shot: ShotRecord): boolean {
  const inserted = tx
    .insert(shots)
    .values({
      sessionId,
      number: shot.number,
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
    })
    .onConflictDoNothing()
    .run();
  return inserted.changes === 1;
}

function updateSession(tx: Tx, id: string, factType: SessionFact['type'], seq: number, set: SessionUpdate): void {
  const updated = tx.update(sessions).set({ ...set, lastSeq: seq }).where(eq(sessions.id, id)).run();
  if (updated.changes === 0) throw new StoreError('SESSION_UNKNOWN', `${factType} for session ${id}, which was never started`);
}
