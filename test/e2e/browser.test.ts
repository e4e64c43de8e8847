// The page as a photographer uses it, in headless Chromium against the real server on the simulated camera:
// start a session from the plan panel after its pre-flight, lose the server mid-session (SIGKILL), see the page
// reconnect by itself and the session resume with its gap said; with --resume ask, keep the suspended session as a
// report, which opens; download its CSV; change ISO; take a test photo and see it; scan the simulated WiFi and join a
// network. Skipped, with the reason, where Debian's chromium is absent.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli, startServer, stopServer, type Server } from '../helpers/process.ts';

// The predicates passed to waitForFunction run in the page; this is all of the DOM they touch.
declare const document: {
  querySelector(selector: string): { textContent: string | null; getAttribute(name: string): string | null; value?: string; width?: number; naturalWidth?: number } | null;
};
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
    // The pre-flight answers before Start: the estimate has the frames, the card use and the clip length.
    await page.waitForFunction(() => /Frames\s*3/.test(document.querySelector('#preflight-estimate')?.textContent ?? ''), null, { timeout: 15_000 });
    assert.match((await page.textContent('#preflight-estimate')) ?? '', /Card use.*free.*Clip.*24 fps.*30 fps/s);
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
    await page.click('#tab-night');
    await page.fill('#f-interval', '0.3');
    await page.selectOption('#f-stop', 'unlimited');
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

  S('the saved report opens rather than vanishes, and its CSV downloads', async () => {
    await page.locator('#report').waitFor({ state: 'visible', timeout: 15_000 });
    assert.is(await page.textContent('#report-h'), 'Cut off');
    assert.match((await page.textContent('#report-facts')) ?? '', /taken/);
    await page.locator('#report-strip svg').waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#report-exports a:text("CSV")')]);
    const csv = readFileSync((await download.path())!, 'utf8');
    assert.match(download.suggestedFilename(), /\.csv$/);
    assert.ok(csv.split('\n').length > 3, csv);
  });

  /**
   * Error toasts stay until dismissed, over the bottom of the page. The sessions cut off above may have left some (a
   * loaded machine fails the odd frame with BUSY): dismiss them, as a user would before going on.
   */
  async function dismissToasts() {
    if (await page.isVisible('.dismiss-all')) await page.click('.dismiss-all');
    else if (await page.isVisible('.toast button')) await page.click('.toast button');
    await page.locator('.toast.error').waitFor({ state: 'detached' });
  }

  S('changes ISO from the ability list', async () => {
    await dismissToasts();
    await page.click('#tab-camera');
    await page.locator('#set-iso').waitFor({ timeout: 15_000 });
    await page.selectOption('#set-iso', '3200');
    // Read back from the camera, not from the page's own select.
    await page.waitForFunction(() => document.querySelector('#settings-reason')?.textContent === '', null, { timeout: 15_000 });
    await page.click('#settings-load');
    await page.waitForFunction(() => document.querySelector('#settings-load')?.textContent === 'Read again' && document.querySelector('#set-iso')?.value === '3200', null, { timeout: 15_000 });
    assert.is(await page.isHidden('#settings-error'), true);
  });

  S('takes a test photo and shows its image, EXIF and histogram', async () => {
    await dismissToasts();
    await page.click('#test-photo');
    // The photo with its histogram, or what the page says instead (no preview, or the command's error toast).
    await page.waitForFunction(() => document.querySelector('#photo-hist svg') ?? document.querySelector('#photo-missing:not([hidden])') ?? document.querySelector('.toast.error'), null, { timeout: 30_000 });
    assert.ok(await page.isVisible('#photo-hist svg'), `no photo: ${await page.textContent('#photo-missing')} ${await page.textContent('#toasts')}`);
    assert.ok(((await page.evaluate(() => document.querySelector('#photo-img')?.naturalWidth)) ?? 0) > 0, 'the preview loaded');
    assert.ok(((await page.evaluate(() => document.querySelector('#photo-canvas')?.width)) ?? 0) > 0, 'the photo is drawn');
    assert.match((await page.textContent('#photo-exif')) ?? '', /ISO 3200/);
    assert.match((await page.textContent('#photo-hist-note')) ?? '', /median brightness \d+%/);
  });

  S('scan WiFi on the simulated network, and join Observatory with its password', async () => {
    await dismissToasts();
    await page.click('#tab-pi');
    await page.locator('#wifi-facts').waitFor();
    assert.match((await page.textContent('#wifi-facts')) ?? '', /simulated/);
    // Opening the screen scans once by itself; a tap on Scan asks the radio again.
    await page.waitForFunction(() => document.querySelector('#wifi-scan')?.textContent === 'Scan' && /Scanned at/.test(document.querySelector('#wifi-scanned')?.textContent ?? ''), null, { timeout: 15_000 });
    const scannedBefore = await page.textContent('#wifi-scanned');
    await page.click('#wifi-scan');
    await page.waitForFunction(() => document.querySelector('#wifi-scan')?.textContent === 'Scan', null, { timeout: 15_000 });
    const names = await page.locator('#wifi-list .ssid').allTextContents();
    assert.equal([...names].sort(), ['Campsite WiFi', 'Dark:Sky\\Club', 'Observatory'], `after ${scannedBefore}`);
    assert.is(await page.getAttribute('#wifi-list button:has-text("Observatory") .signal', 'data-bars'), '4');

    await page.click('#wifi-list button:has-text("Observatory")');
    await page.fill('#wifi-password', 'starlight');
    await page.click('#wifi-join-btn');
    // The field is emptied as the password is sent: it is never shown back.
    assert.is(await page.inputValue('#wifi-password'), '');
    // Joined once the link has its address (before that, the network shows as asked for).
    await page.waitForFunction(() => /Address\s*10\.0\.0\.23/.test(document.querySelector('#wifi-facts')?.textContent ?? ''), null, { timeout: 15_000 });
    assert.match((await page.textContent('#wifi-facts')) ?? '', /WiFi\s*joined.*Network\s*Observatory(?! \(asked)/s);
    assert.ok(await page.isHidden('#pi-error'), (await page.textContent('#pi-error')) ?? '');
    assert.ok(!((await page.content()).includes('starlight')), 'the password is nowhere in the page');
  });

  S('while a session shoots, the network controls say why, and force only after asking', async () => {
    await startCutOff('Guarded');
    await page.click('#tab-pi');
    await page.locator('#wifi-guard').waitFor({ state: 'visible' });
    assert.match((await page.textContent('#wifi-guard')) ?? '', /^A session is shooting: changing the network would drop the camera\. /);
    await page.click('#wifi-leave');
    await page.locator('#confirm').waitFor({ state: 'visible' });
    assert.is(await page.textContent('#confirm-h'), 'Leave the network during the session?');
    await page.click('#confirm-cancel');
    assert.match((await page.textContent('#wifi-facts')) ?? '', /Network\s*Observatory/);
    // Forced: the controller takes it (and logs it), and the link is left.
    await page.click('#wifi-leave');
    await page.click('#confirm-ok');
    await page.waitForFunction(() => /WiFi\s*not joined/.test(document.querySelector('#wifi-facts')?.textContent ?? ''), null, { timeout: 15_000 });
    assert.ok(await page.isHidden('#pi-error'), (await page.textContent('#pi-error')) ?? '');
    await page.click('#tab-night');
    await page.click('#stop');
    await page.click('#confirm-ok');
    await page.waitForFunction(() => /stopped|complete/i.test(document.querySelector('#session-state')?.textContent ?? ''), null, { timeout: 15_000 });
  });
}

S.run();
