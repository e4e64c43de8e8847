// The simulated camera body: battery, card, clock, settings, the shot engine, event queue and injected faults.
// Pure state on the injected clock; HTTP lives in routes.ts and index.ts.

import type { Clock } from '../../machines/clock.ts';
import { isBulb, parseTv } from '../ccapi/tv.ts';
import { formatCanonDatetime } from '../ccapi/datetime.ts';
import { abilityRefusal } from '../ccapi/notation.ts';
import { R50_SETTINGS } from './profile-r50.ts';
import type { SimProfile } from './profiles.ts';
import type { Quirk } from './quirks.ts';
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

/** Temperature states of `devicestatus/temperature` the simulator can be put in (docs/camera-notes.md §9). */
export const TEMPERATURES = ['normal', 'warning', 'disableshooting', 'disablerelease'] as const;
export type Temperature = (typeof TEMPERATURES)[number];

type SettingValue = { value: unknown; ability: unknown };

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
  temperature: Temperature;
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
  /** The storage's contents path, e.g. `/ccapi/ver130/contents/card1`. */
  readonly cardPath: string;
  /** `http://host:port` once listening: ver100 bodies answer with absolute URLs. */
  origin = '';
  private s!: {
    settings: Record<string, SettingValue>;
    temperature: Temperature;
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
    cardFile: string | undefined,
    readonly profile: SimProfile,
    readonly quirks: ReadonlySet<Quirk>,
  ) {
    this.cardPath = `${profile.contentsRoot}/${profile.storageName}`;
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
    const modes = { ...NO_MODES, rawJpeg: this.quirks.has('raw-jpeg'), instantPolls: this.quirks.has('instant-polls') };
    this.hub.instant = modes.instantPolls;
    this.hub.emptyAnswer = this.quirks.has('key-only-polls') ? { contents: {} } : {};
    this.writing = [];
    const settings: Record<string, SettingValue> = structuredClone(R50_SETTINGS);
    settings.tv = { ...settings.tv!, value: this.initialTv };
    this.s = {
      settings,
      temperature: 'normal',
      modes,
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
      tv: this.tv(),
      pollPending: this.hub.isPending,
      temperature: this.s.temperature,
    };
  }

  // ---- shutter ----

  /**
   * `shutterbutton` with a valid body, or a manual `full_press` (`manual`): starts a release, says why not, or (quirk
   * `never-busy`) ignores it. With Tv `bulb` only the manual press exposes, until endBulb().
   */
  pressShutter(how: 'button' | 'manual' = 'button'): Refusal | 'ignored' {
    this.s.pressRequests++;
    if (this.quirks.has('never-busy') && this.engine.phase !== 'idle') return 'ignored';
    if (this.s.temperature === 'disablerelease' || this.s.temperature === 'disableshooting') {
      // The real wording is not known (docs/camera-notes.md §9); the client keys on the temperature status.
      return { status: 503, message: `Temperature too high (${this.s.temperature})` };
    }
    if (this.s.busyNext > 0 || this.engine.phase !== 'idle') {
      if (this.s.busyNext > 0) this.s.busyNext--;
      this.s.busyRefusals++;
      return { status: 503, message: 'Device busy' };
    }
    const tv = this.tv();
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
    if (!isBulb(this.tv()) || !this.engine.endExposure()) return false;
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
    // Keys as a real R50's event after a shot (docs/camera-notes.md §12): the new file and `recordable`.
    const changes: Record<string, unknown> = { recordable: this.recordable() };
    if (this.batteryLevel() !== levelBefore) changes.battery = this.batteryBody();
    this.hub.publish(changes, this.quirks.has('no-addedcontents') ? [] : [this.ref(`${this.cardPath}/${name}`)]);
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
    const body = this.batteryBody();
    return this.quirks.has('battery-number') ? { ...body, level: Math.round(this.s.battery) } : body;
  }

  batteryList() {
    const level = this.s.ver100BatteryRead ? String(Math.round(this.s.battery)) : '100';
    return { batterylist: [{ position: 'camera', kind: 'battery', name: 'LP-E17', quality: 'good', level }] };
  }

  storage() {
    const q = this.quirks;
    const where = this.profile.absoluteUrls ? { url: this.ref(this.cardPath) } : q.has('storage-relative-url') ? { url: this.cardPath } : { path: this.cardPath };
    const count = q.has('storage-remainingshots') ? { remainingshots: this.recordable().recordableshots } : { contentsnumber: this.card.size };
    const entry = {
      name: this.profile.storageName,
      ...where,
      accesscapability: 'readwrite',
      maxsize: CARD_MAX,
      spacesize: this.cardFull() ? 0 : this.freeBytes(),
      ...count,
    };
    return { storagelist: [entry] };
  }

  currentStorage() {
    return { name: this.profile.storageName, path: this.ref(this.cardPath) };
  }

  currentDirectory() {
    const folder = this.card.currentFolder();
    return { name: folder, path: this.ref(`${this.cardPath}/${folder}`) };
  }

  /** A contents path as this body answers it: absolute URL on ver100 bodies, else as is. */
  ref(path: string): string {
    return this.profile.absoluteUrls ? `${this.origin}${path}` : path;
  }

  recordable() {
    const shots = this.cardFull() ? 0 : Math.min(9999, Math.floor(this.freeBytes() / FILE_BYTES));
    return { recordableshots: shots, remainingtime: null };
  }

  temperature() {
    return { status: this.s.temperature };
  }

  /** Temperature knob; announced in the event poll like a setting change. */
  setTemperature(t: Temperature): void {
    if (t === this.s.temperature) return;
    this.s.temperature = t;
    this.hub.publish({ temperature: this.temperature() });
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

  private tv(): string {
    return String(this.s.settings.tv!.value);
  }

  /** One setting's answer, or undefined when the body has no such setting. */
  setting(name: string): SettingValue | undefined {
    if (name === 'stillimagequality') return this.quality();
    const s = this.s.settings[name];
    return s && { value: s.value, ability: s.ability };
  }

  /** A settings PUT: 400 for values outside the ability, 503 while exposing or writing. */
  putSetting(name: string, value: unknown): Refusal {
    const current = this.setting(name);
    if (!current || value === undefined || abilityRefusal(value, current.ability) !== null) return { status: 400, message: 'Invalid parameter' };
    if (this.engine.phase !== 'idle') return { status: 503, message: 'During shooting or recording' };
    if (name === 'stillimagequality') {
      const q = value as { raw?: unknown };
      this.setModes({ rawJpeg: q.raw !== undefined && q.raw !== 'none' });
      return null;
    }
    this.s.settings[name] = { ...this.s.settings[name]!, value };
    this.hub.publish({ [name]: this.setting(name) });
    return null;
  }

  /** As if turned on the body: a new value (no ability check), announced in the event poll. */
  changeOnBody(name: string, value: unknown): void {
    const s = this.s.settings[name];
    if (!s) return;
    this.s.settings[name] = { ...s, value };
    this.hub.publish({ [name]: this.setting(name) });
  }

  /** Test hook: sets Tv without the ability/busy checks a PUT gets. */
  forceTv(tv: string): void {
    this.s.settings.tv = { ...this.s.settings.tv!, value: tv };
  }

  /** `shooting/settings`: every setting; ver110 adds image quality, as on the R50. */
  settings(version: 100 | 110) {
    const out: Record<string, unknown> = {};
    for (const name of Object.keys(this.s.settings)) out[name] = this.setting(name);
    if (version >= 110 || this.profile.name === 'ver100-only') out.stillimagequality = this.quality();
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
