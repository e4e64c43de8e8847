// CameraControls over CCAPI: the settings and the clock of the connected camera, and the settings its event poll
// reports (keys with a `value`: the R50 sends every setting of a group when one changes, docs/camera-notes.md §12).

import type { Logger } from 'pino';
import type { CameraClockAnswer, CameraControls } from '../../machines/camera-controls.ts';
import { CameraError } from '../../machines/camera-port.ts';
import type { SettingReading } from '../../machines/camera-settings.ts';
import type { CcapiClient, Setting } from './client.ts';
import { formatCanonDatetime } from './datetime.ts';

/** Event keys that look like settings but are not ones a photographer sets. */
const NOT_SETTINGS = /^(effective_value_|recordable$|storage$|battery$|temperature$)/;

const reading = (s: Setting): SettingReading => ({ value: s.value, ability: s.ability ?? null });

export class CcapiControls implements CameraControls {
  private readonly listeners = new Set<(settings: Record<string, SettingReading>) => void>();

  constructor(
    private readonly client: () => CcapiClient,
    private readonly logger?: Logger,
  ) {}

  async readSettings(): Promise<Record<string, SettingReading>> {
    const out: Record<string, SettingReading> = {};
    for (const [name, s] of Object.entries(await this.client().shootingSettings())) out[name] = reading(s);
    return out;
  }

  async readSetting(name: string): Promise<SettingReading> {
    const client = this.client();
    // Bodies without the single route (or with it GET-less) still list the setting in the aggregate.
    if (client.topology.has(client.settingFeature(name), 'get')) return reading(await client.setting(name));
    const all = await this.readSettings();
    const found = all[name];
    if (!found) throw new CameraError('NOT_SUPPORTED', `the camera has no setting "${name}"`, false);
    return found;
  }

  writeSetting(name: string, value: unknown): Promise<unknown> {
    return this.client().putSetting(name, value);
  }

  readClock(): Promise<CameraClockAnswer> {
    return this.client().datetime();
  }

  writeClock(utcMs: number, stdOffsetMin: number, dst: boolean): Promise<void> {
    return this.client().putDatetime(formatCanonDatetime(utcMs, stdOffsetMin, dst), dst);
  }

  onSettings(listener: (settings: Record<string, SettingReading>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** One event-poll body: hands its settings to the listeners. */
  ingest(event: Record<string, unknown>): void {
    const settings: Record<string, SettingReading> = {};
    for (const [name, v] of Object.entries(event)) {
      if (NOT_SETTINGS.test(name) || !v || typeof v !== 'object' || !('value' in v)) continue;
      settings[name] = reading(v as Setting);
    }
    if (Object.keys(settings).length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(settings);
      } catch (err) {
        this.logger?.error({ err }, 'settings listener threw');
      }
    }
  }
}
