// Replay is the law: a stream's state is the fold of its logged events through the machine's pure transition().
// The journal (store/journal.ts) uses the same step live, so what was logged is what the live actor lived.
import { initialTransition, transition, type AnyEventObject, type AnyStateMachine, type EventObject, type SnapshotFrom } from 'xstate';

export const INIT_EVENT = 'xstate.init';

export interface Step<M extends AnyStateMachine> {
  snapshot: SnapshotFrom<M>;
  /** Events the machine emitted on this step (its facts). */
  emitted: EventObject[];
  /** True when the event changed the snapshot or asked for an effect; otherwise it is not logged. */
  changed: boolean;
}

/**
 * One pure step. `xstate.init` (carrying the machine's input) starts the machine afresh, which is how a stream
 * records a restart of its machine (the camera machine starts anew at every boot).
 */
export function step<M extends AnyStateMachine>(machine: M, snapshot: SnapshotFrom<M> | null, event: AnyEventObject): Step<M> {
  if (event.type !== INIT_EVENT && snapshot === null) throw new Error(`stream does not start with ${INIT_EVENT}`);
  // The generic machine type cannot relate logged (unknown-shaped) events to its own event union: the log is the
  // boundary, and its events were produced by this very machine, so the casts are deliberate.
  const [next, actions] =
    event.type === INIT_EVENT
      ? initialTransition(machine as AnyStateMachine, (event as EventObject & { input?: unknown }).input)
      : transition(machine as AnyStateMachine, snapshot as SnapshotFrom<AnyStateMachine>, event);
  const emitted = actions
    .filter((a: { type: string }) => a.type === 'xstate.emit')
    .map((a: { params?: unknown }) => (a.params as { event: EventObject }).event);
  return { snapshot: next as SnapshotFrom<M>, emitted, changed: next !== snapshot || actions.length > 0 };
}

/** Folds a whole stream; `null` for an empty one. */
export function replay<M extends AnyStateMachine>(machine: M, events: Iterable<AnyEventObject>): SnapshotFrom<M> | null {
  let snapshot: SnapshotFrom<M> | null = null;
  for (const event of events) snapshot = step(machine, snapshot, event).snapshot;
  return snapshot;
}
