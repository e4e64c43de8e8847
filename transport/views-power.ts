// What clients see of the Pi's power and temperature: one view for welcome, replies and `power_status`.
import type { SnapshotFrom } from 'xstate';
import type { PowerFact } from '../machines/power-facts.ts';
import type { PowerMachine } from '../machines/power.ts';
import type { RecordedFact } from '../store/event-log.ts';
import type { Broadcast } from './protocol.ts';

export function powerView(s: SnapshotFrom<PowerMachine> | null, source: 'system' | 'fake') {
  const r = s?.context.reading ?? null;
  return {
    source: s?.context.source ?? source,
    /** Wall time of the reading shown, or null before the first. */
    at: s?.context.at ?? null,
    temperatureC: r?.temperatureC ?? null,
    battery: r?.battery ?? null,
    externalPower: r?.externalPower ?? null,
    throttled: r?.throttled ?? null,
    limits: s?.context.limits ?? null,
  };
}
export type PowerView = ReturnType<typeof powerView>;

export function powerFactBroadcast(fact: RecordedFact, snapshot: SnapshotFrom<PowerMachine>): Broadcast {
  const f = fact.data as PowerFact;
  return { type: 'power_status', seq: fact.seq, timestamp: new Date(fact.at).toISOString(), data: { power: powerView(snapshot, snapshot.context.source), alerts: f.alerts } };
}
