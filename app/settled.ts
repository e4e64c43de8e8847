// Waiting for a live actor to reach a state, without polling.
import type { Actor, AnyStateMachine, SnapshotFrom } from 'xstate';

/** Resolves once the actor's snapshot satisfies `done` (or the actor stops). */
export function settled<M extends AnyStateMachine>(actor: Actor<M>, done: (s: SnapshotFrom<M>) => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (done(actor.getSnapshot())) return resolve();
    const sub = actor.subscribe({
      next: (s) => {
        if (done(s)) {
          sub.unsubscribe();
          resolve();
        }
      },
      complete: () => resolve(),
      error: () => resolve(),
    });
  });
}
