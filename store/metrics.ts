// Aggregates for `GET /api/metrics`: every shot ever logged, by result, and its trigger lateness as a histogram.
import type { Store } from './db.ts';

export function shotsByResult(store: Store): { result: string; n: number }[] {
  return store.sqlite.prepare<[], { result: string; n: number }>('SELECT result, count(*) AS n FROM shots GROUP BY result ORDER BY result').all();
}

/** Cumulative counts of shots with lateness ≤ each bound (ms), then the count and sum of all with a lateness. */
export function latenessHistogram(store: Store, boundsMs: readonly number[]): { buckets: number[]; count: number; sumMs: number } {
  const cols = boundsMs.map((_, i) => `coalesce(sum(lateness_ms <= @b${i}), 0) AS b${i}`).join(', ');
  const params = Object.fromEntries(boundsMs.map((b, i) => [`b${i}`, b]));
  const row = store.sqlite
    .prepare(`SELECT ${cols}${cols ? ', ' : ''}count(lateness_ms) AS n, coalesce(sum(lateness_ms), 0) AS s FROM shots`)
    .get(params) as Record<string, number>;
  return { buckets: boundsMs.map((_, i) => row[`b${i}`]!), count: row.n!, sumMs: row.s! };
}

/** Size of the database file in bytes (pages in use). */
export function databaseBytes(store: Store): number {
  const pages = store.sqlite.pragma('page_count', { simple: true }) as number;
  const size = store.sqlite.pragma('page_size', { simple: true }) as number;
  return pages * size;
}
