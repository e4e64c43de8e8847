// `GET /ccapi` → feature map. Bodies advertise per feature which versions and methods they serve; every call
// resolves its path here so one client serves R50 (ver110 polling) and older ver100 bodies (docs/camera-notes.md §8).

import { CcapiError, protocolError } from './errors.ts';

export type Method = 'get' | 'post' | 'put' | 'delete';

export interface Endpoint {
  /** Path after `/ccapi/verNNN/`, e.g. `event/polling`. */
  feature: string;
  /** Numeric version, e.g. 110 for `ver110`. */
  version: number;
  /** Absolute path on the camera, e.g. `/ccapi/ver110/event/polling`. */
  path: string;
  get: boolean;
  post: boolean;
  put: boolean;
  delete: boolean;
}

const FEATURE_PATH = /^\/ccapi\/ver(\d+)\/(.+?)\/?$/;

/**
 * The camera path of one listed entry. Bodies and emulators list `{path, get, …}` objects, legacy CCAPI 1.0 bodies
 * absolute `url`s, and some emulators plain strings or paths relative to their version (`/deviceinformation` under
 * `ver100`): all become `/ccapi/verNNN/feature` (docs/camera-notes.md §8).
 */
function pathOf(raw: unknown, version: string): string | null {
  const given = typeof raw === 'string' ? raw : raw && typeof raw === 'object' ? ((raw as Record<string, unknown>).path ?? (raw as Record<string, unknown>).url) : null;
  if (typeof given !== 'string' || given.trim() === '') return null;
  let path = given.trim();
  // Only the path of an absolute URL matters: the host may be an address we do not use.
  if (/^https?:\/\//i.test(path)) {
    try {
      path = new URL(path).pathname;
    } catch {
      return null;
    }
  }
  if (path.startsWith('/ccapi/')) return path;
  return /^\/?[A-Za-z0-9_][A-Za-z0-9_/.-]*$/.test(path) ? `/ccapi/${version}/${path.replace(/^\/+/, '')}` : null;
}

/** Methods of an entry; a plain string says none, so every method is tried and the camera decides. */
function methodsOf(raw: unknown): Record<Method, boolean> {
  if (typeof raw === 'string') return { get: true, post: true, put: true, delete: true };
  const e = raw as Record<string, unknown>;
  return { get: e.get === true, post: e.post === true, put: e.put === true, delete: e.delete === true };
}

export class Topology {
  /** Per feature, every advertised version, newest first; a version that answered 404 is dropped (demote). */
  private constructor(private readonly byFeature: Map<string, Endpoint[]>) {}

  static parse(json: unknown): Topology {
    if (!json || typeof json !== 'object' || Array.isArray(json)) throw protocolError('topology', 'not a JSON object');
    const doc = json as Record<string, unknown>;
    if (typeof doc.value === 'string') {
      // `{"value": "No list of APIs"}` (docs/camera-notes.md §8): the `topurlfordev` fallback is not implemented.
      throw protocolError('topology', `camera answered "${doc.value}" instead of an API list`);
    }
    const map = new Map<string, Endpoint[]>();
    for (const [key, list] of Object.entries(doc)) {
      if (!/^ver\d+$/.test(key) || !Array.isArray(list)) continue;
      for (const raw of list) {
        const path = pathOf(raw, key);
        const m = path ? FEATURE_PATH.exec(path) : null;
        if (!path || !m) continue;
        const endpoint: Endpoint = { feature: m[2]!, version: Number(m[1]), path: path.replace(/\/$/, ''), ...methodsOf(raw) };
        const versions = map.get(endpoint.feature) ?? [];
        if (!versions.some((v) => v.version === endpoint.version)) versions.push(endpoint);
        versions.sort((a, b) => b.version - a.version); // newest wins
        map.set(endpoint.feature, versions);
      }
    }
    return new Topology(map);
  }

  get(feature: string): Endpoint | undefined {
    return this.byFeature.get(feature)?.[0];
  }

  has(feature: string, method?: Method): boolean {
    const e = this.get(feature);
    return !!e && (method === undefined || e[method]);
  }

  /** The endpoint for `feature`, or CameraError NOT_SUPPORTED when it (or the method) is not advertised. */
  resolve(feature: string, method: Method): Endpoint {
    const e = this.get(feature);
    if (!e) {
      throw new CcapiError('NOT_SUPPORTED', `${feature}: not advertised by this camera`, false, undefined, null, 'not-sent');
    }
    if (!e[method]) {
      const m = method.toUpperCase();
      throw new CcapiError('NOT_SUPPORTED', `${feature}: ${m} not advertised (ver${e.version})`, false, undefined, null, 'not-sent');
    }
    return e;
  }

  /**
   * The advertised `endpoint` answered 404: forget it and return the next older version of the feature that serves
   * `method`, or null. Remembered for the connection, so later calls go straight to what worked.
   */
  demote(endpoint: Endpoint, method: Method): Endpoint | null {
    const versions = this.byFeature.get(endpoint.feature);
    if (!versions) return null;
    const rest = versions.filter((v) => v.version !== endpoint.version);
    if (rest.length === 0) return null; // keep the only entry: the 404 stands
    const older = rest.find((v) => v.version < endpoint.version && v[method]);
    if (!older) return null;
    this.byFeature.set(endpoint.feature, rest);
    return older;
  }

  features(): string[] {
    return [...this.byFeature.keys()];
  }
}
