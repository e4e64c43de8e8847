// The simulator's release cycle on the injected clock: idle → exposing (Tv) → writing (writeMs) → idle.
// It only sequences time; refusals (busy, card, bulb) are decided by the body before start() is called.

import type { TimerSet } from './timers.ts';

export type ShotPhase = 'idle' | 'exposing' | 'writing';

/** Canon numbering: `100CANON/IMG_0001.JPG` … `IMG_9999`, then the next folder starts again at 0001. */
export function fileNameFor(seq: number): string {
  const folder = 100 + Math.floor((seq - 1) / 9999);
  const number = ((seq - 1) % 9999) + 1;
  return `${folder}CANON/IMG_${String(number).padStart(4, '0')}.JPG`;
}

export class ShotEngine {
  private current: ShotPhase = 'idle';
  private timer: unknown = null;

  constructor(
    private readonly timers: TimerSet,
    private readonly writeMs: number,
    /** Called when the file is closed, i.e. when the camera would report `addedcontents`. */
    private readonly onWritten: () => void,
  ) {}

  get phase(): ShotPhase {
    return this.current;
  }

  /** Starts a release; the caller has checked that the engine is idle. */
  start(exposureMs: number): void {
    if (this.current !== 'idle') throw new Error(`shot engine busy (${this.current})`);
    this.current = 'exposing';
    this.timer = this.timers.after(exposureMs, () => {
      this.current = 'writing';
      this.timer = this.timers.after(this.writeMs, () => {
        this.current = 'idle';
        this.timer = null;
        this.onWritten();
      });
    });
  }

  /** Abandons a shot in progress (simulator reset). */
  cancel(): void {
    if (this.timer !== null) this.timers.cancel(this.timer);
    this.timer = null;
    this.current = 'idle';
  }
}
