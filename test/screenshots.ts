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

  await page.fill('#f-interval', '0.5');
  await page.fill('#f-shots', '40');
  await page.fill('#f-title', 'Milky Way over the ridge');
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
} finally {
  await browser.close();
  await stopServer(server, 'SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
}
