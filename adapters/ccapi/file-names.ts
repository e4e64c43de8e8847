// Canon (DCF) file names as the camera reports them: `…/100CANON/IMG_0042.JPG`, `…/100EOSR6/4E5A8288.CR3`. The
// folder number and the four-digit file number give the camera's numbering order; files of one release share
// folder and number (RAW+JPEG: `IMG_0042.CR3`, `IMG_0042.JPG`). Paths are otherwise opaque (relative or absolute).

const NAME = /(\d{3})[^/]{5}\/[^/]{4}(\d{4})\.([^./]+)$/;
/** RAW is closed before its JPEG (docs/camera-notes.md), so it sorts first within a number. */
const RAW = new Set(['CR3', 'CR2', 'CRW']);

export interface FileName {
  /** The path without its extension: equal for every file of one release. */
  stem: string;
  /** folder × 10 000 + number, or null when the name is not in Canon's form. */
  number: number | null;
  /** Order within one number: RAW first. */
  rank: number;
}

export function parseFileName(path: string): FileName {
  const dot = path.lastIndexOf('.');
  const stem = dot > path.lastIndexOf('/') ? path.slice(0, dot) : path;
  const m = NAME.exec(path);
  if (!m) return { stem, number: null, rank: 0 };
  return { stem, number: Number(m[1]) * 10_000 + Number(m[2]), rank: RAW.has(m[3]!.toUpperCase()) ? 0 : 1 };
}

/** Numbering order; names not in Canon's form sort last, by path. */
export function compareFiles(a: string, b: string): number {
  const x = parseFileName(a);
  const y = parseFileName(b);
  if (x.number === null || y.number === null) {
    if (x.number !== y.number) return x.number === null ? 1 : -1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  return x.number - y.number || x.rank - y.rank || (a < b ? -1 : a > b ? 1 : 0);
}

/** The folder number of a path, e.g. 100 for `…/100CANON/…` or `…/100CANON`. */
export function folderNumber(path: string): number | null {
  const m = /(?:^|\/)(\d{3})[^/]{5}\/?$/.exec(path);
  return m ? Number(m[1]) : null;
}
