// Commands that drive a machine through a named actor answer once the machine has settled: send the event, then
// resolve with the first snapshot that satisfies `done` (or the last one, if the actor stops or fails).
import type { Actor, AnyStateMachine, EventFromLogic, SnapshotFrom } from 'xstate';

export function sendAndSettle<M extends AnyStateMachine>(actor: Actor<M>, event: EventFromLogic<M>, done: (s: SnapshotFrom<M>) => boolean): Promise<SnapshotFrom<M>> {
  return new Promise((resolve) => {
    const sub = actor.subscribe({
      next: (s) => {
        if (done(s)) {
          sub.unsubscribe();
          resolve(s);
        }
      },
      complete: () => resolve(actor.getSnapshot()),
      error: () => resolve(actor.getSnapshot()),
    });
    actor.send(event);
  });
}
