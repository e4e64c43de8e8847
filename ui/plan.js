// The plan panel's pure part: the form's fields → a start_intervalometer / validate_interval request, the pre-flight
// answer for people, the honest sentence of a session that waits or holds, and the levels drawn as bars.
// No DOM, so Node tests import it.
import { formatBytes, formatClock, formatDuration } from './format.js';

const HHMM = /^([01]?\d|2[0-3]):([0-5]\d)$/;
export const STOP_CONDITIONS = ['stop-after', 'stop-at', 'duration', 'unlimited'];

/** `90`, `1:30` (hours:minutes) or `1.5h` → seconds; null when unreadable. Bare numbers are minutes. */
export function parseDuration(text) {
  const t = String(text ?? '').trim().toLowerCase().replace(',', '.');
  const hm = /^(\d+):([0-5]\d)$/.exec(t);
  if (hm) return Number(hm[1]) * 3600 + Number(hm[2]) * 60;
  const unit = /^(\d+(?:\.\d+)?)\s*(h|m|min)?$/.exec(t);
  if (!unit) return null;
  return Math.round(Number(unit[1]) * (unit[2] === 'h' ? 3600 : 60));
}

/**
 * The plan form's fields (strings as typed) → `{ok: true, data}` for start_intervalometer, or `{ok: false, errors}`
 * keyed by field. `stop` is one of STOP_CONDITIONS; only its own value is read. `timezone` (the phone's IANA zone)
 * goes with any "HH:MM" time. Accepts a decimal comma (`2,5`), as many phone keyboards type one.
 */
export function parsePlanForm(f, timezone) {
  const errors = {};
  const num = (v) => Number(String(v ?? '').trim().replace(',', '.'));
  const blank = (v) => String(v ?? '').trim() === '';
  const iv = num(f.interval);
  if (blank(f.interval) || !Number.isFinite(iv) || iv < 0.1 || iv > 86_400) errors.interval = 'Interval: seconds between shots, from 0.1 to 86400';
  const stop = STOP_CONDITIONS.includes(f.stop) ? f.stop : blank(f.shots) ? 'unlimited' : 'stop-after';
  const data = { interval: iv, stopCondition: stop };
  if (stop === 'stop-after') {
    const n = num(f.shots);
    if (blank(f.shots) || !Number.isInteger(n) || n < 1 || n > 1_000_000) errors.shots = 'Shots: a whole number from 1 to 1000000';
    else data.totalShots = n;
  } else if (stop === 'stop-at') {
    if (!HHMM.test(String(f.stopAt ?? '').trim())) errors.stopAt = 'Stop at: a time as HH:MM';
    else data.stopAt = String(f.stopAt).trim().padStart(5, '0');
  } else if (stop === 'duration') {
    const s = parseDuration(f.duration);
    if (s === null || s < 1 || s > 604_800) errors.duration = 'Duration: minutes, or hours:minutes (e.g. 5:30), up to 7 days';
    else data.duration = s;
  }
  if (!blank(f.startAt)) {
    if (!HHMM.test(String(f.startAt).trim())) errors.startAt = 'Start at: a time as HH:MM, or blank for now';
    else data.startAt = String(f.startAt).trim().padStart(5, '0');
  }
  if (!blank(f.bulb)) {
    const b = num(f.bulb);
    if (!Number.isFinite(b) || b < 0.5 || b > 3600) errors.bulb = 'Bulb: seconds from 0.5 to 3600, or blank for the camera’s shutter speed';
    else data.bulbSeconds = b;
  }
  const title = String(f.title ?? '').trim();
  if (title.length > 200) errors.title = 'Title: at most 200 characters';
  else if (title) data.title = title;
  if (data.stopAt || data.startAt) data.timezone = timezone;
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, data };
}

/** Seconds of clip → `4 s`, `1 m 20 s`. */
const clip = (s) => (Number.isFinite(s) ? (s < 10 ? `${Number(s.toFixed(1))} s` : formatDuration(s * 1000)) : '—');

/**
 * validate_interval's answer → what the panel shows before Start: `{errors, warnings, estimate: [{label, value}]}`.
 * Unlimited plans have no end, frame count or card use: they say so rather than show a dash.
 */
export function preflightView(answer, now) {
  if (!answer) return null;
  const e = answer.estimate ?? {};
  const est = [];
  if (Number.isFinite(e.startAt) && e.startAt - now > 60_000) est.push({ label: 'Starts', value: `${formatClock(e.startAt)} (in ${formatDuration(e.startAt - now)})` });
  est.push({ label: 'Ends', value: Number.isFinite(e.endAt) ? `${formatClock(e.endAt)} (in ${formatDuration(e.endAt - now)})` : 'when you stop it' });
  est.push({ label: 'Frames', value: Number.isFinite(e.frames) ? String(e.frames) : 'unlimited' });
  const free = Number.isFinite(e.cardFreeBytes) ? ` of ${formatBytes(e.cardFreeBytes)} free` : '';
  est.push({ label: 'Card use', value: Number.isFinite(e.cardBytes) ? `${formatBytes(e.cardBytes)}${free}` : `unknown${free}` });
  est.push({ label: 'Clip', value: Number.isFinite(e.clipSeconds24) ? `${clip(e.clipSeconds24)} at 24 fps · ${clip(e.clipSeconds30)} at 30 fps` : '—' });
  const said = (list) => (Array.isArray(list) ? list.map((x) => x.message || x.code) : []);
  return { errors: said(answer.errors), warnings: said(answer.warnings), estimate: est };
}

/**
 * What a running session that is not shooting means, with what the user can do: `{title, text, action}` or null.
 * `action` is `resume` when a Resume button helps.
 */
export function holdView(s, now) {
  if (!s) return null;
  const since = s.hold?.since ? ` since ${formatClock(s.hold.since)}` : '';
  const reason = s.hold?.reason;
  if (s.state === 'scheduled') {
    const wait = Number.isFinite(s.startedAt) ? s.startedAt - now : null;
    return {
      title: 'Scheduled',
      text: `Nothing is shot yet: the first frame is at ${formatClock(s.startedAt)}${wait !== null && wait > 0 ? ` (in ${formatDuration(wait)})` : ''}. Leave the camera on and the Pi running; “Cancel this plan” drops it.`,
      action: null,
    };
  }
  if (s.state === 'paused' || reason === 'paused') {
    return { title: 'Paused', text: `Paused${since}: slots pass unshot and are recorded as skipped. Resume shoots again on the same grid.`, action: 'resume' };
  }
  if (reason === 'failed_in_row') {
    return { title: 'Paused after failures', text: `Too many frames failed in a row${since}, so shooting paused. Check the camera (card, lens cap, mode dial), then resume.`, action: 'resume' };
  }
  if (s.state === 'waiting_for_camera' || reason === 'camera_offline') {
    return {
      title: 'Waiting for the camera',
      text: `The camera is not answering${since}; it is tried every 2 s and shooting goes on by itself at the next slot once it is back. Is it on, awake and on the Pi's WiFi?`,
      action: null,
    };
  }
  if (reason === 'camera_hot') {
    return {
      title: 'Held: camera too hot',
      text: `The camera refuses to release because it is too hot${since}. Shooting goes on by itself once it cools: shade it, or lengthen the interval.`,
      action: null,
    };
  }
  if (s.state === 'held') return { title: 'Held', text: `Shooting is held${since}; slots pass unshot.`, action: null };
  return null;
}

/** Battery level word or percentage → 0…1, or null (AC power, unknown). */
export function batteryFraction(b) {
  if (!b || b.kind === 'ac_adapter' || b.kind === 'dc_coupler') return null;
  const level = String(b.level ?? '');
  if (/^\d+$/.test(level)) return Math.min(1, Number(level) / 100);
  const words = { full: 1, high: 0.75, half: 0.5, quarter: 0.25, low: 0.1, exhausted: 0 };
  return level in words ? words[level] : null;
}

/** Free card space as 0…1, or null. */
export function cardFraction(s) {
  return s && s.maxBytes > 0 ? Math.max(0, Math.min(1, s.spaceBytes / s.maxBytes)) : null;
}
