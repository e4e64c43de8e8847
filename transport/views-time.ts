// What clients see of the clocks: one view for welcome, replies and the `time_sync_status` broadcast.
import type { SnapshotFrom } from 'xstate';
import { reliabilityOf } from '../machines/time-math.ts';
import type { TimeFact } from '../machines/time-sync-facts.ts';
import type { TimeSyncMachine } from '../machines/time-sync.ts';
import type { RecordedFact } from '../store/event-log.ts';
import type { Broadcast } from './protocol.ts';

export function timeSyncView(s: SnapshotFrom<TimeSyncMachine> | null) {
  if (!s) return { pi: { state: 'starting', synchronized: false, source: null, offsetMs: null, delayMs: null, reliability: null, lastSync: null, timezone: null, validUntil: null, pendingStepMs: null, lastStep: null, error: null }, camera: { state: 'idle', synchronized: false, offsetMs: null, lastSync: null, error: null } };
  const { pi, camera } = s.context;
  const value = s.value as { pi: string; camera: string };
  return {
    pi: {
      state: value.pi as 'unsynced' | 'synced' | 'stale' | 'stepping',
      synchronized: value.pi === 'synced',
      source: pi.source,
      offsetMs: pi.offsetMs,
      delayMs: pi.delayMs,
      reliability: pi.source && pi.delayMs !== null ? reliabilityOf(pi.source, pi.delayMs) : null,
      lastSync: pi.lastSync,
      timezone: pi.timezone,
      /** Wall time until which the source stands without a fresh reading (while synced). */
      validUntil: value.pi === 'synced' ? pi.validUntilWall : null,
      pendingStepMs: pi.pendingStepMs,
      lastStep: pi.lastStep,
      error: pi.error,
    },
    camera: {
      state: value.camera as 'idle' | 'syncing',
      synchronized: camera.lastSync !== null && camera.error === null && camera.offsetMs !== null && Math.abs(camera.offsetMs) < 1_000,
      offsetMs: camera.offsetMs,
      lastSync: camera.lastSync,
      error: camera.error,
    },
  };
}
export type TimeSyncView = ReturnType<typeof timeSyncView>;

export function timeFactBroadcast(fact: RecordedFact, snapshot: SnapshotFrom<TimeSyncMachine>): Broadcast {
  const f = fact.data as TimeFact;
  return { type: 'time_sync_status', seq: fact.seq, timestamp: new Date(fact.at).toISOString(), data: { ...timeSyncView(snapshot), changes: f.changes, stepMs: f.stepMs } };
}
