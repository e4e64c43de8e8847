// Canon Tv (shutter speed) notation → seconds (docs/camera-notes.md §11). The prior system misread `0"5`, `1"3` and
// `bulb`, so this parser is strict: anything it does not recognise is null, and callers treat null as "exposure
// unknown" (docs/decisions.md §8).

/** Seconds for `1/N`, `A"B` (A.B s) and `A"` (A s); null for `bulb` and anything unrecognised. */
export function parseTv(tv: string): number | null {
  const s = tv.trim();
  const fraction = /^(\d+)\/(\d+)$/.exec(s);
  if (fraction) {
    const den = Number(fraction[2]);
    return den > 0 ? Number(fraction[1]) / den : null;
  }
  // `"` is Canon's decimal mark: `0"5` = 0.5 s, `1"3` = 1.3 s, `30"` = 30 s.
  const seconds = /^(\d+)"(\d*)$/.exec(s);
  if (seconds) return Number(`${seconds[1]}.${seconds[2] || '0'}`);
  return null;
}

export function isBulb(tv: string): boolean {
  return tv.trim() === 'bulb';
}
