// Facts of the power stream: one per reading, with the alerts it newly raised. Stored with a time like every fact,
// so a session's report joins them by its start and end (docs/storage.md). Pure, so a replay derives the same.
import type { AnyEventObject, SnapshotFrom } from 'xstate';
import { powerAlerts, type PowerAlert, type PowerMachine } from './power.ts';

export type PowerFact = { type: 'power.status'; alerts: PowerAlert[] };

export function powerFacts(previous: SnapshotFrom<PowerMachine> | null, next: SnapshotFrom<PowerMachine>, _event: AnyEventObject): PowerFact[] {
  const limits = next.context.limits;
  const before = powerAlerts(previous?.context.reading ?? null, limits);
  const now = powerAlerts(next.context.reading, limits);
  return [{ type: 'power.status', alerts: [...now].filter((a) => !before.has(a)) }];
}
