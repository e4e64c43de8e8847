// The simulated camera body: battery, card, clock, settings, the shot engine, event queue and injected faults.
// Pure state on the injected clock; HTTP lives in routes.ts and index.ts.

import type { Clock } from '../../machines/clock.ts';
import { isBulb, parseTv } from '../ccapi/tv.ts';
import { formatCanonDatetime } from '../ccapi/datetime.ts';
import { PollHub } from './poll-hub.ts';
import { ShotEngine, fileNameFor, type ShotPhase } from './shot-engine.ts';
import { TimerSet } from './timers.ts';

export interface SimTimings {
  /** File write after the exposure, ms (JPEG ≈ 0.3–1 s, RAW+JPEG 2–2.6 s on real bodies). */
  writeMs: number;
  /** Delay before the shutter request is answered, ms (31–350 ms on real bodies). */
  pressLatencyMs: number;
  /** Poll hold for `timeout=short` (≈ 10 s) and `timeout=long` (≈ 30 s), ms. */
  pollShortMs: number;
  pollLongMs: number;
}

export const DEFAULT_TIMINGS: SimTimings = { writeMs: 250, pressLatencyMs: 30, pollShortMs: 10_000, pollLongMs: 30_000 };

/** Bytes one large fine JPEG takes on the card. */
const FILE_BYTES = 7_340_032;
const CARD_MAX = 63_992_496_128;
const CARD_FREE = 62_670_110_720;
/** Battery percent used per release (an LP-E17 gives a few hundred to a thousand shots). */
const DRAIN_PER_SHOT = 0.1;
const CARD_PATH = '/ccapi/ver130/contents/card1';

// Ability lists from the real R50 poll in camera-api.md §3.12.
export const TV_ABILITY = [
  'bulb', '30"', '25"', '20"', '15"', '13"', '10"', '8"', '6"', '5"', '4"', '3"2', '2"5', '2"', '1"6', '1"3', '1"',
  '0"8', '0"6', '0"5', '0"4', '0"3', '1/4', '1/5', '1/6', '1/8', '1/10', '1/13', '1/15', '1/20', '1/25', '1/30',
  '1/40', '1/50', '1/60', '1/80', '1/100', '1/125', '1/160', '1/200', '1/250', '1/320', '1/400', '1/500', '1/640',
  '1/800', '1/1000', '1/1250', '1/1600', '1/2000', '1/2500', '1/3200', '1/4000',
];
const AV_ABILITY = ['f5.0', 'f5.6', 'f6.3', 'f7.1', 'f8.0', 'f9.0', 'f10', 'f11', 'f13', 'f14', 'f16', 'f18', 'f20', 'f22', 'f25'];
const ISO_ABILITY = [
  'auto', '100', '125', '160', '200', '250', '320', '400', '500', '640', '800', '1000', '1250', '1600', '2000', '2500',
  '3200', '4000', '5000', '6400', '8000', '10000', '12800', '16000', '20000', '25600', '32000',
];
const ABILITY: Record<SettingName, string[]> = { tv: TV_ABILITY, av: AV_ABILITY, iso: ISO_ABILITY };

export type SettingName = 'tv' | 'av' | 'iso';

export interface SimState {
  shots: number;
  files: string[];
  /** Shutter requests received (well-formed ones, accepted or refused). */
  presses: number;
  /** Presses refused with `Device busy` (injected or because a shot was in progress). */
  busyRefusals: number;
  /** Mono time until which the camera is off the network, or null. Filled in by the server. */
  offlineUntil: number | null;
  cardFull: boolean;
  /** Battery percent. */
  battery: number;
  phase: ShotPhase;
  tv: string;
  pollPending: boolean;
}

/** A refusal as the camera words it; null means accepted. */
export type Refusal = { status: number; message: string } | null;

export class SimBody {
  readonly timers: TimerSet;
  readonly hub: PollHub;
  private readonly engine: ShotEngine;
  private readonly initialTv: string;
  private s!: {
    settings: Record<SettingName, string>;
    shots: number;
    files: string[];
    presses: number;
    busyRefusals: number;
    busyNext: number;
    cardFullForced: boolean;
    battery: number;
    freeBytes: number;
    contents: number;
    /** Quirk (camera-api.md §3.2): batterylist answers "100" until ver100 battery was read. */
    ver100BatteryRead: boolean;
    clock: { baseUtc: number; baseMono: number; stdOffsetMin: number; dst: boolean };
  };

  constructor(
    private readonly clock: Clock,
    readonly timings: SimTimings,
    tv: string,
  ) {
    this.timers = new TimerSet(clock);
    this.hub = new PollHub(this.timers);
    this.engine = new ShotEngine(this.timers, timings.writeMs, () => this.fileWritten());
    this.initialTv = tv;
    this.reset();
  }

  reset(): void {
    this.engine.cancel();
    this.hub.reset();
    this.s = {
      settings: { tv: this.initialTv, av: 'f5.6', iso: '1600' },
      shots: 0,
      files: [],
      presses: 0,
      busyRefusals: 0,
      busyNext: 0,
      cardFullForced: false,
      battery: 100,
      freeBytes: CARD_FREE,
      contents: 0,
      ver100BatteryRead: false,
      clock: { baseUtc: this.clock.wall(), baseMono: this.clock.mono(), stdOffsetMin: 0, dst: false },
    };
  }

  close(): void {
    this.engine.cancel();
    this.hub.reset();
    this.timers.cancelAll();
  }

  // ---- faults and inspection ----

  busyNext(n: number): void {
    this.s.busyNext = Math.max(0, Math.floor(n));
  }

  setCardFull(full: boolean): void {
    this.s.cardFullForced = full;
  }

  state(): SimState {
    return {
      shots: this.s.shots,
      files: [...this.s.files],
      presses: this.s.presses,
      busyRefusals: this.s.busyRefusals,
      offlineUntil: null,
      cardFull: this.cardFull(),
      battery: Math.round(this.s.battery * 10) / 10,
      phase: this.engine.phase,
      tv: this.s.settings.tv,
      pollPending: this.hub.isPending,
    };
  }

  // ---- shutter ----

  /** `shutterbutton` with a valid body: starts a release or says why not. */
  pressShutter(): Refusal {
    this.s.presses++;
    if (this.s.busyNext > 0 || this.engine.phase !== 'idle') {
      if (this.s.busyNext > 0) this.s.busyNext--;
      this.s.busyRefusals++;
      return { status: 503, message: 'Device busy' };
    }
    const tv = this.s.settings.tv;
    // Bulb needs shutterbutton/manual (client-timed); the plain button has no duration to use.
    if (isBulb(tv)) return { status: 503, message: 'Mode not supported' };
    if (this.cardFull()) return { status: 503, message: 'Can not write to card' };
    const seconds = parseTv(tv);
    if (seconds === null) return { status: 503, message: 'Mode not supported' };
    this.engine.start(seconds * 1000);
    return null;
  }

  private fileWritten(): void {
    this.s.shots++;
    this.s.contents++;
    this.s.freeBytes = Math.max(0, this.s.freeBytes - FILE_BYTES);
    const levelBefore = this.batteryLevel();
    this.s.battery = Math.max(0, this.s.battery - DRAIN_PER_SHOT);
    const name = fileNameFor(this.s.contents);
    this.s.files.push(name);
    const changes: Record<string, unknown> = { storage: this.storage(), recordable: this.recordable() };
    if (this.batteryLevel() !== levelBefore) changes.battery = this.batteryBody();
    this.hub.publish(changes, [`${CARD_PATH}/${name}`]);
  }

  // ---- status answers (camera-api.md §3 shapes) ----

  deviceInformation() {
    return {
      manufacturer: 'Canon Inc.',
      productname: 'Canon EOS R50',
      guid: '00000000-0000-0000-0001-7438B7E2735F',
      serialnumber: '012345678901',
      macaddress: '74:38:b7:e2:73:5f',
      firmwareversion: '1.1.0',
    };
  }

  battery() {
    this.s.ver100BatteryRead = true;
    return this.batteryBody();
  }

  batteryList() {
    const level = this.s.ver100BatteryRead ? String(Math.round(this.s.battery)) : '100';
    return { batterylist: [{ position: 'camera', kind: 'battery', name: 'LP-E17', quality: 'good', level }] };
  }

  storage() {
    return {
      storagelist: [
        {
          name: 'card1',
          path: CARD_PATH,
          accesscapability: 'readwrite',
          maxsize: CARD_MAX,
          spacesize: this.cardFull() ? 0 : this.s.freeBytes,
          contentsnumber: this.s.contents,
        },
      ],
    };
  }

  currentStorage() {
    return { name: 'card1', path: CARD_PATH };
  }

  currentDirectory() {
    const folder = fileNameFor(this.s.contents + 1).split('/')[0]!;
    return { name: folder, path: `${CARD_PATH}/${folder}` };
  }

  recordable() {
    const shots = this.cardFull() ? 0 : Math.min(9999, Math.floor(this.s.freeBytes / FILE_BYTES));
    return { recordableshots: shots, remainingtime: null };
  }

  temperature() {
    return { status: 'normal' };
  }

  lens() {
    return { mount: true, name: 'RF-S18-45mm F4.5-6.3 IS STM' };
  }

  datetime() {
    const c = this.s.clock;
    const utc = c.baseUtc + (this.clock.mono() - c.baseMono);
    return { datetime: formatCanonDatetime(utc, c.stdOffsetMin, c.dst), dst: c.dst };
  }

  /** Stores exactly what was PUT and lets it run on with the clock. */
  setDatetime(utcMs: number, stdOffsetMin: number, dst: boolean): void {
    this.s.clock = { baseUtc: utcMs, baseMono: this.clock.mono(), stdOffsetMin, dst };
  }

  setting(name: SettingName) {
    return { value: this.s.settings[name], ability: ABILITY[name] };
  }

  /** A settings PUT: 400 for values outside the ability, 503 while exposing or writing. */
  putSetting(name: SettingName, value: unknown): Refusal {
    if (typeof value !== 'string' || !ABILITY[name].includes(value)) return { status: 400, message: 'Invalid parameter' };
    if (this.engine.phase !== 'idle') return { status: 503, message: 'During shooting or recording' };
    this.s.settings[name] = value;
    this.hub.publish({ [name]: this.setting(name) });
    return null;
  }

  /** Test hook: sets Tv without the ability/busy checks a PUT gets. */
  forceTv(tv: string): void {
    this.s.settings.tv = tv;
  }

  settings(version: 100 | 110) {
    const out: Record<string, unknown> = {
      shootingmodedial: { value: 'm', ability: ['m'] },
      av: this.setting('av'),
      tv: this.setting('tv'),
      iso: this.setting('iso'),
      exposure: { value: '+0.0', ability: ['+0.0'] },
      wb: { value: 'daylight', ability: ['auto', 'daylight', 'shade', 'cloudy', 'tungsten', 'whitefluorescent', 'flash', 'custom', 'colortemp', 'awbwhite'] },
    };
    if (version >= 110) {
      out.stillimagequality = {
        value: { raw: 'none', jpeg: 'large_fine' },
        ability: {
          raw: ['none', 'raw', 'craw'],
          jpeg: ['none', 'large_fine', 'large_normal', 'medium_fine', 'medium_normal', 'small1_fine', 'small1_normal', 'small2'],
        },
      };
    }
    return out;
  }

  private cardFull(): boolean {
    return this.s.cardFullForced || this.s.freeBytes < FILE_BYTES;
  }

  private batteryLevel(): string {
    const p = this.s.battery;
    return p > 80 ? 'full' : p > 60 ? 'high' : p > 35 ? 'half' : p > 15 ? 'quarter' : 'low';
  }

  private batteryBody() {
    return { name: 'LP-E17', kind: 'battery', level: this.batteryLevel(), quality: 'good' };
  }
}
