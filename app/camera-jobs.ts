// Test photos and live view, as the camera machine runs them: the commands' checks (a session holds the camera,
// the camera is busy with something else) and the wait for the machine's answer. The exclusivity itself is the
// machine's state (machines/camera.ts); this only reads it and sends the events.
import { randomUUID } from 'node:crypto';
import type { Actor, SnapshotFrom } from 'xstate';
import { activityOf, type CameraMachine } from '../machines/camera.ts';
import type { CameraPort, CameraStatus } from '../machines/camera-port.ts';
import type { Clock } from '../machines/clock.ts';
import { ProtocolError } from '../transport/protocol.ts';
import { settled } from './settled.ts';

type CameraSnapshot = SnapshotFrom<CameraMachine>;

export interface CameraJobsOptions {
  camera: CameraPort;
  clock: Clock;
  cameraActor: () => Actor<CameraMachine> | null;
  /** The session holding the camera, if any. */
  sessionActive: () => unknown;
  /** The connected camera's context, or CAMERA_OFFLINE. */
  requireCamera: () => CameraSnapshot['context'];
}

/** The newest live-view frame, kept for its URL. */
interface Frame {
  n: number;
  bytes: Buffer;
  at: number;
}

export class CameraJobs {
  private frame: Frame | null = null;
  private frames = 0;

  constructor(private readonly o: CameraJobsOptions) {}

  /** A test photo (bulb when `bulbSeconds`), through the camera machine; resolves with its record once done. */
  async takeTestPhoto(bulbSeconds: number | null) {
    const { actor, context } = this.ready('test photos would cost the session frames');
    const snapshot = actor.getSnapshot();
    if (!snapshot.matches({ connected: 'idle' }) && !snapshot.matches({ connected: { liveview: 'on' } })) this.busy(snapshot);
    if (bulbSeconds !== null) requireBulb(context.status);
    const id = randomUUID();
    actor.send({ type: 'TAKE_TEST_PHOTO', id, at: this.o.clock.wall(), bulbSeconds });
    await settled(actor, (s) => s.context.testPhoto?.id !== id);
    const c = actor.getSnapshot().context;
    if (c.lastPhoto?.id === id) return { photo: c.lastPhoto };
    const error = c.lastJobError?.id === id ? c.lastJobError : null;
    throw new ProtocolError('CAMERA_ERROR', `The camera did not take the photo: ${error?.message ?? 'the camera was lost'}`, {
      cameraCode: error?.code ?? null,
      id,
    });
  }

  /** One live-view frame; live view is started when off and stops by itself after the machine's idle timeout. */
  async liveviewFrame() {
    const { actor } = this.ready('live view would disturb the session');
    let snapshot = actor.getSnapshot();
    if (snapshot.matches({ connected: 'idle' })) actor.send({ type: 'LIVEVIEW_START', at: this.o.clock.wall() });
    else if (!snapshot.matches({ connected: { liveview: 'starting' } }) && !snapshot.matches({ connected: { liveview: 'on' } })) this.busy(snapshot);
    await settled(actor, (s) => !s.matches({ connected: { liveview: 'starting' } }));
    snapshot = actor.getSnapshot();
    if (!snapshot.matches({ connected: { liveview: 'on' } })) {
      const e = snapshot.context.lastJobError;
      throw new ProtocolError('CAMERA_ERROR', `Live view did not start: ${e?.job === 'liveview' ? e.message : 'the camera is busy'}`, { cameraCode: e?.code ?? null });
    }
    snapshot.children.liveviewIdle?.send({ type: 'TOUCH' });
    let bytes: Buffer;
    try {
      bytes = await this.o.camera.liveviewFrame();
    } catch (error) {
      const e = error as { code?: string; message?: string };
      // `Live view not started`: the camera ended it on its own (a menu, the dial); the machine follows.
      if (e.code === 'REJECTED') actor.send({ type: 'LIVEVIEW_IDLE', mono: this.o.clock.mono() });
      throw new ProtocolError('CAMERA_ERROR', `No live-view frame: ${e.message ?? String(error)}`, { cameraCode: e.code ?? null });
    }
    this.frame = { n: ++this.frames, bytes, at: this.o.clock.wall() };
    return { frame: { url: `/api/liveview/${this.frame.n}.jpg`, bytes: bytes.length, capturedAt: this.frame.at } };
  }

  /** The frame `n`, while it is the newest one. */
  liveviewFrameBytes(n: number): Buffer | null {
    return this.frame?.n === n ? this.frame.bytes : null;
  }

  stopLiveview() {
    const actor = this.o.cameraActor();
    const live = actor?.getSnapshot().matches({ connected: { liveview: 'on' } }) ?? false;
    if (live) actor!.send({ type: 'LIVEVIEW_STOP', at: this.o.clock.wall() });
    return { stopped: live };
  }

  /** A session is starting: live view goes off; a test photo in progress refuses the start. */
  yieldToSession(): void {
    const actor = this.o.cameraActor();
    const snapshot = actor?.getSnapshot();
    if (!actor || !snapshot) return;
    if (snapshot.matches({ connected: 'testPhoto' }) || snapshot.matches({ connected: 'releasing' })) this.busy(snapshot);
    this.stopLiveview();
  }

  private ready(whyNotDuringSession: string) {
    if (this.o.sessionActive()) throw new ProtocolError('SESSION_ACTIVE', `A session holds the camera; ${whyNotDuringSession}`);
    const context = this.o.requireCamera();
    const actor = this.o.cameraActor()!;
    return { actor, context };
  }

  private busy(snapshot: CameraSnapshot): never {
    const activity = activityOf(snapshot.value);
    const what = activity === 'test_photo' ? 'taking a test photo' : activity === 'liveview' ? 'switching live view' : 'releasing its shutter';
    throw new ProtocolError('CAMERA_BUSY', `The camera is ${what}; try again when it is done`, { activity });
  }
}

/** Bulb needs the dial on M (or a bulb position) and Tv `bulb`; the refusal says what to change. */
export function requireBulb(status: CameraStatus | null): void {
  const mode = status?.mode ?? null;
  if (mode !== null && !BULB_MODES.has(mode)) {
    throw new ProtocolError('BULB_NOT_AVAILABLE', `Bulb needs the mode dial on M (it is on ${mode.toUpperCase()})`, { mode, needs: 'm' });
  }
  if (status?.tv !== 'bulb') {
    throw new ProtocolError('BULB_NOT_AVAILABLE', `Bulb needs the shutter speed set to BULB in M mode (it is ${status?.tv ?? 'unknown'})`, {
      mode,
      tv: status?.tv ?? null,
      needs: 'm',
    });
  }
}
const BULB_MODES = new Set(['m', 'bulb', 'b']);
