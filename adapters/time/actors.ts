// The time stream's named actors: step the Pi's clock, and sync the camera's. They stamp clock readings onto what
// they send, so the machine never reads a clock.
import { fromPromise } from 'xstate';
import type { Clock } from '../../machines/clock.ts';
import type { CameraSyncResult, StepResult, TimeFailure } from '../../machines/time-sync.ts';
import type { CameraClockPort } from './camera-clock.ts';
import type { ClockSetter } from './clock-setter.ts';

/** The camera's clock counts in whole seconds: closer than this it is left alone. */
export const CAMERA_TOLERANCE_MS = 1_000;

const failure = (error: unknown, clock: Clock): TimeFailure => ({
  code: String((error as { code?: unknown }).code ?? 'INTERNAL'),
  message: error instanceof Error ? error.message : String(error),
  mono: clock.mono(),
  wall: clock.wall(),
});

export const stepClockActor = (setter: ClockSetter, clock: Clock) =>
  fromPromise<StepResult, { deltaMs: number }>(async ({ input }) => {
    try {
      const deltaMs = await setter.step(input.deltaMs);
      return { deltaMs, mono: clock.mono(), wall: setter.wall() };
    } catch (error) {
      throw failure(error, clock);
    }
  });

/** Camera − Pi, from one read: the camera truncates to the second, so its reading stands for the middle of it. */
async function cameraOffset(camera: CameraClockPort, setter: ClockSetter): Promise<number> {
  const before = setter.wall();
  const utc = await camera.read();
  const after = setter.wall();
  return Math.round(utc + 500 - (before + after) / 2);
}

export const syncCameraActor = (camera: CameraClockPort, setter: ClockSetter, clock: Clock, o: { shooting: () => boolean; timeZone: () => string | null }) =>
  fromPromise<CameraSyncResult>(async () => {
    try {
      if (o.shooting()) throw Object.assign(new Error('a session is shooting; the camera clock is left alone'), { code: 'SESSION_ACTIVE' });
      const offsetBeforeMs = await cameraOffset(camera, setter);
      let offsetAfterMs = offsetBeforeMs;
      if (Math.abs(offsetBeforeMs) >= CAMERA_TOLERANCE_MS) {
        // The time is taken at send time (not before the request is built).
        await camera.set(setter.wall(), o.timeZone());
        offsetAfterMs = await cameraOffset(camera, setter);
      }
      return { offsetBeforeMs, offsetAfterMs, mono: clock.mono(), wall: setter.wall() };
    } catch (error) {
      throw failure(error, clock);
    }
  });
