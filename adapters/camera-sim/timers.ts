// Timers on the simulator's clock that can all be cancelled at once, so close()/reset() leave nothing pending
// (a 30 s poll hold on the system clock would otherwise keep a test process alive).
import type { Clock } from '../../machines/clock.ts';

export class TimerSet {
  private readonly handles = new Set<unknown>();

  constructor(private readonly clock: Clock) {}

  after(ms: number, fn: () => void): unknown {
    const handle = this.clock.setTimeout(() => {
      this.handles.delete(handle);
      fn();
    }, ms);
    this.handles.add(handle);
    return handle;
  }

  cancel(handle: unknown): void {
    if (!this.handles.delete(handle)) return;
    this.clock.clearTimeout(handle);
  }

  cancelAll(): void {
    for (const h of this.handles) this.clock.clearTimeout(h);
    this.handles.clear();
  }
}
