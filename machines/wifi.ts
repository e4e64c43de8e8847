// The WiFi link: the Pi's client connection to another network (disabled → idle → scanning → connecting →
// connected ⇄ lost → reconnecting), with the AP's status, the Pi's addresses and the regulatory country alongside.
// Logged as stream `network`, started afresh at every boot. Pure: the named actors `watch`, `scan`, `connect`,
// `disconnect`, `radio` and `deadline` do the I/O and stamp times onto what they send. No secret ever enters an
// event: a password is held by the app for the one `connect` it is meant for (app/network.ts).
import { assign, fromCallback, fromPromise, setup, type EventObject } from 'xstate';
import type { ApStatus, ClientLink, NetworkReading, WifiNetwork } from './network-port.ts';

export const WIFI_MACHINE_VERSION = 'wifi@1';

export interface WifiInput {
  /** Which adapter drives the radio: the page says so. */
  backend: 'nmcli' | 'sim';
}

export interface WifiError {
  code: string;
  message: string;
  ssid: string | null;
}

export interface WifiContext extends WifiInput {
  enabled: boolean;
  /** The network the user asked to join; a lost link is retried against it. */
  target: string | null;
  link: ClientLink | null;
  ap: ApStatus | null;
  addresses: string[];
  networks: WifiNetwork[];
  scannedAt: number | null;
  scanRefresh: boolean;
  country: string | null;
  lastError: WifiError | null;
  /** Consecutive failed reconnection attempts. */
  attempt: number;
  /** Monotonic deadline of the next reconnection attempt while lost. */
  retryAt: number | null;
}

/** Rejection shape of the actors: plain data, so it survives the event log's JSON. */
export interface WifiFailure {
  code: string;
  message: string;
  mono: number;
  wall: number;
}

export interface ConnectInput {
  ssid: string;
  /** A reconnection uses NetworkManager's saved profile; no password is looked up. */
  reconnect: boolean;
}
export interface ConnectResult {
  link: ClientLink;
  mono: number;
  wall: number;
}
export interface ScanResult {
  networks: WifiNetwork[];
  mono: number;
  wall: number;
}

export type WifiEvent =
  | { type: 'READING'; reading: NetworkReading; mono: number; wall: number }
  | { type: 'SCAN'; refresh: boolean; at: number }
  | { type: 'CONNECT'; ssid: string; at: number }
  | { type: 'DISCONNECT'; at: number }
  | { type: 'ENABLE'; at: number }
  | { type: 'DISABLE'; at: number }
  | { type: 'TICK'; mono: number; wall: number }
  | { type: 'AP_CHANGED'; ap: ApStatus; at: number }
  | { type: 'COUNTRY'; country: string; at: number };

/** Waits after a loss before each reconnection attempt; the last one repeats. */
export const reconnectDelaysMs = [2_000, 5_000, 10_000, 30_000, 60_000] as const;

export function asWifiFailure(error: unknown): WifiFailure {
  const e = error as Partial<WifiFailure> | null;
  if (e && typeof e.code === 'string' && typeof e.mono === 'number' && typeof e.wall === 'number') {
    return { code: e.code, message: String(e.message ?? e.code), mono: e.mono, wall: e.wall };
  }
  return { code: 'INTERNAL', message: String((error as Error | null)?.message ?? error), mono: 0, wall: 0 };
}

const readingOf = (e: { type: string; reading?: NetworkReading }) => (e.type === 'READING' ? e.reading! : null);

export const wifiMachine = setup({
  types: {
    input: {} as WifiInput,
    context: {} as WifiContext,
    events: {} as WifiEvent,
  },
  actors: {
    // Placeholders: adapters/network/actors.ts provides the real ones. Pure replay never starts actors.
    watch: fromCallback<EventObject>(() => {
      throw new Error('watch actor not provided');
    }),
    scan: fromPromise<ScanResult, { refresh: boolean }>(async () => {
      throw new Error('scan actor not provided');
    }),
    connect: fromPromise<ConnectResult, ConnectInput>(async () => {
      throw new Error('connect actor not provided');
    }),
    disconnect: fromPromise<{ mono: number; wall: number }>(async () => {
      throw new Error('disconnect actor not provided');
    }),
    radio: fromPromise<{ mono: number; wall: number }, { on: boolean }>(async () => {
      throw new Error('radio actor not provided');
    }),
    deadline: fromCallback<EventObject, { at: number }>(() => {
      throw new Error('deadline actor not provided');
    }),
  },
  guards: {
    radioOff: ({ event }) => readingOf(event)?.enabled === false,
    linkUp: ({ event }) => Boolean(readingOf(event)?.link),
    linkDown: ({ event }) => readingOf(event)?.link === null,
    hasLink: ({ context }) => context.link !== null,
  },
  actions: {
    takeReading: assign(({ event }) => {
      const r = readingOf(event)!;
      return { enabled: r.enabled, link: r.link, ap: r.ap, addresses: r.addresses };
    }),
    noteLoss: assign(({ event, context }) => {
      const e = event as { mono: number };
      return { link: null, attempt: 0, retryAt: e.mono + reconnectDelaysMs[0], lastError: { code: 'LINK_LOST', message: 'the network went away', ssid: context.link?.ssid ?? context.target } };
    }),
    noteFailure: assign(({ event, context }) => {
      const f = asWifiFailure((event as { error?: unknown }).error);
      return { lastError: { code: f.code, message: f.message, ssid: context.target } };
    }),
    connectedTo: assign(({ event }) => {
      const out = (event as unknown as { output: ConnectResult }).output;
      return { link: out.link, target: out.link.ssid, attempt: 0, retryAt: null, lastError: null };
    }),
  },
}).createMachine({
  id: 'wifi',
  context: ({ input }) => ({
    ...input,
    enabled: true,
    target: null,
    link: null,
    ap: null,
    addresses: [],
    networks: [],
    scannedAt: null,
    scanRefresh: false,
    country: null,
    lastError: null,
    attempt: 0,
    retryAt: null,
  }),
  // The watch runs in every state: the radio, the link, the AP and the Pi's addresses can change under us.
  invoke: { id: 'watch', src: 'watch' },
  on: {
    READING: { actions: 'takeReading' },
    AP_CHANGED: { actions: assign({ ap: ({ event }) => event.ap }) },
    COUNTRY: { actions: assign({ country: ({ event }) => event.country }) },
  },
  initial: 'idle',
  states: {
    disabled: {
      on: {
        ENABLE: 'enabling',
        READING: [{ guard: 'radioOff', actions: 'takeReading' }, { target: 'idle', actions: 'takeReading' }],
      },
    },
    enabling: {
      invoke: {
        id: 'radio',
        src: 'radio',
        input: { on: true },
        onDone: { target: 'idle', actions: assign({ enabled: true, lastError: null }) },
        onError: { target: 'disabled', actions: 'noteFailure' },
      },
    },
    disabling: {
      invoke: {
        id: 'radio',
        src: 'radio',
        input: { on: false },
        onDone: { target: 'disabled', actions: assign({ enabled: false, link: null, target: null, retryAt: null }) },
        onError: { target: 'idle', actions: 'noteFailure' },
      },
    },
    idle: {
      on: {
        READING: [
          { guard: 'radioOff', target: 'disabled', actions: 'takeReading' },
          // Joined outside skylapse, or already joined when skylapse started.
          { guard: 'linkUp', target: 'connected', actions: ['takeReading', assign({ target: ({ event }) => (event as { reading: NetworkReading }).reading.link!.ssid })] },
          { actions: 'takeReading' },
        ],
        SCAN: { target: 'scanning', actions: assign({ scanRefresh: ({ event }) => event.refresh }) },
        CONNECT: { target: 'connecting', actions: assign({ target: ({ event }) => event.ssid, lastError: null }) },
        DISABLE: 'disabling',
      },
    },
    scanning: {
      invoke: {
        id: 'scan',
        src: 'scan',
        input: ({ context }) => ({ refresh: context.scanRefresh }),
        onDone: [
          { guard: 'hasLink', target: 'connected', actions: assign({ networks: ({ event }) => event.output.networks, scannedAt: ({ event }) => event.output.wall }) },
          { target: 'idle', actions: assign({ networks: ({ event }) => event.output.networks, scannedAt: ({ event }) => event.output.wall }) },
        ],
        onError: [
          { guard: 'hasLink', target: 'connected', actions: 'noteFailure' },
          { target: 'idle', actions: 'noteFailure' },
        ],
      },
    },
    connecting: {
      invoke: {
        id: 'connect',
        src: 'connect',
        input: ({ context }) => ({ ssid: context.target ?? '', reconnect: false }),
        onDone: { target: 'connected', actions: 'connectedTo' },
        onError: { target: 'idle', actions: ['noteFailure', assign({ target: null, link: null })] },
      },
      // The old link may still show while NetworkManager switches: readings wait for the outcome.
      on: { READING: { actions: assign(({ event }) => ({ enabled: event.reading.enabled, ap: event.reading.ap, addresses: event.reading.addresses })) } },
    },
    connected: {
      on: {
        READING: [
          { guard: 'radioOff', target: 'disabled', actions: ['takeReading', assign({ target: null })] },
          { guard: 'linkDown', target: 'lost', actions: ['takeReading', 'noteLoss'] },
          { actions: 'takeReading' },
        ],
        SCAN: { target: 'scanning', actions: assign({ scanRefresh: ({ event }) => event.refresh }) },
        CONNECT: { target: 'connecting', actions: assign({ target: ({ event }) => event.ssid, lastError: null }) },
        DISCONNECT: 'disconnecting',
        DISABLE: 'disabling',
      },
    },
    disconnecting: {
      invoke: {
        id: 'disconnect',
        src: 'disconnect',
        onDone: { target: 'idle', actions: assign({ link: null, target: null }) },
        onError: { target: 'idle', actions: ['noteFailure', assign({ target: null })] },
      },
      on: { READING: { actions: assign(({ event }) => ({ enabled: event.reading.enabled, ap: event.reading.ap, addresses: event.reading.addresses })) } },
    },
    lost: {
      invoke: { id: 'deadline', src: 'deadline', input: ({ context }) => ({ at: context.retryAt ?? 0 }) },
      on: {
        TICK: 'reconnecting',
        READING: [
          { guard: 'radioOff', target: 'disabled', actions: ['takeReading', assign({ target: null, retryAt: null })] },
          // NetworkManager's own autoconnect got there first.
          { guard: 'linkUp', target: 'connected', actions: ['takeReading', assign({ attempt: 0, retryAt: null, lastError: null })] },
          { actions: 'takeReading' },
        ],
        CONNECT: { target: 'connecting', actions: assign({ target: ({ event }) => event.ssid, lastError: null, retryAt: null }) },
        DISCONNECT: 'disconnecting',
        DISABLE: 'disabling',
      },
    },
    reconnecting: {
      invoke: {
        id: 'connect',
        src: 'connect',
        input: ({ context }) => ({ ssid: context.target ?? '', reconnect: true }),
        onDone: { target: 'connected', actions: 'connectedTo' },
        onError: {
          target: 'lost',
          actions: [
            'noteFailure',
            assign(({ context, event }) => {
              const attempt = context.attempt + 1;
              const delay = reconnectDelaysMs[Math.min(attempt, reconnectDelaysMs.length - 1)] ?? 60_000;
              return { attempt, retryAt: asWifiFailure(event.error).mono + delay };
            }),
          ],
        },
      },
      on: { READING: { actions: assign(({ event }) => ({ enabled: event.reading.enabled, ap: event.reading.ap, addresses: event.reading.addresses })) } },
    },
  },
});

export type WifiMachine = typeof wifiMachine;
