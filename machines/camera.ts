// The camera connection: connecting → connected ⇄ reconnecting (backoff) → offline, logged as stream `camera`.
// While connected the camera does one thing at a time, as a state: idle, a test photo, live view, or releasing a
// shutter an earlier process left held. Exclusivity is this state, never a flag beside it.
// Pure: the named actors do the I/O (`connect`, `monitor`, `deadline`, `testPhoto`, `liveviewStart`, `liveviewIdle`,
// `liveviewStop`, `releaseShutter`) and stamp times onto the events they send.
import { assign, fromCallback, fromPromise, setup, type EventObject, type SnapshotFrom } from 'xstate';
import type { CameraInfo, CameraStatus } from './camera-port.ts';
import type { ErrorInfo } from './session-facts.ts';

/** Recorded with every logged event of this machine; replay refuses a log written by a machine it does not know. */
export const CAMERA_MACHINE_VERSION = 'camera@2';

export interface CameraInput {
  baseUrl: string;
  /** True when the camera is skylapse's own simulator: the UI says so loudly. */
  simulated: boolean;
  /**
   * A bulb exposure the last process opened and did not log as released (it crashed, or lost the camera): released
   * first once connected. In the input, so the stream's start records why that release happens.
   */
  heldShutter?: HeldShutter | null;
  /** The last run ended with live view on (a crash): it is switched off once connected, as the camera blocks its menus. */
  liveviewLeftOn?: boolean;
}

/** A shutter held open by a bulb exposure, and until when it was meant to be. */
export interface HeldShutter {
  /** `test-photo:<id>` or `session:<id>#<number>`. */
  owner: string;
  openedAt: number;
  releaseAtMono: number;
}

/** EXIF of a test photo's preview, as the camera wrote it (null fields: not in the file). */
export interface PhotoExif {
  model: string | null;
  exposureSeconds: number | null;
  fNumber: number | null;
  iso: number | null;
  /** The camera's capture time, as its local wall clock written as ISO without offset (`2026-11-30T02:11:12`). */
  capturedAt: string | null;
}

export interface PhotoPreview {
  /** Served over HTTP by skylapse (`/api/test-photos/<id>.jpg`). */
  url: string;
  kind: 'display' | 'thumbnail';
  bytes: number;
  exif: PhotoExif | null;
}

/** A test photo taken outside a session. */
export interface PhotoRecord {
  /** The test photo's id (from the command); absent on records written by camera@1. */
  id?: string;
  triggeredAt: number;
  /** null when the press's answer was lost and the camera's evidence showed it fired. */
  latencyMs: number | null;
  attempts: number;
  files: string[];
  bulbSeconds?: number | null;
  /** The downloaded preview, or null when there was none (no JPEG-capable file, or the download failed). */
  preview?: PhotoPreview | null;
  previewError?: ErrorInfo | null;
}

export type TestPhotoStage = 'pressing' | 'bulb_open' | 'bulb_closed' | 'downloading' | 'saving';

/** The test photo in progress: asked for at `requestedAt`, now at `stage`. */
export interface TestPhotoJob {
  id: string;
  requestedAt: number;
  bulbSeconds: number | null;
  stage: TestPhotoStage;
  /** While downloading: bytes so far and the announced total. */
  loaded: number | null;
  total: number | null;
  /** Live view was on when it was asked for: the actor stops it first. */
  liveviewWasOn: boolean;
}

/** What the `testPhoto` actor is given. */
export interface TestPhotoInput {
  id: string;
  bulbSeconds: number | null;
  /** Live view was on: the actor stops it first. */
  liveviewWasOn: boolean;
  /** The camera's shutter speed, seconds, for how long to wait for the file (null: bulb or unknown). */
  tvSeconds: number | null;
}

/** Live view is switched off after this long without a frame being asked for. */
export const LIVEVIEW_IDLE_MS = 30_000;

export interface CameraContext extends CameraInput {
  /** Consecutive failed connection attempts. */
  attempt: number;
  /** Monotonic deadline of the next connection attempt while reconnecting or offline. */
  retryAt: number | null;
  info: CameraInfo | null;
  status: CameraStatus | null;
  lastError: ErrorInfo | null;
  lastPhoto: PhotoRecord | null;
  heldShutter: HeldShutter | null;
  liveviewLeftOn: boolean;
  testPhoto: TestPhotoJob | null;
  /** The last test photo, live view or release that failed, with what it was. */
  lastJobError: (ErrorInfo & { job: 'test_photo' | 'liveview' | 'release'; id: string | null }) | null;
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
  | { type: 'RECONNECT'; mono: number }
  | { type: 'TAKE_TEST_PHOTO'; id: string; at: number; bulbSeconds: number | null }
  | { type: 'TEST_PHOTO_PROGRESS'; id: string; stage: TestPhotoStage; loaded?: number; total?: number | null }
  | { type: 'BULB_OPENED'; owner: string; wall: number; releaseAtMono: number }
  | { type: 'BULB_CLOSED'; wall: number }
  | { type: 'TEST_PHOTO_DONE'; photo: PhotoRecord }
  | { type: 'TEST_PHOTO_FAILED'; id: string; error: ErrorInfo }
  | { type: 'LIVEVIEW_START'; at: number }
  | { type: 'LIVEVIEW_STOP'; at: number }
  /** No frame asked for during the idle timeout, or live view ended under the camera (its frames refused). */
  | { type: 'LIVEVIEW_IDLE'; mono: number }
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
const asCameraFailureInfo = (error: unknown): ErrorInfo => failureInfo(asCameraFailure(error));

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
    testPhoto: fromCallback<EventObject, TestPhotoInput>(() => {
      throw new Error('testPhoto actor not provided');
    }),
    liveviewStart: fromPromise<void>(async () => {
      throw new Error('liveviewStart actor not provided');
    }),
    liveviewIdle: fromCallback<EventObject, { idleMs: number }>(() => {
      throw new Error('liveviewIdle actor not provided');
    }),
    liveviewStop: fromPromise<void>(async () => {
      throw new Error('liveviewStop actor not provided');
    }),
    releaseShutter: fromPromise<void, { held: HeldShutter }>(async () => {
      throw new Error('releaseShutter actor not provided');
    }),
  },
  guards: {
    quickRetriesUsedUp: ({ context }) => context.attempt + 1 > retryDelaysMs.length,
    shutterMayBeHeld: ({ context }) => context.heldShutter !== null,
    liveviewLeftOn: ({ context }) => context.liveviewLeftOn,
    isCurrentTestPhoto: ({ context, event }) => 'id' in event && context.testPhoto?.id === event.id,
  },
  actions: {
    beginTestPhoto: assign({
      testPhoto: ({ event }, params: { liveviewWasOn: boolean }) => {
        const e = event as Extract<CameraEvent, { type: 'TAKE_TEST_PHOTO' }>;
        return { id: e.id, requestedAt: e.at, bulbSeconds: e.bulbSeconds, stage: 'pressing' as const, loaded: null, total: null, liveviewWasOn: params.liveviewWasOn };
      },
    }),
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
    heldShutter: input.heldShutter ?? null,
    liveviewLeftOn: input.liveviewLeftOn ?? false,
    testPhoto: null,
    lastJobError: null,
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
      initial: 'entering',
      states: {
        entering: {
          always: [
            { guard: 'shutterMayBeHeld', target: 'releasing' },
            { guard: 'liveviewLeftOn', target: '#camera.connected.liveview.stopping' },
            { target: 'idle' },
          ],
        },
        /** A bulb an earlier process (or a lost connection) may have left open is let go before anything else. */
        releasing: {
          invoke: {
            id: 'releaseShutter',
            src: 'releaseShutter',
            input: ({ context }) => ({ held: context.heldShutter! }),
            onDone: { target: 'entering', actions: assign({ heldShutter: null }) },
            onError: {
              target: 'idle',
              actions: assign({
                lastJobError: ({ event }) => ({ ...asCameraFailureInfo(event.error), job: 'release' as const, id: null }),
              }),
            },
          },
        },
        idle: {
          on: {
            TAKE_TEST_PHOTO: { target: 'testPhoto', actions: { type: 'beginTestPhoto', params: { liveviewWasOn: false } } },
            LIVEVIEW_START: 'liveview',
          },
        },
        testPhoto: {
          invoke: {
            id: 'testPhoto',
            src: 'testPhoto',
            input: ({ context }) => ({
              id: context.testPhoto!.id,
              bulbSeconds: context.testPhoto!.bulbSeconds,
              liveviewWasOn: context.testPhoto!.liveviewWasOn,
              tvSeconds: context.status?.tvSeconds ?? null,
            }),
          },
          on: {
            TEST_PHOTO_PROGRESS: {
              guard: 'isCurrentTestPhoto',
              actions: assign({
                testPhoto: ({ context, event }) => ({ ...context.testPhoto!, stage: event.stage, loaded: event.loaded ?? null, total: event.total ?? null }),
              }),
            },
            BULB_OPENED: {
              actions: assign(({ context, event }) => ({
                heldShutter: { owner: event.owner, openedAt: event.wall, releaseAtMono: event.releaseAtMono },
                testPhoto: { ...context.testPhoto!, stage: 'bulb_open' as const },
              })),
            },
            BULB_CLOSED: {
              actions: assign(({ context }) => ({ heldShutter: null, testPhoto: { ...context.testPhoto!, stage: 'bulb_closed' as const } })),
            },
            TEST_PHOTO_DONE: {
              target: 'idle',
              actions: assign({ lastPhoto: ({ event }) => event.photo, testPhoto: null }),
            },
            TEST_PHOTO_FAILED: {
              target: 'idle',
              actions: assign({
                lastJobError: ({ event }) => ({ ...event.error, job: 'test_photo' as const, id: event.id }),
                testPhoto: null,
              }),
            },
          },
        },
        liveview: {
          initial: 'starting',
          states: {
            starting: {
              invoke: {
                id: 'liveviewStart',
                src: 'liveviewStart',
                onDone: 'on',
                onError: {
                  target: '#camera.connected.idle',
                  actions: assign({
                    lastJobError: ({ event }) => ({ ...asCameraFailureInfo(event.error), job: 'liveview' as const, id: null }),
                  }),
                },
              },
            },
            on: {
              invoke: { id: 'liveviewIdle', src: 'liveviewIdle', input: () => ({ idleMs: LIVEVIEW_IDLE_MS }) },
              on: {
                LIVEVIEW_IDLE: 'stopping',
                LIVEVIEW_STOP: 'stopping',
                // Live view stays on under the shot (the camera allows it); the actor stops it first all the same.
                TAKE_TEST_PHOTO: { target: '#camera.connected.testPhoto', actions: { type: 'beginTestPhoto', params: { liveviewWasOn: true } } },
              },
            },
            stopping: {
              exit: assign({ liveviewLeftOn: false }),
              invoke: { id: 'liveviewStop', src: 'liveviewStop', onDone: '#camera.connected.idle', onError: '#camera.connected.idle' },
            },
          },
        },
      },
      on: {
        STATUS: { actions: assign({ status: ({ event }) => event.status }) },
        LOST: {
          target: 'reconnecting',
          actions: assign(({ context, event }) => ({
            attempt: 0,
            retryAt: event.error.mono + lostRetryMs,
            lastError: failureInfo(event.error),
            // A test photo in progress ends with the connection; a bulb it opened stays on record (heldShutter).
            testPhoto: null,
            lastJobError: context.testPhoto
              ? { code: event.error.code, message: `the camera was lost: ${event.error.message}`, job: 'test_photo' as const, id: context.testPhoto.id }
              : context.lastJobError,
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

type CameraValue = SnapshotFrom<CameraMachine>['value'];
export type CameraConnection = 'connecting' | 'connected' | 'reconnecting' | 'offline';
export type CameraActivity = 'idle' | 'test_photo' | 'liveview' | 'releasing';

/** The connection state; `connected` whatever the camera is doing. */
export function connectionOf(value: CameraValue): CameraConnection {
  return typeof value === 'string' ? value : 'connected';
}

/** What a connected camera is doing (live view counts from its start to its stop); null when not connected. */
export function activityOf(value: CameraValue): CameraActivity | null {
  if (typeof value === 'string') return null;
  const inner = value.connected;
  if (typeof inner !== 'string') return 'liveview';
  return inner === 'testPhoto' ? 'test_photo' : inner === 'releasing' ? 'releasing' : 'idle';
}
