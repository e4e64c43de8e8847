// The page as a photographer uses it, in headless Chromium against the real server on the simulated camera:
// start a session from the form, lose the server mid-session (SIGKILL), and see the page reconnect by itself
// and offer the interrupted session for saving. Skipped, with the reason, where Debian's chromium is absent.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli, startServer, stopServer, type Server } from '../helpers/process.ts';

// The predicates passed to waitForFunction run in the page; this is all of the DOM they touch.
declare const document: { querySelector(selector: string): { textContent: string | null; getAttribute(name: string): string | null } | null };

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
    for (const url of requests) assert.ok(url.startsWith(server!.url) || url.startsWith('ws://127.0.0.1') || url.startsWith('data:'), `request left the Pi: ${url}`);
  });

  S('reconnects by itself after the server dies and offers the interrupted session', async () => {
    await page.fill('#f-interval', '0.3');
    await page.fill('#f-shots', '');
    await page.fill('#f-title', 'Cut off');
    await page.click('#start-btn');
    // The panel still shows the finished 3-shot session until the new one's broadcast arrives: wait for this one.
    await page.waitForFunction(
      () =>
        document.querySelector('#session-title')?.textContent === 'Cut off' &&
        Number.parseInt(document.querySelector('#session-shots')?.textContent ?? '0', 10) >= 3,
      null,
      { timeout: 15_000 },
    );
    const port = server!.port;
    await stopServer(server!, 'SIGKILL');
    await page.waitForFunction(() => document.querySelector('#link')?.getAttribute('data-phase') !== 'open', null, { timeout: 15_000 });
    server = await startServer(dataDir, ['--port', String(port)]);
    await page.locator('#unsaved').waitFor({ state: 'visible', timeout: 30_000 });
    assert.match((await page.textContent('#unsaved-title')) ?? '', /Cut off/);
    await page.fill('#unsaved-new-title', 'Cut off, kept');
    await page.click('#unsaved-save');
    await page.locator('#unsaved').waitFor({ state: 'hidden' });
    const list = JSON.parse(runCli(['report', 'list', '--json', '--data', dataDir]).stdout) as { title: string; reason: string }[];
    assert.ok(list.some((r) => r.title === 'Cut off, kept' && r.reason === 'interrupted'), JSON.stringify(list));
    if (process.env.SKYLAPSE_SCREENSHOT) await page.screenshot({ path: process.env.SKYLAPSE_SCREENSHOT, fullPage: true });
  });
}

S.run();
