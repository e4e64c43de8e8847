// The simulated camera body: battery, card, clock, settings, the shot engine, event queue and injected faults.
// Pure state on the injected clock; HTTP lives in routes.ts and index.ts.

import type { Clock } from '../../machines/clock.ts';
import { isBulb, parseTv } from '../ccapi/tv.ts';
import { formatCanonDatetime } from '../ccapi/datetime.ts';
import { SimCard, fileNameFor } from './card.ts';
import { PollHub } from './poll-hub.ts';
import { ShotEngine, type ShotPhase } from './shot-engine.ts';
import { TimerSet } from './timers.ts';

export interface SimTimings {
  /** File write after the exposure, ms (JPEG ≈ 0.3–1 s, RAW+JPEG 2–2.6 s on real bodies). */
  writeMs: number;
  /** Delay before the shutter request is answered, ms (31–350 ms on real bodies). */
  pressLatencyMs: number;
  /** Poll hold for `timeout=short` (≈ 10 s) and `timeout=long` (≈ 30 s), ms. */
  pollShortMs: number;
  pollLongMs: number;
  /** RAW+JPEG: the JPG is closed this long after the CR3 (≈ 500 ms on real bodies). */
  rawJpegGapMs: number;
}

export const DEFAULT_TIMINGS: SimTimings = {
  writeMs: 250,
  pressLatencyMs: 30,
  pollShortMs: 10_000,
  pollLongMs: 30_000,
  rawJpegGapMs: 500,
};

/** Behaviours a test or the bench switches on; all off after reset(). */
export interface SimModes {
  /** Two files per release, `.CR3` then `.JPG` with the same number. */
  rawJpeg: boolean;
  /** Long-exposure noise reduction: the camera stays busy this long after the exposure before writing. */
  noiseReductionMs: number;
  /** Event polls answer at once whatever their `timeout` (`{}` when nothing changed), like a camera that never holds. */
  instantPolls: boolean;
}
const NO_MODES: SimModes = { rawJpeg: false, noiseReductionMs: 0, instantPolls: false };

/** Bytes one large fine JPEG takes on the card. */
const FILE_BYTES = 7_340_032;
const CARD_MAX = 63_992_496_128;
const CARD_FREE = 62_670_110_720;
/** Battery percent used per release (an LP-E17 gives a few hundred to a thousand shots). */
const DRAIN_PER_SHOT = 0.1;
export const CARD_PATH = '/ccapi/ver130/contents/card1';

// Ability lists from a real R50's event-poll answer (docs/camera-notes.md §11).
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

export interface SimState extends SimModes {
  /** Releases whose files were all written since start or reset. */
  shots: number;
  /** Every file on the card, oldest first (`100CANON/IMG_0001.JPG`); kept across reset and, with a card file, restarts. */
  card: string[];
  /** Every press that fired an exposure since start or reset. */
  presses: Array<{ wall: number; mono: number }>;
  /** Bulb exposures since start or reset: when the shutter opened and closed (null while open), sim clock. */
  bulbs: Array<{ openMono: number; closeMono: number | null }>;
  /** Shutter requests received (well-formed ones, accepted or refused). */
  pressRequests: number;
  /** Presses still to be dropped after firing (see dropAfterFire). */
  dropAfterFire: number;
  /** Event poll GETs received. */
  polls: number;
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
  readonly card: SimCard;
  private readonly engine: ShotEngine;
  private readonly initialTv: string;
  /** Names of the release being written, one per file. */
  private writing: string[] = [];
  private s!: {
    settings: Record<SettingName, string>;
    modes: SimModes;
    shots: number;
    presses: Array<{ wall: number; mono: number }>;
    bulbs: Array<{ openMono: number; closeMono: number | null }>;
    pressRequests: number;
    busyRefusals: number;
    busyNext: number;
    dropAfterFire: number;
    polls: number;
    cardFullForced: boolean;
    battery: number;
    /** Quirk (docs/camera-notes.md §9): batterylist answers "100" until ver100 battery was read. */
    ver100BatteryRead: boolean;
    clock: { baseUtc: number; baseMono: number; stdOffsetMin: number; dst: boolean };
  };

  constructor(
    private readonly clock: Clock,
    readonly timings: SimTimings,
    tv: string,
    cardFile?: string,
  ) {
    this.timers = new TimerSet(clock);
    this.hub = new PollHub(this.timers);
    this.card = new SimCard(cardFile);
    this.engine = new ShotEngine(this.timers, (index) => this.fileWritten(index));
    this.initialTv = tv;
    this.reset();
  }

  /** Back to the state at start, faults and modes off. The card stays: resetting a camera does not format it. */
  reset(): void {
    this.engine.cancel();
    this.hub.reset();
    this.hub.instant = false;
    this.writing = [];
    this.s = {
      settings: { tv: this.initialTv, av: 'f5.6', iso: '1600' },
      modes: { ...NO_MODES },
      shots: 0,
      presses: [],
      bulbs: [],
      pressRequests: 0,
      busyRefusals: 0,
      busyNext: 0,
      dropAfterFire: 0,
      polls: 0,
      cardFullForced: false,
      battery: 100,
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

  /** The next n presses that fire have their connection dropped instead of answered. */
  dropAfterFire(n: number): void {
    this.s.dropAfterFire = Math.max(0, Math.floor(n));
  }

  /** After a press fired: whether to drop its connection (uses up one dropAfterFire). */
  takeDrop(): boolean {
    if (this.s.dropAfterFire === 0) return false;
    this.s.dropAfterFire--;
    return true;
  }

  setModes(modes: Partial<SimModes>): void {
    const rawBefore = this.s.modes.rawJpeg;
    Object.assign(this.s.modes, modes);
    this.hub.instant = this.s.modes.instantPolls;
    // A quality change is an event like any setting PUT, so a client learns how many files a release makes.
    if (this.s.modes.rawJpeg !== rawBefore) this.hub.publish({ stillimagequality: this.quality() });
  }

  get modes(): Readonly<SimModes> {
    return this.s.modes;
  }

  countPoll(): void {
    this.s.polls++;
  }

  get phase(): ShotPhase {
    return this.engine.phase;
  }

  state(): SimState {
    return {
      ...this.s.modes,
      shots: this.s.shots,
      card: this.card.entries().map((f) => f.name),
      presses: this.s.presses.map((p) => ({ ...p })),
      bulbs: this.s.bulbs.map((b) => ({ ...b })),
      pressRequests: this.s.pressRequests,
      dropAfterFire: this.s.dropAfterFire,
      polls: this.s.polls,
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

  /**
   * `shutterbutton` with a valid body, or a manual `full_press` (`manual`): starts a release or says why not. With
   * Tv `bulb` only the manual press exposes, until endBulb().
   */
  pressShutter(how: 'button' | 'manual' = 'button'): Refusal {
    this.s.pressRequests++;
    if (this.s.busyNext > 0 || this.engine.phase !== 'idle') {
      if (this.s.busyNext > 0) this.s.busyNext--;
      this.s.busyRefusals++;
      return { status: 503, message: 'Device busy' };
    }
    const tv = this.s.settings.tv;
    // Bulb needs shutterbutton/manual (client-timed); the plain button has no duration to use.
    const bulb = isBulb(tv);
    if (bulb && how === 'button') return { status: 503, message: 'Mode not supported' };
    if (this.cardFull()) return { status: 503, message: 'Can not write to card' };
    const seconds = parseTv(tv);
    if (seconds === null && !bulb) return { status: 503, message: 'Mode not supported' };
    const { rawJpeg, noiseReductionMs } = this.s.modes;
    const seq = this.card.takeNumber();
    this.writing = rawJpeg ? [fileNameFor(seq, 'CR3'), fileNameFor(seq, 'JPG')] : [fileNameFor(seq, 'JPG')];
    this.s.presses.push({ wall: this.clock.wall(), mono: this.clock.mono() });
    if (bulb) this.s.bulbs.push({ openMono: this.clock.mono(), closeMono: null });
    this.engine.start({
      exposureMs: seconds === null ? null : seconds * 1000,
      processingMs: noiseReductionMs,
      writeMs: rawJpeg ? [this.timings.writeMs, this.timings.rawJpegGapMs] : [this.timings.writeMs],
    });
    return null;
  }

  /** A manual `release`: closes a bulb exposure; false when none was open. */
  endBulb(): boolean {
    if (!isBulb(this.s.settings.tv) || !this.engine.endExposure()) return false;
    const open = this.s.bulbs.at(-1);
    if (open && open.closeMono === null) open.closeMono = this.clock.mono();
    return true;
  }

  /** Each file is its own event, about 0.5 s apart for RAW+JPEG (docs/camera-notes.md, "Files of a release"). */
  private fileWritten(index: number): void {
    const name = this.writing[index]!;
    this.card.add(name, this.cameraUtc());
    if (index === this.writing.length - 1) this.s.shots++;
    const levelBefore = this.batteryLevel();
    this.s.battery = Math.max(0, this.s.battery - DRAIN_PER_SHOT / this.writing.length);
    const changes: Record<string, unknown> = { storage: this.storage(), recordable: this.recordable() };
    if (this.batteryLevel() !== levelBefore) changes.battery = this.batteryBody();
    this.hub.publish(changes, [`${CARD_PATH}/${name}`]);
  }

  // ---- status answers (shapes in docs/camera-notes.md §9, §10) ----

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
          spacesize: this.cardFull() ? 0 : this.freeBytes(),
          contentsnumber: this.card.size,
        },
      ],
    };
  }

  currentStorage() {
    return { name: 'card1', path: CARD_PATH };
  }

  currentDirectory() {
    const folder = this.card.currentFolder();
    return { name: folder, path: `${CARD_PATH}/${folder}` };
  }

  recordable() {
    const shots = this.cardFull() ? 0 : Math.min(9999, Math.floor(this.freeBytes() / FILE_BYTES));
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
    return { datetime: formatCanonDatetime(this.cameraUtc(), c.stdOffsetMin, c.dst), dst: c.dst };
  }

  /** `lastmodifieddate` of a file: the camera's local wall time, labelled GMT as real bodies do (docs/camera-notes.md). */
  lastModified(writtenAt: number): string {
    const c = this.s.clock;
    return formatCanonDatetime(writtenAt, c.stdOffsetMin, c.dst).replace(/ [+-]\d{4}$/, ' GMT');
  }

  /** The instant the camera's clock shows now. */
  private cameraUtc(): number {
    const c = this.s.clock;
    return c.baseUtc + (this.clock.mono() - c.baseMono);
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
    if (version >= 110) out.stillimagequality = this.quality();
    return out;
  }

  private quality() {
    return {
      value: { raw: this.s.modes.rawJpeg ? 'raw' : 'none', jpeg: 'large_fine' },
      ability: {
        raw: ['none', 'raw', 'craw'],
        jpeg: ['none', 'large_fine', 'large_normal', 'medium_fine', 'medium_normal', 'small1_fine', 'small1_normal', 'small2'],
      },
    };
  }

  private freeBytes(): number {
    return Math.max(0, CARD_FREE - this.card.size * FILE_BYTES);
  }

  private cardFull(): boolean {
    return this.s.cardFullForced || this.freeBytes() < FILE_BYTES;
  }

  private batteryLevel(): string {
    const p = this.s.battery;
    return p > 80 ? 'full' : p > 60 ? 'high' : p > 35 ? 'half' : p > 15 ? 'quarter' : 'low';
  }

  private batteryBody() {
    return { name: 'LP-E17', kind: 'battery', level: this.batteryLevel(), quality: 'good' };
  }
}
