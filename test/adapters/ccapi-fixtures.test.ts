// Real Canon answers are the test of truth: every captured file is parsed by the client, and the simulator's R50
// profile must serve the same API list and event shapes (docs/camera-notes.md §15). Skips when the captures are
// not on this machine.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import exifr from 'exifr';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startSimulator } from '../../adapters/camera-sim/index.ts';
import { simProfile } from '../../adapters/camera-sim/profiles.ts';
import { CcapiControls } from '../../adapters/ccapi/camera-controls.ts';
import type { CcapiClient } from '../../adapters/ccapi/client.ts';
import { parseFileName } from '../../adapters/ccapi/file-names.ts';
import { abilityRefusal, settingNumber } from '../../adapters/ccapi/notation.ts';
import { EventSchema, parseAnswer } from '../../adapters/ccapi/schemas.ts';
import { Topology } from '../../adapters/ccapi/topology.ts';
import type { SettingReading } from '../../machines/camera-settings.ts';
import { fixtureSets } from '../helpers/fixtures.ts';
import { call, ccapi } from './sim-helpers.ts';

const S = suite('real Canon responses');
const sets = fixtureSets();
const r50 = sets.find((s) => s.name === 'ccapi-r50');
const json = (dir: string, file: string): unknown => JSON.parse(readFileSync(join(dir, file), 'utf8'));

/** The shape of a JSON value: types and keys, with arrays as the shape of their elements. */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return [...new Set(v.map((x) => JSON.stringify(shape(x))))].map((x) => JSON.parse(x) as unknown);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, shape(x)]));
  return v === null ? 'null' : typeof v;
}

if (sets.length === 0) {
  S('captured Canon responses', () => {
    console.log('  skipped: no ../shared/fixtures/ccapi-* directory on this machine (set SKYLAPSE_FIXTURES to point at one)');
  });
}

for (const set of sets) {
  S(`${set.name}: every file parses`, async () => {
    for (const file of set.files) {
      const path = join(set.dir, file);
      if (file === 'features.json') {
        const t = Topology.parse(json(set.dir, file));
        assert.ok(t.has('deviceinformation', 'get'), `${file}: deviceinformation`);
        assert.ok(t.has('shooting/control/shutterbutton', 'post'), `${file}: shutter`);
      } else if (/^event/i.test(file) && file.endsWith('.json')) {
        const event = parseAnswer(EventSchema, json(set.dir, file), file);
        const settings: Record<string, SettingReading>[] = [];
        const controls = new CcapiControls(() => ({}) as CcapiClient);
        controls.onSettings((s) => settings.push(s));
        controls.ingest(event);
        for (const [name, r] of Object.entries(settings[0] ?? {})) {
          if (r.ability !== null) assert.is(abilityRefusal(r.value, r.ability), null, `${file}: ${name} value within its ability`);
          if (['tv', 'av', 'iso', 'colortemperature'].includes(name)) assert.ok(settingNumber(name, r.value) !== null, `${file}: ${name} reads as a number`);
        }
        for (const p of (event.addedcontents as string[] | undefined) ?? []) assert.ok(parseFileName(p).number !== null, `${file}: ${p} is a Canon file name`);
      } else if (/\.jpe?g$/i.test(file)) {
        const bytes = readFileSync(path);
        assert.is(bytes.readUInt16BE(0), 0xffd8, `${file}: a JPEG`);
        const exif = (await exifr.parse(bytes).catch(() => undefined)) as { Model?: string } | undefined;
        if (/_display/i.test(file)) assert.is(exif?.Model, 'Canon EOS R50', `${file}: EXIF model`);
      } else if (!file.endsWith('.md')) {
        assert.unreachable(`${set.name}/${file}: a captured file this test does not know how to read`);
      }
    }
  });
}

if (r50) {
  S('the simulator serves the R50 API list entry for entry', async () => {
    const sim = await startSimulator();
    try {
      assert.equal((await call(sim.url)).json, json(r50.dir, 'features.json'));
      assert.equal(simProfile('r50').topology(), json(r50.dir, 'features.json'));
    } finally {
      await sim.close();
    }
  });

  S('the simulator’s events and settings have the R50’s shapes', async () => {
    const real = json(r50.dir, 'eventPolling.json') as Record<string, unknown>;
    const sim = await startSimulator({ tv: '0"5', timings: { writeMs: 10, pressLatencyMs: 1 } });
    try {
      const poll = ccapi(sim.url, '/ccapi/ver110/event/polling');
      await call(poll); // drain
      assert.is((await call(ccapi(sim.url, '/ccapi/ver100/shooting/control/shutterbutton'), 'POST', { af: false })).status, 200);
      let event: Record<string, unknown> = {};
      for (let i = 0; i < 200 && !event.addedcontents; i++) {
        await new Promise((r) => setTimeout(r, 10));
        event = { ...event, ...((await call(poll)).json as Record<string, unknown>) };
      }
      for (const [key, value] of Object.entries(event)) {
        if (key === 'battery') continue; // only when its level changes; not in the capture
        assert.ok(key in real, `the simulator sends "${key}", which the R50 capture does not have`);
        assert.equal(shape(value), shape(real[key]), `shape of ${key}`);
      }
      const settings = (await call(ccapi(sim.url, '/ccapi/ver100/shooting/settings'))).json as Record<string, { ability: unknown }>;
      for (const [key, value] of Object.entries(real)) {
        if (key === 'addedcontents' || key === 'recordable' || key.startsWith('effective_value_')) continue;
        assert.ok(key in settings, `the R50 has setting "${key}"; the simulator does not`);
        assert.equal(shape(settings[key]), shape(value), `shape of setting ${key}`);
        assert.equal(settings[key]!.ability, (value as { ability: unknown }).ability, `ability of ${key}`);
      }
    } finally {
      await sim.close();
    }
  });
}

S.run();
