// Maps CCAPI answers and transport failures onto CameraError (docs/camera-notes.md §13). Every message names the
// request and carries the camera's own text so logs and the UI can show what the camera said.

import { CameraError, type CameraErrorCode } from '../../machines/camera-port.ts';
import { CONNECT_TIMEOUT_CODE } from './request.ts';

/** Refusals that clear by themselves within a shot's deadline. */
const TRANSIENT_503 = new Set(['Device busy', 'During shooting or recording', 'Taken in preparation']);
/** Card problems block a session; retrying does not help. */
const CARD_503 = new Set(['Can not write to card', 'Card not available', 'Card protected']);
/** Known 503s that mean "not now, not like this": retrying the same request cannot succeed. */
const FINAL_503 = new Set([
  'Out of focus',
  'Mode not supported',
  'Already started',
  'Not started',
  'Live view not started',
  'File protected',
]);

/**
 * Whether a failed request reached the camera: `answered` (it replied), `not-sent` (refused or timed out while
 * connecting), `unknown` (sent, then timed out or cut off: it may have acted on it).
 */
export type Delivery = 'answered' | 'not-sent' | 'unknown';

/** A CameraError that also keeps the camera's raw `message`, so callers can branch on it (e.g. `Already started`). */
export class CcapiError extends CameraError {
  constructor(
    code: CameraErrorCode,
    message: string,
    transient: boolean,
    status: number | undefined,
    readonly cameraMessage: string | null,
    readonly delivery: Delivery = status === undefined ? 'unknown' : 'answered',
  ) {
    super(code, message, transient, status);
  }
}

export function httpError(context: string, status: number, cameraMessage: string | null): CcapiError {
  const text = `${context}: HTTP ${status}${cameraMessage ? ` ${cameraMessage}` : ''}`;
  const make = (code: CameraErrorCode, transient: boolean, extra = '') =>
    new CcapiError(code, text + extra, transient, status, cameraMessage);
  if (status === 503) {
    const m = cameraMessage ?? '';
    if (TRANSIENT_503.has(m)) return make('BUSY', true);
    if (CARD_503.has(m)) return make('CARD', false);
    // Temperature refusals (the wording varies; docs/camera-notes.md §9): the camera must cool before it shoots.
    if (/temperature|disablerelease|disableshooting/i.test(m)) return make('RELEASE_DISABLED', true);
    if (FINAL_503.has(m)) return make('REJECTED', false);
    // Unknown 503: treated as busy, but pressOutcome() allows only one retry (docs/camera-notes.md §13).
    return make('BUSY', true);
  }
  if (status === 502) return make('WEDGED', false, ' (camera HTTP service wedged: power-cycle the camera)');
  if (status === 404 || status === 405 || status === 501) return make('NOT_SUPPORTED', false);
  if (status >= 400 && status < 500) return make('REJECTED', false);
  return make('PROTOCOL', false);
}

export function protocolError(context: string, detail: string, status?: number): CcapiError {
  return new CcapiError('PROTOCOL', `${context}: ${detail}`, false, status, null);
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  CONNECT_TIMEOUT_CODE,
]);

/** Failures before any byte of the request could reach the camera. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/** Digs the most specific `code` out of an error or its `cause` chain (fetch's `TypeError: fetch failed` → cause). */
function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A failure without an HTTP answer: timeout, refused/reset connection, DNS, cancelled. */
export function networkError(context: string, err: unknown, timedOut: boolean): CcapiError {
  if (timedOut) return new CcapiError('TIMEOUT', `${context}: no answer in time`, true, undefined, null);
  const code = errorCode(err);
  const detail = code ?? (err instanceof Error ? err.message : String(err));
  if (code === CONNECT_TIMEOUT_CODE || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new CcapiError('TIMEOUT', `${context}: connect timed out`, true, undefined, null, 'not-sent');
  }
  if (code !== undefined && NOT_SENT_CODES.has(code)) {
    return new CcapiError('UNREACHABLE', `${context}: camera unreachable (${detail})`, true, undefined, null, 'not-sent');
  }
  if (code === undefined || NETWORK_CODES.has(code) || code.startsWith('UND_ERR_')) {
    return new CcapiError('UNREACHABLE', `${context}: camera unreachable (${detail})`, true, undefined, null);
  }
  return new CcapiError('UNREACHABLE', `${context}: ${detail}`, true, undefined, null);
}

/**
 * What a failed shutter press allows. A press is sent again only when it surely did not reach the camera: known
 * busy 503s until the deadline, unknown 503s once, refused or connect-timed-out connections until the deadline.
 * `ambiguous`: it may have fired (timeout after sending, reset), so it is never sent again. `final`: refused.
 */
export type PressOutcome = 'retry' | 'retry-once' | 'ambiguous' | 'final';

export function pressOutcome(err: CameraError): PressOutcome {
  const delivery = err instanceof CcapiError ? err.delivery : 'unknown';
  const accepted = err.status !== undefined && err.status >= 200 && err.status < 300; // 2xx with a body we could not read
  if (delivery === 'unknown' || accepted) return 'ambiguous';
  if (!err.transient) return 'final';
  if (delivery === 'not-sent') return 'retry';
  if (err.status === 503 && err.transient) {
    return err instanceof CcapiError && TRANSIENT_503.has(err.cameraMessage ?? '') ? 'retry' : 'retry-once';
  }
  return 'final';
}

export function cameraMessageOf(err: unknown): string | null {
  return err instanceof CcapiError ? err.cameraMessage : null;
}
