// The Pi's power and thermal state: `vcgencmd get_throttled` (argv array), the SoC temperature from
// /sys/class/thermal, and batteries and external supplies from /sys/class/power_supply where present. Anything
// absent (a laptop, a Pi without a battery HAT) reads as null rather than failing.
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Battery, PowerPort, PowerReading, Throttled } from '../../machines/power-port.ts';

/** Bits of get_throttled (Raspberry Pi documentation, "vcgencmd"). */
export function decodeThrottled(raw: number): Throttled {
  const bit = (n: number) => (raw & (1 << n)) !== 0;
  return {
    raw,
    underVoltage: bit(0),
    freqCapped: bit(1),
    throttled: bit(2),
    softTempLimit: bit(3),
    underVoltageOccurred: bit(16),
    freqCappedOccurred: bit(17),
    throttledOccurred: bit(18),
    softTempLimitOccurred: bit(19),
  };
}

/** `throttled=0x50005` → 0x50005; null for anything else. */
export function parseThrottled(stdout: string): number | null {
  const m = /throttled=(0x[0-9a-fA-F]+)/.exec(stdout);
  return m ? Number.parseInt(m[1]!, 16) : null;
}

async function text(path: string): Promise<string | null> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    return null;
  }
}

export class SystemPower implements PowerPort {
  readonly kind = 'system' as const;
  constructor(private readonly o: { sysRoot?: string; env?: NodeJS.ProcessEnv } = {}) {}

  private get root(): string {
    return this.o.sysRoot ?? '/sys';
  }

  private throttled(): Promise<Throttled | null> {
    return new Promise((resolve) => {
      execFile('vcgencmd', ['get_throttled'], { timeout: 3_000, env: this.o.env ?? process.env }, (error, stdout) => {
        const raw = error ? null : parseThrottled(String(stdout));
        resolve(raw === null ? null : decodeThrottled(raw));
      });
    });
  }

  private async temperature(): Promise<number | null> {
    const milli = Number(await text(join(this.root, 'class/thermal/thermal_zone0/temp')));
    return Number.isFinite(milli) && milli !== 0 ? Math.round(milli / 100) / 10 : null;
  }

  private async supplies(): Promise<{ battery: Battery | null; externalPower: boolean | null }> {
    const dir = join(this.root, 'class/power_supply');
    let names: string[];
    try {
      names = (await readdir(dir)).sort();
    } catch {
      return { battery: null, externalPower: null };
    }
    let battery: Battery | null = null;
    let externalPower: boolean | null = null;
    for (const name of names) {
      const type = await text(join(dir, name, 'type'));
      if (type === 'Battery' && !battery) {
        const capacity = Number(await text(join(dir, name, 'capacity')));
        const microvolts = Number(await text(join(dir, name, 'voltage_now')));
        battery = {
          name,
          percent: Number.isFinite(capacity) ? capacity : null,
          status: await text(join(dir, name, 'status')),
          voltageV: Number.isFinite(microvolts) && microvolts > 0 ? Math.round(microvolts / 10_000) / 100 : null,
        };
      } else if (type === 'Mains' || type === 'USB') {
        const online = await text(join(dir, name, 'online'));
        if (online !== null) externalPower = (externalPower ?? false) || online === '1';
      }
    }
    return { battery, externalPower };
  }

  async read(): Promise<PowerReading> {
    const [throttled, temperatureC, supplies] = await Promise.all([this.throttled(), this.temperature(), this.supplies()]);
    return { throttled, temperatureC, ...supplies };
  }
}
