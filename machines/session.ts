// The intervalometer session: one machine instance per session, logged as stream `session:<id>`.
// Pure: time and ids arrive in events and input; I/O happens in the named actors `deadline` and `shoot`,
// whose real implementations adapters/ provide through `machine.provide`. A restart of the process is an event
// (RESTARTED) like any other, so what the session did across a power cut is in its log.
import { and, assign, enqueueActions, fromCallback, fromPromise, setup, type EventObject } from 'xstate';
import type { CardFile, ReleaseTag, ShotResult } from './camera-port.ts';
import { isPendingOutcome, reconcile, type KnownFile, type PendingSlot } from './reconcile.ts';
import type { ErrorInfo, Hold, HoldReason, ResumeNote, SessionFact, SessionPlan, ShotCounts, ShotRecord, SkipReason } from './session-facts.ts';

/** Recorded with every logged event of this machine; replay refuses a log written by a machine it does not know. */
// session@3: scheduled starts, stop-at/duration plans, holds (pause, camera lost, camera hot, failures in a row),
// stop reasons. Logs of session@2 fold the same way (the new context fields start empty).
// session@4: a press held back before it left (HELD_BACK) is not shot, and one that came due past its window
// (TOO_LATE) is skipped as late. Logs of session@3 have neither and fold the same.
// session@5: a frame's end arms the next slot in the same transition when it is due (input `armOnDone`). Sessions
// begun under session@4 lack the flag, so their logs fold (and resume) as they were written.
export const SESSION_MACHINE_VERSION = 'session@5';

export interface SessionInput {
  plan: SessionPlan;
  /** Monotonic time of slot 0; every slot k is planned at anchorMono + k * intervalMs. */
  anchorMono: number;
  /** Arm the next slot in the transition that ends a frame, when it is due (session@5). Absent in older logs. */
  armOnDone?: boolean;
}

/**
 * Where the grid is pinned: slot `index` is planned at monotonic `mono` and labelled with wall time `wall`. The
 * monotonic clock does not survive a process, so a resume re-derives `mono` from the wall-clock label.
 */
export interface GridAnchor {
  index: number;
  mono: number;
  wall: number;
}

export interface SessionContext {
  plan: SessionPlan;
  anchor: GridAnchor;
  /** 0-based index of the next slot and its monotonic deadline (absolute, so it survives a restart). */
  nextIndex: number;
  nextAt: number;
  counts: ShotCounts;
  lastShot: ShotRecord | null;
  stopRequested: boolean;
  /** Why the session was stopped (`user` unless the STOP said otherwise); null until it is. */
  stopReason: string | null;
  /** SIGTERM during an exposure: the frame is finished and recorded, then the session is suspended. */
  suspendRequested: boolean;
  /** Wall time since which nothing has been shot (suspended), so a resume measures the whole gap. */
  pausedAt: number | null;
  lastResume: ResumeNote | null;
  /** Slots the card may still settle (bounded), and the newest files the log credits (bounded). */
  pending: PendingSlot[];
  recentFiles: KnownFile[];
  /** Files already reported as orphans (bounded), so a later card check does not report them again. */
  orphanFiles: string[];
  endedAt: number | null;
  error: ErrorInfo | null;
  /** The hold in progress (the session is in one of the hold states), or null. */
  hold: Hold | null;
  /** PAUSE during an exposure: the frame is finished and recorded, then the session holds. */
  holdRequested: HoldReason | null;
  /** Frames that failed in a row, up to the last recorded slot. */
  failedInRow: number;
  /** From the input: a frame's end arms the next slot when it is due (`nextArmDue`); false for sessions of session@4. */
  armOnDone: boolean;
}

/** What the `shoot` actor resolves with: the camera port's result, as it is. */
export type ShotOutput = ShotResult;

/** What the `shoot` actor rejects with: a plain object, so it survives the JSON of the event log. */
export interface ShotFailure extends ErrorInfo {
  /** A failure that ends the session (card full, release disabled, camera wedged). */
  fatal: boolean;
  attempts: number;
  mono: number;
  wall: number;
}

export interface ShootInput {
  tag: ReleaseTag;
  plannedMono: number;
  /** Presses are retried until here (half an interval late); the files are awaited until the next slot. */
  pressDeadlineMono: number;
  fileDeadlineMono: number;
  /** The plan's bulb exposure, seconds, or null for the camera's own Tv. */
  bulbSeconds: number | null;
}

export type TickEvent = { type: 'TICK'; mono: number; wall: number };
/** Clock readings stamped on an event by whoever sends it (the controller). */
export type Reading = { at: number; mono: number; wall: number };
/** The clock readings a restart or a resume brings, and the wall time of the stream's last logged event. */
export type ResumeReading = { at: number; mono: number; wall: number; lastEventAt: number };
export type SessionEvent =
  | TickEvent
  /** `reason` says who or what asked: `user` (the default), `controller_battery`, a stop condition… */
  | { type: 'STOP'; at: number; reason?: string | undefined }
  | { type: 'SUSPEND'; at: number }
  /** The process started again under a session whose stream has no end; `resume` is `serve --resume auto`. */
  | ({ type: 'RESTARTED'; resume: boolean } & ResumeReading)
  | ({ type: 'RESUME' } & ResumeReading)
  /** Files the camera reported for slot `number` after its shot was recorded. */
  | { type: 'FILES_LATE'; number: number; files: string[] }
  /**
   * The card's files since the session's evidence mark, for reconciliation. `listedFrom`: wall time the listing was
   * begun (absent in older logs), so the slots whose press windows had closed by then are known to be on it.
   * `pressesHeld`: the controller held every press from before the listing began until it was logged, so it also
   * settles slots while the next one waits in `shooting`.
   */
  | { type: 'CARD_FILES'; files: CardFile[]; at: number; listedFrom?: number | undefined; pressesHeld?: boolean | undefined }
  | { type: 'SAVE'; at: number; title?: string | undefined }
  /** The photographer pauses and resumes the session (`pause_intervalometer` / `resume_intervalometer`). */
  | ({ type: 'PAUSE' } & Reading)
  | ({ type: 'UNPAUSE' } & Reading)
  /** The camera connection was lost / is back (from the camera stream). */
  | ({ type: 'CAMERA_LOST'; error?: ErrorInfo | null } & Reading)
  | ({ type: 'CAMERA_BACK' } & Reading)
  /** The camera's temperature status forbids / allows release again. */
  | ({ type: 'RELEASE_DISABLED' } & Reading)
  | ({ type: 'RELEASE_ALLOWED' } & Reading)
  | { type: 'DISCARD'; at: number };

/**
 * How long before a slot it is armed (logged and announced), so that work is done by the time the press is due.
 * The arm's append waits for fsync, which now and then stalls for several hundred milliseconds (SD cards, virtual
 * disks; measured in docs/decisions.md §13): armed this early, such a stall is over before the press is due. At
 * intervals up to about a second the slot is armed as soon as the one before it is done. A stop, pause or shutdown
 * that comes while the slot is armed holds its press back (HELD_BACK), so arming early costs no frame.
 */
export const ARM_AHEAD_MS = 1000;
/** How long before the next slot the wait for a frame's file ends (at most a fifth of the interval). */
const FILE_WAIT_MARGIN_MS = 250;
/** The failure code of an armed press that a stop, pause or shutdown held back before it left: nothing was exposed. */
export const HELD_BACK = 'HELD_BACK';
/**
 * The failure code of an armed press whose time came more than half an interval late (the process stalled, say on
 * an fsync): it is not sent, and the slot is skipped as `late` like one that was never armed in time.
 */
export const TOO_LATE = 'TOO_LATE';

/** A slot may still be shot until half an interval after its planned time; later it is skipped, never burst. */
export const lateToleranceMs = (intervalMs: number): number => intervalMs / 2;

/** Frames failed in a row after which a session pauses, unless its plan says otherwise. */
export const DEFAULT_MAX_FAILED_IN_ROW = 5;
/** A held session wakes this often to record the slots that passed, and at the plan's end to complete. */
export const HOLD_WAKE_MS = 60_000;
/** A scheduled session wakes this long before slot 0 and then waits for it like any slot. */
export const SCHEDULE_WAKE_MS = 1_000;

/** Bounds on what the context carries for reconciliation, so a night's snapshot stays small. */
const MAX_PENDING = 200;
const MAX_RECENT_FILES = 64;
/** How many slots back a card check still waits for an unsettled slot's file (well inside MAX_RECENT_FILES). */
const SETTLE_WINDOW_SLOTS = 20;

const plannedMono = (c: Pick<SessionContext, 'anchor' | 'plan'>, index: number): number =>
  c.anchor.mono + (index - c.anchor.index) * c.plan.intervalMs;
const plannedWall = (c: Pick<SessionContext, 'anchor' | 'plan'>, index: number): number =>
  c.anchor.wall + (index - c.anchor.index) * c.plan.intervalMs;
/** How much longer than an interval the last frame's file is waited for: a slow card, RAW+JPEG, a busy machine. */
export const LAST_FRAME_FILE_WAIT_MS = 10_000;
/**
 * Where the wait for the current frame's file ends. The next slot bounds it, less a margin so that the next slot is
 * still armed ahead of its time (a file that comes later is attached then: FILES_LATE). After the last slot there is
 * none, and a session that ends (completed, its report made) while its last frame is still being written would log it
 * without its file.
 */
const fileWaitEnd = (c: SessionContext): number =>
  isLastSlot(c, c.nextIndex)
    ? c.nextAt + c.plan.intervalMs + LAST_FRAME_FILE_WAIT_MS
    : c.nextAt + c.plan.intervalMs - Math.min(FILE_WAIT_MARGIN_MS, c.plan.intervalMs / 5);
/** Number of slots in the plan; null for an unlimited session. */
const slotsEnd = (c: SessionContext): number | null => (c.plan.stopCondition === 'unlimited' ? null : c.plan.totalShots);
const isLastSlot = (c: SessionContext, index: number): boolean => {
  const end = slotsEnd(c);
  return end !== null && index + 1 >= end;
};

/** First slot index from `minIndex` on that can still be shot at `mono`, never beyond the plan's last slot. */
function firstTakeableSlot(c: SessionContext, mono: number, minIndex: number): number {
  const tolerance = lateToleranceMs(c.plan.intervalMs);
  const index = Math.max(minIndex, Math.ceil((mono - tolerance - c.anchor.mono) / c.plan.intervalMs) + c.anchor.index);
  const end = slotsEnd(c);
  return end === null ? index : Math.min(index, end);
}

type Enqueue = { assign: (p: Partial<SessionContext>) => void; emit: (f: SessionFact) => void };

/** Skips the slots from nextIndex up to (not including) `until` as one run; returns the context changes. */
function skipUntil(enqueue: Enqueue, c: SessionContext, until: number, reason: SkipReason): Partial<SessionContext> {
  const count = until - c.nextIndex;
  if (count <= 0) return {};
  const first = { number: c.nextIndex + 1, plannedAt: plannedWall(c, c.nextIndex), plannedMono: plannedMono(c, c.nextIndex) };
  enqueue.emit({ type: 'slots.skipped', sessionId: c.plan.id, run: { first, count, intervalMs: c.plan.intervalMs, reason } });
  const changes = { nextIndex: until, nextAt: plannedMono(c, until), counts: { ...c.counts, skipped: c.counts.skipped + count } };
  enqueue.assign(changes);
  return changes;
}

const blankRecord = (c: SessionContext) => ({
  number: c.nextIndex + 1,
  plannedAt: plannedWall(c, c.nextIndex),
  plannedMono: c.nextAt,
  triggeredAt: null,
  triggerMono: null,
  latenessMs: null,
  latencyMs: null,
  attempts: 0,
  files: [],
  reason: null,
  recovered: false,
  error: null,
});

function shotRecord(c: SessionContext, outcome: { output: ShotOutput } | { failure: ShotFailure }): ShotRecord {
  const base = blankRecord(c);
  if ('output' in outcome) {
    const o = outcome.output;
    return {
      ...base,
      triggeredAt: o.triggerWall,
      triggerMono: o.triggerMono,
      latenessMs: o.triggerMono - c.nextAt,
      latencyMs: o.latencyMs,
      attempts: o.attempts,
      files: o.files,
      result: 'ok',
      recovered: o.confirmedByEvidence,
    };
  }
  const f = outcome.failure;
  return { ...base, attempts: f.attempts, result: 'failed', error: { code: f.code, message: f.message } };
}

/** XState hands rejections through as `unknown`; anything not shaped by our adapter becomes a generic failure. */
export function asShotFailure(error: unknown): ShotFailure {
  const e = error as Partial<ShotFailure> | null;
  if (e && typeof e.code === 'string' && typeof e.mono === 'number' && typeof e.wall === 'number') {
    return { code: e.code, message: String(e.message ?? e.code), fatal: e.fatal === true, attempts: e.attempts ?? 0, mono: e.mono, wall: e.wall };
  }
  return { code: 'INTERNAL', message: String((error as Error | null)?.message ?? error), fatal: false, attempts: 0, mono: 0, wall: 0 };
}

const withFiles = (recent: readonly KnownFile[], number: number, files: readonly string[]): KnownFile[] =>
  [...recent, ...files.map((path) => ({ number, path }))].slice(-MAX_RECENT_FILES);

/** Records slot nextIndex and moves the grid on by exactly one slot. */
function recordSlot(enqueue: Enqueue, c: SessionContext, shot: ShotRecord, evidence: Pick<PendingSlot, 'leftBy'> = {}): void {
  enqueue.emit({ type: 'shot.recorded', sessionId: c.plan.id, shot });
  const nextIndex = c.nextIndex + 1;
  const pending = isPendingOutcome(shot.result, shot.error?.code ?? null, shot.files)
    ? [...c.pending, { number: shot.number, plannedAt: shot.plannedAt, result: shot.result, ...evidence }].slice(-MAX_PENDING)
    : c.pending;
  enqueue.assign({
    nextIndex,
    nextAt: plannedMono(c, nextIndex),
    counts: { ...c.counts, [shot.result]: c.counts[shot.result] + 1 },
    lastShot: shot,
    pending,
    recentFiles: withFiles(c.recentFiles, shot.number, shot.files),
    failedInRow: shot.result === 'failed' ? c.failedInRow + 1 : 0,
  });
}

/** Shot failures that mean the camera cannot shoot for now: the slot is skipped and the session holds. */
const HOLD_CODES: Record<string, HoldReason> = { UNREACHABLE: 'camera_offline', RELEASE_DISABLED: 'camera_hot' };
/**
 * A press whose answer was lost and whose evidence the camera could not give: the frame stays `failed` (it may have
 * been exposed; the card may still tell), and the session waits for the camera, which did not answer.
 */
/** The failure code of a shoot actor's error event; null for any other event. */
const failureCode = (event: { type: string }): string | null => ('error' in event ? asShotFailure((event as { error: unknown }).error).code : null);
const isSilentCamera = (event: { type: string }): boolean => failureCode(event) === 'UNCONFIRMED';
const isTooLate = (event: { type: string }): boolean => failureCode(event) === TOO_LATE;
const holdCodeOf = (event: { type: string }): HoldReason | null => HOLD_CODES[failureCode(event) ?? ''] ?? null;

/** The hold an event starts, with the error behind it. */
function holdFor(c: SessionContext, event: SessionEvent | { type: string }): { reason: HoldReason; detail: ErrorInfo | null } {
  const failure = 'error' in event ? asShotFailure((event as { error: unknown }).error) : null;
  const detail = failure && { code: failure.code, message: failure.message };
  if (event.type === 'CAMERA_LOST') return { reason: 'camera_offline', detail: (event as { error?: ErrorInfo | null }).error ?? null };
  if (event.type === 'RELEASE_DISABLED') return { reason: 'camera_hot', detail: null };
  if (event.type === 'PAUSE') return { reason: 'paused', detail: null };
  const code = holdCodeOf(event) ?? (isSilentCamera(event) ? 'camera_offline' : null);
  if (code) return { reason: code, detail };
  if (c.holdRequested) return { reason: c.holdRequested, detail: null };
  return { reason: 'failed_in_row', detail };
}

/**
 * The monotonic time (on the current anchor) up to which a hold's slots have passed: the event's own reading; for a
 * restart, the last logged event (what passed after it was nobody's hold but the dead controller's).
 */
function holdClock(c: SessionContext, event: { type: string } & Record<string, unknown>): number {
  if (event.type === 'RESTARTED') return c.anchor.mono + ((event.lastEventAt as number) - c.anchor.wall);
  if (typeof event.mono === 'number') return event.mono;
  return c.anchor.mono + (endTime(event) - c.anchor.wall);
}

/** Skips the slots that passed during the hold, up to the event's time, with the hold's reason. */
function skipHeld(enqueue: Enqueue, c: SessionContext, event: { type: string } & Record<string, unknown>): { context: SessionContext; skipped: number } {
  if (!c.hold) return { context: c, skipped: 0 };
  const until = firstTakeableSlot(c, holdClock(c, event), c.nextIndex);
  const changes = skipUntil(enqueue, c, until, c.hold.reason);
  const skipped = Math.max(0, until - c.nextIndex);
  const hold = { ...c.hold, skipped: c.hold.skipped + skipped };
  if (skipped > 0) enqueue.assign({ hold });
  return { context: { ...c, ...changes, hold }, skipped };
}

/** Ends the hold in progress: its passed slots are skipped, and the end is logged with how long it lasted. */
function closeHold(enqueue: Enqueue, c: SessionContext, event: { type: string } & Record<string, unknown>): SessionContext {
  if (!c.hold) return c;
  const { context } = skipHeld(enqueue, c, event);
  const at = event.type === 'RESTARTED' ? (event.lastEventAt as number) : endTime(event);
  const skipped = context.hold!.skipped;
  enqueue.emit({ type: 'session.hold_ended', sessionId: c.plan.id, at, reason: c.hold.reason, heldMs: Math.max(0, at - c.hold.since), skipped });
  enqueue.assign({ hold: null, failedInRow: 0 });
  return { ...context, hold: null, failedInRow: 0 };
}

/** Monotonic deadline of a held session's next wake-up: a while from now, or the moment its last slot has passed. */
export function holdWakeAt(c: SessionContext): number {
  const wake = c.nextAt + HOLD_WAKE_MS;
  const end = slotsEnd(c);
  return end === null ? wake : Math.min(wake, plannedMono(c, end - 1) + lateToleranceMs(c.plan.intervalMs) + 1);
}

/** Wall time at which the session ended, taken from the event that ended it. */
function endTime(event: { type: string } & Record<string, unknown>): number {
  if (event.type === 'TICK') return event.wall as number;
  if ('at' in event) return event.at as number;
  if ('output' in event) return (event.output as ShotOutput).doneWall;
  if ('error' in event) return asShotFailure(event.error).wall;
  return 0;
}

function end(enqueue: Enqueue, c: SessionContext, status: 'completed' | 'stopped' | 'failed', at: number, error: ErrorInfo | null, stopReason: string | null = null) {
  const reason = status === 'stopped' ? (stopReason ?? c.stopReason ?? 'user') : null;
  enqueue.assign({ endedAt: at, error, stopReason: reason });
  enqueue.emit({ type: 'session.ended', sessionId: c.plan.id, status, endedAt: at, error, ...(reason === null ? {} : { reason }) });
}

/** The reason a STOP event carries, `user` by default. */
const stopReasonOf = (event: { type: string }): string | null => (event.type === 'STOP' ? ((event as { reason?: string }).reason ?? 'user') : null);

/**
 * The grid after a gap. Normally re-derived from the plan's wall-clock labels (the same grid, on the new process's
 * monotonic clock); if the wall clock went backwards across the gap the labels cannot be trusted, so the grid is
 * re-anchored with the next slot at now.
 */
function anchorAfterGap(c: SessionContext, r: ResumeReading): { anchor: GridAnchor; reanchored: boolean } {
  if (r.wall < r.lastEventAt) return { anchor: { index: c.nextIndex, mono: r.mono, wall: r.wall }, reanchored: true };
  return { anchor: { ...c.anchor, mono: r.mono - (r.wall - c.anchor.wall) }, reanchored: false };
}

export const sessionMachine = setup({
  types: {
    input: {} as SessionInput,
    context: {} as SessionContext,
    events: {} as SessionEvent,
    emitted: {} as SessionFact,
  },
  actors: {
    // Placeholders: adapters/machine-actors.ts provides the real ones. Pure replay never starts actors.
    deadline: fromCallback<EventObject, { at: number }>(() => {
      throw new Error('deadline actor not provided');
    }),
    shoot: fromPromise<ShotOutput, ShootInput>(async () => {
      throw new Error('shoot actor not provided');
    }),
  },
  guards: {
    slotTooLate: ({ context, event }) =>
      event.type === 'TICK' && event.mono > context.nextAt + lateToleranceMs(context.plan.intervalMs),
    skipReachesEnd: ({ context, event }) => {
      const end = slotsEnd(context);
      return event.type === 'TICK' && end !== null && firstTakeableSlot(context, event.mono, context.nextIndex + 1) >= end;
    },
    stopRequested: ({ context }) => context.stopRequested,
    heldBack: ({ event }) => failureCode(event) === HELD_BACK,
    suspendRequested: ({ context }) => context.suspendRequested,
    lastSlot: ({ context }) => isLastSlot(context, context.nextIndex),
    /**
     * The slot just ended, and the next one is already due to be armed (not yet past its window): it is armed in
     * the same transition, so a frame costs one fsync, not two (docs/decisions.md §13).
     */
    nextArmDue: ({ context, event }) => {
      if (!context.armOnDone) return false;
      // Only the shoot actor's end reaches this guard: its output, or its failure.
      const at = 'output' in event ? (event.output as ShotOutput).doneMono : asShotFailure((event as { error?: unknown }).error).mono;
      const next = plannedMono(context, context.nextIndex + 1);
      return next - ARM_AHEAD_MS <= at && at <= next + lateToleranceMs(context.plan.intervalMs);
    },
    // A camera too hot to release holds the session instead of ending it.
    fatalFailure: ({ event }) => 'error' in event && asShotFailure(event.error).fatal && holdCodeOf(event) === null,
    holdFailure: ({ event }) => holdCodeOf(event) !== null,
    cameraGoneFailure: ({ event }) => holdCodeOf(event) === 'camera_offline' || isSilentCamera(event),
    tooManyFailed: ({ context, event }) =>
      'error' in event &&
      holdCodeOf(event) === null &&
      !isSilentCamera(event) &&
      !isTooLate(event) &&
      context.failedInRow + 1 >= (context.plan.maxFailedInRow ?? DEFAULT_MAX_FAILED_IN_ROW),
    holdRequested: ({ context }) => context.holdRequested !== null,
    /** A hold ending (or waking) at or after the plan's last slot has passed: nothing is left to shoot. */
    holdReachesEnd: ({ context, event }) => {
      const end = slotsEnd(context);
      return end !== null && firstTakeableSlot(context, holdClock(context, event as SessionEvent & Record<string, unknown>), context.nextIndex) >= end;
    },
    scheduledPlan: ({ context }) => context.plan.scheduled === true,
    /** A restart found the scheduled start time already passed. */
    startPassed: ({ context, event }) => event.type === 'RESTARTED' && event.wall >= plannedWall(context, context.nextIndex),
    userPause: ({ context }) => context.hold?.reason === 'paused',
    /** After the gap, is there still a slot of the plan to shoot? */
    planRanOut: ({ context, event }) => {
      if (event.type !== 'RESUME' && event.type !== 'RESTARTED') return false;
      const end = slotsEnd(context);
      if (end === null) return false;
      const c = { ...context, ...anchorAfterGap(context, event) };
      return firstTakeableSlot(c, event.mono, c.nextIndex) >= end;
    },
    resumeOnRestart: ({ event }) => event.type === 'RESTARTED' && event.resume,
  },
  actions: {
    skipLateSlots: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'TICK') return;
      skipUntil(enqueue, context, firstTakeableSlot(context, event.mono, context.nextIndex + 1), 'late');
    }),
    recordShot: enqueueActions(({ context, event, enqueue }) => {
      if ('output' in event) recordSlot(enqueue, context, shotRecord(context, { output: event.output as ShotOutput }));
    }),
    recordFailure: enqueueActions(({ context, event, enqueue }) => {
      if (!('error' in event)) return;
      // The camera was gone or refused to release, or the press came due too late to send: nothing was exposed, so
      // the slot is skipped with the hold's reason, or as `late`.
      const skipReason = holdCodeOf(event) ?? (isTooLate(event) ? 'late' : null);
      if (skipReason) skipUntil(enqueue, context, context.nextIndex + 1, skipReason);
      else recordSlot(enqueue, context, shotRecord(context, { failure: asShotFailure(event.error) }));
    }),
    hold: enqueueActions(({ context, event, enqueue }) => {
      const { reason, detail } = holdFor(context, event);
      const at = endTime(event as SessionEvent & Record<string, unknown>);
      enqueue.assign({ hold: { reason, since: at, detail, skipped: 0 }, holdRequested: null });
      enqueue.emit({ type: 'session.held', sessionId: context.plan.id, at, reason, detail });
    }),
    requestPause: assign({ holdRequested: 'paused' as HoldReason }),
    skipHeld: enqueueActions(({ context, event, enqueue }) => void skipHeld(enqueue, context, event as SessionEvent & Record<string, unknown>)),
    closeHold: enqueueActions(({ context, event, enqueue }) => void closeHold(enqueue, context, event as SessionEvent & Record<string, unknown>)),
    /** A restart while paused: the slots up to the crash are the pause's; the grid is re-pinned, still paused. */
    repinHeld: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'RESTARTED') return;
      const { context: c } = skipHeld(enqueue, context, event);
      const { anchor } = anchorAfterGap(c, event);
      enqueue.assign({ anchor, nextAt: plannedMono({ ...c, anchor }, c.nextIndex) });
    }),
    /** A restart before a scheduled start: the same wall-clock start, on the new process's monotonic clock. */
    repinSchedule: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'RESTARTED') return;
      const anchor = { ...context.anchor, mono: event.mono - (event.wall - context.anchor.wall) };
      enqueue.assign({ anchor, nextAt: plannedMono({ ...context, anchor }, context.nextIndex) });
    }),
    began: enqueueActions(({ context, event, enqueue }) =>
      enqueue.emit({ type: 'session.began', sessionId: context.plan.id, at: endTime(event as SessionEvent & Record<string, unknown>) }),
    ),
    endCompleted: enqueueActions(({ context, event, enqueue }) => end(enqueue, context, 'completed', endTime(event), null)),
    endStopped: enqueueActions(({ context, event, enqueue }) => end(enqueue, context, 'stopped', endTime(event), null, stopReasonOf(event))),
    endFailed: enqueueActions(({ context, event, enqueue }) => {
      const failure = 'error' in event ? asShotFailure(event.error) : null;
      end(enqueue, context, 'failed', endTime(event), failure && { code: failure.code, message: failure.message });
    }),
    suspend: enqueueActions(({ context, event, enqueue }) => {
      const restart = event.type === 'RESTARTED';
      // After a crash, nothing was shot since the last logged event; after SIGTERM, since the suspend.
      const pausedAt = context.pausedAt ?? (restart ? event.lastEventAt : endTime(event));
      enqueue.assign({ suspendRequested: false, pausedAt });
      enqueue.emit({ type: 'session.suspended', sessionId: context.plan.id, at: endTime(event), reason: restart ? 'restart' : 'shutdown' });
    }),
    requestSuspend: assign({ suspendRequested: true }),
    requestStop: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'STOP') return;
      const reason = stopReasonOf(event)!;
      enqueue.assign({ stopRequested: true, stopReason: reason });
      enqueue.emit({ type: 'session.stop_requested', sessionId: context.plan.id, at: event.at, reason });
    }),
    /**
     * RESTARTED from `running.shooting`: the press may have left before the process died, so the slot is `unknown`;
     * if it left, it left before this restart.
     */
    settleInFlight: enqueueActions(({ context, event, enqueue }) => {
      if (event.type === 'RESTARTED') recordSlot(enqueue, context, { ...blankRecord(context), result: 'unknown' }, { leftBy: event.at });
    }),
    announceSaved: enqueueActions(({ context, event, enqueue }) => {
      if (event.type === 'SAVE') enqueue.emit({ type: 'session.saved', sessionId: context.plan.id, title: event.title ?? context.plan.title, at: event.at });
    }),
    announceDiscarded: enqueueActions(({ context, event, enqueue }) => {
      if (event.type === 'DISCARD') enqueue.emit({ type: 'session.discarded', sessionId: context.plan.id, at: event.at });
    }),
    /** Re-pins the grid, skips the slots that passed while nobody shot them, and says so. */
    resumeGrid: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'RESUME' && event.type !== 'RESTARTED') return;
      const { anchor, reanchored } = anchorAfterGap(context, event);
      const pinned: SessionContext = { ...context, anchor, nextAt: plannedMono({ ...context, anchor }, context.nextIndex), suspendRequested: false };
      const until = firstTakeableSlot(pinned, event.mono, pinned.nextIndex);
      const note: ResumeNote = { at: event.wall, gapMs: event.wall - (context.pausedAt ?? event.lastEventAt), skipped: until - pinned.nextIndex, reanchored };
      enqueue.assign({ anchor, nextAt: pinned.nextAt, suspendRequested: false, pausedAt: null, lastResume: note });
      skipUntil(enqueue, pinned, until, 'controller_offline');
      enqueue.emit({ type: 'session.resumed', sessionId: context.plan.id, ...note });
    }),
    /** The plan ran out while nobody was there: the rest of its slots are skipped and it waits to be saved. */
    interruptRanOut: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'RESUME' && event.type !== 'RESTARTED') return;
      const { anchor } = anchorAfterGap(context, event);
      const pinned: SessionContext = { ...context, anchor, nextAt: plannedMono({ ...context, anchor }, context.nextIndex) };
      enqueue.assign({ anchor, nextAt: pinned.nextAt, endedAt: event.lastEventAt });
      skipUntil(enqueue, pinned, slotsEnd(context) ?? context.nextIndex, 'controller_offline');
      enqueue.emit({ type: 'session.interrupted', sessionId: context.plan.id, at: event.at, lastEventAt: event.lastEventAt });
    }),
    endStoppedAtLastEvent: enqueueActions(({ context, event, enqueue }) => {
      if (event.type === 'RESTARTED') end(enqueue, context, 'stopped', event.lastEventAt, null);
    }),
    filesLate: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'FILES_LATE' || event.number > context.nextIndex) return;
      const known = new Set(context.recentFiles.map((f) => f.path));
      const files = event.files.filter((f) => !known.has(f));
      if (files.length === 0) return;
      creditFiles(enqueue, context, [{ number: event.number, files }]);
    }),
    reconcileCard: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'CARD_FILES') return;
      const { matched, orphans } = reconcile(context.pending, context.recentFiles, event.files, context.orphanFiles);
      const credited = creditFiles(enqueue, context, matched);
      if (orphans.length > 0) {
        enqueue.emit({ type: 'session.orphan_files', sessionId: context.plan.id, files: orphans });
        enqueue.assign({ orphanFiles: [...context.orphanFiles, ...orphans.map((o) => o.path)].slice(-MAX_RECENT_FILES) });
      }
      // A frame still being written (long noise reduction) may yet show up for a recent unknown or failed slot; an
      // `ok` slot keeps taking late files whether pending or not. Older slots the card did not settle, it never will.
      const pending = credited.pending.filter((p) => p.result !== 'ok' && p.number > context.nextIndex - SETTLE_WINDOW_SLOTS);
      // Those whose press window closed (or whose presser died) before the listing began would have shown their file
      // on it had they fired.
      const { listedFrom } = event;
      const before = (p: PendingSlot) => listedFrom !== undefined && Math.min(p.plannedAt + context.plan.intervalMs, p.leftBy ?? Infinity) <= listedFrom;
      enqueue.assign({ pending: pending.map((p) => (before(p) ? { ...p, unseen: true as const } : p)) });
    }),
  },
}).createMachine({
  id: 'session',
  context: ({ input }) => ({
    plan: input.plan,
    anchor: { index: 0, mono: input.anchorMono, wall: input.plan.startedAt },
    nextIndex: 0,
    nextAt: input.anchorMono,
    counts: { ok: 0, failed: 0, skipped: 0, unknown: 0 },
    lastShot: null,
    stopRequested: false,
    stopReason: null,
    suspendRequested: false,
    pausedAt: null,
    lastResume: null,
    pending: [],
    recentFiles: [],
    orphanFiles: [],
    endedAt: null,
    error: null,
    hold: null,
    holdRequested: null,
    failedInRow: 0,
    armOnDone: input.armOnDone === true,
  }),
  entry: enqueueActions(({ context, enqueue }) => enqueue.emit({ type: 'session.started', session: context.plan })),
  initial: 'planning',
  states: {
    /** Transient: a plan with a start time waits for it, any other starts at once. */
    planning: { always: [{ guard: 'scheduledPlan', target: 'scheduled' }, { target: 'running' }] },
    /** Waiting for `startAt`. The start is a wall-clock label, so a restart re-pins it on the new monotonic clock. */
    scheduled: {
      invoke: { id: 'deadline', src: 'deadline', input: ({ context }) => ({ at: context.nextAt - SCHEDULE_WAKE_MS }) },
      on: {
        TICK: { target: 'running', actions: 'began' },
        STOP: { target: 'stopped', actions: 'endStopped' },
        RESTARTED: [
          { guard: 'planRanOut', target: 'interrupted', actions: 'interruptRanOut' },
          { guard: and(['startPassed', 'resumeOnRestart']), target: '#session.running.waiting', actions: ['began', 'resumeGrid'] },
          { guard: 'startPassed', target: 'suspended', actions: 'suspend' },
          { target: 'scheduled', reenter: true, actions: 'repinSchedule' },
        ],
      },
    },
    running: {
      initial: 'waiting',
      on: { FILES_LATE: { actions: 'filesLate' } },
      states: {
        waiting: {
          // Armed early (ARM_AHEAD_MS): the TICK is made durable and announced before the slot, and the shoot actor
          // then presses at the planned time itself.
          invoke: { id: 'deadline', src: 'deadline', input: ({ context }) => ({ at: context.nextAt - ARM_AHEAD_MS }) },
          on: {
            TICK: [
              { guard: and(['slotTooLate', 'skipReachesEnd']), target: '#session.completed', actions: ['skipLateSlots', 'endCompleted'] },
              { guard: 'slotTooLate', target: 'waiting', reenter: true, actions: 'skipLateSlots' },
              { target: 'shooting' },
            ],
            STOP: { target: '#session.stopped', actions: 'endStopped' },
            SUSPEND: { target: '#session.suspended', actions: 'suspend' },
            PAUSE: { target: 'paused', actions: 'hold' },
            CAMERA_LOST: { target: 'waiting_for_camera', actions: 'hold' },
            RELEASE_DISABLED: { target: 'held', actions: 'hold' },
            RESTARTED: [
              { guard: 'planRanOut', target: '#session.interrupted', actions: 'interruptRanOut' },
              { guard: 'resumeOnRestart', target: 'waiting', reenter: true, actions: 'resumeGrid' },
              { target: '#session.suspended', actions: 'suspend' },
            ],
            CARD_FILES: { actions: 'reconcileCard' },
          },
        },
        shooting: {
          invoke: {
            id: 'shoot',
            src: 'shoot',
            input: ({ context }) => ({
              tag: { sessionId: context.plan.id, number: context.nextIndex + 1 },
              plannedMono: context.nextAt,
              pressDeadlineMono: context.nextAt + lateToleranceMs(context.plan.intervalMs),
              fileDeadlineMono: fileWaitEnd(context),
              bulbSeconds: context.plan.bulbSeconds ?? null,
            }),
            onDone: [
              { guard: 'stopRequested', target: '#session.stopped', actions: ['recordShot', 'endStopped'] },
              { guard: 'lastSlot', target: '#session.completed', actions: ['recordShot', 'endCompleted'] },
              { guard: 'suspendRequested', target: '#session.suspended', actions: ['recordShot', 'suspend'] },
              { guard: 'holdRequested', target: 'paused', actions: ['recordShot', 'hold'] },
              { guard: 'nextArmDue', target: 'shooting', reenter: true, actions: 'recordShot' },
              { target: 'waiting', actions: 'recordShot' },
            ],
            onError: [
              // Held back before it left (docs/protocol.md): the slot was not shot, so it ends as from `waiting`.
              { guard: and(['heldBack', 'stopRequested']), target: '#session.stopped', actions: 'endStopped' },
              { guard: and(['heldBack', 'suspendRequested']), target: '#session.suspended', actions: 'suspend' },
              { guard: and(['heldBack', 'holdRequested']), target: 'paused', actions: 'hold' },
              { guard: 'heldBack', target: 'waiting' },
              { guard: 'fatalFailure', target: '#session.failed', actions: ['recordFailure', 'endFailed'] },
              { guard: 'stopRequested', target: '#session.stopped', actions: ['recordFailure', 'endStopped'] },
              { guard: 'lastSlot', target: '#session.completed', actions: ['recordFailure', 'endCompleted'] },
              { guard: 'suspendRequested', target: '#session.suspended', actions: ['recordFailure', 'suspend'] },
              { guard: 'cameraGoneFailure', target: 'waiting_for_camera', actions: ['recordFailure', 'hold'] },
              { guard: 'holdFailure', target: 'held', actions: ['recordFailure', 'hold'] },
              { guard: 'holdRequested', target: 'paused', actions: ['recordFailure', 'hold'] },
              { guard: 'tooManyFailed', target: 'paused', actions: ['recordFailure', 'hold'] },
              { guard: 'nextArmDue', target: 'shooting', reenter: true, actions: 'recordFailure' },
              { target: 'waiting', actions: 'recordFailure' },
            ],
          },
          on: {
            // A card check made while the controller held this slot's press (after a (re)connect, before any press
            // could add a file): nothing is in flight, so it settles the older slots now. Any other waits for `waiting`.
            CARD_FILES: { guard: ({ event }) => event.pressesHeld === true, actions: 'reconcileCard' },
            // The exposure in flight is finished and recorded before the session stops or is suspended. A press that
            // has not left yet is held back by the controller (HELD_BACK, above).
            STOP: { guard: ({ context }) => !context.stopRequested, actions: 'requestStop' },
            SUSPEND: { guard: ({ context }) => !context.suspendRequested, actions: 'requestSuspend' },
            PAUSE: { guard: ({ context }) => context.holdRequested === null, actions: 'requestPause' },
            // The process died mid-press: that slot is unknown; then as from `waiting`.
            RESTARTED: [
              { guard: 'stopRequested', target: '#session.stopped', actions: ['settleInFlight', 'endStoppedAtLastEvent'] },
              { guard: 'lastSlot', target: '#session.interrupted', actions: ['settleInFlight', 'interruptRanOut'] },
              { guard: 'planRanOut', target: '#session.interrupted', actions: ['settleInFlight', 'interruptRanOut'] },
              { guard: 'resumeOnRestart', target: 'waiting', actions: ['settleInFlight', 'resumeGrid'] },
              { target: '#session.suspended', actions: ['settleInFlight', 'suspend'] },
            ],
          },
        },
        // Holds: nothing is shot; the slots that pass are skipped with the hold's reason (recorded when the hold wakes,
        // ends, or the session stops), and shooting goes on at the next slot of the original grid.
        paused: holdState({
          UNPAUSE: [
            { guard: 'holdReachesEnd', target: '#session.completed', actions: ['closeHold', 'endCompleted'] },
            { target: 'waiting', actions: 'closeHold' },
          ],
        }),
        waiting_for_camera: holdState({
          CAMERA_BACK: [
            { guard: 'holdReachesEnd', target: '#session.completed', actions: ['closeHold', 'endCompleted'] },
            { target: 'waiting', actions: 'closeHold' },
          ],
          PAUSE: { target: 'paused', actions: ['closeHold', 'hold'] },
        }),
        held: holdState({
          RELEASE_ALLOWED: [
            { guard: 'holdReachesEnd', target: '#session.completed', actions: ['closeHold', 'endCompleted'] },
            { target: 'waiting', actions: 'closeHold' },
          ],
          PAUSE: { target: 'paused', actions: ['closeHold', 'hold'] },
        }),
      },
    },
    /** Not shooting, and not over: after SIGTERM, or a restart with `--resume ask`. Waits for a decision. */
    suspended: {
      on: {
        RESTARTED: [
          { guard: and(['resumeOnRestart', 'planRanOut']), target: 'interrupted', actions: 'interruptRanOut' },
          { guard: 'resumeOnRestart', target: '#session.running.waiting', actions: 'resumeGrid' },
        ],
        RESUME: [
          { guard: 'planRanOut', target: 'interrupted', actions: 'interruptRanOut' },
          { target: '#session.running.waiting', actions: 'resumeGrid' },
        ],
        STOP: { target: 'stopped', actions: 'endStopped' },
        SAVE: { target: 'saved', actions: ['endStopped', 'announceSaved'] },
        DISCARD: { target: 'discarded', actions: 'announceDiscarded' },
        CARD_FILES: { actions: 'reconcileCard' },
        FILES_LATE: { actions: 'filesLate' },
      },
    },
    // Ended, but not final: the card can still settle a press that was unconfirmed when the session ended (a stop
    // while the camera was away). Nothing else happens here; the controller lets go of the session.
    completed: { on: { CARD_FILES: { actions: 'reconcileCard' }, FILES_LATE: { actions: 'filesLate' } } },
    stopped: { on: { CARD_FILES: { actions: 'reconcileCard' }, FILES_LATE: { actions: 'filesLate' } } },
    failed: { on: { CARD_FILES: { actions: 'reconcileCard' }, FILES_LATE: { actions: 'filesLate' } } },
    /** The plan ran out while the controller was down: every logged shot is kept, waiting for save or discard. */
    interrupted: {
      on: {
        SAVE: { target: 'saved', actions: 'announceSaved' },
        DISCARD: { target: 'discarded', actions: 'announceDiscarded' },
        CARD_FILES: { actions: 'reconcileCard' },
        FILES_LATE: { actions: 'filesLate' },
      },
    },
    saved: { type: 'final' },
    discarded: { type: 'final' },
  },
});

/** Credits files to slots: a pending unknown/failed slot is recovered, any other gets the files added. */
function creditFiles(enqueue: Enqueue, c: SessionContext, matched: { number: number; files: string[] }[]): Pick<SessionContext, 'pending' | 'recentFiles'> {
  let { counts, pending, recentFiles } = c;
  for (const { number, files } of matched) {
    const slot = pending.find((p) => p.number === number);
    if (slot && slot.result !== 'ok') {
      enqueue.emit({ type: 'shot.recovered', sessionId: c.plan.id, number, was: slot.result, files });
      counts = { ...counts, [slot.result]: counts[slot.result] - 1, ok: counts.ok + 1 };
    } else {
      enqueue.emit({ type: 'shot.files_added', sessionId: c.plan.id, number, files });
    }
    pending = pending.filter((p) => p.number !== number);
    recentFiles = withFiles(recentFiles, number, files);
  }
  enqueue.assign({ counts, pending, recentFiles });
  return { pending, recentFiles };
}

export type SessionMachine = typeof sessionMachine;

/** What every hold state does besides its own way out (`exits`). */
function holdState<E>(exits: E) {
  return {
    invoke: { id: 'deadline', src: 'deadline', input: ({ context }: { context: SessionContext }) => ({ at: holdWakeAt(context) }) },
    on: {
      ...exits,
      TICK: [
        { guard: 'holdReachesEnd', target: '#session.completed', actions: ['skipHeld', 'endCompleted'] },
        { reenter: true, actions: 'skipHeld' },
      ],
      STOP: { target: '#session.stopped', actions: ['closeHold', 'endStopped'] },
      SUSPEND: { target: '#session.suspended', actions: ['closeHold', 'suspend'] },
      RESTARTED: [
        { guard: 'planRanOut', target: '#session.interrupted', actions: ['closeHold', 'interruptRanOut'] },
        // A pause outlives a restart; a camera hold is looked at afresh by the next shot.
        { guard: 'userPause', reenter: true, actions: 'repinHeld' },
        { guard: 'resumeOnRestart', target: '#session.running.waiting', actions: ['closeHold', 'resumeGrid'] },
        { target: '#session.suspended', actions: ['closeHold', 'suspend'] },
      ],
      CARD_FILES: { actions: 'reconcileCard' },
    },
  } as const;
}
