// `skylapse doctor`: what a Pi needs before a night, one line per check. Exit code 1 when a check fails.
// Checks change nothing but a probe file in the data directory, which they remove; a missing data directory is
// not created (the server creates it), its nearest existing parent is checked instead.
import { accessSync, closeSync, constants, fsyncSync, openSync, rmSync, statfsSync, statSync, writeSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import pkg from '../package.json' with { type: 'json' };

export interface DoctorOptions {
  dataDir: string;
  /** `sim`, `auto` or a CCAPI base URL. */
  camera: string;
  out(line: string): void;
  /** For tests: the wall clock and the free-disk floor. */
  now?: () => number;
  minFreeBytes?: number;
}

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** Free space below this fails: the log of a night is a few MB, but SQLite needs room to checkpoint and a full SD card corrupts more than skylapse. */
const MIN_FREE_BYTES = 200 * 2 ** 20;
/** A clock before this is a Pi that booted without network time (no RTC): its shots would be labelled years ago. */
const EARLIEST_SANE = Date.UTC(2025, 0, 1);

/** Runs every check, prints one line each, returns the exit code. */
export async function doctor(o: DoctorOptions): Promise<number> {
  const checks: [string, () => Check | Promise<Check>][] = [
    ['node', () => nodeVersion()],
    ['sqlite', () => sqlite()],
    ['data', () => dataDir(o.dataDir)],
    ['disk', () => disk(o.dataDir, o.minFreeBytes ?? MIN_FREE_BYTES)],
    ['camera', () => camera(o.camera)],
    ['clock', () => clock(o.now?.() ?? Date.now())],
  ];
  let failed = 0;
  for (const [name, check] of checks) {
    let c: Check;
    try {
      c = await check();
    } catch (err) {
      c = { name, ok: false, detail: (err as Error).message };
    }
    if (!c.ok) failed++;
    o.out(`${c.ok ? 'ok  ' : 'FAIL'}  ${c.name.padEnd(10)} ${c.detail}`);
  }
  o.out(failed === 0 ? 'ready for the night' : `${failed} check${failed === 1 ? '' : 's'} failed`);
  return failed === 0 ? 0 : 1;
}

/** Does `version` (x.y.z) satisfy the engines range `>=20.18.1 <21 || >=22`? */
export function nodeSupported(version: string): boolean {
  const [major = 0, minor = 0, patch = 0] = version.replace(/^v/, '').split('.').map(Number);
  if (major >= 22) return true;
  return major === 20 && (minor > 18 || (minor === 18 && patch >= 1));
}

function nodeVersion(): Check {
  const ok = nodeSupported(process.version);
  return { name: 'node', ok, detail: `${process.version} ${ok ? '' : 'is not supported; '}(skylapse needs ${pkg.engines.node})`.trim() };
}

async function sqlite(): Promise<Check> {
  try {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(':memory:');
    const version = db.prepare('SELECT sqlite_version()').pluck().get() as string;
    db.close();
    return { name: 'sqlite', ok: true, detail: `better-sqlite3 loads (SQLite ${version})` };
  } catch (err) {
    return { name: 'sqlite', ok: false, detail: `better-sqlite3 does not load: ${(err as Error).message.split('\n')[0]} (reinstall: npm rebuild better-sqlite3)` };
  }
}

/** The directory itself, or the nearest ancestor that exists (the server creates the rest). */
function nearestExisting(path: string): { path: string; isDir: boolean } {
  for (;;) {
    try {
      return { path, isDir: statSync(path).isDirectory() };
    } catch (err) {
      const parent = dirname(path);
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || parent === path) throw err;
      path = parent;
    }
  }
}

function dataDir(dir: string): Check {
  const abs = resolve(dir);
  const found = nearestExisting(abs);
  if (!found.isDir) return { name: 'data', ok: false, detail: `${abs} cannot be a directory: ${found.path} is a file` };
  if (found.path !== abs) {
    // Not created here (doctor changes nothing); the server creates it if the parent lets it.
    try {
      accessSync(found.path, constants.W_OK);
      return { name: 'data', ok: true, detail: `${abs} does not exist yet; ${found.path} lets the server create it` };
    } catch (err) {
      return { name: 'data', ok: false, detail: `${abs} does not exist and ${found.path} is not writable (${(err as NodeJS.ErrnoException).code})` };
    }
  }
  const probe = join(abs, `.doctor-${process.pid}`);
  try {
    const fd = openSync(probe, 'w');
    try {
      writeSync(fd, 'skylapse doctor\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    rmSync(probe, { force: true });
    return { name: 'data', ok: true, detail: `${abs} is writable` };
  } catch (err) {
    return { name: 'data', ok: false, detail: `${abs} is not writable (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` };
  }
}

const mb = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MB`;

function disk(dir: string, minFree: number): Check {
  // The data directory may not exist yet; measure the file system it will be created on.
  const { path } = nearestExisting(resolve(dir));
  const s = statfsSync(path);
  const free = s.bavail * s.bsize;
  return { name: 'disk', ok: free >= minFree, detail: `${mb(free)} free on the file system of ${path}${free >= minFree ? '' : ` (needs at least ${mb(minFree)})`}` };
}

async function camera(target: string): Promise<Check> {
  if (target === 'sim') return { name: 'camera', ok: true, detail: 'simulated (no camera configured; pass --camera auto or a CCAPI URL to check a real one)' };
  if (target === 'auto') {
    const { discoverCamera } = await import('../adapters/ssdp/discovery.ts');
    try {
      const found = await discoverCamera({ timeoutMs: 5_000, passive: false });
      return { name: 'camera', ok: true, detail: `found by SSDP: ${found.friendlyName || found.modelName} at ${found.accessUrl}` };
    } catch (err) {
      return { name: 'camera', ok: false, detail: `no camera found by SSDP: ${(err as Error).message.split('\n')[0]}` };
    }
  }
  try {
    const res = await fetch(target, { signal: AbortSignal.timeout(5_000) });
    await res.arrayBuffer();
    return { name: 'camera', ok: res.ok, detail: `${target} answers ${res.status}${res.ok ? '' : ' (expected 200 with the API list)'}` };
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (err as Error).message;
    return { name: 'camera', ok: false, detail: `${target} does not answer (${why}); is the camera on, in CCAPI mode, on this network?` };
  }
}

function clock(now: number): Check {
  const iso = new Date(now).toISOString();
  if (now < EARLIEST_SANE) return { name: 'clock', ok: false, detail: `${iso} is in the past: no network time since boot (the Pi has no RTC)` };
  const synced = ntpSynchronized();
  if (synced === false) return { name: 'clock', ok: false, detail: `${iso}, but the system clock is not synchronized (timedatectl: NTPSynchronized=no)` };
  return { name: 'clock', ok: true, detail: `${iso}${synced ? ', synchronized' : ' (synchronization unknown: no timedatectl)'}` };
}

/** true/false from systemd's timedatectl; null where it cannot say (no systemd, a container). */
function ntpSynchronized(): boolean | null {
  try {
    const out = execFileSync('timedatectl', ['show', '--property=NTPSynchronized', '--value'], { encoding: 'utf8', timeout: 2_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return out === 'yes' ? true : out === 'no' ? false : null;
  } catch {
    return null;
  }
}
