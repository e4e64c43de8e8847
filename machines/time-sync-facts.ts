// Facts of the time stream: one per logged transition, naming what changed, so every change of the Pi's or the
// camera's clock status is one `time_sync_status` broadcast. Pure, so a replay derives the same facts.
import type { AnyEventObject, SnapshotFrom } from 'xstate';
import { INIT_EVENT } from './replay.ts';
import type { TimeSyncMachine } from './time-sync.ts';

export type TimeChange =
  | 'started'
  | 'estimate'
  | 'step_deferred'
  | 'stepping'
  | 'stepped'
  | 'step_failed'
  | 'source_lost'
  | 'camera_syncing'
  | 'camera_synced'
  | 'camera_sync_failed';

export type TimeFact = {
  type: 'time.status';
  changes: TimeChange[];
  /** The step taken, ms (the Pi's clock moved by this): only with `stepped`. */
  stepMs: number | null;
};

type Snapshot = SnapshotFrom<TimeSyncMachine>;
const piState = (s: Snapshot) => (s.value as { pi: string }).pi;
const cameraState = (s: Snapshot) => (s.value as { camera: string }).camera;

export function timeFacts(previous: Snapshot | null, next: Snapshot, event: AnyEventObject): TimeFact[] {
  if (event.type === INIT_EVENT || previous === null) return [{ type: 'time.status', changes: ['started'], stepMs: null }];
  const changes: TimeChange[] = [];
  const [was, is] = [piState(previous), piState(next)];
  if (event.type === 'ESTIMATE') {
    if (is === 'stepping') changes.push('stepping');
    else if (next.context.pi.pendingStepMs !== null && is === 'unsynced') changes.push('step_deferred');
    else changes.push('estimate');
  }
  if (was === 'stepping' && is === 'synced') changes.push('stepped');
  if (was === 'stepping' && is === 'unsynced') changes.push('step_failed');
  if (was === 'synced' && is === 'stale') changes.push('source_lost');
  const [cWas, cIs] = [cameraState(previous), cameraState(next)];
  if (cWas !== 'syncing' && cIs === 'syncing') changes.push('camera_syncing');
  if (cWas === 'syncing' && cIs === 'idle') changes.push(next.context.camera.error ? 'camera_sync_failed' : 'camera_synced');
  const stepMs = changes.includes('stepped') ? (next.context.pi.lastStep?.deltaMs ?? null) : null;
  return [{ type: 'time.status', changes: changes.length ? changes : ['estimate'], stepMs }];
}
