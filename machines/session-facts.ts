// Facts a session machine emits on its transitions. They are stored with the event that caused them (table
// `facts`, one row each, with a broadcast seq of their own); projections (store/) and broadcasts (transport/) are
// built from them, so one event can say several things (a last shot, then the session's end).
import type { CardFile } from './camera-port.ts';

export type StopCondition = 'unlimited' | 'stop-after';
/** `unknown`: the press may have been sent when the controller died; the card settles it (reconciliation). */
export type ShotResultKind = 'ok' | 'failed' | 'skipped' | 'unknown';
/** Why a slot was skipped: shot too late to keep the grid, or nobody was there to shoot it. */
export type SkipReason = 'late' | 'controller_offline';
export type SessionStatus = 'running' | 'suspended' | 'completed' | 'stopped' | 'failed' | 'interrupted' | 'discarded';
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
  /** Wall-clock label of slot 0 (epoch ms). */
  startedAt: number;
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
  | { type: 'session.stop_requested'; sessionId: string; at: number }
  | { type: 'session.ended'; sessionId: string; status: 'completed' | 'stopped' | 'failed'; endedAt: number; error: ErrorInfo | null }
  | { type: 'session.interrupted'; sessionId: string; at: number; lastEventAt: number }
  | { type: 'session.saved'; sessionId: string; title: string; at: number }
  | { type: 'session.discarded'; sessionId: string; at: number };
