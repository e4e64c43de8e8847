// What the camera settings and clock feature needs from a camera, beside CameraPort. CcapiCamera provides it;
// a camera without it (a test fake) has no settings or clock commands.
import type { SettingReading } from './camera-settings.ts';

export interface CameraClockAnswer {
  datetime: string;
  dst: boolean;
  /** The instant the camera's clock shows, or null when its text is not in the camera's format. */
  utcMs: number | null;
  stdOffsetMin: number | null;
}

export interface CameraControls {
  /** Every shooting setting with its value and ability. */
  readSettings(): Promise<Record<string, SettingReading>>;
  /** One setting, read fresh (its ability may depend on the mode dial). */
  readSetting(name: string): Promise<SettingReading>;
  /** PUT as is; the caller checked the value against the ability. Answers the value the camera now has. */
  writeSetting(name: string, value: unknown): Promise<unknown>;
  readClock(): Promise<CameraClockAnswer>;
  /** Sets the camera's clock: the instant, the zone's standard offset and whether DST is in effect. */
  writeClock(utcMs: number, stdOffsetMin: number, dst: boolean): Promise<void>;
  /** Settings the camera reported in its events (changed on the body, or echoing a PUT). Returns the unsubscribe. */
  onSettings(listener: (settings: Record<string, SettingReading>) => void): () => void;
}
