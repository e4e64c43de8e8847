// One server per data directory: two writers appending to the same event log would each trust versions the other
// moves, and both would drive the camera. The lock is a file holding the owner's pid; it is not an OS lock, so a
// lock left by a dead process (power cut, SIGKILL) is recognised as stale and taken over.
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { StoreError } from './errors.ts';

export const LOCK_FILE = 'skylapse.lock';

export interface DataDirLock {
  /** Removes the lock file if this process still holds it. Safe to call twice. */
  release(): void;
}

export class DataDirLockedError extends StoreError {
  constructor(
    readonly file: string,
    readonly pid: number,
  ) {
    super('DATA_DIR_LOCKED', `${file} is held by skylapse process ${pid}; stop it first (only one server may use a data directory)`);
  }
}

// Each round either takes the lock, refuses, or saw another process change the file; more than a few rounds means
// several processes are starting at once.
const MAX_ROUNDS = 10;
// A holder that created the file but has not written its pid yet is given this many re-reads, one tick apart.
const EMPTY_READS = 20;

/**
 * Takes `<dir>/skylapse.lock` (creating `dir`), or throws DataDirLockedError while another live skylapse process
 * holds it. Call once per process.
 */
export function acquireDataDirLock(dir: string): DataDirLock {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, LOCK_FILE);
  let holder: number | null = null;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    if (create(file)) return { release: () => release(file) };
    const content = readSettled(file);
    if (content === null) continue; // released meanwhile
    holder = parsePid(content);
    // Our own pid can only be a previous life's: after a reboot a service often gets the pid it had before.
    if (holder !== null && holder !== process.pid && isLiveSkylapse(holder)) throw new DataDirLockedError(file, holder);
    removeIfUnchanged(file, content);
  }
  throw new StoreError('DATA_DIR_LOCKED', `could not take ${file}: other processes keep changing it (last holder: ${holder ?? 'none'})`);
}

/** Creates the lock with our pid; false when it exists. 'wx' makes creation atomic: of two racers, one gets EEXIST. */
function create(file: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** The lock's content, or null when there is no lock. Waits briefly for a holder to write its pid into a fresh file. */
function readSettled(file: string): string | null {
  for (let i = 0; ; i++) {
    const content = readOrNull(file);
    if (content !== '' || i === EMPTY_READS) return content;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5); // synchronous 5 ms pause
  }
}

function readOrNull(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function parsePid(content: string): number | null {
  const pid = Number(content.trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
}

/**
 * Is `pid` a running skylapse? A pid left in a stale lock may since have been given to an unrelated process, so a
 * running pid counts only if its command line names skylapse. Where that cannot be read (no /proc, another user's
 * process under hidepid) the process is assumed to be one: refusing is safer than two writers.
 */
function isLiveSkylapse(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    // EPERM: it runs, as another user.
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('skylapse');
  } catch {
    return true;
  }
}

/**
 * Removes a stale lock, unless another process replaced it since we read it. Renaming is atomic, so of several
 * processes removing the same stale file only one moves it; if what it moved is no longer what it judged stale (a
 * fresh lock created in between), it puts it back. (A third process creating yet another lock in the microseconds
 * before the put-back would lose its lock: not handled.)
 */
function removeIfUnchanged(file: string, judged: string): void {
  const aside = `${file}.${process.pid}.stale`;
  try {
    renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // someone else removed it
    throw error;
  }
  if (readOrNull(aside) !== judged) {
    renameSync(aside, file);
    return;
  }
  unlinkSync(aside);
}

function release(file: string): void {
  if (parsePid(readOrNull(file) ?? '') === process.pid) unlinkSync(file);
}
