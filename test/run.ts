// The test command: build, type check, then every *.test.ts in its own process (so one file's open handles or crash
// cannot hang or hide another), two at a time. Ends with the one line CI reads: `N passed, N failed`.
// `npm test -- store` runs only the files whose path contains "store" (the build and type check always run).
// Test files run from the TypeScript sources under tsx; the tests that spawn the CLI (test/helpers/process.ts) run
// the build in dist/, made here first so that it is never older than the sources.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const filters = process.argv.slice(2);
const FILE_TIMEOUT_MS = 180_000;

function findTests(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : findTests(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

interface Outcome {
  name: string;
  passed: number;
  failed: number;
  skipped: number;
  output: string;
}

function run(name: string, cmd: string, args: string[], count: (out: string, code: number | null) => Omit<Outcome, 'name' | 'output'>): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d));
    child.stderr.on('data', (d: Buffer) => (output += d));
    const timer = setTimeout(() => {
      output += `\n[run] ${name} exceeded ${FILE_TIMEOUT_MS / 1000} s and was killed\n`;
      child.kill('SIGKILL');
    }, FILE_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ name, output, ...count(output, code) });
    });
  });
}

function uvuCounts(out: string, code: number | null) {
  const num = (label: string) => Number(new RegExp(`${label}:\\s+(\\d+)`).exec(out)?.[1] ?? NaN);
  const total = num('Total');
  const passed = num('Passed');
  const skipped = num('Skipped') || 0;
  if (Number.isNaN(total) || Number.isNaN(passed)) return { passed: 0, failed: 1, skipped: 0 }; // crashed before its summary
  const failed = total - passed; // uvu's Total already leaves skipped tests out
  // A non-zero exit with every test passed is still a failure (e.g. an error after the suites ran).
  return { passed, failed: failed === 0 && code !== 0 ? 1 : failed, skipped };
}

// npm's own script (npm_execpath) when run through npm, else the npm beside this node.
const npm = process.env.npm_execpath?.endsWith('.js') ? process.execPath : 'npm';
const npmArgs = npm === process.execPath ? [process.env.npm_execpath!] : [];

function report(outcome: Outcome): void {
  const mark = outcome.failed > 0 ? 'FAIL' : 'ok  ';
  process.stdout.write(`\n── ${mark} ${outcome.name} (${outcome.passed} passed, ${outcome.failed} failed)\n`);
  if (outcome.failed > 0 || process.env.VERBOSE) process.stdout.write(outcome.output);
}

async function main(): Promise<void> {
  const files = findTests(join(root, 'test'))
    .map((f) => relative(root, f))
    .filter((f) => filters.length === 0 || filters.some((p) => f.includes(p)))
    .sort();
  const tsc = join(root, 'node_modules', '.bin', 'tsc');
  const exitCode = (_out: string, code: number | null) => ({ passed: code === 0 ? 1 : 0, failed: code === 0 ? 0 : 1, skipped: 0 });
  // The build comes before every test file (it is quick: esbuild); the type check runs beside the tests.
  const build = await run('build', npm, [...npmArgs, 'run', '--silent', 'build'], exitCode);
  report(build);
  const outcomes: Outcome[] = [build];
  const jobs: (() => Promise<Outcome>)[] = [
    () => run('typecheck', tsc, ['--noEmit', '-p', '.'], exitCode),
    ...files.map((f) => () => run(f, process.execPath, ['--conditions=development', '--import', 'tsx', f], uvuCounts)),
  ];
  const next = async (): Promise<void> => {
    for (let job = jobs.shift(); job; job = jobs.shift()) {
      const outcome = await job();
      outcomes.push(outcome);
      report(outcome);
    }
  };
  await Promise.all([next(), next()]);
  const sum = (k: 'passed' | 'failed' | 'skipped') => outcomes.reduce((n, o) => n + o[k], 0);
  const skipped = sum('skipped');
  process.stdout.write(`\n${sum('passed')} passed, ${sum('failed')} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  process.exitCode = sum('failed') > 0 ? 1 : 0;
}

void main();
