// Binds a machine stream to the event log. Every event that reaches the machine is folded through the pure
// transition() first; if it changes anything it is appended with the facts it produced (and their projections, in
// one transaction) before the live actor processes it, so nothing acts on, or shows, a transition the log does not
// hold. At start the stream is folded from the log, and every logged state is checked against the fold.
import { createActor, type Actor, type AnyEventObject, type AnyStateMachine, type InputFrom, type SnapshotFrom } from 'xstate';
import type { Clock } from '../machines/clock.ts';
import { INIT_EVENT, step } from '../machines/replay.ts';
import type { EventLog, RecordedEvent, Tx } from './event-log.ts';

export interface Transition<M extends AnyStateMachine> {
  recorded: RecordedEvent;
  snapshot: SnapshotFrom<M>;
  previous: SnapshotFrom<M> | null;
}

/** A fact as a machine emits or derives it: a `type` and whatever else it says. */
export type FactObject = { type: string } & Record<string, unknown>;

export interface JournalOptions<M extends AnyStateMachine> {
  /** Written on every row; a replay that folds to another state than the logged one names it. */
  machineVersion: string;
  /**
   * The stream starts afresh (`xstate.init`) at every boot: fold only from the last start, so start-up does not
   * grow with a long history.
   */
  foldFromLastStart?: boolean;
  /**
   * With foldFromLastStart: a last run this machine folds differently (written by an older version) is left as it
   * is in the log and not folded; the stream starts afresh at its next `xstate.init`. `diverged` tells it.
   */
  restartOnDivergence?: boolean;
  /** Facts of one transition; default: what the machine emitted. */
  facts?: (previous: SnapshotFrom<M> | null, next: SnapshotFrom<M>, event: AnyEventObject, emitted: FactObject[]) => FactObject[];
  /** Runs inside the append's transaction: projections commit or roll back with the event and its facts. */
  project?: (tx: Tx, recorded: RecordedEvent) => void;
  /** Runs after the append committed: broadcasts (one per stored fact) and other visible effects. */
  onTransition?: (t: Transition<M>) => void;
}

/** The log holds a state this machine does not reach by folding its events: an upgrade changed the machine. */
export class ReplayDivergenceError extends Error {
  readonly code = 'REPLAY_DIVERGED';
  override readonly name = 'ReplayDivergenceError';
  constructor(
    readonly stream: string,
    readonly version: number,
    readonly loggedMachineVersion: string | null,
    readonly machineVersion: string,
    logged: unknown,
    folded: unknown,
  ) {
    super(
      `replay of ${stream} diverged at version ${version}: the log says ${JSON.stringify(logged)} (written by ` +
        `${loggedMachineVersion ?? 'an unversioned machine'}), ${machineVersion} folds to ${JSON.stringify(folded)}`,
    );
  }
}

/** A stream's current state, kept as the fold of what the log holds. */
export class JournaledStream<M extends AnyStateMachine> {
  private current: SnapshotFrom<M> | null = null;
  private currentVersion: number;
  private lastRecordedAt: number | null;
  /** Set when the last run could not be folded and was left aside (restartOnDivergence). */
  readonly diverged: ReplayDivergenceError | null = null;

  constructor(
    readonly machine: M,
    readonly stream: string,
    private readonly log: EventLog,
    private readonly clock: Clock,
    private readonly o: JournalOptions<M>,
  ) {
    const from = o.foldFromLastStart ? Math.max(1, log.lastVersionOfType(stream, INIT_EVENT)) : 1;
    const events = log.readStream(stream, from);
    for (const e of events) {
      this.current = step(machine, this.current, e.data as AnyEventObject).snapshot;
      const folded = JSON.stringify((this.current as { value: unknown }).value);
      if (e.state !== null && folded !== JSON.stringify(e.state)) {
        const error = new ReplayDivergenceError(stream, e.version, e.machineVersion, o.machineVersion, e.state, JSON.parse(folded));
        if (!(o.foldFromLastStart && o.restartOnDivergence)) throw error;
        this.diverged = error;
        this.current = null;
        break;
      }
    }
    this.currentVersion = events.at(-1)?.version ?? log.version(stream);
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
   * Folds `event` and, if it changed anything, appends it with its facts. Returns null for an event the machine
   * ignores. Throws if the append fails: the caller must then not act on the event.
   */
  record(event: AnyEventObject): Transition<M> | null {
    const settled = this.current !== null && (this.current as { status: string }).status !== 'active';
    if (settled && event.type !== INIT_EVENT) return null;
    const next = step(this.machine, this.current, event);
    if (!next.changed) return null;
    const emitted = next.emitted as FactObject[];
    const facts = this.o.facts ? this.o.facts(this.current, next.snapshot, event, emitted) : emitted;
    const state = (next.snapshot as { value: unknown }).value;
    const [recorded] = this.log.append(
      this.stream,
      this.currentVersion,
      [{ type: event.type, data: event, state, at: this.clock.wall(), machineVersion: this.o.machineVersion, facts: facts.map((f) => ({ type: f.type, data: f })) }],
      this.o.project,
    );
    if (!recorded) throw new Error(`append to ${this.stream} recorded nothing`);
    const previous = this.current;
    this.current = next.snapshot;
    this.currentVersion = recorded.version;
    this.lastRecordedAt = recorded.at;
    const transition: Transition<M> = { recorded, snapshot: next.snapshot, previous };
    this.o.onTransition?.(transition);
    return transition;
  }
}

/**
 * Starts a live actor whose every incoming event is journaled first: afresh with `input`, or (`restore`) from the
 * stream's folded snapshot, whose invoked actors start again with their deadlines taken from context. XState
 * reports each event delivered to the root (`@xstate.event`) before the root's mailbox processes it; the append
 * happens right there, synchronously. If the append fails the event must not be processed, and since it may come
 * from a child (a resolved shutter promise) with nobody to tell, `onAppendFailed` decides: the server exits and
 * recovers from the log on restart.
 */
export function startJournaledActor<M extends AnyStateMachine>(
  journal: JournaledStream<M>,
  from: { input: InputFrom<M> } | { restore: true },
  hooks: { onError: (error: unknown) => void; onAppendFailed: (error: unknown, event: AnyEventObject) => void },
): Actor<M> {
  let root: Actor<M> | undefined;
  // XState announces a start (`xstate.init`) for a restored actor too; the log already holds that stream's start.
  let skipInit = 'restore' in from;
  const inspect = (ev: { type: string; actorRef: unknown; event: AnyEventObject }) => {
    if (ev.type !== '@xstate.event' || ev.actorRef !== root) return;
    if (skipInit && ev.event.type === INIT_EVENT) {
      skipInit = false;
      return;
    }
    try {
      journal.record(ev.event);
    } catch (error) {
      hooks.onAppendFailed(error, ev.event);
      throw error; // never let the actor process an event the log does not hold
    }
  };
  const origin =
    'input' in from
      ? { input: from.input }
      : // The persisted form (plain JSON) is what XState restores from; the fold's snapshot holds live objects.
        { snapshot: JSON.parse(JSON.stringify(journal.machine.getPersistedSnapshot(journal.snapshot!))) as unknown };
  const actor = createActor(journal.machine, { ...origin, inspect } as Parameters<typeof createActor<M>>[1]);
  root = actor;
  // Without an error observer XState rethrows actor errors from a timer, which would kill the process.
  actor.subscribe({ error: hooks.onError });
  actor.start();
  return actor;
}
