// The clock port: time enters skylapse only through a Clock. Machines never read it; the adapters' actors stamp
// readings onto the events they send. `mono` schedules (monotonic, unaffected by clock steps); `wall` only labels
// (epoch ms). adapters/clock.ts has the system clock and a manual one for tests.
export interface Clock {
  mono(): number;
  wall(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}
