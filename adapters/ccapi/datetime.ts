// CCAPI `functions/datetime` strings: RFC 1123 local wall time, the zone's *standard* offset as ±HHMM, and a
// separate dst flag (docs/camera-notes.md §10). Shared by the client (parse) and the simulator (format).

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const HOUR_MS = 3_600_000;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `+0100`, `+0530`, `-0330`, `+0000` — sign plus four digits of the absolute offset (docs/decisions.md §9). */
export function formatOffset(offsetMin: number): string {
  const abs = Math.abs(Math.trunc(offsetMin));
  return `${offsetMin < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
}

/** Formats an instant as the camera reports it: local wall time (standard offset + 1 h when dst) and the standard offset. */
export function formatCanonDatetime(utcMs: number, stdOffsetMin: number, dst: boolean): string {
  const d = new Date(utcMs + (stdOffsetMin + (dst ? 60 : 0)) * 60_000);
  return (
    `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${formatOffset(stdOffsetMin)}`
  );
}

const PATTERN = /^(?:[A-Z][a-z]{2}), (\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/;

/** Inverse of formatCanonDatetime; null when the string is not in the camera's format. */
export function parseCanonDatetime(text: string, dst: boolean): { utcMs: number; stdOffsetMin: number } | null {
  const m = PATTERN.exec(text.trim());
  if (!m) return null;
  const month = MONTHS.indexOf(m[2] as (typeof MONTHS)[number]);
  if (month < 0) return null;
  const naive = Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
  const stdOffsetMin = (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9]));
  // A naive parse is an hour late while dst is set: the wall time includes DST, the offset does not.
  return { utcMs: naive - stdOffsetMin * 60_000 - (dst ? HOUR_MS : 0), stdOffsetMin };
}

/**
 * `lastmodifieddate` of `?kind=info`: labelled GMT but the camera's local wall time (camera-notes.md), so the
 * camera's current offset (`stdOffsetMin` plus an hour when `dst`) is taken off. Null when empty or unreadable.
 */
export function parseLastModified(text: string | null | undefined, stdOffsetMin: number, dst: boolean): number | null {
  const m = /^(.*) GMT$/.exec(text?.trim() ?? '');
  const naive = m ? parseCanonDatetime(`${m[1]} +0000`, false) : null;
  return naive ? naive.utcMs - (stdOffsetMin + (dst ? 60 : 0)) * 60_000 : null;
}

/** `GMT+05:30` / `GMT-03:30` / `GMT` (Intl `longOffset`) → minutes east of UTC. */
function offsetOfName(name: string): number {
  const m = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name);
  if (!m || !m[1]) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

/** The zone's offset from UTC at `utcMs`, minutes east; `timeZone` is an IANA name (default: this machine's zone). */
export function zoneOffsetAt(utcMs: number, timeZone?: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(utcMs);
  return offsetOfName(parts.find((p) => p.type === 'timeZoneName')?.value ?? 'GMT');
}

/**
 * What the camera wants for a zone at an instant: the *standard* offset (the smaller of January's and July's, so
 * southern-hemisphere zones come out right) and whether DST is in effect then (docs/camera-notes.md §10).
 */
export function cameraZoneAt(utcMs: number, timeZone?: string): { stdOffsetMin: number; dst: boolean } {
  const year = new Date(utcMs).getUTCFullYear();
  const jan = zoneOffsetAt(Date.UTC(year, 0, 1), timeZone);
  const jul = zoneOffsetAt(Date.UTC(year, 6, 1), timeZone);
  const stdOffsetMin = Math.min(jan, jul);
  const now = zoneOffsetAt(utcMs, timeZone);
  // CCAPI's dst flag is one hour; a zone with another DST amount (Lord Howe: 30 min) is sent its offset of the moment.
  if (now === stdOffsetMin) return { stdOffsetMin, dst: false };
  return now - stdOffsetMin === 60 ? { stdOffsetMin, dst: true } : { stdOffsetMin: now, dst: false };
}
