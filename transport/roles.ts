// Who may do what. Tokens are compared in constant time; a command is read-only only if it is listed here, so a
// command added later is refused to observers until someone decides it changes nothing.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { CommandType } from './protocol.ts';

export type Role = 'operator' | 'observer';

export interface Tokens {
  /** Full control. Without it every client is an operator (a warning says so when not on loopback). */
  operator?: string;
  /** Sees everything, changes nothing. */
  observer?: string;
}

/** Commands an observer may send: none of them changes anything. */
export const READ_ONLY_COMMANDS: ReadonlySet<CommandType> = new Set<CommandType>([
  'get_camera_status',
  'get_unsaved_session',
  'get_session_shots',
  'ping',
  'subscribe',
  'unsubscribe',
  'resume',
  'get_events',
  'get_network_status',
  'get_wifi_country',
  'get_time_sync_status',
  'get_power_status',
]);

export const mayRun = (role: Role, command: CommandType): boolean => role === 'operator' || READ_ONLY_COMMANDS.has(command);

/** Tokens travel in URLs and in a WebSocket subprotocol, so they are limited to characters both carry unchanged. */
export const TOKEN_PATTERN = /^[A-Za-z0-9._~-]{8,128}$/;

// Hashing first gives both sides one length, so timingSafeEqual never leaks the token's length either.
const digest = (s: string) => createHash('sha256').update(s).digest();
const same = (presented: string, expected: string) => timingSafeEqual(digest(presented), digest(expected));

/**
 * The role a presented token grants: with no token configured everyone is an operator; otherwise null for a missing
 * or wrong token. Both comparisons always run, so timing does not tell which token matched.
 */
export function roleOf(tokens: Tokens, presented: string | undefined): Role | null {
  if (!tokens.operator && !tokens.observer) return 'operator';
  const p = presented ?? '';
  const operator = tokens.operator ? same(p, tokens.operator) : false;
  const observer = tokens.observer ? same(p, tokens.observer) : false;
  if (presented === undefined) return null;
  return operator ? 'operator' : observer ? 'observer' : null;
}

/** The subprotocol a browser offers its token in: `new WebSocket(url, ['skylapse', 'skylapse.token.' + token])`. */
export const SUBPROTOCOL = 'skylapse';
const TOKEN_PREFIX = 'skylapse.token.';

export function tokenFromSubprotocols(header: string | undefined): string | undefined {
  for (const p of (header ?? '').split(',')) {
    const v = p.trim();
    if (v.startsWith(TOKEN_PREFIX)) return v.slice(TOKEN_PREFIX.length);
  }
  return undefined;
}

export function tokenFromAuthorization(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}
