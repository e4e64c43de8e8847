// The camera panel's pure part: which settings the editor offers and how they read, a test photo's EXIF in one line,
// and the luminance histogram of an image's pixels as a chart tree (charts.js's {tag, attrs, children} form).
// No DOM, so Node tests import it.

/** The settings the editor offers, in the order a photographer sets them at night. */
export const EDITED_SETTINGS = [
  { name: 'iso', label: 'ISO' },
  { name: 'tv', label: 'Shutter' },
  { name: 'av', label: 'Aperture' },
  { name: 'wb', label: 'White balance' },
  { name: 'colortemperature', label: 'Colour temperature' },
];

const WB_NAMES = {
  auto: 'Auto',
  awbwhite: 'Auto (white priority)',
  daylight: 'Daylight',
  shade: 'Shade',
  cloudy: 'Cloudy',
  tungsten: 'Tungsten',
  whitefluorescent: 'White fluorescent',
  flash: 'Flash',
  custom: 'Custom',
  colortemp: 'Colour temperature (K)',
};

/** A value as the camera spells it → as people read it: `0"5` → `0.5 s`, `30"` → `30 s`, `f5.6` → `f/5.6`. */
export function valueLabel(name, value) {
  const v = String(value);
  if (name === 'tv') {
    if (v === 'bulb') return 'Bulb';
    const sec = /^(\d+)"(\d*)$/.exec(v);
    if (sec) return `${sec[1]}${sec[2] ? `.${sec[2]}` : ''} s`;
    return `${v} s`;
  }
  if (name === 'av') return v.replace(/^f/, 'f/');
  if (name === 'iso') return v === 'auto' ? 'Auto' : v;
  if (name === 'wb') return WB_NAMES[v] ?? v;
  if (name === 'colortemperature') return `${v} K`;
  return v;
}

/**
 * The choices for one SettingView: `[{value, label}]` from its ability list, or the steps of a `{min, max, step}`
 * range (colour temperature). The current value is always a choice, even when the camera no longer lists it.
 * Empty when the camera offers nothing to choose (ability null): the panel shows the value read-only.
 */
export function settingChoices(setting) {
  const a = setting?.ability;
  let values = [];
  if (Array.isArray(a)) values = a.filter((v) => typeof v === 'string' || typeof v === 'number');
  else if (a && Number.isFinite(a.min) && Number.isFinite(a.max) && a.step > 0 && (a.max - a.min) / a.step <= 1000) {
    for (let v = a.min; v <= a.max; v += a.step) values.push(v);
  }
  if (values.length === 0) return [];
  if (!values.some((v) => String(v) === String(setting.value))) values = [setting.value, ...values];
  return values.map((v) => ({ value: String(v), label: valueLabel(setting.name, v) }));
}

/** The wire value for a choice: numbers stay numbers where the setting is numeric (colour temperature). */
export function wireValue(setting, choice) {
  return typeof setting.value === 'number' ? Number(choice) : choice;
}

/** `1/125 s · f/5.6 · ISO 1600 · Canon EOS R50 · 03:04:39` from a preview's EXIF; null when there is none. */
export function exifText(exif) {
  if (!exif) return null;
  const parts = [];
  const t = exif.exposureSeconds;
  if (Number.isFinite(t)) parts.push(t >= 1 ? `${Number(t.toFixed(1))} s` : `1/${Math.round(1 / t)} s`);
  if (Number.isFinite(exif.fNumber)) parts.push(`f/${Number(exif.fNumber.toFixed(1))}`);
  if (exif.iso != null) parts.push(`ISO ${exif.iso}`);
  if (exif.model) parts.push(String(exif.model));
  if (typeof exif.capturedAt === 'string') parts.push(`camera clock ${exif.capturedAt.replace('T', ' ')}`);
  return parts.length ? parts.join(' · ') : null;
}

/**
 * Luminance histogram of RGBA pixels (a canvas's ImageData.data): `bins` counts of Rec. 709 luma, 0 (black) first.
 */
export function luminanceHistogram(rgba, bins = 64) {
  const counts = new Array(bins).fill(0);
  for (let i = 0; i + 3 < rgba.length; i += 4) {
    const y = 0.2126 * rgba[i] + 0.7152 * rgba[i + 1] + 0.0722 * rgba[i + 2];
    counts[Math.min(bins - 1, Math.floor((y / 256) * bins))]++;
  }
  return counts;
}

/**
 * RGBA pixels → the same picture in red only, in place: red carries the pixel's luma, green and blue are dark. A
 * photo shown at night must not spoil dark-adapted eyes any more than the page does.
 */
export function toRed(rgba) {
  for (let i = 0; i + 3 < rgba.length; i += 4) {
    rgba[i] = 0.2126 * rgba[i] + 0.7152 * rgba[i + 1] + 0.0722 * rgba[i + 2];
    rgba[i + 1] = 0;
    rgba[i + 2] = 0;
  }
  return rgba;
}

/** What a histogram says for people: the share of clipped highlights and crushed shadows, when it matters. */
export function histogramNote(counts) {
  const total = counts.reduce((a, b) => a + b, 0);
  if (!total) return 'no pixels';
  const pct = (n) => Math.round((n / total) * 1000) / 10;
  const dark = pct(counts[0]);
  const bright = pct(counts[counts.length - 1]);
  const parts = [];
  if (bright >= 0.5) parts.push(`${bright}% clipped highlights`);
  if (dark >= 5) parts.push(`${dark}% black`);
  let sum = 0;
  let median = 0;
  for (; median < counts.length && sum + counts[median] < total / 2; median++) sum += counts[median];
  parts.unshift(`median brightness ${Math.round(((median + 0.5) / counts.length) * 100)}%`);
  return parts.join(' · ');
}

/** The histogram as bars in a chart tree (height scaled to the tallest bin, on a square root so faint tails show). */
export function histogramTree(counts, { width = 256, height = 80 } = {}) {
  const max = Math.max(1, ...counts);
  const w = width / counts.length;
  const children = counts.map((n, i) => {
    const h = n ? Math.max(1, Math.sqrt(n / max) * (height - 2)) : 0;
    return { tag: 'rect', attrs: { x: Math.round(i * w * 10) / 10, y: Math.round((height - h) * 10) / 10, width: Math.round(w * 10) / 10, height: Math.round(h * 10) / 10, class: 'hist-bar' } };
  });
  return { tag: 'svg', attrs: { viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: 'none', class: 'histogram', role: 'img' }, children };
}
