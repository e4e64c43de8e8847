// What the camera's shooting settings and clock are, as skylapse last learned them: logged as stream
// `camera-settings`, started afresh at every boot. Pure: readings arrive in events, stamped by the adapter; a
// reading that changes nothing is not logged, so the camera's event poll repeating every setting costs nothing,
// and a setting learned for the first time is logged without a fact (nothing changed for anyone).
import { assign, emit, setup } from 'xstate';

export const CAMERA_SETTINGS_MACHINE_VERSION = 'camera-settings@1';

export interface SettingReading {
  /** As the camera says it (`1/125`, `f5.6`, `auto`, 5200, `{raw, jpeg}` …). */
  value: unknown;
  /** The values the camera accepts now: a list, a `{min, max, step}` range, per-part abilities, or null. */
  ability: unknown;
}

/** Who changed a setting: a command from the phone, or the camera (its dial or menu, seen through the event poll). */
export type SettingSource = 'skylapse' | 'camera';

export interface ClockReading {
  /** The camera's own text and flag, e.g. `Tue, 01 Jan 2019 01:23:45 +0530`, false. */
  datetime: string;
  dst: boolean;
  /** The instant the camera's clock showed, or null when its text was unreadable. */
  cameraUtcMs: number | null;
  /** The Pi's clock at the same moment (midpoint of the request). */
  piUtcMs: number;
  /** Camera minus Pi, ms (the camera's clock has whole seconds); null when unreadable. */
  offsetMs: number | null;
}

export interface CameraSettingsContext {
  settings: Record<string, SettingReading>;
  clock: ClockReading | null;
}

export type CameraSettingsEvent =
  | { type: 'SETTING_READ'; name: string; reading: SettingReading; source: SettingSource; wall: number }
  | { type: 'CLOCK_READ'; clock: ClockReading; wall: number };

export type CameraSettingsFact =
  | { type: 'camera.setting_changed'; name: string; reading: SettingReading; previous: unknown; source: SettingSource; at: number }
  | { type: 'camera.clock_offset'; clock: ClockReading; at: number };

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export const cameraSettingsMachine = setup({
  types: {
    context: {} as CameraSettingsContext,
    events: {} as CameraSettingsEvent,
    emitted: {} as CameraSettingsFact,
  },
  guards: {
    settingUnknown: ({ context, event }) => event.type === 'SETTING_READ' && !Object.hasOwn(context.settings, event.name),
    settingDiffers: ({ context, event }) => event.type === 'SETTING_READ' && !same(context.settings[event.name], event.reading),
  },
  actions: {
    learnSetting: assign({
      settings: ({ context, event }) => (event.type === 'SETTING_READ' ? { ...context.settings, [event.name]: event.reading } : context.settings),
    }),
  },
}).createMachine({
  id: 'camera-settings',
  context: { settings: {}, clock: null },
  initial: 'known',
  states: {
    known: {
      on: {
        SETTING_READ: [
          // First learned (at connect, after a restart): known now, but nothing changed for anyone.
          { guard: 'settingUnknown', actions: 'learnSetting' },
          {
            guard: 'settingDiffers',
            actions: [
              emit(({ context, event }) => ({
                type: 'camera.setting_changed' as const,
                name: event.name,
                reading: event.reading,
                previous: context.settings[event.name]?.value ?? null,
                source: event.source,
                at: event.wall,
              })),
              'learnSetting',
            ],
          },
        ],
        CLOCK_READ: {
          actions: [
            emit(({ event }) => ({ type: 'camera.clock_offset' as const, clock: event.clock, at: event.wall })),
            assign({ clock: ({ event }) => event.clock }),
          ],
        },
      },
    },
  },
});

export type CameraSettingsMachine = typeof cameraSettingsMachine;
