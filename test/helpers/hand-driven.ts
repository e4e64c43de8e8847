// Model-based tests drive a live actor along a generated path by hand: its promise actors wait until the path's own
// `xstate.done.actor.<id>` / `xstate.error.actor.<id>` event settles them, and every other event is sent as is.
import { fromPromise, type AnyEventObject } from 'xstate';

type Settle = { resolve: (output: unknown) => void; reject: (error: unknown) => void };

export function handDriven() {
  const waiting = new Map<string, Settle>();
  return {
    /** A promise actor named `id` that settles only when the path says so. */
    hold: (id: string) => fromPromise<never, unknown>(() => new Promise((resolve, reject) => waiting.set(id, { resolve: resolve as (o: unknown) => void, reject }))),
    /** Plays the path's events after its first (the start) into `send`, one macrotask apart so actors can run. */
    async drive(steps: readonly { event: unknown }[], send: (event: AnyEventObject) => void): Promise<void> {
      for (const { event } of steps.slice(1)) {
        const e = event as AnyEventObject;
        const m = /^xstate\.(done|error)\.actor\.(.+)$/.exec(e.type);
        if (m) {
          const slot = waiting.get(m[2]!);
          waiting.delete(m[2]!);
          if (m[1] === 'done') slot?.resolve(e.output);
          else slot?.reject(e.error);
        } else send(e);
        await new Promise((r) => setImmediate(r));
      }
    },
  };
}
