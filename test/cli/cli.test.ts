// The command line as a person at a terminal meets it: a mistake gets one sentence and the usage (exit 2), a held
// data directory one sentence (exit 2), and `doctor` one line per check. Runs the build, like every CLI test.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli, startServer, stopServer } from '../helpers/process.ts';

const S = suite('skylapse CLI');
let dir = '';
S.before(() => {
  dir = mkdtempSync(join(tmpdir(), 'skylapse-cli-'));
});
S.after(() => rmSync(dir, { recursive: true, force: true }));

/** One line naming the problem, then the usage; never a stack trace. */
function assertUsageError(r: ReturnType<typeof runCli>, names: string) {
  assert.is(r.status, 2, r.stderr);
  const [first] = r.stderr.split('\n');
  assert.match(first!, /^skylapse: /);
  assert.ok(first!.includes(names), first);
  assert.ok(r.stderr.includes('skylapse serve ['), 'usage follows');
  assert.not.match(r.stderr, /\n\s+at /, 'no stack trace');
  assert.is(r.stdout, '');
}

S('an unknown flag is named, with the usage, exit 2', () => {
  assertUsageError(runCli(['serve', '--bogus']), '--bogus');
  assertUsageError(runCli(['report', 'list', '--camera', 'x']), '--camera');
});

S('a flag without its value, a bad value, an unknown command: exit 2', () => {
  assertUsageError(runCli(['serve', '--port']), '--port');
  assertUsageError(runCli(['serve', '--port', 'eighty']), 'not a port');
  assertUsageError(runCli(['serve', '--resume', 'later']), '--resume');
  assertUsageError(runCli(['serve', '--camera', 'http://example.com/']), '--camera');
  assertUsageError(runCli(['frobnicate']), 'frobnicate');
  assertUsageError(runCli(['report', 'show']), 'report');
});

S('SKYLAPSE_RESUME is checked like --resume', () => {
  assertUsageError(runCli(['serve', '--data', dir], { SKYLAPSE_RESUME: 'sometimes' }), 'sometimes');
});

S('--help and --version print and exit 0', () => {
  const help = runCli(['--help']);
  assert.is(help.status, 0);
  assert.match(help.stdout, /skylapse doctor/);
  const version = runCli(['--version']);
  assert.is(version.status, 0);
  assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
});

S('report list without a database says so', () => {
  const r = runCli(['report', 'list', '--data', join(dir, 'none')]);
  assert.is(r.status, 0);
  assert.match(r.stdout, /No reports yet/);
});

S('a data directory held by a running server: one sentence naming its pid, exit 2', async () => {
  const data = join(dir, 'held');
  const server = await startServer(data);
  try {
    const r = runCli(['serve', '--port', '0', '--host', '127.0.0.1', '--data', data]);
    assert.is(r.status, 2, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.is(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /^skylapse: /);
    assert.ok(lines[0]!.includes(String(server.child.pid)), lines[0]);
  } finally {
    await stopServer(server);
  }
});

S('doctor: one line per check, exit 0 when all pass', () => {
  const r = runCli(['doctor', '--data', join(dir, 'doctor')]);
  assert.is(r.status, 0, r.stdout + r.stderr);
  const lines = r.stdout.trim().split('\n');
  for (const name of ['node', 'sqlite', 'data', 'disk', 'camera', 'clock']) {
    assert.ok(lines.some((l) => new RegExp(`^(ok  |FAIL)  ${name} `).test(l)), `a line for ${name}:\n${r.stdout}`);
  }
});

S('doctor: an unwritable data directory and a silent camera fail, exit 1', () => {
  const file = join(dir, 'a-file');
  writeFileSync(file, 'not a directory');
  // Port 1 on loopback: nothing listens there.
  const r = runCli(['doctor', '--data', join(file, 'data'), '--camera', 'http://127.0.0.1:1/ccapi']);
  assert.is(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /^FAIL  data /m);
  assert.match(r.stdout, /^FAIL  camera /m);
  assert.match(r.stdout, /^ok    node /m);
});

S.run();
