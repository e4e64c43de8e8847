// Setting the Pi's clock, which has no real-time clock of its own. The system setter runs `date -u -s
// @<epoch>.<ms>` with an argv array (sub-second: the prior controller dropped the fraction); the process needs
// CAP_SYS_TIME (docs/pi.md). The dry-run twin only keeps the step as an offset on its own reading, so tests and
// `--clock dry-run` measure, decide and log exactly as a Pi would, without touching the machine's clock.
import { execFile } from 'node:child_process';

export interface ClockSetter {
  readonly kind: 'system' | 'dry-run';
  /** The wall clock this setter moves (epoch ms): the one time-sync exchanges are stamped with. */
  wall(): number;
  /** Moves the clock by `deltaMs`; resolves with the step applied. */
  step(deltaMs: number): Promise<number>;
}

export class SystemClockSetter implements ClockSetter {
  readonly kind = 'system' as const;
  wall(): number {
    return Date.now();
  }
  step(deltaMs: number): Promise<number> {
    // The target is taken at the last moment; `date` applies it a process start later (a few ms on a Pi), which
    // the next exchange measures as a residual.
    const target = Date.now() + deltaMs;
    return new Promise((resolve, reject) => {
      execFile('date', ['-u', '-s', `@${(target / 1000).toFixed(3)}`], { timeout: 5_000, env: { ...process.env, LC_ALL: 'C' } }, (error, _stdout, stderr) => {
        if (error) reject(Object.assign(new Error(String(stderr).trim() || error.message), { code: 'CLOCK_SET_FAILED' }));
        else resolve(deltaMs);
      });
    });
  }
}

export class DryRunClockSetter implements ClockSetter {
  readonly kind = 'dry-run' as const;
  /** Every step taken, in order. */
  readonly steps: number[] = [];
  private offset = 0;
  constructor(private readonly base: () => number = () => Date.now()) {}
  wall(): number {
    return this.base() + this.offset;
  }
  async step(deltaMs: number): Promise<number> {
    this.steps.push(deltaMs);
    this.offset += deltaMs;
    return deltaMs;
  }
}
