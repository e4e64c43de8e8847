// The wire names and payload paths the end-to-end tests read, in one place: if the protocol is renamed, this file
// changes and the tests do not.
import type { Message } from './ws-client.ts';

export const B = {
  welcome: 'welcome',
  photoTaken: 'photo_taken',
  started: 'intervalometer_started',
  completed: 'intervalometer_completed',
  stopped: 'intervalometer_stopped',
  suspended: 'intervalometer_suspended',
  resumed: 'intervalometer_resumed',
  cameraConnected: 'camera_connected',
} as const;

export const C = {
  start: 'start_intervalometer',
  stop: 'stop_intervalometer',
  resume: 'resume_session',
  sessionShots: 'get_session_shots',
  ping: 'ping',
} as const;

export const REPLY_OK = 'operation_result';
export const REPLY_ERROR = 'error';

/**
 * The most shot records a welcome may carry in any one `shots` array: a page, never the whole list. The page size
 * `get_session_shots` uses by default is the server's choice; this is the bound the tests hold it to.
 */
export const WELCOME_SHOTS_PAGE = 50;

export interface ShotOnWire {
  number: number;
  result: string;
  files: string[];
}

/** The session shot a `photo_taken` carries, or null for a test photo or another message. */
export function sessionShot(m: Message, sessionId?: string): ShotOnWire | null {
  if (m.type !== B.photoTaken || !m.data || m.data.sessionId == null || !m.data.shot) return null;
  if (sessionId !== undefined && m.data.sessionId !== sessionId) return null;
  return m.data.shot as ShotOnWire;
}

/** The session view a welcome carries (`state.intervalometer`), or null. */
export function welcomeSession(m: Message): { sessionId: string; state: string; counts?: Record<string, number> } | null {
  return m.data?.state?.intervalometer ?? null;
}

/** The id of the session a start reply describes. */
export function startedSessionId(reply: Message): string {
  return reply.data.session.sessionId as string;
}

/** The shots a `get_session_shots` reply carries. */
export function repliedShots(reply: Message): { number: number }[] {
  return reply.data.shots as { number: number }[];
}

/** The session id an end-of-session broadcast is about. */
export function endedSessionId(m: Message): string | undefined {
  return m.data?.session?.sessionId ?? m.data?.sessionId;
}

/** Every array named `shots` anywhere inside a value, with where it was found. */
export function shotsArrays(value: unknown, path = '$'): { path: string; length: number }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => shotsArrays(v, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => [
    ...(k === 'shots' && Array.isArray(v) ? [{ path: `${path}.${k}`, length: v.length }] : []),
    ...shotsArrays(v, `${path}.${k}`),
  ]);
}
