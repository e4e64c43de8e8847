// Binds a machine stream to the event log. Every event that reaches the machine is folded through the pure
// transition() first; if it changes anything it is appended (with its projections, in one transaction) before the
// live actor processes it, so nothing acts on, or shows, a transition the log does not hold.
import { createActor, type Actor, type AnyEventObject, type AnyStateMachine, type EventObject, type InputFrom, type SnapshotFrom } from 'xstate';
import type { Clock } from '../machines/clock.ts';
import { INIT_EVENT, replay, step } from '../machines/replay.ts';
import type { EventLog, RecordedEvent, Tx } from './event-log.ts';

export interface Transition<M extends AnyStateMachine> {
  recorded: RecordedEvent;
  snapshot: SnapshotFrom<M>;
  previous: SnapshotFrom<M> | null;
  emitted: EventObject[];
}

export interface JournalHooks<M extends AnyStateMachine> {
  /** Runs inside the append's transaction: projections commit or roll back with the event. */
  project?: (tx: Tx, recorded: RecordedEvent, emitted: EventObject[]) => void;
  /** Runs after the append committed: broadcasts and other visible effects. */
  onTransition?: (t: Transition<M>) => void;
}

/** A stream's current state, kept as the fold of what the log holds. */
export class JournaledStream<M extends AnyStateMachine> {
  private current: SnapshotFrom<M> | null;
  private currentVersion: number;
  private lastRecordedAt: number | null;

  constructor(
    readonly machine: M,
    readonly stream: string,
    private readonly log: EventLog,
    private readonly clock: Clock,
    private readonly hooks: JournalHooks<M> = {},
  ) {
    const events = log.readStream(stream);
    this.current = replay(machine, events.map((e) => e.data as AnyEventObject));
    this.currentVersion = events.at(-1)?.version ?? 0;
    this.lastRecordedAt = events.at(-1)?.at ?? null;
  }

  get snapshot(): SnapshotFrom<M> | null {
    return this.current;
  }
  get version(): number {
    return this.currentVersion;
  }
  /** Wall time of the stream's last logged event. */
  get lastAt(): number | null {
    return this.lastRecordedAt;
  }

  /**
   * Folds `event` and, if it changed anything, appends it. Returns null for an event the machine ignores.
   * Throws if the append fails: the caller must then not act on the event.
   */
  record(event: AnyEventObject): Transition<M> | null {
    const settled = this.current !== null && (this.current as { status: string }).status !== 'active';
    if (settled && event.type !== INIT_EVENT) return null;
    const next = step(this.machine, this.current, event);
    if (!next.changed) return null;
    const state = (next.snapshot as { value: unknown }).value;
    const [recorded] = this.log.append(
      this.stream,
      this.currentVersion,
      [{ type: event.type, data: event, state, at: this.clock.wall() }],
      this.hooks.project && ((tx, r) => this.hooks.project!(tx, r, next.emitted)),
    );
    if (!recorded) throw new Error(`append to ${this.stream} recorded nothing`);
    const previous = this.current;
    this.current = next.snapshot;
    this.currentVersion = recorded.version;
    this.lastRecordedAt = recorded.at;
    const transition: Transition<M> = { recorded, snapshot: next.snapshot, previous, emitted: next.emitted };
    this.hooks.onTransition?.(transition);
    return transition;
  }
}

/**
 * Starts a live actor whose every incoming event is journaled first. XState reports each event delivered to the
 * root (`@xstate.event`) before the root's mailbox processes it; the append happens right there, synchronously.
 * If the append fails the event must not be processed, and since it may come from a child (a resolved shutter
 * promise) with nobody to tell, `onAppendFailed` decides: the server exits and recovers from the log on restart.
 */
export function startJournaledActor<M extends AnyStateMachine>(
  journal: JournaledStream<M>,
  input: InputFrom<M>,
  hooks: { onError: (error: unknown) => void; onAppendFailed: (error: unknown, event: AnyEventObject) => void },
): Actor<M> {
  let root: Actor<M> | undefined;
  const actor = createActor(journal.machine, {
    input,
    inspect: (ev) => {
      if (ev.type !== '@xstate.event' || ev.actorRef !== root) return;
      try {
        journal.record(ev.event);
      } catch (error) {
        hooks.onAppendFailed(error, ev.event);
        throw error; // never let the actor process an event the log does not hold
      }
    },
  } as Parameters<typeof createActor<M>>[1]);
  root = actor;
  // Without an error observer XState rethrows actor errors from a timer, which would kill the process.
  actor.subscribe({ error: hooks.onError });
  actor.start();
  return actor;
}
