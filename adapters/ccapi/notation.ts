// Canon's setting notation → numbers for logic, and the check of a value against a setting's ability
// (docs/camera-notes.md §11). Strict like parseTv: what is not recognised is null, never a guess.

import { parseTv } from './tv.ts';

/** A range ability, e.g. colour temperature `{min: 2500, max: 10000, step: 100}`. */
export interface RangeAbility {
  min: number;
  max: number;
  step: number;
}

/** `f5.6` → 5.6, `f11` → 11; null otherwise. */
export function parseAv(av: string): number | null {
  const m = /^f(\d+(?:\.\d+)?)$/.exec(av.trim());
  return m ? Number(m[1]) : null;
}

/** `1600` → 1600, `auto` → 'auto'; null otherwise. */
export function parseIso(iso: string): number | 'auto' | null {
  const s = iso.trim();
  if (s === 'auto') return 'auto';
  return /^\d+$/.test(s) ? Number(s) : null;
}

/** Exposure compensation and AEB in stops: `+1.0` → 1, `-3_1/3` → −3.333…, `+0_2/3` → 0.666…; null otherwise. */
export function parseStops(value: string): number | null {
  const m = /^([+-]?)(\d+)(?:\.(\d+)|_(\d)\/(\d))?$/.exec(value.trim());
  if (!m) return null;
  const whole = Number(m[2]) + (m[3] !== undefined ? Number(`0.${m[3]}`) : 0);
  const fraction = m[4] !== undefined ? Number(m[4]) / Number(m[5]) : 0;
  return (m[1] === '-' ? -1 : 1) * (whole + fraction);
}

export function isRange(ability: unknown): ability is RangeAbility {
  if (!ability || typeof ability !== 'object') return false;
  const a = ability as Record<string, unknown>;
  return typeof a.min === 'number' && typeof a.max === 'number' && typeof a.step === 'number';
}

/**
 * The number behind a setting's value when skylapse reads one: seconds for `tv` (null for bulb), the f-number for
 * `av`, ISO (or 'auto'), stops for `exposure`/`aeb`, kelvin for `colortemperature`. Null for everything else.
 */
export function settingNumber(name: string, value: unknown): number | 'auto' | null {
  if (name === 'colortemperature') return typeof value === 'number' ? value : null;
  if (typeof value !== 'string') return null;
  switch (name) {
    case 'tv':
      return parseTv(value);
    case 'av':
      return parseAv(value);
    case 'iso':
      return parseIso(value);
    case 'exposure':
    case 'aeb':
      return parseStops(value);
    default:
      return null;
  }
}

/** Why `value` is not in `ability`, or null when it is (or when the ability says nothing checkable). */
export function abilityRefusal(value: unknown, ability: unknown): string | null {
  if (Array.isArray(ability)) {
    return ability.includes(value) ? null : `${JSON.stringify(value)} is not one of ${ability.map((a) => JSON.stringify(a)).join(', ')}`;
  }
  if (isRange(ability)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) return `${JSON.stringify(value)} is not a number`;
    if (value < ability.min || value > ability.max) return `${value} is outside ${ability.min}–${ability.max}`;
    const steps = (value - ability.min) / ability.step;
    return Math.abs(steps - Math.round(steps)) < 1e-9 ? null : `${value} is not on the ${ability.step} step from ${ability.min}`;
  }
  if (ability && typeof ability === 'object') {
    // Compound settings (image quality, white-balance shift): each part against its own ability.
    if (!value || typeof value !== 'object' || Array.isArray(value)) return `${JSON.stringify(value)} must be an object`;
    const parts = ability as Record<string, unknown>;
    for (const [key, part] of Object.entries(value as Record<string, unknown>)) {
      if (!(key in parts)) return `${key} is not a part of this setting`;
      const refusal = abilityRefusal(part, parts[key]);
      if (refusal) return `${key}: ${refusal}`;
    }
    return null;
  }
  return null;
}
