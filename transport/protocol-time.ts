// Wire schemas of time sync (issue 10): the seed's hyphenated names for the exchange, snake_case for the rest.
// Spread into commandSchemas in protocol.ts.
import * as z from 'zod';
import { isTimeZone } from '../app/schedule.ts';

const epochMs = z.number().finite().min(0).max(8.64e15);
/** An IANA zone the runtime knows (`Europe/Berlin`), as the phone's Intl reports it. */
export const timeZone = z.string().min(1).max(64).refine(isTimeZone, 'not an IANA time zone name (such as Europe/Berlin)');

export const timeCommandSchemas = {
  /** The phone's answer to a `time-sync-request`: t1 echoed, t2 its receive time, t3 its send time (epoch ms). */
  'time-sync-response': z.object({ requestId: z.string().min(1).max(128), t1: epochMs, t2: epochMs, t3: epochMs, timezone: timeZone.optional() }).strict(),
  /** A GPS fix from the phone; `timestamp` is the fix's time, `timeAccuracyMs` its stated time accuracy. */
  'gps-response': z
    .object({
      latitude: z.number().min(-90).max(90),
      longitude: z.number().min(-180).max(180),
      accuracy: z.number().finite().min(0),
      timestamp: epochMs,
      timeAccuracyMs: z.number().finite().min(0).max(60_000).optional(),
    })
    .strict(),
  get_time_sync_status: z.object({}).strict().optional(),
  manual_camera_sync: z.object({ force: z.boolean().optional() }).strict().optional(),
} as const;
