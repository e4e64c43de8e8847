// Facts a session machine emits on its transitions. They are stored with the event that caused them (table
// `facts`, one row each, with a broadcast seq of their own); projections (store/) and broadcasts (transport/) are
// built from them, so one event can say several things (a last shot, then the session's end).
import type { CardFile } from './camera-port.ts';

/**
 * How a plan ends. `stop-at` and `duration` are turned into a slot count when the session is planned (the grid is
 * fixed, so a window is a number of slots); `unlimited` runs until stopped.
 */
export type StopCondition = 'unlimited' | 'stop-after' | 'stop-at' | 'duration';
/** `unknown`: the press may have been sent when the controller died; the card settles it (reconciliation). */
export type ShotResultKind = 'ok' | 'failed' | 'skipped' | 'unknown';
/**
 * Why the session holds (does not shoot while its slots pass): the photographer paused it, the camera is gone, the
 * camera refuses to release (too hot), or too many frames failed in a row.
 */
export type HoldReason = 'paused' | 'camera_offline' | 'camera_hot' | 'failed_in_row';
/** Why a slot was skipped: shot too late to keep the grid, nobody was there to shoot it, or the session held. */
export type SkipReason = 'late' | 'controller_offline' | HoldReason;
export type SessionStatus = 'scheduled' | 'running' | 'suspended' | 'completed' | 'stopped' | 'failed' | 'interrupted' | 'discarded';

/** A hold in progress: why, and since when (wall ms). */
export interface Hold {
  reason: HoldReason;
  since: number;
  /** The error that caused it (the last failed frame, the camera's loss), when there is one. */
  detail: ErrorInfo | null;
  /** Slots it has skipped so far. */
  skipped: number;
}

/** The camera as it was when the session was planned: for the report. */
export interface CameraAtStart {
  model: string | null;
  serial: string | null;
  firmware: string | null;
  tv: string | null;
  battery: string | null;
  storage: { spaceBytes: number; maxBytes: number; contents: number | null } | null;
  temperature: string | null;
}
/** Why a session was suspended: a graceful shutdown (SIGTERM), or a restart with `--resume ask`. */
export type SuspendReason = 'shutdown' | 'restart';

/** The last resume after a gap (power cut, SIGTERM): shown to people who were not there to see it. */
export interface ResumeNote {
  at: number;
  gapMs: number;
  skipped: number;
  reanchored: boolean;
}

/** Slots by result. The same names from machine to table to wire to UI. */
export type ShotCounts = Record<ShotResultKind, number>;

export interface ErrorInfo {
  code: string;
  message: string;
}

export interface SessionPlan {
  id: string;
  title: string;
  intervalMs: number;
  totalShots: number | null;
  stopCondition: StopCondition;
  /** Wall-clock label of slot 0 (epoch ms); in the future for a scheduled session. */
  startedAt: number;
  // Added with session@3; absent from plans logged before.
  /** True when slot 0 was set by `startAt`: the session waits in `scheduled` until then. */
  scheduled?: boolean;
  /** `stop-at`: the resolved stop time (epoch ms); `duration`: the length asked for, ms. */
  stopAt?: number | null;
  durationMs?: number | null;
  /** The client's IANA zone, used to read "HH:MM" and for local times in the report. */
  timeZone?: string | null;
  /** When the plan was made (epoch ms). */
  plannedAt?: number;
  /** Frames failed in a row after which the session pauses (`failed_in_row`). */
  maxFailedInRow?: number;
  camera?: CameraAtStart | null;
  /** Bulb exposures of this many seconds through the manual shutter; absent: the camera's own Tv. */
  bulbSeconds?: number;
}

/** One slot of the grid: taken, failed, skipped or unknown. Times labelled `...At` are wall-clock epoch ms. */
export interface ShotRecord {
  /** 1-based slot number on the grid. */
  number: number;
  plannedAt: number;
  plannedMono: number;
  triggeredAt: number | null;
  triggerMono: number | null;
  /** triggerMono - plannedMono. */
  latenessMs: number | null;
  /** Round trip of the accepted shutter request; null when its answer was lost. */
  latencyMs: number | null;
  attempts: number;
  /** Every file of this release, in the camera's order (RAW+JPEG: both). */
  files: string[];
  result: ShotResultKind;
  /** For skipped slots: why. */
  reason: SkipReason | null;
  /** True when the camera's evidence (events or the card), not the press's answer, showed the frame was taken. */
  recovered: boolean;
  error: ErrorInfo | null;
}

/** A run of consecutive skipped slots: slot `first.number + i` is planned at `first.plannedAt + i * intervalMs`. */
export interface SkippedRun {
  first: { number: number; plannedAt: number; plannedMono: number };
  count: number;
  intervalMs: number;
  reason: SkipReason;
}

export type SessionFact =
  | { type: 'session.started'; session: SessionPlan }
  | { type: 'shot.recorded'; sessionId: string; shot: ShotRecord }
  | { type: 'slots.skipped'; sessionId: string; run: SkippedRun }
  /** Files that reached an earlier shot after it was recorded (late events, or found on the card). */
  | { type: 'shot.files_added'; sessionId: string; number: number; files: string[] }
  /** An `unknown` or unconfirmed `failed` slot whose file is on the card: now `ok`, `recovered`. */
  | { type: 'shot.recovered'; sessionId: string; number: number; was: ShotResultKind; files: string[] }
  /** Files on the card written during the session that match no slot. */
  | { type: 'session.orphan_files'; sessionId: string; files: CardFile[] }
  | { type: 'session.suspended'; sessionId: string; at: number; reason: SuspendReason }
  | {
      type: 'session.resumed';
      sessionId: string;
      at: number;
      /** Wall time between the last logged event and the resume. */
      gapMs: number;
      /** True when the wall clock went backwards across the gap: the grid was re-anchored at now. */
      reanchored: boolean;
      /** Slots skipped (`controller_offline`) because they passed during the gap. */
      skipped: number;
    }
  /** STOP during an exposure: the frame in flight is finished and recorded, then the session ends. */
  | { type: 'session.stop_requested'; sessionId: string; at: number; reason?: string }
  /** `reason`: for a stopped session, who or what stopped it (`user`, `controller_battery`, …). */
  | { type: 'session.ended'; sessionId: string; status: 'completed' | 'stopped' | 'failed'; endedAt: number; error: ErrorInfo | null; reason?: string }
  | { type: 'session.interrupted'; sessionId: string; at: number; lastEventAt: number }
  /** A scheduled session reached its start time and began shooting. */
  | { type: 'session.began'; sessionId: string; at: number }
  /** The session stopped shooting for `reason` (its slots are skipped with that reason until it ends). */
  | { type: 'session.held'; sessionId: string; at: number; reason: HoldReason; detail: ErrorInfo | null }
  /** The hold ended: shooting goes on at the next slot of the original grid. */
  | { type: 'session.hold_ended'; sessionId: string; at: number; reason: HoldReason; heldMs: number; skipped: number }
  | { type: 'session.saved'; sessionId: string; title: string; at: number }
  | { type: 'session.discarded'; sessionId: string; at: number };
