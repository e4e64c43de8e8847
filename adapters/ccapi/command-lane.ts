// The command connection's scheduler. One request at a time (one socket), picked by priority: the shutter press,
// then event-poll housekeeping and shot evidence, then everything else (status, settings, listings). While a hold is
// active (a shot is being pressed or exposed) "everything else" waits; a GET of that kind already in flight when a
// press or a hold arrives is aborted and run again later, so no status read ever delays a due press.

import { CcapiError } from './errors.ts';

export type Priority = 'press' | 'poll' | 'other';
const RANK: Record<Priority, number> = { press: 0, poll: 1, other: 2 };

interface Job {
  rank: number;
  /** Only idempotent requests may be aborted and sent again. */
  preemptible: boolean;
  run(signal: AbortSignal): Promise<unknown>;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

export class CommandLane {
  private readonly queue: Job[] = [];
  private running: { job: Job; abort: AbortController; preempted: boolean } | null = null;
  private holds = 0;
  private closed = false;

  /** Runs `fn` when its turn comes; `signal` aborts when the job is preempted (it then runs again later). */
  run<T>(priority: Priority, fn: (signal: AbortSignal) => Promise<T>, opts: { preemptible?: boolean } = {}): Promise<T> {
    if (this.closed) return Promise.reject(closedError());
    return new Promise<T>((resolve, reject) => {
      const rank = RANK[priority];
      const job: Job = {
        rank,
        preemptible: (opts.preemptible ?? false) && priority === 'other',
        run: fn,
        resolve: (v) => resolve(v as T),
        reject,
      };
      this.enqueue(job);
      if (rank < RANK.other) this.preemptOther();
      this.pump();
    });
  }

  /** Holds back `other` work until the returned release is called (idempotent). */
  hold(): () => void {
    this.holds++;
    this.preemptOther();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds--;
      this.pump();
    };
  }

  /** Refuses queued and future work; the request in flight is aborted by closing its connection. */
  close(): void {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(closedError());
  }

  private enqueue(job: Job, front = false): void {
    // Stable within a rank: FIFO, except a preempted job goes back to the head of its rank.
    const at = this.queue.findIndex((j) => (front ? j.rank >= job.rank : j.rank > job.rank));
    if (at < 0) this.queue.push(job);
    else this.queue.splice(at, 0, job);
  }

  private preemptOther(): void {
    const r = this.running;
    if (r && r.job.preemptible && !r.preempted) {
      r.preempted = true;
      r.abort.abort();
    }
  }

  private pump(): void {
    if (this.running || this.closed) return;
    const i = this.queue.findIndex((j) => j.rank < RANK.other || this.holds === 0);
    if (i < 0) return;
    const job = this.queue.splice(i, 1)[0]!;
    const running = { job, abort: new AbortController(), preempted: false };
    this.running = running;
    job.run(running.abort.signal).then(
      (value) => this.finish(false, () => job.resolve(value)),
      // An answer that raced the abort is kept; only a request the abort cut short runs again.
      (err: unknown) => this.finish(running.preempted && !this.closed, () => job.reject(err), job),
    );
  }

  private finish(again: boolean, settle: () => void, job?: Job): void {
    this.running = null;
    if (again && job) this.enqueue(job, true);
    else settle();
    this.pump();
  }
}

function closedError(): CcapiError {
  return new CcapiError('UNREACHABLE', 'camera connection closed', true, undefined, null, 'not-sent');
}
