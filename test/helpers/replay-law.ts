// The check every model-based test makes at the end of a generated path: folding the stream's logged events through
// the machine's pure transition() gives the live actor's snapshot (replay is the law), the live state is the one the
// model reached, and, given the stream's fact function, the facts a replay derives are the ones that were stored.
import * as assert from 'uvu/assert';
import type { AnyEventObject, AnyStateMachine, SnapshotFrom } from 'xstate';
import { replay, step } from '../../machines/replay.ts';
import type { RecordedEvent } from '../../store/event-log.ts';
import type { FactObject } from '../../store/journal.ts';

const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v));
/** What is compared: the state value and the context (a snapshot also holds live actor refs). */
const view = (s: unknown) => {
  const { value, context } = s as { value: unknown; context: unknown };
  return plain({ value, context }) as { value: unknown; context: unknown };
};

export function assertReplayLaw<M extends AnyStateMachine>(
  machine: M,
  live: SnapshotFrom<M>,
  rows: readonly RecordedEvent[],
  o: {
    /** The model's state value at the end of the path. */
    modelValue: unknown;
    /** The path's events, for messages. */
    trail: string;
    facts?: (previous: SnapshotFrom<M> | null, next: SnapshotFrom<M>, event: AnyEventObject) => FactObject[];
  },
): void {
  const liveView = view(live);
  assert.equal(view(replay(machine, rows.map((r) => r.data as AnyEventObject))), liveView, `replay differs after ${o.trail}`);
  assert.equal(liveView.value, plain(o.modelValue), `live differs from the model after ${o.trail}`);
  if (!o.facts) return;
  let snapshot: SnapshotFrom<M> | null = null;
  for (const r of rows) {
    const next: SnapshotFrom<M> = step(machine, snapshot, r.data as AnyEventObject).snapshot;
    assert.equal(plain(o.facts(snapshot, next, r.data as AnyEventObject)), r.facts.map((f) => f.data), `facts differ at ${r.type} after ${o.trail}`);
    snapshot = next;
  }
}
