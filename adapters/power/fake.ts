// The power adapter's twin for tests and the demo: a reading set by hand (a battery running down, under-voltage).
import type { PowerPort, PowerReading } from '../../machines/power-port.ts';
import { decodeThrottled } from './system.ts';

export class FakePower implements PowerPort {
  readonly kind = 'fake' as const;
  reading: PowerReading = {
    throttled: decodeThrottled(0),
    temperatureC: 48.5,
    battery: { name: 'BAT0', percent: 86, status: 'Discharging', voltageV: 3.98 },
    externalPower: false,
  };

  set(patch: Partial<PowerReading>): void {
    this.reading = { ...this.reading, ...patch };
  }

  async read(): Promise<PowerReading> {
    return this.reading;
  }
}
