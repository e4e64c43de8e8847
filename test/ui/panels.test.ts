// The pure parts of the plan, camera and reports panels: what the forms send is what the server accepts, the
// pre-flight and holds read as sentences, settings come from the camera's ability lists, the histogram counts light.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { commandSchemas } from '../../transport/protocol.ts';
// @ts-expect-error plain JS modules of the page, no types needed here
import { batteryFraction, cardFraction, holdView, parseDuration, parsePlanForm, preflightView } from '../../ui/plan.js';
// @ts-expect-error plain JS module of the page
import { exifText, histogramNote, histogramTree, luminanceHistogram, settingChoices, valueLabel, wireValue } from '../../ui/camera.js';
// @ts-expect-error plain JS module of the page
import { cameraSeries, exportUrl, reportFacts, reportRowText, slotsOf, timelineText } from '../../ui/reports.js';

const P = suite('plan panel');
const base = { interval: '30', stop: 'stop-after', shots: '', stopAt: '', duration: '', startAt: '', bulb: '', title: '' };

P('every stop condition parses into what the server accepts; HH:MM times carry the phone’s zone', () => {
  const cases = [
    [{ ...base, shots: '300', title: ' Orion ' }, { interval: 30, stopCondition: 'stop-after', totalShots: 300, title: 'Orion' }],
    [{ ...base, interval: '2,5', stop: 'stop-at', stopAt: '5:10' }, { interval: 2.5, stopCondition: 'stop-at', stopAt: '05:10', timezone: 'Europe/Berlin' }],
    [{ ...base, stop: 'duration', duration: '5:30' }, { interval: 30, stopCondition: 'duration', duration: 19_800 }],
    [{ ...base, stop: 'unlimited', startAt: '23:40', bulb: '42.5' }, { interval: 30, stopCondition: 'unlimited', startAt: '23:40', bulbSeconds: 42.5, timezone: 'Europe/Berlin' }],
  ] as const;
  for (const [fields, want] of cases) {
    const r = parsePlanForm(fields, 'Europe/Berlin');
    assert.equal(r.ok && r.data, want, JSON.stringify(fields));
    assert.ok(commandSchemas.start_intervalometer.safeParse(r.data).success, `server rejects ${JSON.stringify(r.data)}`);
    assert.ok(commandSchemas.validate_interval.safeParse(r.data).success);
  }
  assert.is(parseDuration('90'), 5400);
  assert.is(parseDuration('1.5h'), 5400);
  assert.is(parseDuration('soon'), null);
});

P('each field refuses what the server would refuse, and only the chosen stop’s value is read', () => {
  for (const [fields, field] of [
    [{ ...base, interval: '' }, 'interval'],
    [{ ...base, interval: '0.05', shots: '3' }, 'interval'],
    [{ ...base, shots: '2.5' }, 'shots'],
    [{ ...base, shots: '' }, 'shots'],
    [{ ...base, stop: 'stop-at', stopAt: '25:00' }, 'stopAt'],
    [{ ...base, stop: 'duration', duration: '8 days' }, 'duration'],
    [{ ...base, stop: 'unlimited', startAt: 'tonight' }, 'startAt'],
    [{ ...base, stop: 'unlimited', bulb: '0.2' }, 'bulb'],
    [{ ...base, stop: 'unlimited', title: 'x'.repeat(201) }, 'title'],
  ] as const) {
    const r = parsePlanForm(fields, 'UTC');
    assert.ok(!r.ok && r.errors[field], `${JSON.stringify(fields)} should fail on ${field}`);
  }
  const r = parsePlanForm({ ...base, stop: 'unlimited', shots: 'ignored' }, 'UTC');
  assert.equal(r.ok && r.data, { interval: 30, stopCondition: 'unlimited' });
});

P('the pre-flight answer: errors and warnings as sentences, the estimate with end, frames, card and clip', () => {
  const now = Date.UTC(2026, 10, 30, 22, 0);
  const v = preflightView(
    {
      errors: [{ code: 'INTERVAL_TOO_SHORT', message: 'Interval 0.1 s is shorter than exposure' }],
      warnings: [{ code: 'CAMERA_WARM', message: 'The camera is warm' }],
      estimate: { startAt: now, endAt: now + 3 * 3600_000, frames: 360, cardBytes: 12.6e9, cardFreeBytes: 62.7e9, clipSeconds24: 15, clipSeconds30: 12 },
    },
    now,
  );
  assert.equal(v.errors, ['Interval 0.1 s is shorter than exposure']);
  assert.equal(v.warnings, ['The camera is warm']);
  const est = Object.fromEntries(v.estimate.map((e: { label: string; value: string }) => [e.label, e.value]));
  assert.match(est.Ends, /in 3 h 00 m/);
  assert.is(est.Frames, '360');
  assert.is(est['Card use'], '12.6 GB of 62.7 GB free');
  assert.is(est.Clip, '15 s at 24 fps · 12 s at 30 fps');
  const open = preflightView({ errors: [], warnings: [], estimate: { startAt: now, endAt: null, frames: null, cardBytes: null, cardFreeBytes: 1e9, clipSeconds24: null, clipSeconds30: null } }, now);
  assert.match(JSON.stringify(open.estimate), /when you stop it.*unlimited/);
});

P('honest states: scheduled, paused, waiting for the camera, too hot — each with what the user can do', () => {
  const now = 1_000_000;
  const s = { running: true, state: 'waiting', hold: null, startedAt: now + 3_600_000, endAt: now + 7_200_000 };
  assert.match(holdView({ ...s, state: 'scheduled' }, now).text, /in 1 h 00 m/);
  assert.is(holdView({ ...s, state: 'paused', hold: { reason: 'paused', since: now } }, now).action, 'resume');
  assert.match(holdView({ ...s, state: 'waiting_for_camera', hold: { reason: 'camera_offline', since: now } }, now).text, /Is it on/);
  assert.match(holdView({ ...s, state: 'held', hold: { reason: 'camera_hot', since: now } }, now).text, /cools/);
  assert.is(holdView({ ...s, state: 'shooting' }, now), null);
  assert.is(batteryFraction({ kind: 'battery', level: 'half' }), 0.5);
  assert.is(batteryFraction({ kind: 'battery', level: '82' }), 0.82);
  assert.is(batteryFraction({ kind: 'ac_adapter', level: '' }), null);
  assert.is(cardFraction({ spaceBytes: 25, maxBytes: 100 }), 0.25);
});

const C = suite('camera panel');

C('choices come from the ability list (or a range), and read as people say them', () => {
  const iso = { name: 'iso', value: '1600', ability: ['auto', '100', '1600'], number: 1600 };
  assert.equal(settingChoices(iso).map((c: { label: string }) => c.label), ['Auto', '100', '1600']);
  const kelvin = { name: 'colortemperature', value: 5200, ability: { min: 2500, max: 2800, step: 100 }, number: 5200 };
  assert.equal(settingChoices(kelvin).map((c: { value: string }) => c.value), ['5200', '2500', '2600', '2700', '2800']);
  assert.is(wireValue(kelvin, '2600'), 2600);
  assert.is(wireValue(iso, '100'), '100');
  assert.equal(settingChoices({ name: 'tv', value: '1/125', ability: null, number: 0.008 }), []);
  assert.is(valueLabel('tv', '0"5'), '0.5 s');
  assert.is(valueLabel('tv', '30"'), '30 s');
  assert.is(valueLabel('tv', '1/125'), '1/125 s');
  assert.is(valueLabel('av', 'f5.6'), 'f/5.6');
  assert.is(valueLabel('wb', 'colortemp'), 'Colour temperature (K)');
  assert.is(exifText({ model: 'Canon EOS R50', exposureSeconds: 0.008, fNumber: 5.6, iso: 1600, capturedAt: '2026-11-30T02:11:12' }), '1/125 s · f/5.6 · ISO 1600 · Canon EOS R50 · camera clock 2026-11-30 02:11:12');
  assert.is(exifText({ model: null, exposureSeconds: 25, fNumber: null, iso: null, capturedAt: null }), '25 s');
});

C('the luminance histogram counts pixels by Rec. 709 luma, and says what is clipped', () => {
  const px = (r: number, g: number, b: number, n: number) => Array.from({ length: n }, () => [r, g, b, 255]).flat();
  const counts = luminanceHistogram(new Uint8ClampedArray([...px(0, 0, 0, 90), ...px(255, 255, 255, 10)]), 64);
  assert.is(counts.length, 64);
  assert.is(counts[0], 90);
  assert.is(counts[63], 10);
  assert.is(luminanceHistogram(new Uint8ClampedArray(px(0, 255, 0, 1)), 4)[2], 1); // pure green: luma 182
  assert.match(histogramNote(counts), /10% clipped highlights · 90% black/);
  const tree = histogramTree(counts);
  assert.is(tree.children.length, 64);
  assert.is(tree.children[1].attrs.height, 0);
});

const R = suite('reports panel');
const report = {
  id: 'a b', title: 'Ridge', reason: 'stopped', stopReason: 'user', startedAt: Date.UTC(2026, 10, 30, 22), endedAt: Date.UTC(2026, 10, 30, 23), durationS: 3600,
  intervalS: 30, plannedShots: 120, ok: 100, failed: 1, skipped: 2, unknown: 0, orphans: 0, latenessP50Ms: 1.2, latenessP99Ms: 14.6, latenessMaxMs: 30,
  firstFile: '100CANON/IMG_0001.JPG', lastFile: '100CANON/IMG_0103.JPG', error: null,
  shots: [{ number: 1, result: 'ok', latenessMs: 1 }, { number: 2, result: 'skipped', reason: 'paused', latenessMs: null }],
  timeline: [{ at: Date.UTC(2026, 10, 30, 22, 30), what: 'held', reason: 'camera_hot', skipped: null, heldMs: null, errorCode: null }],
  cameraTimeline: [{ at: 1, battery: 'full', cardFreeBytes: 5e9, cardFiles: 0, temperature: 'normal' }, { at: 2, battery: 'half', cardFreeBytes: 4e9, cardFiles: 3, temperature: 'warning' }],
};

R('a night reads in one line, its facts, slots, timeline and camera lines', () => {
  assert.match(reportRowText(report), /1 h 00 m · 100 taken · 1 failed · 2 skipped · stopped$/);
  const facts = Object.fromEntries(reportFacts(report).map((f: { label: string; value: string }) => [f.label, f.value]));
  assert.is(facts.Shots, '100 taken · 1 failed · 2 skipped of 120 planned');
  assert.is(facts['Ended by'], 'stopped by you');
  assert.is(facts.Lateness, 'p50 1.2 ms · p99 15 ms · max 30 ms');
  assert.is(facts.Files, 'IMG_0001.JPG … IMG_0103.JPG');
  assert.is(slotsOf(report).get(2).reason, 'paused');
  assert.match(timelineText(report.timeline[0]), /held \(the camera was too hot to release\)$/);
  const series = cameraSeries(report);
  assert.equal(series.map((s: { name: string }) => s.name), ['Battery', 'Card free', 'Temperature']);
  assert.equal(series[0].points, [{ x: 1, y: 100 }, { x: 2, y: 50 }, { x: report.endedAt, y: 50 }]);
  assert.is(series[1].legend, '4.0 GB at the end');
  assert.is(exportUrl('a b', 'csv'), '/api/reports/a%20b/export?format=csv');
});

P.run();
C.run();
R.run();
