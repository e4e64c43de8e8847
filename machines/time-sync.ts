// Whose time the Pi keeps, and the camera's: stream `time`, started afresh at every boot (the Pi has no real-time
// clock, so nothing it knew before a boot still holds). Two regions: `pi` (unsynced → synced ⇄ stale, stepping while
// the clock is set) and `camera` (idle ⇄ syncing). Pure: the app measures (time-math.ts) and stamps times onto the
// events; the named actors `stepClock`, `syncCamera` and `deadline` do the I/O. The clock is never stepped while a
// session shoots (`shooting` on the estimate): the step is logged as deferred and taken from a later estimate.
import { and, assign, fromCallback, fromPromise, not, setup, stateIn, type EventObject } from 'xstate';
import { priorityOf, STEP_THRESHOLD_MS, VALIDITY_MS, type SourceKind } from './time-math.ts';

export const TIME_MACHINE_VERSION = 'time@1';

export interface Estimate {
  source: SourceKind;
  /** The connection (or `camera`, `gps:<connection>`) it came from: a source that goes away loses its status. */
  sourceId: string;
  offsetMs: number;
  /** Round-trip delay of the best sample, or the stated uncertainty (GPS). */
  delayMs: number;
  /** The source's IANA zone, when it said. */
  timezone: string | null;
}

export interface TimeFailure {
  code: string;
  message: string;
  mono: number;
  wall: number;
}

export interface PiClock {
  source: SourceKind | null;
  sourceId: string | null;
  offsetMs: number | null;
  delayMs: number | null;
  timezone: string | null;
  /** Wall time of the last accepted estimate or step. */
  lastSync: number | null;
  /** Monotonic end of the current source's validity window (the deadline), and its wall-clock label. */
  validUntil: number | null;
  validUntilWall: number | null;
  /** The step the last estimate asked for, while it waits (a session shooting) or runs. */
  pendingStepMs: number | null;
  lastStep: { deltaMs: number; at: number } | null;
  error: { code: string; message: string } | null;
}

export interface CameraClock {
  /** Camera − Pi, ms, as last read (1 s resolution); null before any reading. */
  offsetMs: number | null;
  lastSync: number | null;
  lastSyncMono: number | null;
  error: { code: string; message: string } | null;
}

export interface TimeContext {
  pi: PiClock;
  camera: CameraClock;
}

export interface StepResult {
  deltaMs: number;
  mono: number;
  wall: number;
}
export interface CameraSyncResult {
  offsetBeforeMs: number | null;
  offsetAfterMs: number | null;
  mono: number;
  wall: number;
}

export type TimeEvent =
  | { type: 'ESTIMATE'; estimate: Estimate; shooting: boolean; mono: number; wall: number }
  | { type: 'SOURCE_GONE'; sourceId: string; mono: number; wall: number }
  | { type: 'CAMERA_SYNC'; mono: number; wall: number }
  | { type: 'TICK'; mono: number; wall: number };

/** The camera is set again after the Pi synced, at most this often on its own. */
export const CAMERA_RESYNC_MS = 30 * 60_000;

type E = { type: string; estimate?: Estimate; shooting?: boolean; mono?: number; sourceId?: string };

/** A reading the Pi takes: from a better or equal source than the current valid one, or the current one again. */
function accepts(ctx: TimeContext, e: E, synced: boolean): boolean {
  const est = e.estimate;
  if (!est) return false;
  // The camera is a source of last resort: only a Pi that no one has told the time yet follows it.
  if (est.source === 'camera' && ctx.pi.lastSync !== null && ctx.pi.source !== 'camera') return false;
  if (!synced || ctx.pi.source === null) return true;
  return est.sourceId === ctx.pi.sourceId || priorityOf(est.source) <= priorityOf(ctx.pi.source);
}

/** Off by more than the threshold and than the estimate's own uncertainty (half its delay): a step would help. */
const needsStep = (e: E) => Math.abs(e.estimate?.offsetMs ?? 0) > Math.max(STEP_THRESHOLD_MS, (e.estimate?.delayMs ?? 0) / 2);

/** The estimate as the Pi's current source, valid for its window from `mono`. */
const fresh = (mono: number, wall: number, est: Estimate): Partial<PiClock> => ({
  source: est.source,
  sourceId: est.sourceId,
  offsetMs: est.offsetMs,
  delayMs: est.delayMs,
  timezone: est.timezone,
  validUntil: mono + VALIDITY_MS[est.source],
  validUntilWall: wall + VALIDITY_MS[est.source],
  error: null,
});

export const timeSyncMachine = setup({
  types: {
    context: {} as TimeContext,
    events: {} as TimeEvent,
  },
  actors: {
    // Placeholders: adapters/time/actors.ts provides the real ones. Pure replay never starts actors.
    stepClock: fromPromise<StepResult, { deltaMs: number }>(async () => {
      throw new Error('stepClock actor not provided');
    }),
    syncCamera: fromPromise<CameraSyncResult>(async () => {
      throw new Error('syncCamera actor not provided');
    }),
    deadline: fromCallback<EventObject, { at: number }>(() => {
      throw new Error('deadline actor not provided');
    }),
  },
  guards: {
    acceptedWhileSynced: ({ context, event }) => accepts(context, event, true),
    accepted: ({ context, event }) => accepts(context, event, false),
    needsStep: ({ event }) => needsStep(event),
    shooting: ({ event }) => (event as E).shooting === true,
    fromCamera: ({ event }) => (event as E).estimate?.source === 'camera',
    isCurrentSource: ({ context, event }) => (event as E).sourceId === context.pi.sourceId,
    cameraDue: ({ context, event }) => {
      const mono = (event as E).mono ?? (event as unknown as { output?: { mono: number } }).output?.mono ?? 0;
      return context.camera.lastSyncMono === null || mono - context.camera.lastSyncMono >= CAMERA_RESYNC_MS;
    },
  },
  actions: {
    take: assign(({ context, event }) => {
      const e = event as { estimate: Estimate; mono: number; wall: number };
      return { pi: { ...context.pi, ...fresh(e.mono, e.wall, e.estimate), lastSync: e.wall, pendingStepMs: null } };
    }),
    /** The step this estimate asks for: taken now (stepping) or later (a session shoots). */
    noteStep: assign(({ context, event }) => {
      const e = event as { estimate: Estimate; mono: number; wall: number };
      return { pi: { ...context.pi, ...fresh(e.mono, e.wall, e.estimate), pendingStepMs: e.estimate.offsetMs } };
    }),
  },
}).createMachine({
  id: 'time',
  type: 'parallel',
  context: {
    pi: { source: null, sourceId: null, offsetMs: null, delayMs: null, timezone: null, lastSync: null, validUntil: null, validUntilWall: null, pendingStepMs: null, lastStep: null, error: null },
    camera: { offsetMs: null, lastSync: null, lastSyncMono: null, error: null },
  },
  states: {
    pi: {
      initial: 'unsynced',
      states: {
        unsynced: {
          on: {
            ESTIMATE: [
              { guard: and(['accepted', 'needsStep', 'shooting']), actions: 'noteStep' },
              { guard: and(['accepted', 'needsStep']), target: 'stepping', actions: 'noteStep' },
              { guard: 'accepted', target: 'synced', actions: 'take' },
            ],
          },
        },
        stale: {
          on: {
            ESTIMATE: [
              { guard: and(['accepted', 'needsStep', 'shooting']), target: 'unsynced', actions: 'noteStep' },
              { guard: and(['accepted', 'needsStep']), target: 'stepping', actions: 'noteStep' },
              { guard: 'accepted', target: 'synced', actions: 'take' },
            ],
          },
        },
        synced: {
          invoke: { id: 'deadline', src: 'deadline', input: ({ context }) => ({ at: context.pi.validUntil ?? 0 }) },
          on: {
            ESTIMATE: [
              { guard: and(['acceptedWhileSynced', 'needsStep', 'shooting']), target: 'unsynced', actions: 'noteStep' },
              { guard: and(['acceptedWhileSynced', 'needsStep']), target: 'stepping', actions: 'noteStep' },
              // Re-entered: the validity window restarts from this reading.
              { guard: 'acceptedWhileSynced', target: 'synced', reenter: true, actions: 'take' },
            ],
            TICK: 'stale',
            SOURCE_GONE: { guard: 'isCurrentSource', target: 'stale' },
          },
        },
        stepping: {
          invoke: {
            id: 'stepClock',
            src: 'stepClock',
            input: ({ context }) => ({ deltaMs: context.pi.pendingStepMs ?? 0 }),
            onDone: {
              target: 'synced',
              actions: assign(({ context, event }) => ({
                // After the step the Pi agrees with the source, up to the sample's own uncertainty.
                pi: { ...context.pi, offsetMs: 0, pendingStepMs: null, lastSync: event.output.wall, lastStep: { deltaMs: event.output.deltaMs, at: event.output.wall } },
              })),
            },
            onError: {
              target: 'unsynced',
              actions: assign(({ context, event }) => {
                const f = event.error as TimeFailure;
                return { pi: { ...context.pi, pendingStepMs: null, error: { code: f.code, message: f.message } } };
              }),
            },
          },
        },
      },
    },
    camera: {
      initial: 'idle',
      states: {
        idle: {
          on: {
            CAMERA_SYNC: 'syncing',
            // Once the Pi knows the time, the camera is told too (not while a session shoots).
            // (Not from the camera's own clock: that would set the camera to itself.)
            ESTIMATE: {
              guard: and([not(stateIn({ pi: 'synced' })), 'accepted', not('needsStep'), not('shooting'), not('fromCamera'), 'cameraDue']),
              target: 'syncing',
            },
            // A step leaves the camera off by the step, whenever it was last set.
            'xstate.done.actor.stepClock': 'syncing',
          },
        },
        syncing: {
          invoke: {
            id: 'syncCamera',
            src: 'syncCamera',
            onDone: {
              target: 'idle',
              actions: assign(({ event }) => ({
                camera: { offsetMs: event.output.offsetAfterMs, lastSync: event.output.wall, lastSyncMono: event.output.mono, error: null },
              })),
            },
            onError: {
              target: 'idle',
              actions: assign(({ context, event }) => {
                const f = event.error as TimeFailure;
                return { camera: { ...context.camera, lastSyncMono: f.mono, error: { code: f.code, message: f.message } } };
              }),
            },
          },
        },
      },
    },
  },
});

export type TimeSyncMachine = typeof timeSyncMachine;
