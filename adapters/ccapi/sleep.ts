// A pause on the injected clock that ends early (without error) when `signal` aborts, so loops stop promptly.
import type { Clock } from '../../machines/clock.ts';

export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = () => {
      clock.clearTimeout(handle);
      resolve();
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Waits until `clock.mono()` reaches `at`, or `signal` aborts. Timers can fire a little early against the monotonic
 * clock, so an early wake-up waits again for the rest: it never returns before `at` unless aborted.
 */
export async function sleepUntil(clock: Clock, at: number, signal?: AbortSignal): Promise<void> {
  while (!signal?.aborted && clock.mono() < at) await sleep(clock, Math.max(1, Math.ceil(at - clock.mono())), signal);
}
