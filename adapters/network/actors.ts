// The WiFi machine's named actors over a NetworkPort. They stamp clock readings onto what they send, so the machine
// never reads a clock. Passwords come from `secrets`, never from an event.
import { fromPromise } from 'xstate';
import type { Logger } from 'pino';
import type { Clock } from '../../machines/clock.ts';
import { pollActor } from '../poll-actor.ts';
import { NetworkError, type NetworkPort, type NetworkReading } from '../../machines/network-port.ts';
import type { ConnectInput, ConnectResult, ScanResult, WifiFailure } from '../../machines/wifi.ts';

/** Passwords waiting for the one connection attempt they were given for; taken (and forgotten) by it. */
export class PendingSecrets {
  private readonly byKey = new Map<string, string>();
  put(ssid: string, password: string): void {
    this.byKey.set(ssid, password);
  }
  take(ssid: string): string | undefined {
    const p = this.byKey.get(ssid);
    this.byKey.delete(ssid);
    return p;
  }
}

const failure = (error: unknown, clock: Clock): WifiFailure => ({
  code: error instanceof NetworkError ? error.code : 'INTERNAL',
  message: error instanceof Error ? error.message : String(error),
  mono: clock.mono(),
  wall: clock.wall(),
});

/** What the watch compares: signal strength in steps of 10, so its jitter is not a transition every poll. */
export function readingKey(r: NetworkReading): string {
  return JSON.stringify({ ...r, link: r.link && { ...r.link, signal: r.link.signal === null ? null : Math.round(r.link.signal / 10) * 10 } });
}

/** Reads the network at once, then every `intervalMs`; sends READING when it changed. */
export const watchActor = (port: NetworkPort, clock: Clock, o: { intervalMs: number; logger?: Logger }) =>
  pollActor(() => port.read(), readingKey, clock, { ...o, what: 'network' });

export const scanActor = (port: NetworkPort, clock: Clock) =>
  fromPromise<ScanResult, { refresh: boolean }>(async ({ input }) => {
    try {
      const networks = await port.scan(input.refresh);
      return { networks, mono: clock.mono(), wall: clock.wall() };
    } catch (error) {
      throw failure(error, clock);
    }
  });

export const connectActor = (port: NetworkPort, clock: Clock, secrets: PendingSecrets) =>
  fromPromise<ConnectResult, ConnectInput>(async ({ input }) => {
    const password = input.reconnect ? undefined : secrets.take(input.ssid);
    try {
      const link = await port.connect(input.ssid, password);
      return { link, mono: clock.mono(), wall: clock.wall() };
    } catch (error) {
      throw failure(error, clock);
    }
  });

export const disconnectActor = (port: NetworkPort, clock: Clock) =>
  fromPromise<{ mono: number; wall: number }>(async () => {
    try {
      await port.disconnect();
      return { mono: clock.mono(), wall: clock.wall() };
    } catch (error) {
      throw failure(error, clock);
    }
  });

export const radioActor = (port: NetworkPort, clock: Clock) =>
  fromPromise<{ mono: number; wall: number }, { on: boolean }>(async ({ input }) => {
    try {
      await port.setEnabled(input.on);
      return { mono: clock.mono(), wall: clock.wall() };
    } catch (error) {
      throw failure(error, clock);
    }
  });
