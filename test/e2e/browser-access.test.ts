// The page with tokens, in headless Chromium against the real server: the link the server prints opens it, the token
// leaves the address bar, an observer's page does not offer what it may not do, a page without the token says why it
// cannot connect, and a page that lost its connection reconnects with `since` and catches up. The token is printed
// in the one start-up line and nowhere else. Skipped, with the reason, where Debian's chromium is absent.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startServer, stopServer, type Server } from '../helpers/process.ts';

declare const document: { querySelector(selector: string): { textContent: string | null } | null };

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const OPERATOR = 'operator-browser-token-1';
const OBSERVER = 'observer-browser-token-2';
const S = suite('the page with tokens');
let dataDir = '';
let server: Server | undefined;
let browser: Browser | undefined;

if (!existsSync(CHROMIUM)) {
  console.log(`skipping the browser tests: no Chromium at ${CHROMIUM} (apt-get install chromium; .ci/run does)`);
  S.skip('token flows in Chromium', () => {});
} else {
  S.before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'skylapse-ui-access-'));
    server = await startServer(dataDir, ['--token', OPERATOR, '--observer-token', OBSERVER]);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  S.after(async () => {
    await browser?.close();
    if (server) await stopServer(server, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  const connected = () => document.querySelector('#link')?.textContent === 'Controller up';

  S('the printed link opens the page; an observer sees, and is not offered a start', async () => {
    const line = server!.logs.find((l) => l.msg === 'open the page')!;
    assert.match(String(line.url), `?token=${OPERATOR}`);
    const page = await (await browser!.newContext()).newPage();
    await page.goto(String(line.observerUrl).replace(/^http:\/\/[^/]+/, server!.url));
    await page.waitForFunction(connected, null, { timeout: 15_000 });
    assert.not.match(page.url(), 'token');
    // Its welcome lists only what it may send, so the page does not offer a start (the server would refuse it:
    // test/transport/ws-access.test.ts).
    await page.fill('#f-interval', '5');
    assert.ok(await page.isDisabled('#start-btn'));
    assert.match((await page.textContent('#start-reason')) ?? '', /Start unavailable/);
    await page.close();
  });

  S('without the token the page says the controller refused it', async () => {
    const page = await (await browser!.newContext()).newPage();
    await page.goto(server!.url);
    await page.waitForFunction(() => /refused this page's token/.test(document.querySelector('#stale')?.textContent ?? ''), null, { timeout: 15_000 });
    await page.close();
  });

  S('a page that lost its connection comes back with since= and catches up', async () => {
    const context = await browser!.newContext();
    const page = await context.newPage();
    const sockets: string[] = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));
    await page.goto(`${server!.url}/?token=${OPERATOR}`);
    await page.waitForFunction(connected, null, { timeout: 15_000 });
    await page.fill('#f-interval', '0.3');
    await page.selectOption('#f-stop', 'unlimited');
    await page.fill('#f-title', 'Asleep');
    await page.click('#start-btn');
    const shots = () => page.evaluate(() => Number.parseInt(document.querySelector('#session-shots')?.textContent ?? '0', 10));
    await page.waitForFunction(() => Number.parseInt(document.querySelector('#session-shots')?.textContent ?? '0', 10) >= 2, null, { timeout: 15_000 });
    await context.setOffline(true);
    await page.waitForFunction(() => document.querySelector('#link')?.textContent !== 'Controller up', null, { timeout: 30_000 });
    const asleep = await shots();
    await context.setOffline(false);
    await page.waitForFunction(connected, null, { timeout: 30_000 });
    assert.ok(sockets.slice(1).some((u) => /[?&]since=\d+/.test(u)), sockets.join(' '));
    await page.waitForFunction((n) => Number.parseInt(document.querySelector('#session-shots')?.textContent ?? '0', 10) > n, asleep, { timeout: 15_000 });
    await page.close();
  });

  S('the token appears in the one start-up line only', () => {
    const lines = server!.logs.filter((l) => JSON.stringify(l).includes(OPERATOR) || JSON.stringify(l).includes(OBSERVER));
    assert.equal(lines.map((l) => l.msg), ['open the page']);
  });
}

S.run();
