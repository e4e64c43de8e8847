// Ways other CCAPI implementations (emulators, other firmware) differ from the R50, each one a knob of the
// simulator (`skylapse sim --quirks a,b`), so the client is tested against every one (docs/camera-notes.md §16).
import type { TopologyDoc } from './profile-r50.ts';

export const QUIRKS = [
  /** The API list gives paths relative to their version (`/deviceinformation` under `ver100`). */
  'relative-paths',
  /** The API list gives plain strings instead of `{path, get, post, put, delete}` objects. */
  'plain-string-features',
  /** `ver110/shooting/settings` is advertised but answers 404 (ver100 still works). */
  'settings-newest-404',
  /** Battery `level` is a number (percent). */
  'battery-number',
  /** Storage entries have `remainingshots` and no `contentsnumber`. */
  'storage-remainingshots',
  /** Storage is listed under `ver120` instead of `ver110`. */
  'storage-ver120',
  /** Storage entries have a relative `url` instead of `path`. */
  'storage-relative-url',
  /** The shutter refuses `{af: false}` with 422 and accepts `{af: true}`. */
  'af-required',
  /** A press while a shot is in progress is answered 200 and ignored, never 503 busy. */
  'never-busy',
  /** Event polls answer at once, `{}` when nothing changed. */
  'instant-polls',
  /** Nothing-changed answers are key-only bodies (`{"contents": {}}`), not `{}`. */
  'key-only-polls',
  /** Events never carry `addedcontents`: new files are found in the contents listing. */
  'no-addedcontents',
  /** `DELETE` of the event poll answers 204 with no body. */
  'delete-204',
  /** Error bodies are `{"detail": …}`. */
  'detail-errors',
  /** Error bodies are text/plain. */
  'text-errors',
  /** Every release writes RAW+JPEG: two events, the `.CR3` first. */
  'raw-jpeg',
] as const;
export type Quirk = (typeof QUIRKS)[number];

/** `a,b` → the quirks, or the first unknown name. */
export function parseQuirks(list: string): { quirks: Quirk[] } | { unknown: string } {
  const quirks: Quirk[] = [];
  for (const name of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (!(QUIRKS as readonly string[]).includes(name)) return { unknown: name };
    quirks.push(name as Quirk);
  }
  return { quirks };
}

/** The routes a quirky implementation serves (absolute paths, as the simulator routes them). */
export function servedTopology(doc: TopologyDoc, quirks: ReadonlySet<Quirk>): TopologyDoc {
  if (!quirks.has('storage-ver120')) return doc;
  const storage = '/ccapi/ver110/devicestatus/storage';
  const out: TopologyDoc = {};
  for (const [version, entries] of Object.entries(doc)) out[version] = entries.filter((e) => e.path !== storage);
  const moved = doc.ver110?.find((e) => e.path === storage);
  if (moved) out.ver120 = [...(out.ver120 ?? []), { ...moved, path: '/ccapi/ver120/devicestatus/storage' }];
  return out;
}

/** The API list as a quirky implementation answers `GET /ccapi`. */
export function answeredTopology(served: TopologyDoc, quirks: ReadonlySet<Quirk>): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const [version, entries] of Object.entries(served)) {
    out[version] = entries.map((e) => {
      const path = quirks.has('relative-paths') ? e.path.replace(`/ccapi/${version}`, '') : e.path;
      return quirks.has('plain-string-features') ? path : { ...e, path };
    });
  }
  return out;
}
