// What skylapse reads from the SSDP messages node-ssdp hands it (docs/camera-notes.md §14): a search response or a
// NOTIFY, as node-ssdp's header object (names upper-cased, values as sent). Pure functions, no sockets.
import type { SsdpHeaders } from 'node-ssdp';

export const CANON_SERVICE_TYPE = 'urn:schemas-canon-com:service:ICPO-CameraControlAPIService:1';
export const CANON_DEVICE_TYPE = 'urn:schemas-canon-com:device:ICPO-CameraControlAPIService:1';

/** A search response or a NOTIFY: what the registry needs from either. */
export interface SsdpAnnouncement {
  kind: 'response' | 'alive' | 'byebye';
  /** UUID from the USN, without the `uuid:` prefix, as sent (Canon: upper-case hex). */
  uuid: string;
  usn: string;
  /** ST of a response, NT of a NOTIFY. */
  target: string;
  /** Description URL; absent on byebye. */
  location: string | null;
  /** CACHE-CONTROL max-age in seconds, when present and numeric. */
  maxAge: number | null;
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

const text = (v: SsdpHeaders[string]): string | undefined => (typeof v === 'string' ? v.trim() : undefined);

/**
 * An announcement from node-ssdp's headers (keys upper-cased by it), or null without a usable USN. Does not filter by
 * target: callers decide which types they care about.
 */
export function announcement(kind: SsdpAnnouncement['kind'], headers: SsdpHeaders): SsdpAnnouncement | null {
  const usn = text(headers.USN);
  const uuid = usn === undefined ? null : uuidFromUsn(usn);
  if (!usn || !uuid) return null;
  const location = text(headers.LOCATION);
  return {
    kind,
    uuid,
    usn,
    target: text(kind === 'response' ? headers.ST : headers.NT) ?? '',
    location: location ? location : null,
    maxAge: maxAgeOf(text(headers['CACHE-CONTROL'])),
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
