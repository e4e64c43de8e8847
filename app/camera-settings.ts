// The camera's shooting settings and clock, for the phone: read them, change them (checked against what the camera
// accepts first), and tell everyone when they change, on the phone or on the body. What is learned is logged as
// stream `camera-settings` (machines/camera-settings.ts), so every broadcast is a stored fact.
import type { Logger } from 'pino';
import { cameraZoneAt, formatOffset } from '../adapters/ccapi/datetime.ts';
import { abilityRefusal, settingNumber } from '../adapters/ccapi/notation.ts';
import type { CameraControls } from '../machines/camera-controls.ts';
import { CameraError } from '../machines/camera-port.ts';
import {
  CAMERA_SETTINGS_MACHINE_VERSION,
  cameraSettingsMachine,
  type CameraSettingsFact,
  type CameraSettingsMachine,
  type ClockReading,
  type SettingReading,
  type SettingSource,
} from '../machines/camera-settings.ts';
import type { Clock } from '../machines/clock.ts';
import { INIT_EVENT } from '../machines/replay.ts';
import type { EventLog } from '../store/event-log.ts';
import { JournaledStream } from '../store/journal.ts';
import { ProtocolError, type Broadcast } from '../transport/protocol.ts';

export const CAMERA_SETTINGS_STREAM = 'camera-settings';

export interface CameraSettingsOptions {
  log: EventLog;
  clock: Clock;
  logger: Logger;
  /** The connected camera's controls, or null when it has none. */
  controls: () => CameraControls | null;
  /** Throws CAMERA_OFFLINE when the camera is not connected. */
  requireCamera: () => void;
  emit: (b: Broadcast) => void;
}

/** A setting as clients see it: Canon's value and ability, and the number behind the value where there is one. */
export function settingView(name: string, r: SettingReading) {
  return { name, value: r.value, ability: r.ability, number: settingNumber(name, r.value) };
}

/** The camera's clock as clients see it. */
export function clockView(c: ClockReading) {
  return {
    datetime: c.datetime,
    dst: c.dst,
    cameraTime: c.cameraUtcMs === null ? null : new Date(c.cameraUtcMs).toISOString(),
    piTime: new Date(c.piUtcMs).toISOString(),
    offsetMs: c.offsetMs,
  };
}

/** The broadcast of one stored settings fact. */
export function cameraSettingsBroadcast(seq: number, at: number, f: CameraSettingsFact): Broadcast {
  const timestamp = new Date(at).toISOString();
  if (f.type === 'camera.setting_changed') {
    return { type: 'camera_setting_changed', seq, timestamp, data: { setting: settingView(f.name, f.reading), previous: f.previous, source: f.source } };
  }
  return { type: 'camera_clock_offset', seq, timestamp, data: { clock: clockView(f.clock) } };
}

/** A camera failure as one protocol error, with the camera's words. */
function cameraFailure(err: unknown, what: string): ProtocolError {
  if (err instanceof ProtocolError) return err;
  if (!(err instanceof CameraError)) return new ProtocolError('INTERNAL_ERROR', `${what}: ${err instanceof Error ? err.message : String(err)}`);
  const details = { cameraCode: err.code, status: err.status ?? null };
  if (err.code === 'BUSY') return new ProtocolError('CAMERA_BUSY', `${what}: the camera is busy (${err.message})`, details);
  if (err.code === 'UNREACHABLE' || err.code === 'TIMEOUT') return new ProtocolError('CAMERA_OFFLINE', `${what}: ${err.message}`, details);
  return new ProtocolError('CAMERA_ERROR', `${what}: the camera refused (${err.message})`, details);
}

export class CameraSettingsFeature {
  private journal?: JournaledStream<CameraSettingsMachine>;
  private unsubscribe?: () => void;
  /** Values being PUT: the camera's echo in its event poll (often before the PUT's answer) is ours, not the body's. */
  private readonly writing = new Map<string, string>();

  /** The camera's clock: read it, or set it (issue 10's automatic sync calls these too). */
  readonly clock = {
    read: () => this.readClock(),
    set: (opts: { iso?: string; timeZone?: string } = {}) => this.setClock(opts),
  };

  constructor(private readonly o: CameraSettingsOptions) {}

  start(): void {
    this.journal = new JournaledStream(cameraSettingsMachine, CAMERA_SETTINGS_STREAM, this.o.log, this.o.clock, {
      machineVersion: CAMERA_SETTINGS_MACHINE_VERSION,
      foldFromLastStart: true,
      onTransition: (t) => {
        for (const fact of t.recorded.facts) this.o.emit(cameraSettingsBroadcast(fact.seq, fact.at, fact.data as CameraSettingsFact));
      },
    });
    // What the last process knew is stale: the body may have been changed while nobody watched.
    this.journal.record({ type: INIT_EVENT, input: {} });
    this.unsubscribe = this.o.controls()?.onSettings((settings) => this.learn(settings, 'camera'));
  }

  stop(): void {
    this.unsubscribe?.();
  }

  /** The camera's clock minus the Pi's at the last reading, ms; null before one. */
  lastClockOffsetMs(): number | null {
    return this.journal?.snapshot?.context.clock?.offsetMs ?? null;
  }

  async getSettings() {
    const controls = this.controls();
    let settings: Record<string, SettingReading>;
    try {
      settings = await controls.readSettings();
    } catch (err) {
      throw cameraFailure(err, 'Reading the camera settings');
    }
    this.learn(settings, 'camera');
    return { settings: Object.entries(settings).map(([name, r]) => settingView(name, r)) };
  }

  async setSetting(name: string, value: unknown) {
    const controls = this.controls();
    let current: SettingReading;
    try {
      current = await controls.readSetting(name);
    } catch (err) {
      if (err instanceof CameraError && err.code === 'NOT_SUPPORTED') {
        throw new ProtocolError('VALIDATION_ERROR', `The camera has no setting "${name}"`, { name });
      }
      throw cameraFailure(err, `Reading ${name}`);
    }
    const refusal = abilityRefusal(value, current.ability);
    if (refusal) {
      throw new ProtocolError('VALIDATION_ERROR', `The camera does not accept ${name} = ${JSON.stringify(value)} now: ${refusal}`, {
        name,
        value,
        ability: current.ability,
      });
    }
    let answered: unknown = value;
    if (JSON.stringify(current.value) !== JSON.stringify(value)) {
      this.writing.set(name, JSON.stringify(value));
      try {
        answered = await controls.writeSetting(name, value);
      } catch (err) {
        throw cameraFailure(err, `Setting ${name} to ${JSON.stringify(value)}`);
      } finally {
        this.writing.delete(name);
      }
    }
    const reading = { value: answered, ability: current.ability };
    this.record(name, reading, 'skylapse');
    return { setting: settingView(name, reading) };
  }

  private async readClock() {
    const controls = this.controls();
    const sent = this.o.clock.wall();
    let answer;
    try {
      answer = await controls.readClock();
    } catch (err) {
      throw cameraFailure(err, "Reading the camera's clock");
    }
    // The answer's moment is somewhere in the round trip: its middle is the best guess.
    const piUtcMs = Math.round((sent + this.o.clock.wall()) / 2);
    const clock: ClockReading = {
      datetime: answer.datetime,
      dst: answer.dst,
      cameraUtcMs: answer.utcMs,
      piUtcMs,
      offsetMs: answer.utcMs === null ? null : answer.utcMs - piUtcMs,
    };
    this.journal?.record({ type: 'CLOCK_READ', clock, wall: this.o.clock.wall() });
    return { clock: clockView(clock) };
  }

  /**
   * Sets the camera's clock to `iso` (default: the Pi's time now). The zone is `timeZone` (IANA) when given, else
   * the offset written in `iso` taken as standard time, else the Pi's zone; DST is known only from a zone name.
   */
  private async setClock(opts: { iso?: string; timeZone?: string }) {
    const controls = this.controls();
    const utcMs = opts.iso === undefined ? this.o.clock.wall() : Date.parse(opts.iso);
    if (!Number.isFinite(utcMs)) throw new ProtocolError('VALIDATION_ERROR', `Not a date and time: ${opts.iso}`);
    const written = opts.iso === undefined ? null : /([+-])(\d{2}):?(\d{2})$/.exec(opts.iso);
    const zone =
      opts.timeZone !== undefined || written === null
        ? cameraZoneAt(utcMs, opts.timeZone)
        : { stdOffsetMin: (written[1] === '-' ? -1 : 1) * (Number(written[2]) * 60 + Number(written[3])), dst: false };
    try {
      await controls.writeClock(utcMs, zone.stdOffsetMin, zone.dst);
    } catch (err) {
      throw cameraFailure(err, "Setting the camera's clock");
    }
    this.o.logger.info({ offset: formatOffset(zone.stdOffsetMin), dst: zone.dst }, 'camera clock set');
    return this.readClock();
  }

  private controls(): CameraControls {
    this.o.requireCamera();
    const controls = this.o.controls();
    if (!controls) throw new ProtocolError('CAMERA_ERROR', 'This camera offers no settings or clock control');
    return controls;
  }

  private learn(settings: Record<string, SettingReading>, source: SettingSource): void {
    for (const [name, reading] of Object.entries(settings)) {
      const ours = this.writing.get(name) === JSON.stringify(reading.value);
      this.record(name, reading, ours ? 'skylapse' : source);
    }
  }

  private record(name: string, reading: SettingReading, source: SettingSource): void {
    try {
      this.journal?.record({ type: 'SETTING_READ', name, reading, source, wall: this.o.clock.wall() });
    } catch (err) {
      this.o.logger.error({ err, name }, 'could not log a camera setting');
    }
  }
}
