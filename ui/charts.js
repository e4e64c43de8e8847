// The night as charts, in plain SVG: pure functions from slots to a small element tree ({tag, attrs, children,
// text}) that render.js turns into DOM. No library, no CDN; numbers only, so no text from the network is parsed.

/** How bad a slot's outcome is; a bin of several slots shows its worst. */
const RANK = { pending: 0, ok: 1, held: 2, skipped: 3, unknown: 4, failed: 5 };
/** Skips that were a decision or a hold rather than a loss: drawn apart, as gaps with a reason. */
const HELD_REASONS = new Set(['paused', 'camera_offline', 'camera_hot', 'controller_offline']);

/** A slot's class on the strip: ok, failed, unknown, skipped (lost), held (a gap with a reason), pending. */
export function slotClass(slot) {
  if (!slot) return 'pending';
  if (slot.result === 'skipped') return HELD_REASONS.has(slot.reason) ? 'held' : 'skipped';
  return slot.result in RANK ? slot.result : 'unknown';
}

/**
 * The strip of slots 1…`total`, coloured by result. With more slots than `width / 2` px, slots share a bin that
 * shows its worst outcome, so a single failure in a long night still shows.
 * `slots`: Map number → slot ({result, reason?}).
 */
export function slotStrip(slots, total, { width = 600, height = 28 } = {}) {
  const n = Math.max(1, total);
  const bins = Math.min(n, Math.floor(width / 2));
  const per = n / bins;
  const w = width / bins;
  const rects = [];
  for (let b = 0; b < bins; b++) {
    let worst = 'pending';
    for (let k = Math.floor(b * per) + 1; k <= Math.floor((b + 1) * per); k++) {
      const cls = slotClass(slots.get(k));
      if (RANK[cls] > RANK[worst]) worst = cls;
    }
    const tall = worst === 'failed' || worst === 'unknown';
    rects.push({
      tag: 'rect',
      attrs: { x: round(b * w), y: tall ? 0 : worst === 'ok' ? 4 : height * 0.55, width: round(Math.max(w - (w > 3 ? 0.5 : 0), 0.5)), height: tall ? height : worst === 'ok' ? height - 8 : height * 0.45 - 2, class: `slot-${worst}` },
    });
  }
  return { tag: 'svg', attrs: { viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: 'none', class: 'strip', role: 'img' }, children: rects };
}

/** Counts per strip class, for the strip's legend and its accessible label. */
export function stripCounts(slots, total) {
  const c = { ok: 0, failed: 0, unknown: 0, skipped: 0, held: 0, pending: 0 };
  for (const slot of slots.values()) c[slotClass(slot)]++;
  c.pending = Math.max(0, total - slots.size);
  return c;
}

/** p-th percentile (0–100) of numbers, nearest rank; null for none. */
export function percentile(values, p) {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/**
 * A line over the night: `points` [{x, y}] (x ascending, e.g. slot number or time), drawn in a box of
 * width × height with the y range from 0 (or the data's minimum when negative) to its maximum.
 * Returns the tree and the range, so the caller can label it.
 */
export function lineChart(points, { width = 600, height = 120, yMin = null, yMax = null } = {}) {
  if (points.length === 0) return { tree: { tag: 'svg', attrs: { viewBox: `0 0 ${width} ${height}`, class: 'line-chart', role: 'img' }, children: [] }, min: null, max: null };
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  const lo = yMin ?? Math.min(0, ...ys);
  const hi = yMax ?? Math.max(...ys, lo + 1);
  const px = (x) => (x1 === x0 ? width / 2 : ((x - x0) / (x1 - x0)) * width);
  const py = (y) => height - 2 - ((y - lo) / (hi - lo || 1)) * (height - 4);
  const path = points.map((p, i) => `${i ? 'L' : 'M'}${round(px(p.x))} ${round(py(p.y))}`).join(' ');
  const children = [
    { tag: 'line', attrs: { x1: 0, x2: width, y1: round(py(lo)), y2: round(py(lo)), class: 'axis' } },
    { tag: 'path', attrs: { d: path, class: 'series', fill: 'none', 'vector-effect': 'non-scaling-stroke' } },
  ];
  return { tree: { tag: 'svg', attrs: { viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: 'none', class: 'line-chart', role: 'img' }, children }, min: lo, max: hi };
}

const round = (v) => Math.round(v * 10) / 10;
