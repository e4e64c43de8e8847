// What clients see of the machines: one view per concept, used by welcome, replies and broadcasts alike, and one
// broadcast per stored fact, whose `seq` is the fact's. Wire times are epoch milliseconds.
import type { SnapshotFrom } from 'xstate';
import { activityOf, connectionOf, type CameraMachine } from '../machines/camera.ts';
import type { SessionMachine } from '../machines/session.ts';
import type { CameraFact } from '../machines/camera-facts.ts';
import type { SessionFact } from '../machines/session-facts.ts';
import type { RecordedFact } from '../store/event-log.ts';
import type { Broadcast, BroadcastType } from './protocol.ts';

type CameraSnapshot = SnapshotFrom<CameraMachine>;
type SessionSnapshot = SnapshotFrom<SessionMachine>;

export function cameraView(s: CameraSnapshot | null) {
  if (!s) {
    return {
      state: 'starting',
      activity: null,
      simulated: false,
      baseUrl: null,
      info: null,
      status: null,
      lastError: null,
      attempt: 0,
      lastPhoto: null,
      testPhoto: null,
      heldShutter: null,
      lastJobError: null,
    };
  }
  const c = s.context;
  return {
    state: connectionOf(s.value),
    /** While connected: `idle`, `test_photo`, `liveview` or `releasing` (a held shutter from an earlier process). */
    activity: activityOf(s.value),
    simulated: c.simulated,
    baseUrl: c.baseUrl,
    info: c.info,
    status: c.status,
    lastError: c.lastError,
    attempt: c.attempt,
    lastPhoto: c.lastPhoto,
    testPhoto: c.testPhoto,
    heldShutter: c.heldShutter,
    lastJobError: c.lastJobError,
  };
}
export type CameraView = ReturnType<typeof cameraView>;

/** `running.waiting` → `waiting`; other states keep their names. */
const sessionState = (s: SessionSnapshot): string =>
  typeof s.value === 'string' ? s.value : Object.values(s.value as Record<string, string>)[0]!;

/** A session's summary: never its shot list, which is paged (`get_session_shots`). */
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
    /** Wall-clock label of slot 0: for a scheduled session, when it will start. */
    startedAt: c.plan.startedAt,
    /** Planned end: the stop time, or the end of the last planned slot; null for an unlimited session. */
    endAt: plannedEnd(c.plan),
    stopAt: c.plan.stopAt ?? null,
    timeZone: c.plan.timeZone ?? null,
    /** Why the session is not shooting (`paused`, `camera_offline`, `camera_hot`, `failed_in_row`), or null. */
    hold: c.hold,
    stopReason: c.stopReason,
    endedAt: c.endedAt,
    counts: c.counts,
    /** Next slot number and its wall-clock label; null once the session no longer runs. */
    nextShotNumber: running ? c.nextIndex + 1 : null,
    nextShotAt: running ? c.anchor.wall + (c.nextIndex - c.anchor.index) * c.plan.intervalMs : null,
    stopRequested: c.stopRequested,
    /** The last resume after a gap, for people who were not watching when it happened. */
    lastResume: c.lastResume,
    lastShot: c.lastShot,
    error: c.error,
  };
}
export type SessionView = ReturnType<typeof sessionView>;

/** When a plan ends: the stop time or the length asked for, else the end of its last slot's interval. */
export function plannedEnd(plan: SessionSnapshot['context']['plan']): number | null {
  if (plan.stopCondition === 'stop-at' && plan.stopAt != null) return plan.stopAt;
  if (plan.stopCondition === 'duration' && plan.durationMs != null) return plan.startedAt + plan.durationMs;
  return plan.totalShots === null ? null : plan.startedAt + plan.totalShots * plan.intervalMs;
}

export function unsavedSessionView(s: SessionSnapshot) {
  return { ...sessionView(s), reason: 'interrupted' as const };
}
export type UnsavedSessionView = ReturnType<typeof unsavedSessionView>;

function broadcast(type: BroadcastType, fact: RecordedFact, data: Record<string, unknown>): Broadcast {
  return { type, seq: fact.seq, timestamp: new Date(fact.at).toISOString(), data };
}

/** The broadcast of one stored camera fact. */
export function cameraFactBroadcast(fact: RecordedFact, snapshot: CameraSnapshot): Broadcast {
  const camera = cameraView(snapshot);
  const f = fact.data as CameraFact;
  switch (f.type) {
    case 'camera.photo_taken':
      return broadcast('photo_taken', fact, { sessionId: null, photo: f.photo, camera });
    case 'camera.connected':
      return broadcast('camera_connected', fact, { camera });
    case 'camera.disconnected':
      return broadcast('camera_disconnected', fact, { camera, reason: f.reason });
    case 'camera.ip_changed':
      return broadcast('camera_ip_changed', fact, { uuid: f.uuid, oldIP: f.oldIP, newIP: f.newIP, camera });
    case 'camera.changed':
      return broadcast('camera_status', fact, { camera });
    case 'camera.test_photo':
      return broadcast('test_photo_progress', fact, { testPhoto: f.job, camera });
    case 'camera.test_photo_failed':
      return broadcast('test_photo_failed', fact, { id: f.id, error: f.error, camera });
    case 'camera.liveview':
      return broadcast('liveview_changed', fact, { on: f.on, reason: f.reason, camera });
    case 'camera.shutter_released':
      return broadcast('shutter_released', fact, { held: f.held, ok: f.ok, camera });
  }
}

/** The broadcast of one stored session fact; `session` is the summary after the event that produced it. */
export function sessionFactBroadcast(fact: RecordedFact, snapshot: SessionSnapshot, extra: { report: () => unknown }): Broadcast {
  const session = sessionView(snapshot);
  const f = fact.data as SessionFact;
  switch (f.type) {
    case 'session.started':
      return broadcast('intervalometer_started', fact, { session });
    case 'shot.recorded':
      return broadcast('photo_taken', fact, { sessionId: f.sessionId, shot: f.shot, session });
    case 'slots.skipped':
      return broadcast('intervalometer_update', fact, { session, skipped: f.run });
    case 'shot.files_added':
      return broadcast('shot_updated', fact, { sessionId: f.sessionId, number: f.number, files: f.files, recovered: false, session });
    case 'shot.recovered':
      return broadcast('shot_updated', fact, { sessionId: f.sessionId, number: f.number, files: f.files, recovered: true, was: f.was, session });
    case 'session.orphan_files':
      return broadcast('orphan_files_found', fact, { sessionId: f.sessionId, files: f.files });
    case 'session.suspended':
      return broadcast('intervalometer_suspended', fact, { session, reason: f.reason });
    case 'session.resumed':
      return broadcast('intervalometer_resumed', fact, { session, gapMs: f.gapMs, reanchored: f.reanchored, skipped: f.skipped });
    case 'session.stop_requested':
      return broadcast('intervalometer_update', fact, { session, skipped: null });
    case 'session.ended':
      return f.status === 'completed'
        ? broadcast('intervalometer_completed', fact, { session, reason: 'completed' })
        : broadcast('intervalometer_stopped', fact, { session, reason: f.status, error: f.error });
    case 'session.began':
      return broadcast('intervalometer_update', fact, { session, skipped: null });
    case 'session.held':
      return broadcast('intervalometer_held', fact, { session, reason: f.reason, detail: f.detail });
    case 'session.hold_ended':
      return broadcast('intervalometer_hold_ended', fact, { session, reason: f.reason, heldMs: f.heldMs, skipped: f.skipped });
    case 'session.interrupted':
      return broadcast('unsaved_session_found', fact, { unsavedSession: unsavedSessionView(snapshot) });
    case 'session.saved':
      return broadcast('report_saved', fact, { sessionId: f.sessionId, report: extra.report() });
    case 'session.discarded':
      return broadcast('session_discarded', fact, { sessionId: f.sessionId });
  }
}
