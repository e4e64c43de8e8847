// Commands of the camera settings and clock (docs/protocol.md, "Camera settings and clock"): spread into
// commandSchemas in protocol.ts.
import * as z from 'zod';
import { timeZone } from './protocol-time.ts';

/** Setting names as the camera spells them in `shooting/settings` (`tv`, `iso`, `shootingmodedial_movie` …). */
const settingName = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'a CCAPI setting name such as tv, av, iso, wb');
const part = z.union([z.string().max(64), z.number().finite()]);

export const cameraSettingsCommandSchemas = {
  get_camera_settings: z.object({}).strict().optional(),
  set_camera_setting: z
    .object({
      name: settingName,
      /** Canon's notation (`1/125`, `0"5`, `f5.6`, `auto`, `1600`), a number (colour temperature), or parts (`{raw, jpeg}`). */
      value: z.union([part, z.record(z.string().max(32), part)]),
    })
    .strict(),
  get_camera_datetime: z.object({}).strict().optional(),
  set_camera_datetime: z
    .object({
      /** ISO 8601 with a zone (`2026-11-30T03:00:00+05:30`); default: the Pi's time now. */
      iso: z.iso.datetime({ offset: true }).optional(),
      timeZone: timeZone.optional(),
    })
    .strict()
    .optional(),
} as const;
