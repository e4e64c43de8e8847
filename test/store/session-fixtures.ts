// Shared helpers for the suites that drive session facts through the event log into the projections.
import type { SessionFact, ShotRecord } from '../../machines/session-facts.ts';
import type { EventLog } from '../../store/event-log.ts';
import { projectSessionFacts } from '../../store/projections.ts';

export const t0 = Date.UTC(2026, 0, 1, 22, 0, 0); // 2026-01-01T22:00:00.000Z
export const interval = 30_000;

/** Appends one machine event to the session's stream with the facts its transition produced, and projects them. */
export function record(log: EventLog, sessionId: string, eventType: string, at: number, facts: SessionFact[]) {
  const stream = `session-${sessionId}`;
  const event = { type: eventType, data: { type: eventType }, state: 'x', at, machineVersion: 'session@test', facts: facts.map((f) => ({ type: f.type, data: f })) };
  const [recorded] = log.append(stream, log.version(stream), [event], projectSessionFacts);
  return recorded!;
}

export const started = (id: string, title = `Night ${id}`, startedAt = t0): SessionFact => ({
  type: 'session.started',
  session: { id, title, intervalMs: interval, totalShots: 3, stopCondition: 'stop-after', startedAt },
});

/** Slot `number` on the t0/interval grid, taken 12.5 ms late with one file, unless `over` says otherwise. */
export function shot(number: number, over: Partial<ShotRecord> = {}): ShotRecord {
  const plannedAt = t0 + (number - 1) * interval;
  const plannedMono = 1_000 + (number - 1) * interval;
  return {
    number,
    plannedAt,
    plannedMono,
    triggeredAt: plannedAt + 12,
    triggerMono: plannedMono + 12.5,
    latenessMs: 12.5,
    latencyMs: 180,
    attempts: 1,
    files: [`100CANON/IMG_000${number}.JPG`],
    result: 'ok',
    reason: null,
    recovered: false,
    error: null,
    ...over,
  };
}
