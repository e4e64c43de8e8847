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
  if (storage && cardBytes !== null && cardBytes > storage.spaceBytes) {
    errors.push({ code: 'CARD_TOO_SMALL', message: `The card has room for about ${Math.floor(storage.spaceBytes / frameBytes)} frames; the plan takes ${frames}` });
  }
  if (status && !storage) errors.push({ code: 'NO_CARD', message: 'The camera reports no card' });

  const level = status?.battery?.level?.toLowerCase() ?? null;
  if (level !== null && LOW_BATTERY.has(level)) errors.push({ code: 'BATTERY_LOW', message: `The camera's battery is ${level}` });
  else if (level === 'quarter' && window.endAt !== null && window.endAt - window.startAt > 3_600_000) {
    warnings.push({ code: 'BATTERY_MAY_RUN_OUT', message: 'The battery is at a quarter; the plan runs for more than an hour' });
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
