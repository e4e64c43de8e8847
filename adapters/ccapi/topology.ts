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

function pathOf(entry: Record<string, unknown>): string | null {
  if (typeof entry.path === 'string') return entry.path;
  // Legacy CCAPI 1.0 bodies list absolute URLs; only the path matters (the host may be an address we do not use).
  if (typeof entry.url === 'string') {
    try {
      return new URL(entry.url).pathname;
    } catch {
      return null;
    }
  }
  return null;
}

export class Topology {
  private constructor(private readonly byFeature: ReadonlyMap<string, Endpoint>) {}

  static parse(json: unknown): Topology {
    if (!json || typeof json !== 'object' || Array.isArray(json)) throw protocolError('topology', 'not a JSON object');
    const doc = json as Record<string, unknown>;
    if (typeof doc.value === 'string') {
      // `{"value": "No list of APIs"}` (docs/camera-notes.md §8): the `topurlfordev` fallback is not implemented.
      throw protocolError('topology', `camera answered "${doc.value}" instead of an API list`);
    }
    const map = new Map<string, Endpoint>();
    for (const [key, list] of Object.entries(doc)) {
      if (!/^ver\d+$/.test(key) || !Array.isArray(list)) continue;
      for (const raw of list) {
        if (!raw || typeof raw !== 'object') continue;
        const entry = raw as Record<string, unknown>;
        const path = pathOf(entry);
        const m = path ? FEATURE_PATH.exec(path) : null;
        if (!path || !m) continue;
        const endpoint: Endpoint = {
          feature: m[2]!,
          version: Number(m[1]),
          path: path.replace(/\/$/, ''),
          get: entry.get === true,
          post: entry.post === true,
          put: entry.put === true,
          delete: entry.delete === true,
        };
        const known = map.get(endpoint.feature);
        if (!known || known.version < endpoint.version) map.set(endpoint.feature, endpoint); // newest wins
      }
    }
    return new Topology(map);
  }

  get(feature: string): Endpoint | undefined {
    return this.byFeature.get(feature);
  }

  has(feature: string, method?: Method): boolean {
    const e = this.byFeature.get(feature);
    return !!e && (method === undefined || e[method]);
  }

  /** The endpoint for `feature`, or CameraError NOT_SUPPORTED when it (or the method) is not advertised. */
  resolve(feature: string, method: Method): Endpoint {
    const e = this.byFeature.get(feature);
    if (!e) {
      throw new CcapiError('NOT_SUPPORTED', `${feature}: not advertised by this camera`, false, undefined, null, 'not-sent');
    }
    if (!e[method]) {
      const m = method.toUpperCase();
      throw new CcapiError('NOT_SUPPORTED', `${feature}: ${m} not advertised (ver${e.version})`, false, undefined, null, 'not-sent');
    }
    return e;
  }

  features(): string[] {
    return [...this.byFeature.keys()];
  }
}
