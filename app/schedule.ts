// When a night starts and ends: start and stop times as the photographer gives them ("23:40" in the phone's zone, or
// an ISO time with its offset), turned into a slot count on the fixed grid. Pure date math (the caller passes now);
// zones come from Intl, so daylight-saving changes are the zone database's, not ours.

/** A time as a client may give it: ISO-8601 with an offset or `Z`, or "HH:MM" on the clock of `timeZone`. */
export const CLOCK_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
export const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True for a zone name the runtime's zone database knows (`Europe/Berlin`, `UTC`). */
export function isTimeZone(name: string): boolean {
  try {
    formatter(name);
    return true;
  } catch {
    return false;
  }
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function localParts(ms: number, timeZone: string): LocalParts {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(ms)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

/** The zone's offset from UTC at instant `ms` (ms; +3 600 000 for CET). */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  const p = localParts(ms, timeZone);
  const whole = Math.floor(ms / 1000) * 1000;
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - whole;
}

/**
 * The instant a local wall-clock time names in a zone. A time that occurs twice (clocks going back) is its first
 * occurrence; a time that does not exist (clocks going forward) is moved forward by the gap (02:30 → 03:30).
 */
export function zonedTime(timeZone: string, year: number, month: number, day: number, hour: number, minute: number): number {
  const local = Date.UTC(year, month - 1, day, hour, minute);
  const HALF_DAY = 12 * 3_600_000;
  const before = zoneOffsetMs(local - HALF_DAY, timeZone);
  const after = zoneOffsetMs(local + HALF_DAY, timeZone);
  const valid = [...new Set([before, after])].map((offset) => local - offset).filter((t) => zoneOffsetMs(t, timeZone) === local - t);
  if (valid.length > 0) return Math.min(...valid);
  return local - before; // in the gap: read with the offset from before the change, which lands after it
}

/**
 * An absolute instant from a client's time: ISO with offset as is; "HH:MM" as the first such clock time in
 * `timeZone` strictly after `after` (so a stop earlier on the clock face than the start is the next day's).
 */
export function resolveTime(spec: string, o: { after: number; timeZone: string | null }): number {
  if (ISO_WITH_OFFSET.test(spec)) return Date.parse(spec);
  const m = CLOCK_TIME.exec(spec);
  if (!m) throw new ScheduleError(`"${spec}" is neither "HH:MM" nor an ISO time with its offset`);
  if (!o.timeZone) throw new ScheduleError(`"${spec}" needs the timezone it is read in`);
  const [hour, minute] = [Number(m[1]), Number(m[2])];
  const today = localParts(o.after, o.timeZone);
  // Day arithmetic on a UTC calendar date, so month and year ends roll over.
  for (let dayOffset = 0; dayOffset <= 2; dayOffset++) {
    const d = new Date(Date.UTC(today.year, today.month - 1, today.day + dayOffset));
    const t = zonedTime(o.timeZone, d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), hour, minute);
    if (t > o.after) return t;
  }
  throw new ScheduleError(`cannot place ${spec} in ${o.timeZone}`); // unreachable: a day later always is after
}

export class ScheduleError extends Error {
  readonly code = 'VALIDATION_ERROR';
}

export interface PlanRequest {
  intervalMs: number;
  stopCondition: 'unlimited' | 'stop-after' | 'stop-at' | 'duration';
  totalShots: number | null;
  /** "HH:MM" or ISO with offset. */
  startAt: string | null;
  stopAt: string | null;
  durationMs: number | null;
  timeZone: string | null;
}

export interface PlannedWindow {
  /** Slot 0 (epoch ms). */
  startAt: number;
  scheduled: boolean;
  /** Slots in the plan; null for unlimited. */
  totalShots: number | null;
  stopAt: number | null;
  /** When the plan ends: the stop time, start + duration, or the end of the last slot's interval; null if unlimited. */
  endAt: number | null;
}

/**
 * The window of a plan. Slot k is at start + k·interval; a stop time or a duration ends the plan before its slot
 * that would start at or after the end, so the count is ceil((end − start) / interval). `now` is the instant the
 * session would start if no start time is given (the caller adds its lead).
 */
export function planWindow(req: PlanRequest, now: number): PlannedWindow {
  const scheduled = req.startAt !== null;
  const startAt = scheduled ? resolveTime(req.startAt!, { after: now, timeZone: req.timeZone }) : now;
  if (startAt < now) throw new ScheduleError(`startAt ${new Date(startAt).toISOString()} has passed`);
  const slotsUntil = (end: number) => {
    if (end <= startAt) throw new ScheduleError(`the plan ends (${new Date(end).toISOString()}) before it starts (${new Date(startAt).toISOString()})`);
    return Math.ceil((end - startAt) / req.intervalMs);
  };
  switch (req.stopCondition) {
    case 'unlimited':
      return { startAt, scheduled, totalShots: null, stopAt: null, endAt: null };
    case 'stop-after':
      return { startAt, scheduled, totalShots: req.totalShots, stopAt: null, endAt: startAt + req.totalShots! * req.intervalMs };
    case 'stop-at': {
      const stopAt = resolveTime(req.stopAt!, { after: startAt, timeZone: req.timeZone });
      return { startAt, scheduled, totalShots: slotsUntil(stopAt), stopAt, endAt: stopAt };
    }
    case 'duration': {
      const endAt = startAt + req.durationMs!;
      return { startAt, scheduled, totalShots: slotsUntil(endAt), stopAt: null, endAt };
    }
  }
}

/** `2026-10-25T02:30:00.000+01:00`: an instant as the local time of `timeZone`, with its offset. */
export function localIso(ms: number, timeZone: string): string {
  const offset = zoneOffsetMs(ms, timeZone);
  const local = new Date(ms + offset).toISOString().slice(0, 23);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset) / 60_000;
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
