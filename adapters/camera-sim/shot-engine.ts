// The simulator's release cycle on the injected clock: idle → exposing (Tv) → processing (long-exposure noise
// reduction) → writing (one file after another) → idle. The body refuses presses in every phase but idle, as a
// camera answers 503 while it exposes, processes or writes (docs/camera-notes.md). It only sequences time;
// refusals (busy, card, bulb) are decided by the body before start() is called.

import type { TimerSet } from './timers.ts';

export type ShotPhase = 'idle' | 'exposing' | 'processing' | 'writing';

export interface ShotPlan {
  /** null: bulb, exposing until endExposure(). */
  exposureMs: number | null;
  /** Noise reduction after the exposure, before any file is written (0: none). */
  processingMs: number;
  /** Delay before each file is closed, in order (RAW+JPEG: the CR3's write time, then the gap to the JPG). */
  writeMs: number[];
}

export class ShotEngine {
  private current: ShotPhase = 'idle';
  private timer: unknown = null;
  private plan: ShotPlan | null = null;

  constructor(
    private readonly timers: TimerSet,
    /** Called as each file is closed, i.e. when the camera would report it in `addedcontents`. */
    private readonly onWritten: (index: number) => void,
  ) {}

  get phase(): ShotPhase {
    return this.current;
  }

  /** Starts a release; the caller has checked that the engine is idle. */
  start(plan: ShotPlan): void {
    if (this.current !== 'idle') throw new Error(`shot engine busy (${this.current})`);
    this.current = 'exposing';
    this.plan = plan;
    if (plan.exposureMs !== null) this.timer = this.timers.after(plan.exposureMs, () => this.endExposure());
  }

  /** Closes the shutter (end of a timed exposure, or the release of a bulb one); false when none was open. */
  endExposure(): boolean {
    const plan = this.plan;
    if (this.current !== 'exposing' || !plan) return false;
    if (this.timer !== null) this.timers.cancel(this.timer);
    this.current = 'processing';
    this.timer = this.timers.after(plan.processingMs, () => this.write(plan.writeMs, 0));
    return true;
  }

  /** Abandons a shot in progress (simulator reset). */
  cancel(): void {
    if (this.timer !== null) this.timers.cancel(this.timer);
    this.timer = null;
    this.current = 'idle';
  }

  private write(delays: number[], index: number): void {
    if (index >= delays.length) {
      this.current = 'idle';
      this.timer = null;
      return;
    }
    this.current = 'writing';
    this.timer = this.timers.after(delays[index]!, () => {
      // Idle before the last file is announced, so a client pressing on the event finds the camera ready.
      if (index === delays.length - 1) {
        this.current = 'idle';
        this.timer = null;
        this.onWritten(index);
        return;
      }
      this.onWritten(index);
      this.write(delays, index + 1);
    });
  }
}
