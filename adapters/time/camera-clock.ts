// The camera's clock as time sync uses it: read it, and set it to the Pi's time in the phone's zone. CCAPI's
// `functions/datetime` carries local wall time with the zone's *standard* offset and a separate dst flag
// (docs/camera-notes.md §10); both are derived here from IANA zone rules, never from the process zone.
// The camera adapter's clock controls (`controls().readClock()` / `writeClock(utcMs, stdOffsetMin, dst)`, from the
// camera issue) are used when present; reading falls back to `datetime()`, and without `writeClock` setting fails
// with NOT_SUPPORTED. This is the one place that calls them.
import { cameraZoneAt, formatCanonDatetime } from '../ccapi/datetime.ts';

export interface CameraClockPort {
  /** The camera's time (epoch ms, whole seconds). */
  read(): Promise<number>;
  set(utcMs: number, timeZone: string | null): Promise<void>;
}

interface ClockControls {
  readClock(): Promise<{ utcMs: number | null }>;
  writeClock(utcMs: number, stdOffsetMin: number, dst: boolean): Promise<unknown>;
}
interface ClockCapable {
  controls?: () => Partial<ClockControls>;
  datetime?: () => Promise<{ utcMs: number | null }>;
}

const fail = (code: string, message: string) => Object.assign(new Error(message), { code });

/** The camera's zone fields for an instant in an IANA zone (UTC when none is known): standard offset and dst flag. */
export function cameraZone(utcMs: number, timeZone: string | null): { stdOffsetMin: number; dst: boolean } {
  return timeZone ? cameraZoneAt(utcMs, timeZone) : { stdOffsetMin: 0, dst: false };
}

/** The datetime string the camera is sent, for logs and tests. */
export function canonDatetimeFor(utcMs: number, timeZone: string | null): { datetime: string; dst: boolean } {
  const { stdOffsetMin, dst } = cameraZone(utcMs, timeZone);
  return { datetime: formatCanonDatetime(utcMs, stdOffsetMin, dst), dst };
}

export function cameraClock(camera: unknown): CameraClockPort {
  const c = camera as ClockCapable;
  const controls = () => (typeof c.controls === 'function' ? c.controls() : {});
  return {
    async read() {
      const ctl = controls();
      const answer = typeof ctl.readClock === 'function' ? await ctl.readClock() : typeof c.datetime === 'function' ? await c.datetime() : null;
      if (!answer) throw fail('NOT_SUPPORTED', 'this camera adapter cannot read the camera clock');
      if (answer.utcMs === null) throw fail('PROTOCOL', 'the camera clock answer could not be read');
      return answer.utcMs;
    },
    async set(utcMs, timeZone) {
      const ctl = controls();
      if (typeof ctl.writeClock !== 'function') throw fail('NOT_SUPPORTED', 'setting the camera clock is not available in this build');
      const { stdOffsetMin, dst } = cameraZone(utcMs, timeZone);
      await ctl.writeClock(utcMs, stdOffsetMin, dst);
    },
  };
}
