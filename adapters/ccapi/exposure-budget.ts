// Does an interval leave the camera time for one frame? Exposure (from Canon's Tv, or a bulb duration) plus the
// time the camera takes to write the file(s), plus a margin, must fit in the interval. Pure: the session pre-flight
// calls it with what the camera last reported (docs/camera-notes.md §11).

import { parseTv } from './tv.ts';

/** Write time after the exposure, ms: JPEG ≈ 0.3–1 s, RAW+JPEG 2–2.6 s on real bodies (docs/camera-notes.md §4). */
export const WRITE_MS = { jpeg: 1_000, rawJpeg: 2_600 } as const;
/** Margin on top of exposure + write: Tv labels are nominal third stops, and the press itself takes up to 350 ms. */
export const MARGIN = { minMs: 500, fraction: 0.1 } as const;

export interface ExposureBudgetInput {
  intervalMs: number;
  /** The camera's Tv (`1/125`, `0"5`, `30"`, `bulb`); ignored when bulbSeconds is given. */
  tv: string | null;
  /** A bulb exposure timed by skylapse, seconds (fractions allowed). */
  bulbSeconds?: number | null;
  /** RAW+JPEG writes two files and takes longer. */
  rawJpeg?: boolean;
  /** Overrides WRITE_MS (e.g. measured on this body). */
  writeMs?: number;
}

export type ExposureBudget =
  | { ok: true; exposureMs: number; writeMs: number; marginMs: number; neededMs: number; spareMs: number }
  | {
      ok: false;
      reason: 'too-short' | 'exposure-unknown';
      exposureMs: number | null;
      writeMs: number;
      marginMs: number;
      neededMs: number | null;
      message: string;
    };

/** Exposure + write + margin against the interval; `exposure-unknown` when Tv is bulb or unreadable without bulbSeconds. */
export function exposureBudget(input: ExposureBudgetInput): ExposureBudget {
  const writeMs = input.writeMs ?? (input.rawJpeg ? WRITE_MS.rawJpeg : WRITE_MS.jpeg);
  const seconds = input.bulbSeconds ?? (input.tv === null ? null : parseTv(input.tv));
  if (seconds === null) {
    const marginMs = MARGIN.minMs;
    const what = input.tv === null ? 'no shutter speed' : `shutter speed ${input.tv}`;
    return { ok: false, reason: 'exposure-unknown', exposureMs: null, writeMs, marginMs, neededMs: null, message: `The camera reports ${what}: the exposure time is unknown` };
  }
  const exposureMs = Math.round(seconds * 1000);
  const marginMs = Math.max(MARGIN.minMs, Math.round((exposureMs + writeMs) * MARGIN.fraction));
  const neededMs = exposureMs + writeMs + marginMs;
  if (neededMs > input.intervalMs) {
    return {
      ok: false,
      reason: 'too-short',
      exposureMs,
      writeMs,
      marginMs,
      neededMs,
      message: `Interval ${input.intervalMs / 1000} s is shorter than exposure ${seconds} s + write ${writeMs / 1000} s + margin ${marginMs / 1000} s = ${neededMs / 1000} s`,
    };
  }
  return { ok: true, exposureMs, writeMs, marginMs, neededMs, spareMs: input.intervalMs - neededMs };
}
