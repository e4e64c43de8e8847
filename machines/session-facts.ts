// Facts a session machine emits on its transitions. They are what projections (store/) and broadcasts
// (transport/) are built from; the journal collects them from the pure transition() of each logged event.

export type StopCondition = 'unlimited' | 'stop-after';
export type ShotResultKind = 'ok' | 'failed' | 'skipped';
export type SessionStatus = 'running' | 'completed' | 'stopped' | 'failed' | 'interrupted' | 'discarded';

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
}

/** One slot of the grid: taken, failed or skipped. Times labelled `...At` are wall-clock epoch ms. */
export interface ShotRecord {
  /** 1-based slot number on the grid. */
  number: number;
  plannedAt: number;
  plannedMono: number;
  triggeredAt: number | null;
  triggerMono: number | null;
  /** triggerMono - plannedMono. */
  latenessMs: number | null;
  /** Round trip of the accepted shutter request. */
  latencyMs: number | null;
  attempts: number;
  file: string | null;
  result: ShotResultKind;
  error: ErrorInfo | null;
}

export type SessionFact =
  | { type: 'session.started'; session: SessionPlan }
  | { type: 'shot.recorded'; sessionId: string; shot: ShotRecord }
  | { type: 'session.ended'; sessionId: string; status: 'completed' | 'stopped' | 'failed'; endedAt: number; error: ErrorInfo | null }
  | { type: 'session.interrupted'; sessionId: string; at: number; lastEventAt: number }
  | { type: 'session.saved'; sessionId: string; title: string; at: number }
  | { type: 'session.discarded'; sessionId: string; at: number };
