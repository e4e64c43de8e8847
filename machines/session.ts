// The intervalometer session: one machine instance per session, logged as stream `session:<id>`.
// Pure: time and ids arrive in events and input; I/O happens in the named actors `deadline` and `shoot`,
// whose real implementations adapters/ provide through `machine.provide`.
import { and, assign, enqueueActions, fromCallback, fromPromise, setup, type EventObject } from 'xstate';
import type { ShotResult } from './camera-port.ts';
import type { ErrorInfo, SessionFact, SessionPlan, ShotRecord } from './session-facts.ts';

export interface SessionInput {
  plan: SessionPlan;
  /** Monotonic time of slot 0; every slot k is planned at anchorMono + k * intervalMs. */
  anchorMono: number;
}

export interface SessionContext {
  plan: SessionPlan;
  anchorMono: number;
  /** 0-based index of the next slot and its monotonic deadline (absolute, so it survives a restart). */
  nextIndex: number;
  nextAt: number;
  counts: { ok: number; failed: number; skipped: number };
  lastShot: ShotRecord | null;
  stopRequested: boolean;
  endedAt: number | null;
  error: ErrorInfo | null;
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
  sessionId: string;
  number: number;
  plannedMono: number;
  /** Presses are retried until here (half an interval late); the file is awaited until the next slot. */
  pressDeadlineMono: number;
  fileDeadlineMono: number;
}

export type TickEvent = { type: 'TICK'; mono: number; wall: number };
export type SessionEvent =
  | TickEvent
  | { type: 'STOP'; at: number }
  | { type: 'INTERRUPTED'; at: number; lastEventAt: number }
  | { type: 'SAVE'; at: number; title?: string | undefined }
  | { type: 'DISCARD'; at: number };

/** A slot may still be shot until half an interval after its planned time; later it is skipped, never burst. */
export const lateToleranceMs = (intervalMs: number): number => intervalMs / 2;

const plannedMono = (c: SessionContext, index: number): number => c.anchorMono + index * c.plan.intervalMs;
const plannedWall = (c: SessionContext, index: number): number => c.plan.startedAt + index * c.plan.intervalMs;
/** Number of slots in the plan; null for an unlimited session. */
const slotsEnd = (c: SessionContext): number | null => (c.plan.stopCondition === 'stop-after' ? c.plan.totalShots : null);
const isLastSlot = (c: SessionContext, index: number): boolean => {
  const end = slotsEnd(c);
  return end !== null && index + 1 >= end;
};

/** First slot index that can still be shot at `mono`, never beyond the plan's last slot. */
function firstTakeableSlot(c: SessionContext, mono: number): number {
  const tolerance = lateToleranceMs(c.plan.intervalMs);
  const index = Math.max(c.nextIndex + 1, Math.ceil((mono - tolerance - c.anchorMono) / c.plan.intervalMs));
  const end = slotsEnd(c);
  return end === null ? index : Math.min(index, end);
}

function skippedRecords(c: SessionContext, until: number): ShotRecord[] {
  const records: ShotRecord[] = [];
  for (let index = c.nextIndex; index < until; index++) {
    records.push({
      number: index + 1,
      plannedAt: plannedWall(c, index),
      plannedMono: plannedMono(c, index),
      triggeredAt: null,
      triggerMono: null,
      latenessMs: null,
      latencyMs: null,
      attempts: 0,
      file: null,
      result: 'skipped',
      error: null,
    });
  }
  return records;
}

function shotRecord(c: SessionContext, outcome: { output: ShotOutput } | { failure: ShotFailure }): ShotRecord {
  const base = { number: c.nextIndex + 1, plannedAt: plannedWall(c, c.nextIndex), plannedMono: c.nextAt };
  if ('output' in outcome) {
    const o = outcome.output;
    return {
      ...base,
      triggeredAt: o.triggerWall,
      triggerMono: o.triggerMono,
      latenessMs: o.triggerMono - c.nextAt,
      latencyMs: o.latencyMs,
      attempts: o.attempts,
      file: o.file,
      result: 'ok',
      error: null,
    };
  }
  const f = outcome.failure;
  return {
    ...base,
    triggeredAt: null,
    triggerMono: null,
    latenessMs: null,
    latencyMs: null,
    attempts: f.attempts,
    file: null,
    result: 'failed',
    error: { code: f.code, message: f.message },
  };
}

/** XState hands rejections through as `unknown`; anything not shaped by our adapter becomes a generic failure. */
export function asShotFailure(error: unknown): ShotFailure {
  const e = error as Partial<ShotFailure> | null;
  if (e && typeof e.code === 'string' && typeof e.mono === 'number' && typeof e.wall === 'number') {
    return { code: e.code, message: String(e.message ?? e.code), fatal: e.fatal === true, attempts: e.attempts ?? 0, mono: e.mono, wall: e.wall };
  }
  return { code: 'INTERNAL', message: String((error as Error | null)?.message ?? error), fatal: false, attempts: 0, mono: 0, wall: 0 };
}

const bumpCount = (counts: SessionContext['counts'], shot: ShotRecord): SessionContext['counts'] => ({
  ...counts,
  [shot.result]: counts[shot.result] + 1,
});


/** Context after slot `shot.number` was shot or failed: the grid moves on by exactly one slot. */
function advancePast(c: SessionContext, shot: ShotRecord): Partial<SessionContext> {
  const nextIndex = c.nextIndex + 1;
  return { nextIndex, nextAt: plannedMono(c, nextIndex), counts: bumpCount(c.counts, shot), lastShot: shot };
}

/** Wall time at which the session ended, taken from the event that ended it. */
function endTime(event: { type: string } & Record<string, unknown>): number {
  if (event.type === 'TICK' || event.type === 'STOP') return (event.wall ?? event.at) as number;
  if ('output' in event) return (event.output as ShotOutput).doneWall;
  if ('error' in event) return asShotFailure(event.error).wall;
  return 0;
}

type Enqueue = { assign: (p: Partial<SessionContext>) => void; emit: (f: SessionFact) => void };
function end(enqueue: Enqueue, c: SessionContext, status: 'completed' | 'stopped' | 'failed', at: number, error: ErrorInfo | null) {
  enqueue.assign({ endedAt: at, error });
  enqueue.emit({ type: 'session.ended', sessionId: c.plan.id, status, endedAt: at, error });
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
      return event.type === 'TICK' && end !== null && firstTakeableSlot(context, event.mono) >= end;
    },
    stopRequested: ({ context }) => context.stopRequested,
    lastSlot: ({ context }) => isLastSlot(context, context.nextIndex),
    fatalFailure: ({ event }) => 'error' in event && asShotFailure(event.error).fatal,
  },
  actions: {
    skipLateSlots: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'TICK') return;
      const until = firstTakeableSlot(context, event.mono);
      const skipped = skippedRecords(context, until);
      for (const shot of skipped) enqueue.emit({ type: 'shot.recorded', sessionId: context.plan.id, shot });
      enqueue.assign({
        nextIndex: until,
        nextAt: plannedMono(context, until),
        counts: { ...context.counts, skipped: context.counts.skipped + skipped.length },
        lastShot: skipped.at(-1) ?? context.lastShot,
      });
    }),
    recordShot: enqueueActions(({ context, event, enqueue }) => {
      if (!('output' in event)) return;
      const shot = shotRecord(context, { output: event.output as ShotOutput });
      enqueue.emit({ type: 'shot.recorded', sessionId: context.plan.id, shot });
      enqueue.assign(advancePast(context, shot));
    }),
    recordFailure: enqueueActions(({ context, event, enqueue }) => {
      if (!('error' in event)) return;
      const shot = shotRecord(context, { failure: asShotFailure(event.error) });
      enqueue.emit({ type: 'shot.recorded', sessionId: context.plan.id, shot });
      enqueue.assign(advancePast(context, shot));
    }),
    endCompleted: enqueueActions(({ context, event, enqueue }) => end(enqueue, context, 'completed', endTime(event), null)),
    endStopped: enqueueActions(({ context, event, enqueue }) => end(enqueue, context, 'stopped', endTime(event), null)),
    endFailed: enqueueActions(({ context, event, enqueue }) => {
      const failure = 'error' in event ? asShotFailure(event.error) : null;
      end(enqueue, context, 'failed', endTime(event), failure && { code: failure.code, message: failure.message });
    }),
  },
}).createMachine({
  id: 'session',
  context: ({ input }) => ({
    plan: input.plan,
    anchorMono: input.anchorMono,
    nextIndex: 0,
    nextAt: input.anchorMono,
    counts: { ok: 0, failed: 0, skipped: 0 },
    lastShot: null,
    stopRequested: false,
    endedAt: null,
    error: null,
  }),
  entry: enqueueActions(({ context, enqueue }) => enqueue.emit({ type: 'session.started', session: context.plan })),
  initial: 'running',
  states: {
    running: {
      initial: 'waiting',
      on: {
        INTERRUPTED: {
          target: 'interrupted',
          actions: enqueueActions(({ context, event, enqueue }) => {
            enqueue.assign({ endedAt: event.lastEventAt });
            enqueue.emit({ type: 'session.interrupted', sessionId: context.plan.id, at: event.at, lastEventAt: event.lastEventAt });
          }),
        },
      },
      states: {
        waiting: {
          invoke: { id: 'deadline', src: 'deadline', input: ({ context }) => ({ at: context.nextAt }) },
          on: {
            TICK: [
              { guard: and(['slotTooLate', 'skipReachesEnd']), target: '#session.completed', actions: ['skipLateSlots', 'endCompleted'] },
              { guard: 'slotTooLate', target: 'waiting', reenter: true, actions: 'skipLateSlots' },
              { target: 'shooting' },
            ],
            STOP: { target: '#session.stopped', actions: 'endStopped' },
          },
        },
        shooting: {
          invoke: {
            id: 'shoot',
            src: 'shoot',
            input: ({ context }) => ({
              sessionId: context.plan.id,
              number: context.nextIndex + 1,
              plannedMono: context.nextAt,
              pressDeadlineMono: context.nextAt + lateToleranceMs(context.plan.intervalMs),
              fileDeadlineMono: context.nextAt + context.plan.intervalMs,
            }),
            onDone: [
              { guard: 'stopRequested', target: '#session.stopped', actions: ['recordShot', 'endStopped'] },
              { guard: 'lastSlot', target: '#session.completed', actions: ['recordShot', 'endCompleted'] },
              { target: 'waiting', actions: 'recordShot' },
            ],
            onError: [
              { guard: 'fatalFailure', target: '#session.failed', actions: ['recordFailure', 'endFailed'] },
              { guard: 'stopRequested', target: '#session.stopped', actions: ['recordFailure', 'endStopped'] },
              { guard: 'lastSlot', target: '#session.completed', actions: ['recordFailure', 'endCompleted'] },
              { target: 'waiting', actions: 'recordFailure' },
            ],
          },
          // The exposure in flight is finished and recorded before the session stops.
          on: { STOP: { guard: ({ context }) => !context.stopRequested, actions: assign({ stopRequested: true }) } },
        },
      },
    },
    completed: { type: 'final' },
    stopped: { type: 'final' },
    failed: { type: 'final' },
    interrupted: {
      on: {
        SAVE: {
          target: 'saved',
          actions: enqueueActions(({ context, event, enqueue }) =>
            enqueue.emit({ type: 'session.saved', sessionId: context.plan.id, title: event.title ?? context.plan.title, at: event.at }),
          ),
        },
        DISCARD: {
          target: 'discarded',
          actions: enqueueActions(({ context, event, enqueue }) =>
            enqueue.emit({ type: 'session.discarded', sessionId: context.plan.id, at: event.at }),
          ),
        },
      },
    },
    saved: { type: 'final' },
    discarded: { type: 'final' },
  },
});

export type SessionMachine = typeof sessionMachine;
