// A browser names the page that opened a request in `Origin`. A request from a page on another site (or a sandboxed
// one: `null`) is refused, so a visitor's browser cannot be used to drive the controller (cross-site WebSocket
// hijacking, CSRF). Clients that are not browsers send no Origin and are judged by their token alone.
import type { IncomingMessage } from 'node:http';

export function isSameOrigin(req: Pick<IncomingMessage, 'headers'>): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false; // `null` and anything else that is not a URL
  }
  return host !== '' && host.toLowerCase() === (req.headers.host ?? '').toLowerCase();
}
