// What clients see of the machines: one view per concept, used by welcome, replies and broadcasts alike
// (prior-art B22: one schema per concept shared by every transport). Wire times are epoch milliseconds.
import type { SnapshotFrom } from 'xstate';
import type { CameraMachine } from '../machines/camera.ts';
import type { SessionMachine } from '../machines/session.ts';
import type { SessionFact } from '../machines/session-facts.ts';
import type { ShotRow } from '../store/reports.ts';
import type { Transition } from '../store/journal.ts';
import type { Broadcast, BroadcastType } from './protocol.ts';

type CameraSnapshot = SnapshotFrom<CameraMachine>;
type SessionSnapshot = SnapshotFrom<SessionMachine>;

export function cameraView(s: CameraSnapshot | null) {
  if (!s) return { state: 'starting', simulated: false, baseUrl: null, info: null, status: null, lastError: null, attempt: 0, lastPhoto: null };
  const c = s.context;
  return {
    state: String(s.value) as 'connecting' | 'connected' | 'reconnecting' | 'offline',
    simulated: c.simulated,
    baseUrl: c.baseUrl,
    info: c.info,
    status: c.status,
    lastError: c.lastError,
    attempt: c.attempt,
    lastPhoto: c.lastPhoto,
  };
}
export type CameraView = ReturnType<typeof cameraView>;

/** `running.waiting` → `waiting`; final states keep their names. */
const sessionState = (s: SessionSnapshot): string =>
  typeof s.value === 'string' ? s.value : Object.values(s.value as Record<string, string>)[0]!;

export function sessionView(s: SessionSnapshot) {
  const c = s.context;
  const state = sessionState(s);
  const running = s.matches('running');
  return {
    sessionId: c.plan.id,
    title: c.plan.title,
    state,
    running,
    interval: c.plan.intervalMs / 1000,
    totalShots: c.plan.totalShots,
    stopCondition: c.plan.stopCondition,
    startedAt: c.plan.startedAt,
    endedAt: c.endedAt,
    shotsTaken: c.counts.ok,
    shotsFailed: c.counts.failed,
    shotsSkipped: c.counts.skipped,
    /** Next slot number and its wall-clock label; null once the session no longer runs. */
    nextShotNumber: running ? c.nextIndex + 1 : null,
    nextShotAt: running ? c.plan.startedAt + c.nextIndex * c.plan.intervalMs : null,
    stopRequested: c.stopRequested,
    lastShot: c.lastShot,
    error: c.error,
  };
}
export type SessionView = ReturnType<typeof sessionView>;

export function unsavedSessionView(s: SessionSnapshot, shots: ShotRow[]) {
  return { ...sessionView(s), reason: 'interrupted' as const, shots };
}
export type UnsavedSessionView = ReturnType<typeof unsavedSessionView>;

function broadcast(type: BroadcastType, t: { recorded: { seq: number; at: number } }, data: Record<string, unknown>): Broadcast {
  return { type, seq: t.recorded.seq, timestamp: new Date(t.recorded.at).toISOString(), data };
}

/** The one broadcast a logged camera event causes. */
export function cameraBroadcast(t: Transition<CameraMachine>): Broadcast {
  const camera = cameraView(t.snapshot);
  const was = t.previous?.value;
  const is = t.snapshot.value;
  if (t.recorded.type === 'PHOTO_TAKEN') return broadcast('photo_taken', t, { sessionId: null, photo: t.snapshot.context.lastPhoto, camera });
  if (is === 'connected' && was !== 'connected') return broadcast('camera_connected', t, { camera });
  if (was === 'connected' && is !== 'connected') return broadcast('camera_disconnected', t, { camera, reason: camera.lastError });
  return broadcast('camera_status', t, { camera });
}

/**
 * The one broadcast a logged session event causes. `extra` supplies what the log's projections hold (the shots of
 * an interrupted session, the saved report).
 */
export function sessionBroadcast(
  t: Transition<SessionMachine>,
  extra: { shots: () => ShotRow[]; report: () => unknown },
): Broadcast {
  const session = sessionView(t.snapshot);
  const facts = t.emitted as SessionFact[];
  const find = <K extends SessionFact['type']>(type: K) => facts.find((f): f is Extract<SessionFact, { type: K }> => f.type === type);

  const ended = find('session.ended');
  if (ended?.status === 'completed') return broadcast('intervalometer_completed', t, { session, reason: 'completed' });
  if (ended) return broadcast('intervalometer_stopped', t, { session, reason: ended.status, error: ended.error });
  if (find('session.started')) return broadcast('intervalometer_started', t, { session });
  if (find('session.interrupted')) return broadcast('unsaved_session_found', t, { unsavedSession: unsavedSessionView(t.snapshot, extra.shots()) });
  const saved = find('session.saved');
  if (saved) return broadcast('report_saved', t, { sessionId: saved.sessionId, report: extra.report() });
  const discarded = find('session.discarded');
  if (discarded) return broadcast('session_discarded', t, { sessionId: discarded.sessionId });

  const shots = facts.filter((f) => f.type === 'shot.recorded').map((f) => (f as Extract<SessionFact, { type: 'shot.recorded' }>).shot);
  const taken = shots.find((s) => s.result !== 'skipped');
  if (taken) return broadcast('photo_taken', t, { sessionId: session.sessionId, shot: taken, session });
  return broadcast('intervalometer_update', t, { session, skipped: shots });
}
