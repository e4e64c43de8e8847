import { suite } from 'uvu';
import * as assert from 'uvu/assert';
// @ts-expect-error plain JS module of the page, no types needed here
import { lineChart, percentile, slotClass, slotStrip, stripCounts } from '../../ui/charts.js';

const S = suite('charts');
type Tree = { tag: string; attrs: Record<string, string | number>; children?: Tree[] };

S('a slot is classed by result; skips with a reason are held gaps, other skips are losses', () => {
  assert.is(slotClass(undefined), 'pending');
  assert.is(slotClass({ result: 'ok' }), 'ok');
  assert.is(slotClass({ result: 'skipped', reason: 'paused' }), 'held');
  assert.is(slotClass({ result: 'skipped', reason: 'controller_offline' }), 'held');
  assert.is(slotClass({ result: 'skipped', reason: 'late' }), 'skipped');
  assert.is(slotClass({ result: 'failed' }), 'failed');
});

S('one rect per slot while they fit; a bin shows its worst slot so one failure in a long night still shows', () => {
  const few = new Map([[1, { result: 'ok' }], [2, { result: 'failed' }]]);
  const t: Tree = slotStrip(few, 4, { width: 600 });
  assert.is(t.children!.length, 4);
  assert.equal(t.children!.map((r) => r.attrs.class), ['slot-ok', 'slot-failed', 'slot-pending', 'slot-pending']);
  const night = new Map<number, { result: string }>();
  for (let n = 1; n <= 3000; n++) night.set(n, { result: n === 1234 ? 'failed' : 'ok' });
  const big: Tree = slotStrip(night, 3000, { width: 600 });
  assert.is(big.children!.length, 300);
  assert.is(big.children!.filter((r) => r.attrs.class === 'slot-failed').length, 1);
});

S('counts for the legend include the slots still to come', () => {
  const m = new Map([[1, { result: 'ok' }], [2, { result: 'skipped', reason: 'camera_offline' }]]);
  assert.equal(stripCounts(m, 5), { ok: 1, failed: 0, unknown: 0, skipped: 0, held: 1, pending: 3 });
});

S('percentile is nearest rank; the line spans the box', () => {
  assert.is(percentile([], 50), null);
  assert.is(percentile([5, 1, 3, 2, 4], 50), 3);
  assert.is(percentile([1, 2, 3, 4, 100], 99), 100);
  const { tree, min, max } = lineChart([{ x: 1, y: 0.5 }, { x: 2, y: 2 }, { x: 3, y: 1 }], { width: 100, height: 50 });
  assert.is(min, 0);
  assert.is(max, 2);
  const path = (tree as Tree).children!.find((c) => c.tag === 'path')!.attrs.d as string;
  assert.match(path, /^M0 /);
  assert.match(path, /L100 /);
});

S.run();
