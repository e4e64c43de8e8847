// Pre-flight of a plan against the camera as it is now: what would make the night fail (errors), what may hurt it
// (warnings), and what it will produce (estimate). Pure: the caller passes the camera's status and the window.
import type { CameraStatus } from '../machines/camera-port.ts';
import type { PlannedWindow } from './schedule.ts';

export interface Finding {
  code: string;
  message: string;
}

export interface Preflight {
  errors: Finding[];
  warnings: Finding[];
  estimate: {
    startAt: number;
    endAt: number | null;
    frames: number | null;
    /** Card space the frames take, at the card's own average file size so far (else FRAME_BYTES_DEFAULT). */
    cardBytes: number | null;
    /** Free space on the card now. */
    cardFreeBytes: number | null;
    clipSeconds24: number | null;
    clipSeconds30: number | null;
  };
}

/**
 * Time the camera needs after an exposure before it can take the next (writing the file, ready again), when no shot
 * cycle was observed: about the fastest a Canon body turns a JPEG round (the simulator takes 250 ms; the issue's
 * R50 cycled in 0.29 s at 1/125). A lower bound on purpose: it refuses intervals that surely cannot work without
 * refusing ones that may.
 */
export const WRITE_TIME_DEFAULT_MS = 200;
/** The interval must exceed exposure + write time by this much (10 %, at least 50 ms): the camera's jitter. */
export const MARGIN_RATIO = 0.1;
export const MARGIN_MIN_MS = 50;
/** A 24 MP RAW + a JPEG, when the card's contents do not tell. */
export const FRAME_BYTES_DEFAULT = 35 * 1024 * 1024;
/** A camera clock further than this from the Pi's is worth a warning: its file times mislead the report. */
export const CLOCK_OFFSET_WARN_MS = 2_000;
/** Canon's battery levels from full down; a session should not count on the last one. */
const BATTERY_LEVELS = ['full', 'high', 'half', 'quarter', 'low'] as const;

/** How long the battery lasts from `level` down to `low` at `msPerLevel`, or null when either is unknown. */
export function batteryLastsMs(level: string | null, msPerLevel: number | null): number | null {
  const i = BATTERY_LEVELS.indexOf((level ?? '') as (typeof BATTERY_LEVELS)[number]);
  if (i < 0 || msPerLevel === null) return null;
  return (BATTERY_LEVELS.length - 1 - i) * msPerLevel;
}

/**
 * The time the battery lately took to drop one level, from readings (oldest first) of the camera's status log: the
 * mean time between the last few drops, or null with fewer than two drops (one drop says when, not how fast).
 */
export function batteryMsPerLevel(readings: { atMs: number; battery: string | null }[], lastDrops = 3): number | null {
  const drops: number[] = [];
  let prev: number | null = null;
  for (const r of readings) {
    const i = BATTERY_LEVELS.indexOf((r.battery ?? '').toLowerCase() as (typeof BATTERY_LEVELS)[number]);
    if (i < 0) continue;
    if (prev !== null && i < prev) drops.length = 0; // charged or swapped: the drain starts again
    if (prev !== null && i > prev) drops.push(r.atMs);
    prev = i;
  }
  const recent = drops.slice(-(lastDrops + 1));
  if (recent.length < 2) return null;
  return (recent.at(-1)! - recent[0]!) / (recent.length - 1);
}

const minutes = (ms: number) => (ms >= 90 * 60_000 ? `${(ms / 3_600_000).toFixed(1)} h` : `${Math.round(ms / 60_000)} min`);

/** Canon battery levels that cannot carry a session. */
const LOW_BATTERY = new Set(['low', 'empty', '0']);

export function preflight(o: {
  intervalMs: number;
  window: PlannedWindow;
  status: CameraStatus | null;
  /** A bulb plan's exposure, seconds (timed by skylapse), else null: the camera's own Tv. */
  bulbSeconds?: number | null;
  /** The camera's observed shot cycle (press to ready again), ms, when known. */
  observedCycleMs: number | null;
  /** The camera's clock minus the Pi's at the last reading, ms, when read. */
  cameraClockOffsetMs?: number | null;
  /** How long the camera's battery has lately taken to drop one level, ms, when observed (batteryDrainMsPerLevel). */
  batteryMsPerLevel?: number | null;
}): Preflight {
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  const { status, window } = o;
  const frames = window.totalShots;

  const bulb = o.bulbSeconds ?? null;
  const tvSeconds = bulb ?? status?.tvSeconds ?? null;
  const exposure = bulb === null ? status?.tv : `bulb ${bulb} s`;
  if (status && tvSeconds === null) {
    errors.push({ code: 'SHUTTER_UNKNOWN', message: `The camera reports no fixed shutter speed (${status.tv ?? 'none'}): set one, or give bulbSeconds` });
  } else if (tvSeconds !== null) {
    // A bulb frame's cycle is its own length plus the write, whatever an earlier Tv cycled in.
    const cycleMs = (bulb === null ? o.observedCycleMs : null) ?? tvSeconds * 1000 + WRITE_TIME_DEFAULT_MS;
    const needMs = cycleMs + Math.max(MARGIN_MIN_MS, cycleMs * MARGIN_RATIO);
    if (o.intervalMs < needMs) {
      errors.push({
        code: 'INTERVAL_TOO_SHORT',
        message: `Interval ${o.intervalMs / 1000} s is shorter than exposure ${exposure} + write time + margin (${(needMs / 1000).toFixed(2)} s)${o.observedCycleMs === null ? ' (write time not yet observed: 0.2 s assumed)' : ''}`,
      });
    }
  }

  const storage = status?.storage ?? null;
  // The mean frame size from what is on the card, when the camera counts its files (not every body does).
  const contents = storage?.contents ?? 0;
  const frameBytes = storage && contents > 0 && storage.maxBytes > storage.spaceBytes ? (storage.maxBytes - storage.spaceBytes) / contents : FRAME_BYTES_DEFAULT;
  const cardBytes = frames === null ? null : Math.round(frames * frameBytes);
  // The camera's own count of frames that fit wins over the estimate from file sizes.
  const shotsLeft = storage?.shotsLeft ?? null;
  const room = shotsLeft ?? (storage ? Math.floor(storage.spaceBytes / frameBytes) : null);
  if (storage && frames !== null && room !== null && frames > room) {
    errors.push({ code: 'CARD_TOO_SMALL', message: `The card has room for ${shotsLeft === null ? 'about ' : ''}${room} frames${shotsLeft === null ? '' : ' (the camera says)'}; the plan takes ${frames}` });
  }
  if (status && !storage) errors.push({ code: 'NO_CARD', message: 'The camera reports no card' });

  const level = status?.battery?.level?.toLowerCase() ?? null;
  if (level !== null && LOW_BATTERY.has(level)) errors.push({ code: 'BATTERY_LOW', message: `The camera's battery is ${level}` });
  else if (level === 'quarter' && window.endAt !== null && window.endAt - window.startAt > 3_600_000) {
    warnings.push({ code: 'BATTERY_MAY_RUN_OUT', message: 'The battery is at a quarter; the plan runs for more than an hour' });
  }

  const lastsMs = batteryLastsMs(level, o.batteryMsPerLevel ?? null);
  const planMs = window.endAt === null ? null : window.endAt - window.startAt;
  if (lastsMs !== null && (planMs === null || planMs > lastsMs)) {
    warnings.push({
      code: 'BATTERY_WILL_RUN_OUT',
      message: `At the drain seen lately (a level every ${minutes(o.batteryMsPerLevel!)}), the battery lasts about ${minutes(lastsMs)}; the plan runs ${planMs === null ? 'until stopped' : minutes(planMs)}`,
    });
  }
  const offset = o.cameraClockOffsetMs ?? null;
  if (offset !== null && Math.abs(offset) > CLOCK_OFFSET_WARN_MS) {
    warnings.push({
      code: 'CAMERA_CLOCK_OFF',
      message: `The camera's clock is ${(Math.abs(offset) / 1000).toFixed(1)} s ${offset > 0 ? 'ahead of' : 'behind'} the Pi: file times will not match the log; set it (set_camera_datetime)`,
    });
  }

  if (status?.temperature?.includes('disablerelease')) {
    errors.push({ code: 'RELEASE_DISABLED', message: `The camera is too hot to release the shutter (${status.temperature}); let it cool first` });
  } else if (status?.temperature && status.temperature !== 'normal') {
    warnings.push({ code: 'CAMERA_WARM', message: `The camera reports its temperature as ${status.temperature}` });
  }

  return {
    errors,
    warnings,
    estimate: {
      startAt: window.startAt,
      endAt: window.endAt,
      frames,
      cardBytes,
      cardFreeBytes: storage?.spaceBytes ?? null,
      clipSeconds24: frames === null ? null : Math.round((frames / 24) * 10) / 10,
      clipSeconds30: frames === null ? null : Math.round((frames / 30) * 10) / 10,
    },
  };
}
