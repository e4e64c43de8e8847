// SSDP datagrams as Canon bodies speak them (docs/camera-notes.md §14): the M-SEARCH skylapse sends, and parsing of
// the search responses and NOTIFYs it receives. Pure functions, no sockets.

export const SSDP_ADDRESS = '239.255.255.250';
export const SSDP_PORT = 1900;
export const CANON_SERVICE_TYPE = 'urn:schemas-canon-com:service:ICPO-CameraControlAPIService:1';
export const CANON_DEVICE_TYPE = 'urn:schemas-canon-com:device:ICPO-CameraControlAPIService:1';

/**
 * The M-SEARCH exactly as Canon's sample sends it: real CRLF line ends (the prior system joined lines with a literal
 * `\r\n`, docs/decisions.md §2), `HOST:` without a space, and the terminating blank line.
 */
export function buildMSearch(opts: { st?: string; mx?: number } = {}): Buffer {
  const mx = opts.mx ?? 1;
  if (!Number.isInteger(mx) || mx < 1 || mx > 5) throw new RangeError(`MX must be an integer 1..5 (got ${mx})`);
  const lines = [
    'M-SEARCH * HTTP/1.1',
    `HOST:${SSDP_ADDRESS}:${SSDP_PORT}`,
    'MAN: "ssdp:discover"',
    `MX: ${mx}`,
    `ST: ${opts.st ?? CANON_SERVICE_TYPE}`,
  ];
  return Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1');
}

export interface RawSsdpMessage {
  startLine: string;
  /** Header names lower-cased; the first occurrence of a repeated header wins. */
  headers: Map<string, string>;
}

/** Splits a datagram into its start line and headers. Tolerates LF-only lines, any header case, no space after `:`. */
export function parseRaw(datagram: Buffer | string): RawSsdpMessage | null {
  const text = typeof datagram === 'string' ? datagram : datagram.toString('latin1');
  const lines = text.split(/\r?\n/);
  const startLine = lines[0]?.trim() ?? '';
  if (startLine === '') return null;
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    if (line.trim() === '') break; // end of headers; SSDP has no body worth reading
    const colon = line.indexOf(':');
    if (colon <= 0) continue; // not a header; ignore rather than drop the whole datagram
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return { startLine, headers };
}

/** A search response (`HTTP/1.1 200 OK`) or a NOTIFY: what the registry needs from either. */
export interface SsdpAnnouncement {
  kind: 'response' | 'alive' | 'byebye' | 'update';
  /** UUID from the USN, without the `uuid:` prefix, as sent (Canon: upper-case hex). */
  uuid: string;
  usn: string;
  /** ST of a response, NT of a NOTIFY. */
  target: string;
  /** Description URL; absent on byebye. */
  location: string | null;
  /** CACHE-CONTROL max-age in seconds, when present and numeric. */
  maxAge: number | null;
  server: string | null;
}

export interface SsdpSearch {
  kind: 'search';
  st: string;
  man: string;
  mx: number | null;
  host: string | null;
}

/** `uuid:XXXX::urn:…` or `uuid:XXXX` → `XXXX`; null when the USN does not start with a uuid. */
export function uuidFromUsn(usn: string): string | null {
  const m = /^\s*uuid:([^:\s]+)/i.exec(usn);
  return m?.[1] ?? null;
}

/** `max-age=1800` (any case, spaces around `=`, among other directives) → 1800. */
export function maxAgeOf(cacheControl: string | undefined): number | null {
  if (!cacheControl) return null;
  const m = /(?:^|[,;\s])max-age\s*=\s*"?(\d+)"?/i.exec(cacheControl);
  return m?.[1] ? Number(m[1]) : null;
}

/**
 * Parses a datagram into an announcement (response or NOTIFY) or a search; null for anything else, including
 * announcements without a usable USN. Does not filter by target: callers decide which types they care about.
 */
export function parseSsdp(datagram: Buffer | string): SsdpAnnouncement | SsdpSearch | null {
  const raw = parseRaw(datagram);
  if (!raw) return null;
  const h = raw.headers;
  const start = raw.startLine.toUpperCase();
  if (start.startsWith('M-SEARCH ')) {
    const mx = h.get('mx');
    return {
      kind: 'search',
      st: h.get('st') ?? '',
      man: h.get('man') ?? '',
      mx: mx !== undefined && /^\d+$/.test(mx) ? Number(mx) : null,
      host: h.get('host') ?? null,
    };
  }
  let kind: SsdpAnnouncement['kind'];
  let target: string | undefined;
  if (/^HTTP\/1\.[01]\s+200(\s|$)/.test(start)) {
    kind = 'response';
    target = h.get('st');
  } else if (start.startsWith('NOTIFY ')) {
    const nts = (h.get('nts') ?? '').toLowerCase();
    if (nts === 'ssdp:alive') kind = 'alive';
    else if (nts === 'ssdp:byebye') kind = 'byebye';
    else if (nts === 'ssdp:update') kind = 'update';
    else return null;
    target = h.get('nt');
  } else {
    return null;
  }
  const usn = h.get('usn');
  const uuid = usn === undefined ? null : uuidFromUsn(usn);
  if (!usn || !uuid) return null;
  const location = h.get('location');
  return {
    kind,
    uuid,
    usn,
    target: target ?? '',
    location: location ? location : null,
    maxAge: maxAgeOf(h.get('cache-control')),
    server: h.get('server') ?? null,
  };
}

/** Whether an announcement is about a Canon CCAPI camera (service or device type, or a USN naming one). */
export function isCanonCamera(a: SsdpAnnouncement): boolean {
  const canon = (s: string) => {
    const lower = s.toLowerCase();
    return lower.includes('urn:schemas-canon-com:') && lower.includes('icpo-cameracontrolapiservice');
  };
  return canon(a.target) || canon(a.usn);
}
