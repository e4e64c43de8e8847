// Facts of the camera connection, derived from each logged transition (previous and next snapshot): what changed
// for the people watching. Pure, so a replay derives the same facts; stored with the event like session facts.
import type { AnyEventObject, SnapshotFrom } from 'xstate';
import type { CameraMachine, PhotoRecord } from './camera.ts';
import { INIT_EVENT } from './replay.ts';
import type { ErrorInfo } from './session-facts.ts';

export type CameraFact =
  | { type: 'camera.connected' }
  | { type: 'camera.disconnected'; reason: ErrorInfo | null }
  /** Any other change: a status reading, a retry scheduled, a state change that is neither of the above. */
  | { type: 'camera.changed'; state: string }
  | { type: 'camera.photo_taken'; photo: PhotoRecord }
  /** The same camera (UUID) announced itself at a new address, and is being reconnected there. */
  | { type: 'camera.ip_changed'; uuid: string; oldIP: string; newIP: string };

type Snapshot = SnapshotFrom<CameraMachine>;

export function cameraFacts(previous: Snapshot | null, next: Snapshot, event: AnyEventObject): CameraFact[] {
  const was = previous?.value;
  const is = next.value;
  if (event.type === 'PHOTO_TAKEN' && next.context.lastPhoto) return [{ type: 'camera.photo_taken', photo: next.context.lastPhoto }];
  // A start (every boot) is not a loss of the camera, whatever the previous boot last knew.
  if (event.type === INIT_EVENT) return [{ type: 'camera.changed', state: String(is) }];
  // A move heard from the camera is its own fact (its broadcast carries the camera, now connecting, so it also tells
  // the disconnect); a connect_to_ip is an ordinary disconnect or change.
  if (event.type === 'RETARGET' && event.moved) return [{ type: 'camera.ip_changed', ...(event.moved as { uuid: string; oldIP: string; newIP: string }) }];
  if (is === 'connected' && was !== 'connected') return [{ type: 'camera.connected' }];
  if (was === 'connected' && is !== 'connected') return [{ type: 'camera.disconnected', reason: next.context.lastError }];
  return [{ type: 'camera.changed', state: String(is) }];
}
