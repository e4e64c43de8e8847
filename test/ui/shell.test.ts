// The offline shell (ui/sw.js) caches every file the page needs, and the page stays small enough for a phone on a
// weak link to a Pi: under 150 KB gzipped, charts included.
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

const S = suite('page shell');
const dir = new URL('../../ui/', import.meta.url);
const pageFiles = readdirSync(dir).filter((f) => !f.endsWith('.d.ts') && f !== 'sw.js');

S('the service worker caches every file of the page', () => {
  const sw = readFileSync(new URL('sw.js', dir), 'utf8');
  const shell = JSON.parse(/const SHELL = (\[[^\]]*\])/.exec(sw)![1]!.replaceAll("'", '"')) as string[];
  assert.equal([...shell].filter((f) => f !== './').sort(), [...pageFiles].sort());
});

S('the shell is under 150 KB gzipped', () => {
  const bytes = [...pageFiles, 'sw.js'].reduce((n, f) => n + gzipSync(readFileSync(new URL(f, dir))).length, 0);
  assert.ok(bytes < 150 * 1024, `${bytes} bytes gzipped`);
});

S.run();
