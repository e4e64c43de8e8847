// The camera machine's live-view actors: start, stop, and the idle timer that switches live view off when nobody
// has asked for a frame for a while (each frame request sends TOUCH to it).
import { fromCallback, fromPromise, type EventObject } from 'xstate';
import type { CameraPort } from '../machines/camera-port.ts';
import type { Clock } from '../machines/clock.ts';

/** `idleMs` overrides the machine's timeout (tests). */
export const liveviewActors = (camera: CameraPort, clock: Clock, idleMs?: number) => ({
  liveviewStart: fromPromise<void>(() => camera.liveview(true)),
  liveviewStop: fromPromise<void>(() => camera.liveview(false)),
  liveviewIdle: fromCallback<EventObject, { idleMs: number }>(({ input, sendBack, receive }) => {
    let handle: unknown;
    const arm = () => {
      clock.clearTimeout(handle);
      handle = clock.setTimeout(() => sendBack({ type: 'LIVEVIEW_IDLE', mono: clock.mono() }), idleMs ?? input.idleMs);
    };
    receive((e) => {
      if (e.type === 'TOUCH') arm();
    });
    arm();
    return () => clock.clearTimeout(handle);
  }),
});
