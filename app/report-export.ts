// A report as a file: CSV (one row per slot, skipped ones included, for a spreadsheet), JSON (the whole report) or
// Markdown (one page to paste into a forum post). Used by `skylapse report export` and GET /api/reports/:id/export.
import type { Report, ShotRow } from '../store/reports.ts';
import { localIso } from './schedule.ts';

export const EXPORT_FORMATS = ['csv', 'json', 'md'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const isExportFormat = (f: unknown): f is ExportFormat => (EXPORT_FORMATS as readonly unknown[]).includes(f);

export interface ExportedReport {
  body: string;
  contentType: string;
  fileName: string;
}

/** The zone local times are written in: the plan's (the client's), else this machine's. */
export function reportZone(report: Report): string {
  return report.timeZone ?? report.plan?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
}

export function exportReport(report: Report, format: ExportFormat): ExportedReport {
  const base = `skylapse-${report.startedAtIso.slice(0, 10)}-${report.id.slice(0, 8)}`;
  switch (format) {
    case 'csv':
      return { body: reportCsv(report), contentType: 'text/csv; charset=utf-8', fileName: `${base}.csv` };
    case 'json':
      return { body: `${JSON.stringify(report, null, 2)}\n`, contentType: 'application/json; charset=utf-8', fileName: `${base}.json` };
    case 'md':
      return { body: reportMarkdown(report), contentType: 'text/markdown; charset=utf-8', fileName: `${base}.md` };
  }
}

export const CSV_COLUMNS = [
  'slot',
  'result',
  'reason',
  'planned_utc',
  'planned_local',
  'triggered_utc',
  'triggered_local',
  'lateness_ms',
  'latency_ms',
  'attempts',
  'file',
  'files',
  'recovered',
  'error_code',
  'error_message',
] as const;

/** RFC 4180: quoted when needed; a leading = + - @ is quoted with a ' so a spreadsheet never runs it as a formula. */
function cell(value: string | number | boolean | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const fileName = (path: string) => path.slice(path.lastIndexOf('/') + 1);
const round1 = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);

export function reportCsv(report: Report): string {
  const zone = reportZone(report);
  const row = (s: ShotRow) => [
    s.number,
    s.result,
    s.reason,
    s.plannedAtIso,
    localIso(s.plannedAt, zone),
    s.triggeredAtIso,
    s.triggeredAt === null ? null : localIso(s.triggeredAt, zone),
    round1(s.latenessMs),
    round1(s.latencyMs),
    s.attempts,
    s.files[0] ? fileName(s.files[0]) : null,
    s.files.join(' + ') || null,
    s.recovered,
    s.error?.code ?? null,
    s.error?.message ?? null,
  ];
  const lines = [CSV_COLUMNS.join(','), ...report.shots.map((s) => row(s).map(cell).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

const ms = (v: number | null) => (v === null ? '–' : `${v.toFixed(1)} ms`);
const duration = (msValue: number) => {
  const m = Math.round(msValue / 60_000);
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
};

export function reportMarkdown(r: Report): string {
  const zone = reportZone(r);
  const local = (t: number | null) => (t === null ? '–' : localIso(t, zone).slice(0, 16).replace('T', ' '));
  const cam = r.plan?.camera ?? null;
  const plan = r.plan;
  const planned =
    r.stopCondition === 'stop-at' && plan?.stopAt
      ? `until ${local(plan.stopAt)}`
      : r.stopCondition === 'duration' && plan?.durationMs
        ? `for ${duration(plan.durationMs)}`
        : r.plannedShots === null
          ? 'unlimited'
          : `${r.plannedShots} frames`;
  const skipped = Object.entries(r.byReason.skipped).map(([reason, n]) => `${n} ${reason}`);
  const failed = Object.entries(r.byReason.failed).map(([code, n]) => `${n} ${code}`);
  const holds = r.timeline.filter((t) => t.what === 'held' || t.what === 'hold_ended' || t.what === 'suspended' || t.what === 'resumed');
  const battery = r.cameraTimeline.filter((c) => c.battery);
  const lines = [
    `# ${r.title}`,
    '',
    `${local(r.startedAt)} → ${local(r.endedAt)} (${zone})${r.durationS === null ? '' : `, ${duration(r.durationS * 1000)}`}`,
    '',
    `- **Plan:** every ${r.intervalS} s, ${planned}${r.plannedShots !== null ? ` (${r.plannedShots} slots)` : ''}`,
    `- **Camera:** ${cam?.model ?? 'unknown'}${cam?.tv ? `, Tv ${cam.tv}` : ''}${cam?.serial ? ` (serial ${cam.serial})` : ''}`,
    `- **Frames:** ${r.ok} taken, ${r.failed} failed${failed.length ? ` (${failed.join(', ')})` : ''}, ${r.skipped} skipped${skipped.length ? ` (${skipped.join(', ')})` : ''}${r.unknown ? `, ${r.unknown} unknown` : ''}`,
    `- **Files:** ${r.firstFile ?? '–'} … ${r.lastFile ?? '–'}${r.orphans ? `; ${r.orphans} files on the card match no slot` : ''}`,
    `- **Trigger lateness:** p50 ${ms(r.latenessP50Ms)}, p99 ${ms(r.latenessP99Ms)}, max ${ms(r.latenessMaxMs)}; drift at the end ${ms(r.driftEndMs)}`,
    `- **Ended:** ${r.reason}${r.stopReason && r.stopReason !== 'user' ? ` (${r.stopReason})` : ''}${r.error ? ` — ${r.error.code}: ${r.error.message}` : ''}`,
  ];
  if (battery.length > 0) lines.push(`- **Battery:** ${battery[0]!.battery} → ${battery.at(-1)!.battery}`);
  if (holds.length > 0) {
    lines.push('', '| when | what | reason | skipped |', '|---|---|---|---|');
    for (const h of holds) lines.push(`| ${local(h.at)} | ${h.what.replace('_', ' ')} | ${h.reason ?? ''} | ${h.skipped ?? ''} |`);
  }
  lines.push('', `_skylapse report ${r.id}_`, '');
  return lines.join('\n');
}
