// The wire protocol: the one source of truth for docs/protocol.md (a test keeps the two in step).
// Client → server: {type, id?, data?}. Each command gets exactly one reply, operation_result or error.
// Server → clients: broadcasts {type, seq, timestamp, data}, seq being the stored fact's global position.
import * as z from 'zod';
import { networkCommandSchemas } from './protocol-network.ts';
import { timeCommandSchemas, timeZone } from './protocol-time.ts';
import { cameraAddressCommandSchemas } from './protocol-camera-address.ts';
import { cameraSettingsCommandSchemas } from './camera-settings-schemas.ts';
import { CLOCK_TIME, ISO_WITH_OFFSET } from '../app/schedule.ts';
import { bulbSeconds, cameraCommandSchemas } from './protocol-camera.ts';

export const ERROR_CODES = [
  'INVALID_JSON',
  'INVALID_MESSAGE',
  'UNKNOWN_COMMAND',
  'VALIDATION_ERROR',
  'CAMERA_OFFLINE',
  'CAMERA_BUSY',
  'CAMERA_ERROR',
  'SESSION_ACTIVE',
  'BULB_NOT_AVAILABLE',
  'NOT_FOUND',
  'PREFLIGHT_FAILED',
  'INTERNAL_ERROR',
  'NETWORK_ERROR',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'RATE_LIMITED',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Every failure a client can see: a stable code, a sentence for people, optional structured details. */
export class ProtocolError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}

export const envelopeSchema = z.object({
  type: z.string().min(1).max(64),
  // An id that does not survive JSON (1e400 parses to Infinity and would be echoed as null) is refused.
  id: z.union([z.string().max(128), z.number().finite()]).optional(),
  data: z.unknown().optional(),
});
export type Envelope = z.infer<typeof envelopeSchema>;

const empty = z.object({}).strict().optional();
const sessionId = z.string().uuid();
const title = z.string().trim().min(1).max(200);
const clockOrIso = z.string().max(40).refine((t) => CLOCK_TIME.test(t) || (ISO_WITH_OFFSET.test(t) && !Number.isNaN(Date.parse(t))), 'a time is "HH:MM" or ISO-8601 with its offset');
const reportId = z.string().uuid();

const startIntervalometer = z
  .object({
    /** Seconds between shot starts (start-to-start); fractions allowed. */
    interval: z.number().finite().min(0.1).max(86_400),
    totalShots: z.number().int().min(1).max(1_000_000).optional(),
    /** Alias of totalShots used by older clients. */
    shots: z.number().int().min(1).max(1_000_000).optional(),
    stopCondition: z.enum(['unlimited', 'stop-after', 'stop-at', 'duration']).optional(),
    title: title.optional(),
    /** "HH:MM" in `timezone`, or ISO-8601 with its offset. */
    startAt: clockOrIso.optional(),
    stopAt: clockOrIso.optional(),
    /** `duration`: seconds. */
    duration: z.number().finite().min(1).max(7 * 86_400).optional(),
    /** The client's IANA zone, for "HH:MM" and local times in reports. */
    timezone: timeZone.optional(),
    /** Start despite pre-flight errors. */
    force: z.boolean().optional(),
    /** Frames failed in a row after which the session pauses (default 5). */
    maxFailedInRow: z.number().int().min(1).max(1000).optional(),
    /** Bulb exposures through the manual shutter, seconds (fractions allowed). */
    bulbSeconds: bulbSeconds.optional(),
  })
  .strict()
  .transform((d, ctx) => {
    if (d.totalShots !== undefined && d.shots !== undefined && d.totalShots !== d.shots) {
      ctx.addIssue({ code: 'custom', path: ['shots'], message: 'shots and totalShots disagree' });
      return z.NEVER;
    }
    const totalShots = d.totalShots ?? d.shots ?? null;
    const stopCondition = d.stopCondition ?? (d.stopAt ? 'stop-at' : d.duration ? 'duration' : totalShots === null ? 'unlimited' : 'stop-after');
    // Each stop condition takes its own value and no other's.
    const needs = { 'stop-after': totalShots, 'stop-at': d.stopAt, duration: d.duration } as Record<string, unknown>;
    for (const [condition, value] of Object.entries(needs)) {
      const path = condition === 'stop-after' ? 'totalShots' : condition === 'stop-at' ? 'stopAt' : 'duration';
      if (condition === stopCondition && (value === null || value === undefined)) {
        ctx.addIssue({ code: 'custom', path: [path], message: `${stopCondition} needs ${path}` });
        return z.NEVER;
      }
      if (condition !== stopCondition && value !== null && value !== undefined) {
        ctx.addIssue({ code: 'custom', path: [path], message: `a ${stopCondition} session takes no ${path}` });
        return z.NEVER;
      }
    }
    const clock = [d.startAt, d.stopAt].some((t) => t !== undefined && CLOCK_TIME.test(t));
    if (clock && !d.timezone) {
      ctx.addIssue({ code: 'custom', path: ['timezone'], message: '"HH:MM" times need the timezone they are read in' });
      return z.NEVER;
    }
    return {
      intervalMs: Math.round(d.interval * 1000),
      totalShots: stopCondition === 'stop-after' ? totalShots : null,
      stopCondition,
      title: d.title ?? null,
      startAt: d.startAt ?? null,
      stopAt: d.stopAt ?? null,
      durationMs: d.duration === undefined ? null : Math.round(d.duration * 1000),
      timeZone: d.timezone ?? null,
      force: d.force ?? false,
      maxFailedInRow: d.maxFailedInRow ?? null,
      bulbSeconds: d.bulbSeconds ?? null,
    } as const;
  });
export type StartIntervalometer = z.output<typeof startIntervalometer>;

/** Client-side channels a broadcast travels on (`subscribe`/`unsubscribe`). */
export const CHANNELS = ['camera', 'session', 'reports', 'network', 'time', 'system'] as const;
export type Channel = (typeof CHANNELS)[number];
const channelList = z.array(z.enum(CHANNELS)).min(1).max(CHANNELS.length);
const seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** Commands of the connection itself (transport/ws.ts), not of the controller. */
export const transportCommandSchemas = {
  subscribe: z.object({ channels: channelList }).strict(),
  unsubscribe: z.object({ channels: channelList }).strict(),
  /** Replays every broadcast after `since` on this connection, then goes on live (the same as `/ws?since=`). */
  resume: z.object({ since: seq }).strict(),
  /** A page of broadcasts rebuilt from the log, after `sinceSeq`. */
  get_events: z.object({ sinceSeq: seq, limit: z.number().int().min(1).max(1000).default(100) }).strict(),
} as const;

/** Commands and the schema of their `data`. */
export const commandSchemas = {
  get_camera_status: empty,
  start_intervalometer: startIntervalometer,
  start_intervalometer_with_title: startIntervalometer,
  stop_intervalometer: empty,
  get_unsaved_session: empty,
  resume_session: z.object({ sessionId }).strict(),
  get_session_shots: z
    .object({ sessionId, fromNumber: z.number().int().min(1).default(1), limit: z.number().int().min(1).max(500).default(100) })
    .strict(),
  save_session_as_report: z.object({ sessionId, title: title.optional() }).strict(),
  discard_session: z.object({ sessionId }).strict(),
  ping: empty,
  ...networkCommandSchemas,
  ...timeCommandSchemas,
  get_power_status: empty,
  ...cameraAddressCommandSchemas,
  ...cameraSettingsCommandSchemas,
  validate_interval: startIntervalometer,
  pause_intervalometer: empty,
  resume_intervalometer: empty,
  get_timelapse_reports: z.object({ includeDeleted: z.boolean().default(false) }).strict().default({ includeDeleted: false }),
  get_timelapse_report: z.object({ id: reportId }).strict(),
  update_report_title: z.object({ id: reportId, title }).strict(),
  delete_timelapse_report: z.object({ id: reportId }).strict(),
  restore_timelapse_report: z.object({ id: reportId }).strict(),
  ...cameraCommandSchemas,
  ...transportCommandSchemas,
} as const;
export type CommandType = keyof typeof commandSchemas;
export type CommandData<T extends CommandType> = z.output<(typeof commandSchemas)[T]>;
export const COMMANDS = Object.keys(commandSchemas) as CommandType[];

/** Server → client message types that are not broadcasts. */
export const REPLY_TYPES = ['welcome', 'operation_result', 'error', 'notice', 'time-sync-request'] as const;

/**
 * Broadcasts; each one tells one stored fact, whose global position is its `seq` (strictly increasing). One logged
 * event can produce several (a last shot, then the session's end).
 */
export const BROADCAST_TYPES = [
  'camera_connected',
  'camera_disconnected',
  'camera_status',
  'photo_taken',
  'shot_updated',
  'orphan_files_found',
  'intervalometer_started',
  'intervalometer_update',
  'intervalometer_suspended',
  'intervalometer_resumed',
  'intervalometer_completed',
  'intervalometer_stopped',
  'intervalometer_held',
  'intervalometer_hold_ended',
  'unsaved_session_found',
  'report_saved',
  'report_updated',
  'session_discarded',
  'network_event',
  'time_sync_status',
  'power_status',
  'camera_ip_changed',
  'camera_setting_changed',
  'camera_clock_offset',
  'test_photo_progress',
  'test_photo_failed',
  'liveview_changed',
  'shutter_released',
] as const;
export type BroadcastType = (typeof BROADCAST_TYPES)[number];

export interface Broadcast {
  type: BroadcastType;
  seq: number;
  timestamp: string;
  data: Record<string, unknown>;
}

export type Parsed = { ok: true; type: CommandType; id: Envelope['id']; data: unknown } | { ok: false; id: Envelope['id']; error: ProtocolError };

/** Turns one raw frame into a command, or the error to reply with. Never throws. */
export function parseMessage(raw: string): Parsed {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, id: undefined, error: new ProtocolError('INVALID_JSON', 'Message is not valid JSON') };
  }
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) {
    const id = (json as { id?: unknown } | null)?.id;
    return {
      ok: false,
      id: typeof id === 'string' || Number.isFinite(id) ? (id as string | number) : undefined,
      error: new ProtocolError('INVALID_MESSAGE', 'Message must be an object {type, id?, data?}', { issues: issues(envelope.error) }),
    };
  }
  const { type, id, data } = envelope.data;
  if (!Object.hasOwn(commandSchemas, type)) {
    return { ok: false, id, error: new ProtocolError('UNKNOWN_COMMAND', `Unknown command "${type}"`, { availableCommands: COMMANDS }) };
  }
  const schema = commandSchemas[type as CommandType];
  const parsed = schema.safeParse(data ?? undefined);
  if (!parsed.success) {
    return { ok: false, id, error: new ProtocolError('VALIDATION_ERROR', `Invalid data for ${type}`, { issues: issues(parsed.error) }) };
  }
  return { ok: true, type: type as CommandType, id, data: parsed.data };
}

function issues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

export function errorMessage(error: ProtocolError, id: Envelope['id'], now: Date) {
  return {
    type: 'error' as const,
    ...(id === undefined ? {} : { id }),
    data: {
      code: error.code,
      message: error.message,
      timestamp: now.toISOString(),
      ...(error.details ? { details: error.details } : {}),
    },
  };
}

export function resultMessage(id: Envelope['id'], data: unknown) {
  return { type: 'operation_result' as const, ...(id === undefined ? {} : { id }), success: true as const, data };
}
