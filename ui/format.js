// Pure helpers: formatting for people, the start form's parsing, the countdown. No DOM, so Node tests can import it.

/** `/ccapi/ver110/contents/sd/100CANON/IMG_0001.JPG` → `IMG_0001.JPG`. */
export const basename = (path) => (path ? String(path).split('/').pop() || String(path) : null);

/** Milliseconds → `0.4 s`, `12 s`, `4 m 05 s`, `2 h 03 m`. */
export function formatDuration(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const s = Math.max(0, ms) / 1000;
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 60) return `${Math.floor(s)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} m ${String(Math.floor(s % 60)).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} m`;
}

/** A shot's files as people read them: `IMG_0001.CR3 + IMG_0001.JPG` (RAW+JPEG: both); null when there are none. */
export function fileNames(files) {
  if (!Array.isArray(files) || files.length === 0) return null;
  return files.map(basename).join(' + ');
}

/** `1 slot`, `6 slots`. */
export const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A gap for people, rounded: `under a second`, `40 s`, `12 min`, `2 h 5 min`. */
export function formatGap(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return 'unknown length';
  const s = Math.max(0, ms) / 1000;
  if (s < 1) return 'under a second';
  if (s < 90) return `${Math.round(s)} s`;
  const min = Math.round(s / 60);
  if (min < 90) return `${min} min`;
  const h = Math.floor(min / 60);
  return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
}

/** Why a slot was skipped, for people. */
export function skipReasonText(reason) {
  if (reason === 'controller_offline') return 'the controller was down';
  if (reason === 'late') return 'too late to take';
  if (reason === 'paused') return 'paused';
  if (reason === 'camera_offline') return 'the camera was away';
  if (reason === 'camera_hot') return 'the camera was too hot to release';
  if (reason === 'failed_in_row') return 'too many frames failed in a row';
  return 'skipped';
}

/** A session's counts: `12 taken · 1 failed · 3 skipped` (+ ` · 2 unknown` when there are any). */
export function countsText(counts, sep = ' · ') {
  const c = counts ?? {};
  const parts = [`${c.ok ?? 0} taken`, `${c.failed ?? 0} failed`, `${c.skipped ?? 0} skipped`];
  if (c.unknown) parts.push(`${c.unknown} unknown`);
  return parts.join(sep);
}

/** One row of a paged shot list (`get_session_shots`): `#12 IMG_0012.JPG, 4 ms late`, `#13 skipped: the controller was down`. */
export function shotRowText(shot) {
  const n = `#${shot.number}`;
  switch (shot.result) {
    case 'ok': {
      const late = Number.isFinite(shot.latenessMs) && shot.latenessMs > 0 ? `, ${Math.round(shot.latenessMs)} ms late` : '';
      return `${n} ${fileNames(shot.files) ?? 'no file reported'}${late}${shot.recovered ? ' (recovered from the card)' : ''}`;
    }
    case 'skipped':
      return `${n} skipped: ${skipReasonText(shot.reason)}`;
    case 'unknown':
      return `${n} unknown: the controller went down during the press; no file confirms a frame`;
    case 'failed':
      return `${n} failed${shot.error ? `: ${shot.error.code ?? 'ERROR'}: ${shot.error.message ?? ''}` : ''}`;
    default:
      return `${n} ${shot.result ?? '?'}`;
  }
}

/** Seconds as the user typed them: `0.5 s`, `30 s`, `2 m 30 s`. */
export function formatInterval(seconds) {
  if (!Number.isFinite(seconds)) return '—';
  if (seconds < 60) return `${Number(seconds.toFixed(3))} s`;
  return formatDuration(seconds * 1000);
}

export function formatBytes(bytes) {
  if (!Number.isFinite(bytes)) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v >= 100 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

const pad = (n) => String(n).padStart(2, '0');
/** Epoch ms → local `HH:MM:SS`. */
export function formatClock(ms) {
  if (!Number.isFinite(ms)) return '—';
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
/** Epoch ms → local `YYYY-MM-DD HH:MM`. */
export function formatDateTime(ms) {
  if (!Number.isFinite(ms)) return '—';
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Battery as text and whether it needs attention. Level is a word (`half`), a percentage (`82`) or `''` on AC. */
export function describeBattery(b) {
  if (!b) return { text: '—', warn: false };
  if (b.kind === 'ac_adapter' || b.kind === 'dc_coupler') return { text: 'AC power', warn: false };
  if (b.kind === 'not_inserted') return { text: 'none', warn: true };
  const level = String(b.level ?? '');
  if (/^\d+$/.test(level)) return { text: `${level}%`, warn: Number(level) <= 25 };
  return { text: level || 'unknown', warn: ['quarter', 'low', 'exhausted', 'none'].includes(level) };
}

export function describeStorage(s) {
  if (!s) return { text: 'no card', warn: true };
  const pct = s.maxBytes > 0 ? Math.round((s.spaceBytes / s.maxBytes) * 100) : null;
  return { text: `${formatBytes(s.spaceBytes)} free${pct === null ? '' : ` (${pct}%)`}`, warn: pct !== null && pct < 5 };
}

/** Milliseconds until the session's next slot by the server's clock, or null when none is planned. */
export function msUntilNextShot(session, clockOffsetMs, now) {
  if (!session || !session.running || session.nextShotAt === null || session.nextShotAt === undefined) return null;
  return session.nextShotAt - (now + clockOffsetMs);
}

/**
 * The start form's fields (strings as typed) → `{ ok: true, data }` for start_intervalometer, or `{ ok: false, errors }`
 * keyed by field. Accepts a decimal comma (`2,5`), as many phone keyboards type one.
 */
export function parseStartForm({ interval, shots, title }) {
  const errors = {};
  const iv = Number(String(interval ?? '').trim().replace(',', '.'));
  if (String(interval ?? '').trim() === '' || !Number.isFinite(iv) || iv < 0.1 || iv > 86_400) {
    errors.interval = 'Interval: seconds between shots, from 0.1 to 86400';
  }
  const shotsText = String(shots ?? '').trim();
  let totalShots = null;
  if (shotsText !== '') {
    totalShots = Number(shotsText);
    if (!Number.isInteger(totalShots) || totalShots < 1 || totalShots > 1_000_000) errors.shots = 'Shots: a whole number from 1, or blank for unlimited';
  }
  const t = String(title ?? '').trim();
  if (t.length > 200) errors.title = 'Title: at most 200 characters';
  if (Object.keys(errors).length) return { ok: false, errors };
  const data = { interval: iv, stopCondition: totalShots === null ? 'unlimited' : 'stop-after' };
  if (totalShots !== null) data.totalShots = totalShots;
  if (t) data.title = t;
  return { ok: true, data };
}
