// What the power machine's poll needs: one reading of the Pi's power and thermal state. The system implementation
// (vcgencmd, /sys/class/thermal, /sys/class/power_supply) is adapters/power/system.ts; the fake twin fake.ts.

/** `vcgencmd get_throttled`, decoded: what is true now, and what happened since boot. */
export interface Throttled {
  raw: number;
  underVoltage: boolean;
  freqCapped: boolean;
  throttled: boolean;
  softTempLimit: boolean;
  underVoltageOccurred: boolean;
  freqCappedOccurred: boolean;
  throttledOccurred: boolean;
  softTempLimitOccurred: boolean;
}

export interface Battery {
  /** 0–100, or null when the supply does not say. */
  percent: number | null;
  /** `Charging`, `Discharging`, `Full`, `Not charging`, … as the kernel reports it. */
  status: string | null;
  voltageV: number | null;
  /** The power_supply entry it came from (e.g. `BAT0`). */
  name: string;
}

export interface PowerReading {
  /** null where there is no vcgencmd (not a Pi). */
  throttled: Throttled | null;
  /** SoC temperature, °C, one decimal; null when no thermal zone is readable. */
  temperatureC: number | null;
  /** null where no battery is present (a USB supply, a power bank that does not report). */
  battery: Battery | null;
  /** External power present: true/false, or null when no supply says. */
  externalPower: boolean | null;
}

export interface PowerPort {
  readonly kind: 'system' | 'fake';
  read(): Promise<PowerReading>;
}
