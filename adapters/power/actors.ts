// The power machine's named actor: reads at once, then every `intervalMs`; sends READING when something a person
// would notice changed (temperature by a whole degree, battery by a percent, a flag).
import type { Logger } from 'pino';
import type { Clock } from '../../machines/clock.ts';
import type { PowerPort, PowerReading } from '../../machines/power-port.ts';
import { pollActor } from '../poll-actor.ts';

export function powerKey(r: PowerReading): string {
  return JSON.stringify({ ...r, temperatureC: r.temperatureC === null ? null : Math.round(r.temperatureC), battery: r.battery && { ...r.battery, voltageV: null } });
}

export const pollPowerActor = (port: PowerPort, clock: Clock, o: { intervalMs: number; logger?: Logger }) =>
  pollActor(() => port.read(), powerKey, clock, { ...o, what: 'power' });
