// Reads for rebuilding past broadcasts (transport/replay.ts): a stream's events from its last start before a given
// position, up to that position. Both served by the events indexes.
import type { AnyEventObject } from 'xstate';
import type { Store } from './db.ts';

export interface FoldRow {
  seq: number;
  version: number;
  event: AnyEventObject;
}

export function replayReads(store: Store) {
  const lastInit = store.sqlite
    .prepare<[string, number], number>("SELECT coalesce(max(version), 1) FROM events WHERE stream = ? AND type = 'xstate.init' AND seq <= ?")
    .pluck();
  const range = store.sqlite.prepare<[string, number, number], { seq: number; version: number; data: string }>(
    'SELECT seq, version, data FROM events WHERE stream = ? AND version >= ? AND seq <= ? ORDER BY version',
  );
  return {
    /** Version of the stream's last start (`xstate.init`) at or before global position `seq`. */
    lastStart: (stream: string, seq: number): number => lastInit.get(stream, seq) ?? 1,
    /** The stream's events with version ≥ fromVersion and seq ≤ toSeq, in order. */
    events: (stream: string, fromVersion: number, toSeq: number): FoldRow[] =>
      range.all(stream, fromVersion, toSeq).map((r) => ({ seq: r.seq, version: r.version, event: JSON.parse(r.data) as AnyEventObject })),
  };
}
