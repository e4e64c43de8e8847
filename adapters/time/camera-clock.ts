// The camera's clock as time sync uses it: read it, and set it to the Pi's time in the phone's zone. CCAPI's
// `functions/datetime` carries local wall time with the zone's *standard* offset and a separate dst flag
// (docs/camera-notes.md §10); both are derived here from IANA zone rules, never from the process zone.
// Reading uses the CCAPI client's `datetime()`; setting uses `setDatetime(datetime, dst)` when the camera adapter
// has it (the camera issue adds it), else fails with NOT_SUPPORTED. This is the one place that calls them.
import { formatCanonDatetime } from '../ccapi/datetime.ts';

export interface CameraClockPort {
  /** The camera's time (epoch ms, whole seconds). */
  read(): Promise<number>;
  set(utcMs: number, timeZone: string | null): Promise<void>;
}

interface DatetimeCapable {
  datetime?: () => Promise<{ utcMs: number | null }>;
  setDatetime?: (datetime: string, dst: boolean) => Promise<unknown>;
}

const fail = (code: string, message: string) => Object.assign(new Error(message), { code });

/** The zone's UTC offset in minutes at `utcMs`, from Intl (`GMT+05:30` → 330). */
export function zoneOffsetMin(utcMs: number, timeZone: string): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(new Date(utcMs)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0)) : 0;
}

/** The camera's datetime string and dst flag for an instant in an IANA zone (UTC when none is known). */
export function canonDatetimeFor(utcMs: number, timeZone: string | null): { datetime: string; dst: boolean } {
  if (!timeZone) return { datetime: formatCanonDatetime(utcMs, 0, false), dst: false };
  const year = new Date(utcMs).getUTCFullYear();
  // The standard offset is the smaller of midwinter's and midsummer's, whichever hemisphere the zone is in.
  const std = Math.min(zoneOffsetMin(Date.UTC(year, 0, 1), timeZone), zoneOffsetMin(Date.UTC(year, 6, 1), timeZone));
  const now = zoneOffsetMin(utcMs, timeZone);
  const dst = now > std;
  // CCAPI's flag is one hour; a zone with another DST amount is written as its offset of the moment.
  return dst && now - std === 60 ? { datetime: formatCanonDatetime(utcMs, std, true), dst: true } : { datetime: formatCanonDatetime(utcMs, now, false), dst: false };
}

export function cameraClock(camera: unknown): CameraClockPort {
  const c = camera as DatetimeCapable;
  return {
    async read() {
      if (typeof c.datetime !== 'function') throw fail('NOT_SUPPORTED', 'this camera adapter cannot read the camera clock');
      const d = await c.datetime();
      if (d.utcMs === null) throw fail('PROTOCOL', 'the camera clock answer could not be read');
      return d.utcMs;
    },
    async set(utcMs, timeZone) {
      if (typeof c.setDatetime !== 'function') throw fail('NOT_SUPPORTED', 'setting the camera clock is not available in this build');
      const { datetime, dst } = canonDatetimeFor(utcMs, timeZone);
      await c.setDatetime(datetime, dst);
    },
  };
}
