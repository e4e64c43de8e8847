// Plain-text rendering of reports for `skylapse report`; `--json` prints the objects instead.
import type { Report, ReportSummary } from '../store/reports.ts';

const ms = (v: number | null) => (v === null ? '-' : `${v.toFixed(1)} ms`);

export function formatReportList(reports: ReportSummary[]): string {
  if (reports.length === 0) return 'No reports yet.\n';
  const rows = reports.map(
    (r) => `${r.id}  ${r.startedAtIso.slice(0, 19)}Z  ${r.reason.padEnd(11)} ${String(r.ok).padStart(6)} ok ${String(r.failed).padStart(4)} failed ${String(r.skipped).padStart(4)} skipped  ${r.title}`,
  );
  return `${rows.join('\n')}\n`;
}

export function formatReport(r: Report): string {
  const lines = [
    `${r.title}  (${r.id})`,
    `  reason     ${r.reason}${r.stopReason && r.stopReason !== 'user' ? ` (${r.stopReason})` : ''}${r.error ? ` — ${r.error.code}: ${r.error.message}` : ''}`,
    `  started    ${r.startedAtIso}`,
    `  ended      ${r.endedAtIso ?? '-'}${r.durationS === null ? '' : `  (${r.durationS.toFixed(1)} s)`}`,
    `  interval   ${r.intervalS} s, ${r.plannedShots === null ? 'unlimited' : `${r.plannedShots} planned`}`,
    `  shots      ${r.ok} ok, ${r.failed} failed, ${r.skipped} skipped${r.unknown ? `, ${r.unknown} unknown` : ''}${r.orphans ? `; ${r.orphans} files on the card match no slot` : ''}`,
    `  files      ${r.firstFile ?? '-'} … ${r.lastFile ?? '-'}`,
    `  lateness   p50 ${ms(r.latenessP50Ms)}, p99 ${ms(r.latenessP99Ms)}, max ${ms(r.latenessMaxMs)}; drift at the end ${ms(r.driftEndMs)}`,
    ...(Object.keys(r.byReason.skipped).length ? [`  skipped    ${Object.entries(r.byReason.skipped).map(([k, n]) => `${n} ${k}`).join(', ')}`] : []),
    ...r.timeline
      .filter((t) => t.what === 'held' || t.what === 'hold_ended' || t.what === 'suspended' || t.what === 'resumed')
      .map((t) => `  ${t.what.padEnd(10)} ${t.atIso}  ${t.reason ?? ''}${t.skipped === null ? '' : `, ${t.skipped} skipped`}${t.errorCode ? ` (${t.errorCode})` : ''}`),
    '',
    '  #      planned (UTC)              lateness   latency  result   file',
    ...r.shots.map(
      (s) =>
        `  ${String(s.number).padEnd(6)} ${s.plannedAtIso.padEnd(26)} ${ms(s.latenessMs).padStart(9)} ${ms(s.latencyMs).padStart(9)}  ${s.result.padEnd(8)} ${s.files.length ? s.files.join(' ') : (s.error?.code ?? s.reason ?? '')}${s.recovered ? '  (recovered from the card)' : ''}`,
    ),
    ...(r.orphanFiles.length ? ['', '  on the card, matching no slot:', ...r.orphanFiles.map((o) => `    ${o.path}${o.capturedAtIso ? `  ${o.capturedAtIso}` : ''}`)] : []),
  ];
  return `${lines.join('\n')}\n`;
}
