// The Pi's power and thermal state, logged as stream `power` (started afresh at every boot): one state, a poll that
// reports readings that changed, and facts that name what crossed a line (under-voltage, throttling, heat, a low
// battery, the battery floor). Pure: the `poll` actor reads and stamps times. Acting on it (warning, stopping a
// session at the floor) is the app's (app/power.ts).
import { assign, fromCallback, setup, type EventObject } from 'xstate';
import type { PowerReading } from './power-port.ts';

export const POWER_MACHINE_VERSION = 'power@1';

export interface PowerLimits {
  /** Battery percent at or below which a session is warned about. */
  warnPercent: number;
  /** Battery percent at or below which a running session is stopped (`controller_battery`). */
  floorPercent: number;
  /** SoC temperature, °C, from which the Pi counts as hot (it throttles at 80–85 °C). */
  hotC: number;
}

export const DEFAULT_POWER_LIMITS: PowerLimits = { warnPercent: 20, floorPercent: 8, hotC: 80 };

export interface PowerContext {
  limits: PowerLimits;
  /** Which adapter reads: `system` or its `fake` twin (the page says so). */
  source: 'system' | 'fake';
  reading: PowerReading | null;
  at: number | null;
}

export type PowerEvent = { type: 'READING'; reading: PowerReading; mono: number; wall: number };

export type PowerAlert = 'under_voltage' | 'throttled' | 'hot' | 'low_battery' | 'battery_floor';

/** The lines a reading can be across; a fact names each one newly crossed. */
export function powerAlerts(r: PowerReading | null, limits: PowerLimits): Set<PowerAlert> {
  const out = new Set<PowerAlert>();
  if (!r) return out;
  const t = r.throttled;
  if (t?.underVoltage || t?.underVoltageOccurred) out.add('under_voltage');
  if (t?.throttled || t?.freqCapped || t?.softTempLimit) out.add('throttled');
  if (r.temperatureC !== null && r.temperatureC >= limits.hotC) out.add('hot');
  const percent = r.battery?.percent ?? null;
  // On external power a low battery is charging, not running out.
  if (percent !== null && r.externalPower !== true) {
    if (percent <= limits.warnPercent) out.add('low_battery');
    if (percent <= limits.floorPercent) out.add('battery_floor');
  }
  return out;
}

export const powerMachine = setup({
  types: {
    input: {} as { limits: PowerLimits; source: 'system' | 'fake' },
    context: {} as PowerContext,
    events: {} as PowerEvent,
  },
  actors: {
    // Placeholder: adapters/power/actors.ts provides the real one. Pure replay never starts actors.
    poll: fromCallback<EventObject>(() => {
      throw new Error('poll actor not provided');
    }),
  },
}).createMachine({
  id: 'power',
  context: ({ input }) => ({ limits: input.limits, source: input.source, reading: null, at: null }),
  initial: 'watching',
  states: {
    watching: {
      invoke: { id: 'poll', src: 'poll' },
      on: { READING: { actions: assign(({ event }) => ({ reading: event.reading, at: event.wall })) } },
    },
  },
});

export type PowerMachine = typeof powerMachine;
