// The page as a photographer uses it, in headless Chromium against the real server on the simulated camera:
// start a session from the form, lose the server mid-session (SIGKILL), see the page reconnect by itself and the
// session resume with its gap said; with --resume ask, keep the suspended session as a report. Skipped, with the
// reason, where Debian's chromium is absent.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli, startServer, stopServer, type Server } from '../helpers/process.ts';

// The predicates passed to waitForFunction run in the page; this is all of the DOM they touch.
declare const document: { querySelector(selector: string): { textContent: string | null; getAttribute(name: string): string | null } | null };
declare const navigator: { serviceWorker: { ready: Promise<unknown>; controller: unknown } };

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const S = suite('UI in a browser');
let dataDir = '';
let server: Server | undefined;
let browser: Browser | undefined;
let page: Page;

if (!existsSync(CHROMIUM)) {
  console.log(`skipping the browser tests: no Chromium at ${CHROMIUM} (apt-get install chromium; .ci/run does)`);
  S.skip('page flows in Chromium', () => {});
} else {
  S.before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'skylapse-ui-'));
    server = await startServer(dataDir);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // The closed network refuses Chromium's background connections; keep it from trying.
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    page.on('pageerror', (e) => console.error('page error:', e));
  });
  S.after(async () => {
    await browser?.close();
    if (server) await stopServer(server, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  S('shows the simulated camera, runs a session from the form', async () => {
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(server!.url);
    await page.locator('#sim-badge').waitFor({ state: 'visible' });
    await page.waitForFunction(() => document.querySelector('#cam-state')?.textContent?.toLowerCase().includes('connected'));
    assert.match((await page.textContent('#cam-model')) ?? '', /R50/);
    await page.fill('#f-interval', '0.3');
    await page.fill('#f-shots', '3');
    await page.fill('#f-title', 'From the browser');
    await page.click('#start-btn');
    await page.waitForFunction(() => /complete/i.test(document.querySelector('#session-state')?.textContent ?? ''), null, { timeout: 15_000 });
    assert.match((await page.textContent('#session-shots')) ?? '', /3/);
    // The night as a chart: the slot strip fills (a loaded machine may skip a slot, so no exact count), and the
    // lateness line has its figures.
    await page.waitForFunction(() => /taken/.test(document.querySelector('#strip-legend')?.textContent ?? '') && !/to go/.test(document.querySelector('#strip-legend')?.textContent ?? ''), null, { timeout: 15_000 });
    assert.match((await page.textContent('#late-legend')) ?? '', /p50 .* ms/);
    for (const url of requests) assert.ok(url.startsWith(server!.url) || url.startsWith('ws://127.0.0.1') || url.startsWith('data:'), `request left the Pi: ${url}`);
  });

  /** Starts an unlimited session from the form and waits until the panel shows its own third shot. */
  async function startCutOff(title: string) {
    await page.fill('#f-interval', '0.3');
    await page.fill('#f-shots', '');
    await page.fill('#f-title', title);
    await page.click('#start-btn');
    // The panel still shows the previous session until the new one's broadcast arrives: wait for this one.
    await page.waitForFunction(
      (t) => document.querySelector('#session-title')?.textContent === t && Number.parseInt(document.querySelector('#session-shots')?.textContent ?? '0', 10) >= 3,
      title,
      { timeout: 15_000 },
    );
  }

  async function killAndRestart(extra: string[] = [], whileDown?: () => Promise<void>) {
    const port = server!.port;
    await stopServer(server!, 'SIGKILL');
    await page.waitForFunction(() => document.querySelector('#link')?.getAttribute('data-phase') !== 'open', null, { timeout: 15_000 });
    await whileDown?.();
    server = await startServer(dataDir, ['--port', String(port), ...extra]);
  }

  /** With the server dead: the page's own screen says so, and says nothing is shot if the Pi is down. */
  async function seeDownScreen() {
    await page.locator('#down').waitFor({ state: 'visible', timeout: 15_000 });
    assert.match((await page.textContent('#down')) ?? '', /nothing is being shot/i);
    assert.match((await page.textContent('#countdown')) ?? '', /unknown|—|complete|stopped/i);
  }

  S('reconnects by itself after the server dies, and the session resumes by itself with its gap said', async () => {
    // The offline shell is in place before the outage (sw.js: loopback counts as a secure origin).
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 15_000 });
    await startCutOff('Cut off');
    await killAndRestart([], async () => {
      await seeDownScreen();
      // A reload while the Pi is down shows the page's own screen again, from the cached shell: never a browser error page.
      await page.reload({ waitUntil: 'domcontentloaded' });
      await seeDownScreen();
    });
    await page.locator('#down').waitFor({ state: 'hidden', timeout: 30_000 });
    // The resume happened before this page reconnected: the session's summary still says what the gap cost.
    await page.locator('#session-resumed').waitFor({ state: 'visible', timeout: 30_000 });
    assert.match((await page.textContent('#session-resumed')) ?? '', /skipped while the controller was down|no slot was missed/);
    assert.match((await page.textContent('#session-title')) ?? '', /Cut off/);
    const before = Number.parseInt((await page.textContent('#session-shots')) ?? '0', 10);
    await page.waitForFunction((n) => Number.parseInt(document.querySelector('#session-shots')?.textContent ?? '0', 10) > n, before, { timeout: 15_000 });
  });

  S('with --resume ask the page offers the suspended session, and keeps it as a report', async () => {
    await killAndRestart(['--resume', 'ask']);
    await page.locator('#session-suspended').waitFor({ state: 'visible', timeout: 30_000 });
    await page.click('#session-save');
    await page.waitForFunction(() => !/suspended/i.test(document.querySelector('#session-state')?.textContent ?? 'suspended'), null, { timeout: 15_000 });
    const list = JSON.parse(runCli(['report', 'list', '--json', '--data', dataDir]).stdout) as { title: string; reason: string }[];
    assert.ok(list.some((r) => r.title === 'Cut off' && r.reason === 'stopped'), JSON.stringify(list));
    if (process.env.SKYLAPSE_SCREENSHOT) await page.screenshot({ path: process.env.SKYLAPSE_SCREENSHOT, fullPage: true });
  });
}

S.run();
