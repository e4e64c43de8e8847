// The reports panel's pure part: a past night's row in the list, its facts, its slots for the strip, its timeline
// and camera readings as lines, and the export links. No DOM, so Node tests import it.
import { countsText, formatDateTime, formatDuration, formatInterval, formatBytes, plural, skipReasonText, formatClock } from './format.js';

export const EXPORT_FORMATS = [
  { format: 'csv', label: 'CSV' },
  { format: 'json', label: 'JSON' },
  { format: 'md', label: 'Markdown' },
];

/** `/api/reports/<id>/export?format=csv`: the server answers with the file as an attachment. */
export const exportUrl = (id, format) => `/api/reports/${encodeURIComponent(id)}/export?format=${format}`;

const REASONS = { completed: 'completed', stopped: 'stopped', failed: 'FAILED', interrupted: 'interrupted' };

/** A ReportSummary as one line of the list: `2026-11-30 23:40 · 5 h 20 m · 640 taken · 0 failed · 2 skipped`. */
export function reportRowText(r) {
  const parts = [formatDateTime(r.startedAt)];
  if (Number.isFinite(r.durationS)) parts.push(formatDuration(r.durationS * 1000));
  parts.push(countsText(r), REASONS[r.reason] ?? r.reason ?? '');
  return parts.filter(Boolean).join(' · ');
}

const ms = (v) => (Number.isFinite(v) ? (v < 10 ? `${v.toFixed(1)} ms` : `${Math.round(v)} ms`) : '—');

/** The detail view's facts: `[{label, value}]`. */
export function reportFacts(r) {
  const facts = [
    { label: 'Started', value: formatDateTime(r.startedAt) },
    { label: 'Ended', value: r.endedAt ? formatDateTime(r.endedAt) : '—' },
    { label: 'Length', value: Number.isFinite(r.durationS) ? formatDuration(r.durationS * 1000) : '—' },
    { label: 'Interval', value: formatInterval(r.intervalS) },
    { label: 'Shots', value: `${countsText(r)}${r.plannedShots ? ` of ${r.plannedShots} planned` : ''}` },
    { label: 'Ended by', value: endedBy(r) },
    { label: 'Lateness', value: `p50 ${ms(r.latenessP50Ms)} · p99 ${ms(r.latenessP99Ms)} · max ${ms(r.latenessMaxMs)}` },
  ];
  if (r.orphans) facts.push({ label: 'Unmatched files', value: plural(r.orphans, 'file') });
  if (r.firstFile) facts.push({ label: 'Files', value: `${r.firstFile.split('/').pop()} … ${(r.lastFile ?? r.firstFile).split('/').pop()}` });
  const cam = r.plan?.camera;
  if (cam) facts.push({ label: 'Camera', value: [cam.model, cam.tv && `Tv ${cam.tv}`].filter(Boolean).join(' · ') });
  return facts;
}

function endedBy(r) {
  if (r.reason === 'failed') return `failed${r.error ? `: ${r.error.message ?? r.error.code}` : ''}`;
  if (r.reason === 'stopped') return r.stopReason && r.stopReason !== 'user' ? `stopped (${r.stopReason.replaceAll('_', ' ')})` : 'stopped by you';
  if (r.reason === 'interrupted') return 'interrupted (the controller was down when it ended)';
  return 'completed as planned';
}

/** A report's shot rows → the Map slotStrip and the lateness line read. */
export function slotsOf(report) {
  return new Map((report.shots ?? []).map((s) => [s.number, s]));
}

/** One timeline entry for people: `23:41:02 held (the camera was too hot), 4 m 10 s`. */
export function timelineText(t) {
  const what = {
    started: 'plan started',
    began: 'first slot',
    held: `held (${skipReasonText(t.reason)})`,
    hold_ended: `shooting again (${skipReasonText(t.reason)}${Number.isFinite(t.heldMs) ? `, held ${formatDuration(t.heldMs)}` : ''})`,
    suspended: 'suspended (the controller stopped)',
    resumed: `resumed${Number.isFinite(t.skipped) ? `, ${plural(t.skipped, 'slot')} skipped` : ''}`,
    stop_requested: 'stop asked',
    ended: `ended (${t.reason ?? 'done'})`,
    saved: 'saved as a report',
  }[t.what] ?? t.what;
  return `${formatClock(t.at)} ${what}${t.errorCode ? ` — ${t.errorCode}` : ''}`;
}

const BATTERY_LEVELS = { full: 100, high: 75, half: 50, quarter: 25, low: 10, exhausted: 0 };
const TEMPS = { normal: 0, warning: 1, disableliveview: 2, disablerelease: 3 };

/**
 * The camera's readings over the night as line points (x: time): battery %, free card space (GB) and temperature
 * level (0 normal … 3 release disabled). Series with no usable point are left out.
 */
export function cameraSeries(report) {
  const rows = report.cameraTimeline ?? [];
  const battery = [];
  const card = [];
  const temp = [];
  for (const r of rows) {
    const b = /^\d+$/.test(String(r.battery)) ? Number(r.battery) : BATTERY_LEVELS[r.battery];
    if (Number.isFinite(b)) battery.push({ x: r.at, y: b });
    if (Number.isFinite(r.cardFreeBytes)) card.push({ x: r.at, y: r.cardFreeBytes / 1e9 });
    if (r.temperature in TEMPS) temp.push({ x: r.at, y: TEMPS[r.temperature] });
  }
  // A reading holds until the next one: each line runs on to the night's end, so one reading is a line too.
  for (const pts of [battery, card, temp]) {
    const tail = pts[pts.length - 1];
    if (tail && Number.isFinite(report.endedAt) && report.endedAt > tail.x) pts.push({ x: report.endedAt, y: tail.y });
  }
  const last = (pts, f) => (pts.length ? f(pts[pts.length - 1].y) : '');
  return [
    { name: 'Battery', points: battery, yMax: 100, legend: last(battery, (v) => `${v}% at the end`) },
    { name: 'Card free', points: card, yMax: null, legend: last(card, (v) => `${formatBytes(v * 1e9)} at the end`) },
    { name: 'Temperature', points: temp, yMax: 3, legend: last(temp, (v) => Object.keys(TEMPS).find((k) => TEMPS[k] === v)) },
  ].filter((s) => s.points.length > 0);
}
