// One server per data directory: a live skylapse holder refuses, a stale lock (dead pid, or a pid now used by
// another program, or our own pid from before a reboot) is taken over.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { StoreError } from '../../store/errors.ts';
import { acquireDataDirLock, DataDirLockedError, LOCK_FILE } from '../../store/lock.ts';
import { tempDir, type TempDir } from './fixtures.ts';

interface Ctx {
  tmp: TempDir;
  children: ChildProcess[];
}

const S = suite<Ctx>('store/lock', { tmp: undefined as unknown as TempDir, children: [] });

S.before.each((ctx) => {
  ctx.tmp = tempDir();
  ctx.children = [];
});

S.after.each(async (ctx) => {
  for (const child of ctx.children) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  }
  ctx.tmp.remove();
});

const lockFile = (ctx: Ctx) => ctx.tmp.path('data', LOCK_FILE);
const holder = (ctx: Ctx) => readFileSync(lockFile(ctx), 'utf8').trim();

/** A process that idles until killed; its command line names skylapse only when asked to. */
async function idler(ctx: Ctx, { skylapse }: { skylapse: boolean }): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)', ...(skylapse ? ['skylapse'] : [])], { stdio: 'ignore' });
  ctx.children.push(child);
  await once(child, 'spawn');
  return child.pid!;
}

/** The lock as a real skylapse process takes it: tsx, this module, "skylapse" in its command line. */
async function lockingProcess(ctx: Ctx, dir: string): Promise<ChildProcess> {
  const module = new URL('../../store/lock.ts', import.meta.url).href;
  const script = `import(${JSON.stringify(module)}).then((m) => { m.acquireDataDirLock(process.argv[1]); console.log('locked'); setInterval(() => {}, 1 << 30); })`;
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), '-e', script, dir, 'skylapse'], { stdio: ['ignore', 'pipe', 'inherit'] });
  ctx.children.push(child);
  const died = once(child, 'exit').then(([code]) => {
    throw new Error(`the locking process exited (${code}) before taking the lock`);
  });
  const [line] = (await Promise.race([once(child.stdout!, 'data'), died])) as [Buffer];
  assert.is(line.toString().trim(), 'locked');
  return child;
}

function expectLocked(dir: string, pid: number): void {
  try {
    acquireDataDirLock(dir);
  } catch (error) {
    assert.instance(error, DataDirLockedError);
    assert.instance(error, StoreError);
    assert.is((error as DataDirLockedError).code, 'DATA_DIR_LOCKED');
    assert.is((error as DataDirLockedError).pid, pid);
    assert.match((error as Error).message, String(pid));
    return;
  }
  assert.unreachable('the lock was taken from a live holder');
}

S('takes the lock in a missing directory, and releases it', (ctx) => {
  const lock = acquireDataDirLock(ctx.tmp.path('data'));
  assert.is(holder(ctx), String(process.pid));
  lock.release();
  assert.not.ok(existsSync(lockFile(ctx)));
  lock.release();
});

S('a live skylapse process keeps its lock; once it is killed the lock is taken over', async (ctx) => {
  const dir = ctx.tmp.path('data');
  const server = await lockingProcess(ctx, dir);
  expectLocked(dir, server.pid!);
  assert.is(holder(ctx), String(server.pid));

  server.kill('SIGKILL'); // a power cut, as far as the lock file knows
  await once(server, 'exit');
  const lock = acquireDataDirLock(dir);
  assert.is(holder(ctx), String(process.pid));
  lock.release();
});

S('a lock naming a running process that is not skylapse is stale', async (ctx) => {
  const other = await idler(ctx, { skylapse: false });
  acquireDataDirLock(ctx.tmp.path('data')).release();
  writeFileSync(lockFile(ctx), `${other}\n`);
  acquireDataDirLock(ctx.tmp.path('data'));
  assert.is(holder(ctx), String(process.pid));
});

S('a lock naming a running skylapse process is refused', async (ctx) => {
  const server = await idler(ctx, { skylapse: true });
  acquireDataDirLock(ctx.tmp.path('data')).release();
  writeFileSync(lockFile(ctx), `${server}\n`);
  expectLocked(ctx.tmp.path('data'), server);
});

S('a lock naming a process that no longer runs is stale', (ctx) => {
  const gone = spawnSync(process.execPath, ['-e', '']).pid;
  acquireDataDirLock(ctx.tmp.path('data')).release();
  writeFileSync(lockFile(ctx), `${gone}\n`);
  acquireDataDirLock(ctx.tmp.path('data'));
  assert.is(holder(ctx), String(process.pid));
});

S('a lock naming this very process was left by its previous life (same pid after a reboot)', (ctx) => {
  acquireDataDirLock(ctx.tmp.path('data'));
  const again = acquireDataDirLock(ctx.tmp.path('data'));
  assert.is(holder(ctx), String(process.pid));
  again.release();
});

S('an empty or garbled lock is stale', (ctx) => {
  for (const content of ['', 'not a pid\n']) {
    acquireDataDirLock(ctx.tmp.path('data')).release();
    writeFileSync(lockFile(ctx), content);
    acquireDataDirLock(ctx.tmp.path('data'));
    assert.is(holder(ctx), String(process.pid));
  }
});

S('release leaves a lock another process took over', async (ctx) => {
  const lock = acquireDataDirLock(ctx.tmp.path('data'));
  const other = await idler(ctx, { skylapse: true });
  writeFileSync(lockFile(ctx), `${other}\n`);
  lock.release();
  assert.is(holder(ctx), String(other));
});

S.run();
