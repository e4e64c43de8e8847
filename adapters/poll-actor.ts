// One named actor shape for the Pi's own state: read at once, then every `intervalMs`, and send
// `{type: 'READING', reading, mono, wall}` only when the reading's key changed (each one is a logged transition).
// The WiFi watch and the power poll are this, with their own reader and key.
import { fromCallback, type EventObject } from 'xstate';
import type { Logger } from 'pino';
import type { Clock } from '../machines/clock.ts';

export const pollActor = <R>(read: () => Promise<R>, key: (r: R) => string, clock: Clock, o: { intervalMs: number; what: string; logger?: Logger }) =>
  fromCallback<EventObject>(({ sendBack }) => {
    let last = '';
    let handle: unknown;
    let stopped = false;
    const poll = async () => {
      try {
        const reading = await read();
        const k = key(reading);
        if (!stopped && k !== last) {
          last = k;
          sendBack({ type: 'READING', reading, mono: clock.mono(), wall: clock.wall() });
        }
      } catch (error) {
        o.logger?.warn({ err: error }, `${o.what} reading failed`);
      }
      if (!stopped) handle = clock.setTimeout(() => void poll(), o.intervalMs);
    };
    handle = clock.setTimeout(() => void poll(), 0);
    return () => {
      stopped = true;
      clock.clearTimeout(handle);
    };
  });
