// The real implementations of the machines' named actors. They do the I/O and stamp clock readings onto the
// events they send, so the machines themselves never read a clock.
import { fromCallback, fromPromise, type EventObject } from 'xstate';
import type { Logger } from 'pino';
import type { CameraFailure, ConnectOutput } from '../machines/camera.ts';
import { HELD_BACK, TOO_LATE, type ShootInput, type ShotFailure, type ShotOutput } from '../machines/session.ts';
import { CameraError, type CameraPort, type CameraStatus } from '../machines/camera-port.ts';
import type { Clock } from '../machines/clock.ts';

/**
 * Calls `then` once `clock.mono()` has reached `at` (at once if past). Node's timers can fire a little early against
 * performance.now(), so an early wake-up re-arms for the rest: nothing runs before its time. Returns the cancel.
 */
function atMono(clock: Clock, at: number, then: () => void): () => void {
  let handle: unknown;
  const arm = () => {
    const now = clock.mono();
    if (now >= at) then();
    else handle = clock.setTimeout(arm, Math.max(1, Math.ceil(at - now)));
  };
  handle = clock.setTimeout(arm, Math.max(0, at - clock.mono()));
  return () => clock.clearTimeout(handle);
}

/** Sends `{type:'TICK', mono, wall}` once `clock.mono()` reaches the absolute deadline `at`, never before. */
export const deadlineActor = (clock: Clock) =>
  fromCallback<EventObject, { at: number }>(({ input, sendBack }) => atMono(clock, input.at, () => sendBack({ type: 'TICK', mono: clock.mono(), wall: clock.wall() })));

/** Failures that end a session instead of costing one frame. */
const FATAL_CODES = new Set(['CARD', 'RELEASE_DISABLED', 'WEDGED']);

function errorInfo(error: unknown): { code: string; message: string } {
  if (error instanceof CameraError) return { code: error.code, message: error.message };
  return { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}

/**
 * The armed slot's press, until it leaves. A slot is armed up to ARM_AHEAD_MS before its time; a stop, pause or
 * shutdown in that window holds the press back, so the session ends (or holds) without shooting it.
 */
export class PressGate {
  private armed: (() => boolean) | null = null;

  /** Holds back the armed press: true if one was waiting (its slot fails with HELD_BACK), false if none or it left. */
  holdBack(): boolean {
    return this.armed?.() ?? false;
  }

  /** For the shoot actor: arms `holdBack` until the returned disarm is called. */
  arm(holdBack: () => boolean): () => void {
    this.armed = holdBack;
    return () => {
      if (this.armed === holdBack) this.armed = null;
    };
  }
}

/**
 * Waits for the camera, then for the planned time. Whether the press left or was held back is settled at once, in
 * the timer's own callback or in `holdBack`, so a press is either held back whole or shot whole. An actor stopped
 * before its press (its session left `shooting` another way) holds it back too. A timer that fires after the press
 * window closed (the process was stalled) does not press: that slot is `late`.
 */
function untilPress(
  clock: Clock,
  input: ShootInput,
  cameraReady: (deadlineMono: number) => Promise<boolean>,
  gate: PressGate,
  signal: AbortSignal,
): Promise<'due' | 'held' | 'late' | 'unreachable'> {
  return new Promise((resolve) => {
    let settled = false;
    let cancelDue = () => {};
    const settle = (how: 'due' | 'held' | 'late' | 'unreachable'): boolean => {
      if (settled) return false;
      settled = true;
      disarm();
      signal.removeEventListener('abort', onAbort);
      resolve(how);
      return true;
    };
    const holdBack = (): boolean => {
      if (settled) return false;
      cancelDue();
      return settle('held');
    };
    const onAbort = () => void holdBack();
    const disarm = gate.arm(holdBack);
    signal.addEventListener('abort', onAbort);
    void cameraReady(input.pressDeadlineMono).then((ready) => {
      if (settled) return;
      if (!ready) settle('unreachable');
      else cancelDue = atMono(clock, input.plannedMono, () => settle(clock.mono() > input.pressDeadlineMono ? 'late' : 'due'));
    });
  });
}

/**
 * One slot's release, pressed at its planned time, never before. A camera that is still (re)connecting gets until
 * the press window closes to be back (a resume right after a restart, a WiFi blip); `cameraReady` answers whether
 * it is, by that deadline. `gate` lets the controller hold the press back until it leaves. `stopping` aborts when the
 * service stops: a bulb frame is released at once, so the stop does not wait out a long exposure (systemd allows 90 s).
 */
export const shootActor = (camera: CameraPort, clock: Clock, cameraReady: (deadlineMono: number) => Promise<boolean>, gate: PressGate, stopping?: AbortSignal) =>
  fromPromise<ShotOutput, ShootInput>(async ({ input, signal }) => {
    // The slot was armed early (its arm logged and announced); the press itself goes at the planned time.
    const press = await untilPress(clock, input, cameraReady, gate, signal);
    if (press === 'held') {
      const heldBack: ShotFailure = { code: HELD_BACK, message: 'the press was held back before it left', fatal: false, attempts: 0, mono: clock.mono(), wall: clock.wall() };
      throw heldBack;
    }
    if (press === 'late') {
      const late = clock.mono() - input.plannedMono;
      const tooLate: ShotFailure = { code: TOO_LATE, message: `the press came due ${Math.round(late)} ms late, past its window`, fatal: false, attempts: 0, mono: clock.mono(), wall: clock.wall() };
      throw tooLate;
    }
    try {
      if (press === 'unreachable') throw new CameraError('UNREACHABLE', 'the camera was not connected within the press window', true);
      const bulb = input.bulbSeconds === null ? {} : { bulb: { ms: Math.round(input.bulbSeconds * 1000), signal: stopping } };
      return await camera.shoot({ tag: input.tag, pressDeadlineMono: input.pressDeadlineMono, fileDeadlineMono: input.fileDeadlineMono, ...bulb });
    } catch (error) {
      const info = errorInfo(error);
      const attempts = error instanceof CameraError ? (error.attempts ?? 1) : 1;
      const failure: ShotFailure = { ...info, fatal: FATAL_CODES.has(info.code), attempts, mono: clock.mono(), wall: clock.wall() };
      throw failure;
    }
  });

export const connectActor = (camera: CameraPort, clock: Clock) =>
  fromPromise<ConnectOutput>(async () => {
    try {
      const { info, status } = await camera.connect();
      return { baseUrl: camera.baseUrl, info, status, mono: clock.mono(), wall: clock.wall() };
    } catch (error) {
      const failure: CameraFailure = { ...errorInfo(error), mono: clock.mono(), wall: clock.wall() };
      throw failure;
    }
  });

/** Errors that mean the camera is gone, as opposed to busy with a shot. */
export const LOSS_CODES = new Set(['UNREACHABLE', 'TIMEOUT', 'WEDGED']);

/**
 * Polls the camera's status while connected. Sends STATUS only when something changed (each one is a logged
 * transition), and LOST when the camera stops answering.
 */
export const monitorActor = (camera: CameraPort, clock: Clock, opts: { intervalMs: number | (() => number); logger?: Logger }) =>
  fromCallback<EventObject, { status: CameraStatus | null }>(({ input, sendBack }) => {
    let last = JSON.stringify(input.status);
    let handle: unknown;
    let stopped = false;
    const poll = async () => {
      try {
        const status: CameraStatus = await camera.status();
        const key = JSON.stringify(status);
        if (!stopped && key !== last) {
          last = key;
          sendBack({ type: 'STATUS', status, wall: clock.wall() });
        }
      } catch (error) {
        const info = errorInfo(error);
        if (!stopped && LOSS_CODES.has(info.code)) {
          opts.logger?.warn({ err: info }, 'camera lost'); // why, with the camera's answer, for the service log
          sendBack({ type: 'LOST', error: { ...info, mono: clock.mono(), wall: clock.wall() } });
          return;
        }
        opts.logger?.warn({ err: info }, 'camera status poll failed');
      }
      if (!stopped) handle = clock.setTimeout(poll, every());
    };
    // Read before each wait: the controller reads more often while a session depends on knowing the camera is there.
    const every = () => (typeof opts.intervalMs === 'function' ? opts.intervalMs() : opts.intervalMs);
    handle = clock.setTimeout(poll, every());
    return () => {
      stopped = true;
      clock.clearTimeout(handle);
    };
  });
