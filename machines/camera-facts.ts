// Facts of the camera connection, derived from each logged transition (previous and next snapshot): what changed
// for the people watching. Pure, so a replay derives the same facts; stored with the event like session facts.
import type { AnyEventObject, SnapshotFrom } from 'xstate';
import { connectionOf, type CameraMachine, type HeldShutter, type PhotoRecord, type TestPhotoJob } from './camera.ts';
import { INIT_EVENT } from './replay.ts';
import type { ErrorInfo } from './session-facts.ts';

export type CameraFact =
  | { type: 'camera.connected' }
  | { type: 'camera.test_photo'; job: TestPhotoJob }
  | { type: 'camera.test_photo_failed'; id: string; error: ErrorInfo }
  | { type: 'camera.liveview'; on: boolean; reason: 'started' | 'stopped' | 'idle' | 'failed' | 'test_photo' | 'lost' }
  | { type: 'camera.shutter_released'; held: HeldShutter; ok: boolean }
  | { type: 'camera.disconnected'; reason: ErrorInfo | null }
  /** Any other change: a status reading, a retry scheduled, a state change that is neither of the above. */
  | { type: 'camera.changed'; state: string }
  | { type: 'camera.photo_taken'; photo: PhotoRecord }
  /** The same camera (UUID) announced itself at a new address, and is being reconnected there. */
  | { type: 'camera.ip_changed'; uuid: string; oldIP: string; newIP: string };

type Snapshot = SnapshotFrom<CameraMachine>;

export function cameraFacts(previous: Snapshot | null, next: Snapshot, event: AnyEventObject): CameraFact[] {
  const was = previous ? connectionOf(previous.value) : undefined;
  const is = connectionOf(next.value);
  const jobFacts = jobFactsOf(previous, next, event);
  if (jobFacts.length > 0) return jobFacts;
  // A start (every boot) is not a loss of the camera, whatever the previous boot last knew.
  if (event.type === INIT_EVENT) return [{ type: 'camera.changed', state: is }];
  // A move heard from the camera is its own fact (its broadcast carries the camera, now connecting, so it also tells
  // the disconnect); a connect_to_ip is an ordinary disconnect or change.
  if (event.type === 'RETARGET' && event.moved) return [{ type: 'camera.ip_changed', ...(event.moved as { uuid: string; oldIP: string; newIP: string }) }];
  if (is === 'connected' && was !== 'connected') return [{ type: 'camera.connected' }];
  if (was === 'connected' && is !== 'connected') return [{ type: 'camera.disconnected', reason: next.context.lastError }];
  return [{ type: 'camera.changed', state: is }];
}

const liveviewOn = (s: Snapshot | null) => s !== null && s.matches({ connected: { liveview: 'on' } });

/** Test photos, live view and shutter releases: what the camera does while connected. */
function jobFactsOf(previous: Snapshot | null, next: Snapshot, event: AnyEventObject): CameraFact[] {
  const c = next.context;
  if (event.type === 'TEST_PHOTO_DONE' && c.lastPhoto) return [{ type: 'camera.photo_taken', photo: c.lastPhoto }];
  if (event.type === 'TEST_PHOTO_FAILED' && c.lastJobError) return [{ type: 'camera.test_photo_failed', id: c.lastJobError.id ?? '', error: c.lastJobError }];
  const held = previous?.context.heldShutter;
  if (held && previous?.matches({ connected: 'releasing' }) && !next.matches({ connected: 'releasing' })) {
    return [{ type: 'camera.shutter_released', held, ok: c.heldShutter === null }];
  }
  const facts: CameraFact[] = [];
  if (liveviewOn(previous) !== liveviewOn(next)) {
    const reason = liveviewOn(next)
      ? 'started'
      : event.type === 'LIVEVIEW_IDLE' ? 'idle' : event.type === 'TAKE_TEST_PHOTO' ? 'test_photo' : event.type === 'LOST' ? 'lost' : 'stopped';
    facts.push({ type: 'camera.liveview', on: liveviewOn(next), reason });
  } else if (previous?.matches({ connected: { liveview: 'starting' } }) && next.matches({ connected: 'idle' })) {
    facts.push({ type: 'camera.liveview', on: false, reason: 'failed' });
  }
  if (c.testPhoto && (c.testPhoto !== previous?.context.testPhoto)) facts.push({ type: 'camera.test_photo', job: c.testPhoto });
  return facts;
}
