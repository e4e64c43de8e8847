// The bodies the simulator can be: an EOS R50 (ver110 polling, contents at ver130, relative paths), or an older
// body that lists only ver100 (polling with `continue=on`, storage and contents as absolute URLs) —
// docs/camera-notes.md §8, §15.
import { r50Topology, type TopologyDoc } from './profile-r50.ts';

export const PROFILES = ['r50', 'ver100-only'] as const;
export type ProfileName = (typeof PROFILES)[number];

export interface SimProfile {
  name: ProfileName;
  topology(): TopologyDoc;
  /** The contents root, e.g. `/ccapi/ver130/contents`. */
  contentsRoot: string;
  /** The one storage's name under the root (`card1` on the R50, `sd` on older bodies). */
  storageName: string;
  /** Storage lists and contents listings give absolute URLs under `url` instead of relative `path`s. */
  absoluteUrls: boolean;
}

/** ver100 routes an older body has where the R50 has newer ones (same flags). */
const VER100_EXTRA = [
  { path: '/ccapi/ver100/devicestatus/storage', get: true, post: false, put: false, delete: false },
  { path: '/ccapi/ver100/devicestatus/currentstorage', get: true, post: false, put: false, delete: false },
  { path: '/ccapi/ver100/devicestatus/currentdirectory', get: true, post: false, put: false, delete: false },
  { path: '/ccapi/ver100/shooting/settings/stillimagequality', get: true, post: false, put: true, delete: false },
  { path: '/ccapi/ver100/event/polling', get: true, post: false, put: false, delete: true },
  { path: '/ccapi/ver100/contents', get: true, post: false, put: true, delete: true },
];

export function simProfile(name: ProfileName): SimProfile {
  if (name === 'r50') return { name, topology: r50Topology, contentsRoot: '/ccapi/ver130/contents', storageName: 'card1', absoluteUrls: false };
  return {
    name,
    topology: () => ({ ver100: [...r50Topology().ver100!, ...VER100_EXTRA.map((e) => ({ ...e }))] }),
    contentsRoot: '/ccapi/ver100/contents',
    storageName: 'sd',
    absoluteUrls: true,
  };
}
