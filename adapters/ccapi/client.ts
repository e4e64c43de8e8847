// Typed CCAPI endpoints. Every path comes from the negotiated topology, so a feature the body does not advertise
// fails with NOT_SUPPORTED before any request is sent.

import type { Logger } from 'pino';
import { CameraError, type CameraInfo } from '../../machines/camera-port.ts';
import { CcapiError, cameraMessageOf, protocolError } from './errors.ts';
import type { Priority } from './command-lane.ts';
import type { CcapiHttp, HttpMethod, Lane } from './http.ts';
import {
  BatteryListSchema,
  BatterySchema,
  ContentsInfoSchema,
  ContentsListSchema,
  ContentsNumberSchema,
  DatetimeSchema,
  DeviceInfoSchema,
  EventSchema,
  SettingsSchema,
  StorageSchema,
  TemperatureSchema,
  parseAnswer,
} from './schemas.ts';
import { Topology, type Method } from './topology.ts';
import { parseCanonDatetime } from './datetime.ts';

export interface CcapiTimeouts {
  /** Status, settings, topology, DELETE of the poll. */
  statusMs: number;
  /** Shutter press; the camera adapter adds Tv: some bodies answer only after the exposure (docs/camera-notes.md §3). */
  shutterMs: number;
  /** How long the camera holds `timeout=long` (≈ 30 s); the request timeout is hold + slack. */
  pollHoldMs: number;
  pollSlackMs: number;
}

export const DEFAULT_TIMEOUTS: CcapiTimeouts = { statusMs: 5_000, shutterMs: 10_000, pollHoldMs: 30_000, pollSlackMs: 5_000 };

export interface Battery {
  kind: string;
  name: string;
  level: string;
  quality: string;
}
export interface BatteryListEntry extends Battery {
  position: string;
}
export interface StorageEntry {
  name: string;
  /** Contents path (relative on ver110+ bodies, absolute URL on ver100 bodies). */
  path: string;
  accesscapability: string | null;
  maxsize: number;
  spacesize: number;
  /** Null on bodies that leave it out (some give `remainingshots` instead). */
  contentsnumber: number | null;
  remainingshots: number | null;
}
export interface Setting {
  value: unknown;
  ability?: unknown;
}
export interface CameraDatetime {
  datetime: string;
  dst: boolean;
  /** The instant the camera's clock shows, or null when its string is not in the expected format. */
  utcMs: number | null;
  stdOffsetMin: number | null;
}
/** `timeout` = ver110+ (`?timeout=long`); `continue` = ver100 bodies (`?continue=on`, held until an event). */
export type PollDialect = 'timeout' | 'continue';

export class CcapiClient {
  private topo: Topology | null = null;
  /** The camera answered 422 to `{af: false}`: every press asks for autofocus. */
  private afRequired = false;

  constructor(
    readonly http: CcapiHttp,
    readonly timeouts: CcapiTimeouts = DEFAULT_TIMEOUTS,
    private readonly logger?: Logger,
  ) {}

  get topology(): Topology {
    if (!this.topo) throw new CcapiError('REJECTED', 'topology not read yet: call negotiate() first', false, undefined, null, 'not-sent');
    return this.topo;
  }

  /** Reads `GET /ccapi` and keeps the feature map for every later call. */
  async negotiate(): Promise<Topology> {
    const json = await this.http.request('command', 'GET', this.http.baseUrl, {
      context: 'topology',
      timeoutMs: this.timeouts.statusMs,
    });
    this.topo = Topology.parse(json);
    this.logger?.debug({ features: this.topo.features().length }, 'ccapi topology');
    return this.topo;
  }

  private async call(
    method: HttpMethod,
    feature: string,
    opts: { lane?: Lane; timeoutMs?: number; body?: unknown; query?: string; signal?: AbortSignal; priority?: Priority } = {},
  ): Promise<unknown> {
    const verb = method.toLowerCase() as Method;
    let endpoint = this.topology.resolve(feature, verb);
    for (;;) {
      try {
        return await this.http.request(opts.lane ?? 'command', method, endpoint.path + (opts.query ?? ''), {
          context: feature,
          timeoutMs: opts.timeoutMs ?? this.timeouts.statusMs,
          body: opts.body,
          signal: opts.signal,
          priority: opts.priority,
        });
      } catch (err) {
        // An advertised version that is not there (some emulators list routes they do not serve): the next older one.
        const older = err instanceof CameraError && err.status === 404 ? this.topology.demote(endpoint, verb) : null;
        if (!older) throw err;
        this.logger?.warn({ feature, advertised: endpoint.version, using: older.version }, 'ccapi route answered 404; using the older version');
        endpoint = older;
      }
    }
  }

  async deviceInformation(): Promise<CameraInfo> {
    const d = parseAnswer(DeviceInfoSchema, await this.call('GET', 'deviceinformation'), 'deviceinformation');
    const info: CameraInfo = {
      manufacturer: d.manufacturer,
      productname: d.productname,
      serialnumber: d.serialnumber,
      firmwareversion: d.firmwareversion,
    };
    if (d.macaddress !== undefined) info.macaddress = d.macaddress;
    return info;
  }

  /** ver100 `devicestatus/battery`: the authority on the R50 (batterylist can be stale, docs/camera-notes.md §9). */
  async battery(): Promise<Battery> {
    return parseAnswer(BatterySchema, await this.call('GET', 'devicestatus/battery'), 'devicestatus/battery');
  }

  async batteryList(): Promise<BatteryListEntry[]> {
    const json = await this.call('GET', 'devicestatus/batterylist');
    return parseAnswer(BatteryListSchema, json, 'devicestatus/batterylist').batterylist;
  }

  async storage(): Promise<StorageEntry[]> {
    const json = await this.call('GET', 'devicestatus/storage');
    return parseAnswer(StorageSchema, json, 'devicestatus/storage').storagelist.map((s) => ({
      name: s.name,
      path: s.path ?? s.url ?? '',
      accesscapability: s.accesscapability ?? null,
      maxsize: s.maxsize,
      spacesize: s.spacesize,
      contentsnumber: s.contentsnumber ?? null,
      remainingshots: s.remainingshots ?? null,
    }));
  }

  async temperature(): Promise<string> {
    const json = await this.call('GET', 'devicestatus/temperature');
    return parseAnswer(TemperatureSchema, json, 'devicestatus/temperature').status;
  }

  /**
   * Every shooting setting, keyed as the camera names them (`/` → `_`): the aggregate route (newest version that
   * answers), or one request per advertised single-setting route when the body has no aggregate.
   */
  async shootingSettings(): Promise<Record<string, Setting>> {
    let json: Record<string, unknown>;
    try {
      json = parseAnswer(SettingsSchema, await this.call('GET', 'shooting/settings'), 'shooting/settings');
    } catch (err) {
      if (!(err instanceof CameraError && err.code === 'NOT_SUPPORTED')) throw err;
      json = {};
      for (const feature of this.topology.features()) {
        const name = /^shooting\/settings\/([a-z]+)$/.exec(feature)?.[1];
        if (!name || !this.topology.has(feature, 'get')) continue;
        json[name] = await this.call('GET', feature);
      }
    }
    const out: Record<string, Setting> = {};
    for (const [k, v] of Object.entries(json)) {
      if (v && typeof v === 'object' && 'value' in v) out[k] = v as Setting;
    }
    return out;
  }

  /** The route of one setting: `shootingmodedial_movie` is `shooting/settings/shootingmodedial/movie`. */
  settingFeature(name: string): string {
    return `shooting/settings/${name.replace(/_/g, '/')}`;
  }

  /** One setting with its ability (PUT needs both checked first). */
  async setting(name: string): Promise<Setting> {
    const json = await this.call('GET', this.settingFeature(name));
    if (!json || typeof json !== 'object' || !('value' in json)) throw protocolError(name, 'answer has no value');
    return json as Setting;
  }

  /** PUT `{value}`; answers the value the camera now has. */
  async putSetting(name: string, value: unknown): Promise<unknown> {
    const json = await this.call('PUT', this.settingFeature(name), { body: { value } });
    return json && typeof json === 'object' && 'value' in json ? (json as { value: unknown }).value : value;
  }

  /** PUT `functions/datetime` with the camera's own format (datetime.ts). */
  async putDatetime(datetime: string, dst: boolean): Promise<void> {
    await this.call('PUT', 'functions/datetime', { body: { datetime, dst } });
  }

  async datetime(): Promise<CameraDatetime> {
    const d = parseAnswer(DatetimeSchema, await this.call('GET', 'functions/datetime'), 'functions/datetime');
    const parsed = parseCanonDatetime(d.datetime, d.dst);
    return { datetime: d.datetime, dst: d.dst, utcMs: parsed?.utcMs ?? null, stdOffsetMin: parsed?.stdOffsetMin ?? null };
  }

  /**
   * One full press-and-release done by the camera; resolves when the camera accepted it. Some implementations
   * refuse `{af: false}` with 422 (a refusal: it did not fire): then `{af: true}` is sent, now and from then on.
   */
  async shutterButton(af: boolean, timeoutMs = this.timeouts.shutterMs): Promise<void> {
    const body = { af: af || this.afRequired };
    try {
      await this.call('POST', 'shooting/control/shutterbutton', { body, timeoutMs, priority: 'press' });
    } catch (err) {
      if (body.af || !(err instanceof CameraError && err.status === 422)) throw err;
      this.afRequired = true;
      this.logger?.warn({ answer: err.message }, 'camera refuses a press without autofocus; pressing with af: true from now on');
      await this.call('POST', 'shooting/control/shutterbutton', { body: { af: true }, timeoutMs, priority: 'press' });
    }
  }

  /**
   * One level of the contents tree: the root (no `path`) lists storages, a storage its folders, a folder page its
   * files. Paths are the camera's (relative, or absolute URLs on ver100 bodies).
   */
  async contentsList(path: string | null, priority: Priority, query = ''): Promise<string[]> {
    const root = this.topology.resolve('contents', 'get').path;
    const json = await this.http.request('command', 'GET', (path ?? root) + query, {
      context: 'contents',
      timeoutMs: this.timeouts.statusMs,
      priority,
    });
    const list = parseAnswer(ContentsListSchema, json, 'contents');
    return list.path ?? list.url ?? [];
  }

  /** Files in a folder and how many 100-entry pages list them. */
  async contentsNumber(folder: string, priority: Priority): Promise<{ files: number; pages: number }> {
    const json = await this.http.request('command', 'GET', `${folder}?type=all&kind=number`, {
      context: 'contents',
      timeoutMs: this.timeouts.statusMs,
      priority,
    });
    const n = parseAnswer(ContentsNumberSchema, json, 'contents');
    return { files: n.contentsnumber, pages: n.pagenumber };
  }

  /** `lastmodifieddate` of one file as the camera writes it (local time labelled GMT), or null. */
  async contentsModified(file: string, priority: Priority): Promise<string | null> {
    const json = await this.http.request('command', 'GET', `${file}?kind=info`, {
      context: 'contents info',
      timeoutMs: this.timeouts.statusMs,
      priority,
    });
    return parseAnswer(ContentsInfoSchema, json, 'contents info').lastmodifieddate ?? null;
  }

  pollDialect(): PollDialect {
    return this.topology.resolve('event/polling', 'get').version >= 110 ? 'timeout' : 'continue';
  }

  /** One event poll on the poll lane: only changed keys, `{}` when nothing happened. */
  async pollEvents(signal?: AbortSignal): Promise<Record<string, unknown>> {
    const json = await this.call('GET', 'event/polling', {
      lane: 'poll',
      query: this.pollDialect() === 'timeout' ? '?timeout=long' : '?continue=on',
      timeoutMs: this.timeouts.pollHoldMs + this.timeouts.pollSlackMs,
      signal,
    });
    return parseAnswer(EventSchema, json, 'event/polling');
  }

  /** Ends any poll session (ours or a dead client's); `Not started` means there was none, which is fine. */
  async stopPolling(timeoutMs = this.timeouts.statusMs, signal?: AbortSignal): Promise<void> {
    try {
      // Command lane: the poll lane's only socket may be busy with the very poll this ends.
      await this.call('DELETE', 'event/polling', { lane: 'command', timeoutMs, signal, priority: 'poll' });
    } catch (err) {
      if (cameraMessageOf(err) !== 'Not started') throw err;
    }
  }
}
