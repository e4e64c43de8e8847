// Schemas of the commands that go through the camera machine: test photo (plain or bulb) and live view. Spread into
// `commandSchemas` by protocol.ts; docs/protocol.md, "Test photo, live view and bulb", states them.
import * as z from 'zod';

const empty = z.object({}).strict().optional();

/** Bulb exposures: fractions allowed (42.5 s), from half a second to an hour. */
export const bulbSeconds = z.number().finite().min(0.5).max(3_600);

export const cameraCommandSchemas = {
  /** The name older clients use: a plain test photo. */
  take_photo: empty,
  take_test_photo: z
    .object({ bulbSeconds: bulbSeconds.optional() })
    .strict()
    .optional()
    .transform((d) => ({ bulbSeconds: d?.bulbSeconds ?? null })),
  get_liveview_frame: empty,
  stop_liveview: empty,
} as const;
