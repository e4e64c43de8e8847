// `npm run screenshots`: refreshes docs/screenshots/*.png, each screen of the page at 390×844 (a phone) in Debian's
// Chromium, against `skylapse serve` on the simulated camera. Not a test: it only takes pictures.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { startServer, stopServer } from './helpers/process.ts';

// The predicates passed to waitForFunction run in the page; this is all of the DOM they touch.
declare const document: { querySelector(selector: string): { textContent: string | null } | null };

const out = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
mkdirSync(out, { recursive: true });
const dataDir = mkdtempSync(join(tmpdir(), 'skylapse-shots-'));
let server = await startServer(dataDir);
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
const page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
const snap = async (p: Page, name: string, fullPage = false) => {
  await p.screenshot({ path: join(out, `${name}.png`), fullPage });
  process.stdout.write(`docs/screenshots/${name}.png\n`);
};

try {
  await page.goto(server.url);
  await page.waitForSelector('#cam-state.ok');
  await snap(page, 'start');

  // The camera panel: settings from the ability lists, a test photo with its EXIF and histogram.
  await page.click('#tab-camera');
  await page.waitForSelector('#set-iso');
  await page.selectOption('#set-iso', '6400');
  await page.waitForFunction(() => document.querySelector('#settings-reason')?.textContent === '');
  await page.click('#test-photo');
  await page.waitForSelector('#photo-hist svg');
  await snap(page, 'camera', true);

  // The plan panel with its pre-flight answer before Start.
  await page.click('#tab-night');
  await page.fill('#f-interval', '0.5');
  await page.fill('#f-shots', '40');
  await page.fill('#f-title', 'Milky Way over the ridge');
  await page.waitForFunction(() => /Frames\s*40/.test(document.querySelector('#preflight-estimate')?.textContent ?? ''));
  await page.locator('#start').scrollIntoViewIfNeeded();
  await snap(page, 'plan');
  await page.click('#start-btn');
  await page.waitForFunction(() => /\d+ taken/.test(document.querySelector('#strip-legend')?.textContent ?? '') && Number.parseInt(document.querySelector('#session-shots')?.textContent ?? '0', 10) >= 8);
  await snap(page, 'session', true);

  const port = server.port;
  await stopServer(server, 'SIGKILL');
  await page.waitForSelector('#down:not([hidden])', { timeout: 15_000 });
  await snap(page, 'controller-down');

  server = await startServer(dataDir, ['--port', String(port), '--resume', 'ask']);
  await page.waitForSelector('#session-suspended:not([hidden])', { timeout: 30_000 });
  await snap(page, 'suspended');

  // Saved, the night opens as its report; the list of past nights is one tap back.
  await page.click('#session-save');
  await page.waitForSelector('#report-strip svg', { timeout: 15_000 });
  await snap(page, 'report', true);
  await page.click('#report-back');
  await page.waitForSelector('#report-list li');
  await snap(page, 'reports');

  // The Pi: joined to a simulated network, the networks in range, both clocks and the Pi's health.
  await page.click('#tab-pi');
  await page.waitForSelector('#wifi-list button');
  await page.click('#wifi-list button:has-text("Observatory")');
  await page.fill('#wifi-password', 'starlight');
  await page.click('#wifi-join-btn');
  await page.waitForFunction(() => /Address\s*10\.0\.0\.23/.test(document.querySelector('#wifi-facts')?.textContent ?? ''));
  await snap(page, 'pi', true);
} finally {
  await browser.close();
  await stopServer(server, 'SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
}
