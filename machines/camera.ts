// The camera connection: connecting → connected ⇄ reconnecting (backoff) → offline, logged as stream `camera`.
// Pure: the named actors `connect`, `monitor` and `deadline` do the I/O and stamp times onto the events they send.
import { assign, fromCallback, fromPromise, setup, type EventObject } from 'xstate';
import type { CameraInfo, CameraStatus } from './camera-port.ts';
import type { ErrorInfo } from './session-facts.ts';

/** Recorded with every logged event of this machine; replay refuses a log written by a machine it does not know. */
export const CAMERA_MACHINE_VERSION = 'camera@1';

export interface CameraInput {
  baseUrl: string;
  /** True when the camera is skylapse's own simulator: the UI says so loudly. */
  simulated: boolean;
}

/** A test photo taken outside a session. */
export interface PhotoRecord {
  triggeredAt: number;
  /** null when the press's answer was lost and the camera's evidence showed it fired. */
  latencyMs: number | null;
  attempts: number;
  files: string[];
}

export interface CameraContext extends CameraInput {
  /** Consecutive failed connection attempts. */
  attempt: number;
  /** Monotonic deadline of the next connection attempt while reconnecting or offline. */
  retryAt: number | null;
  info: CameraInfo | null;
  status: CameraStatus | null;
  lastError: ErrorInfo | null;
  lastPhoto: PhotoRecord | null;
}

export interface ConnectOutput {
  /** Where the camera was reached; with discovery (`auto`) it is known only now. */
  baseUrl: string;
  info: CameraInfo;
  status: CameraStatus;
  mono: number;
  wall: number;
}

/** Rejection shape of `connect` and payload of `LOST`: plain data, so it survives the event log's JSON. */
export interface CameraFailure extends ErrorInfo {
  mono: number;
  wall: number;
}

export type CameraEvent =
  | { type: 'TICK'; mono: number; wall: number }
  | { type: 'STATUS'; status: CameraStatus; wall: number }
  | { type: 'LOST'; error: CameraFailure }
  | { type: 'PHOTO_TAKEN'; photo: PhotoRecord }
  | { type: 'RECONNECT'; mono: number }
  | CameraRetarget;

/**
 * The camera is now to be reached at `baseUrl`: chosen with `connect_to_ip`, or the same camera (UUID) announced
 * itself at a new address (`moved`). Whatever the state, it connects there afresh.
 */
export interface CameraRetarget {
  type: 'RETARGET';
  baseUrl: string;
  moved: { uuid: string; oldIP: string; newIP: string } | null;
  mono: number;
}

/** Quick retries after a loss; once they are used up the camera counts as offline and is retried slowly. */
export const retryDelaysMs = [1_000, 2_000, 5_000, 10_000] as const;
export const offlineRetryMs = 30_000;
/** After a connection drops, the first retry comes quickly: most drops are WiFi blips. */
export const lostRetryMs = 500;

export function asCameraFailure(error: unknown): CameraFailure {
  const e = error as Partial<CameraFailure> | null;
  if (e && typeof e.code === 'string' && typeof e.mono === 'number' && typeof e.wall === 'number') {
    return { code: e.code, message: String(e.message ?? e.code), mono: e.mono, wall: e.wall };
  }
  return { code: 'INTERNAL', message: String((error as Error | null)?.message ?? error), mono: 0, wall: 0 };
}

const failureInfo = (f: CameraFailure): ErrorInfo => ({ code: f.code, message: f.message });

export const cameraMachine = setup({
  types: {
    input: {} as CameraInput,
    context: {} as CameraContext,
    events: {} as CameraEvent,
  },
  actors: {
    // Placeholders: adapters/machine-actors.ts provides the real ones. Pure replay never starts actors.
    connect: fromPromise<ConnectOutput>(async () => {
      throw new Error('connect actor not provided');
    }),
    monitor: fromCallback<EventObject, { status: CameraStatus | null }>(() => {
      throw new Error('monitor actor not provided');
    }),
    deadline: fromCallback<EventObject, { at: number }>(() => {
      throw new Error('deadline actor not provided');
    }),
  },
  guards: {
    quickRetriesUsedUp: ({ context }) => context.attempt + 1 > retryDelaysMs.length,
  },
  actions: {
    noteConnectFailure: assign(({ context, event }) => {
      const failure = asCameraFailure('error' in event ? event.error : event);
      const attempt = context.attempt + 1;
      const delay = retryDelaysMs[attempt - 1] ?? offlineRetryMs;
      return { attempt, retryAt: failure.mono + delay, lastError: failureInfo(failure) };
    }),
  },
}).createMachine({
  id: 'camera',
  context: ({ input }) => ({
    ...input,
    attempt: 0,
    retryAt: null,
    info: null,
    status: null,
    lastError: null,
    lastPhoto: null,
  }),
  initial: 'connecting',
  on: {
    RETARGET: {
      target: '.connecting',
      reenter: true,
      actions: assign(({ event }) => ({
        baseUrl: event.baseUrl,
        attempt: 0,
        retryAt: null,
        lastError: { code: 'ADDRESS_CHANGED', message: `the camera is now at ${event.baseUrl}` },
      })),
    },
  },
  states: {
    connecting: {
      invoke: {
        id: 'connect',
        src: 'connect',
        onDone: {
          target: 'connected',
          actions: assign(({ event }) => ({
            baseUrl: event.output.baseUrl,
            info: event.output.info,
            status: event.output.status,
            attempt: 0,
            retryAt: null,
            lastError: null,
          })),
        },
        onError: [
          { guard: 'quickRetriesUsedUp', target: 'offline', actions: 'noteConnectFailure' },
          { target: 'reconnecting', actions: 'noteConnectFailure' },
        ],
      },
    },
    connected: {
      invoke: { id: 'monitor', src: 'monitor', input: ({ context }) => ({ status: context.status }) },
      on: {
        STATUS: { actions: assign({ status: ({ event }) => event.status }) },
        PHOTO_TAKEN: { actions: assign({ lastPhoto: ({ event }) => event.photo }) },
        LOST: {
          target: 'reconnecting',
          actions: assign(({ event }) => ({
            attempt: 0,
            retryAt: event.error.mono + lostRetryMs,
            lastError: failureInfo(event.error),
          })),
        },
      },
    },
    reconnecting: {
      invoke: { id: 'deadline', src: 'deadline', input: ({ context }) => ({ at: context.retryAt ?? 0 }) },
      on: { TICK: 'connecting', RECONNECT: 'connecting' },
    },
    offline: {
      invoke: { id: 'deadline', src: 'deadline', input: ({ context }) => ({ at: context.retryAt ?? 0 }) },
      on: { TICK: 'connecting', RECONNECT: 'connecting' },
    },
  },
});

export type CameraMachine = typeof cameraMachine;
