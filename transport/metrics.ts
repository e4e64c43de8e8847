// `GET /api/metrics` in the Prometheus text format (version 0.0.4): what a scraper on the star-party laptop graphs.
import type { Store } from '../store/db.ts';
import type { EventLog } from '../store/event-log.ts';
import { databaseBytes, latenessHistogram, shotsByResult } from '../store/metrics.ts';
import { DELIVERY_BUCKETS_MS, type TransportStats } from './stats.ts';

const LATENESS_BUCKETS_MS = [1, 2, 5, 10, 20, 50, 100, 250, 500, 1000] as const;

export function metricsText(o: { store: Store; log: EventLog; stats: TransportStats }): string {
  const lines: string[] = [];
  const metric = (name: string, type: string, help: string) => lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  const histogram = (name: string, bounds: readonly number[], h: { buckets: number[]; count: number; sumMs: number }) => {
    bounds.forEach((b, i) => lines.push(`${name}_bucket{le="${b / 1000}"} ${h.buckets[i]}`));
    lines.push(`${name}_bucket{le="+Inf"} ${h.count}`, `${name}_sum ${h.sumMs / 1000}`, `${name}_count ${h.count}`);
  };

  metric('skylapse_shots_total', 'counter', 'Shot slots logged, by result.');
  for (const { result, n } of shotsByResult(o.store)) lines.push(`skylapse_shots_total{result="${result}"} ${n}`);
  metric('skylapse_trigger_lateness_seconds', 'histogram', 'Shutter press time minus planned time, on the monotonic clock.');
  histogram('skylapse_trigger_lateness_seconds', LATENESS_BUCKETS_MS, latenessHistogram(o.store, LATENESS_BUCKETS_MS));
  metric('skylapse_broadcast_delivery_seconds', 'histogram', 'From the stored fact to its broadcast handed to every client socket (ms resolution).');
  histogram('skylapse_broadcast_delivery_seconds', DELIVERY_BUCKETS_MS, o.stats.delivery);
  const s = o.stats;
  metric('skylapse_ws_clients', 'gauge', 'WebSocket clients connected now.');
  lines.push(`skylapse_ws_clients ${s.connectedClients}`);
  metric('skylapse_ws_connections_total', 'counter', 'WebSocket connections accepted since start.');
  lines.push(`skylapse_ws_connections_total ${s.totalConnections}`);
  metric('skylapse_ws_messages_total', 'counter', 'WebSocket messages since start, by direction.');
  lines.push(`skylapse_ws_messages_total{direction="received"} ${s.received}`, `skylapse_ws_messages_total{direction="sent"} ${s.sent}`);
  metric('skylapse_ws_resumes_total', 'counter', 'Resumes replayed from the log to the end since start.');
  lines.push(`skylapse_ws_resumes_total ${s.resumes}`);
  metric('skylapse_event_log_events', 'gauge', 'Position of the newest logged event (events are never deleted).');
  lines.push(`skylapse_event_log_events ${o.log.lastSeq()}`);
  metric('skylapse_event_log_facts', 'gauge', 'Position of the newest stored fact, the seq clients see.');
  lines.push(`skylapse_event_log_facts ${o.log.lastFactSeq()}`);
  metric('skylapse_database_bytes', 'gauge', 'Size of the SQLite database file in use.');
  lines.push(`skylapse_database_bytes ${databaseBytes(o.store)}`);
  return lines.join('\n') + '\n';
}
