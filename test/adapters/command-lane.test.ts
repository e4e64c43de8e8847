import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CommandLane } from '../../adapters/ccapi/command-lane.ts';

const S = suite('command lane priorities');

/** A job that stays in flight until released (or aborted), logging what happened to it. */
function gate(log: string[], name: string) {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  const run = (signal: AbortSignal) => {
    log.push(`start ${name}`);
    return new Promise<string>((resolve, reject) => {
      signal.addEventListener('abort', () => {
        log.push(`abort ${name}`);
        reject(new Error('aborted'));
      });
      void opened.then(() => resolve(name));
    });
  };
  return { run, open };
}

const tick = () => new Promise((r) => setImmediate(r));

S('a press preempts a status GET in flight; the GET runs again after it', async () => {
  const lane = new CommandLane();
  const log: string[] = [];
  let statusRuns = 0;
  const status = lane.run(
    'other',
    (signal) => {
      statusRuns++;
      if (statusRuns === 1) return gate(log, 'status').run(signal);
      log.push('start status again');
      return Promise.resolve('status');
    },
    { preemptible: true },
  );
  await tick();
  const press = lane.run('press', async () => {
    log.push('press');
    return 'press';
  });
  assert.is(await press, 'press');
  assert.is(await status, 'status');
  assert.equal(log, ['start status', 'abort status', 'press', 'start status again']);
});

S('queued work goes by priority: press, then poll, then other', async () => {
  const lane = new CommandLane();
  const log: string[] = [];
  const first = gate(log, 'first');
  const running = lane.run('poll', first.run);
  await tick();
  const jobs = [
    lane.run('other', async () => void log.push('other')),
    lane.run('poll', async () => void log.push('poll')),
    lane.run('press', async () => void log.push('press')),
  ];
  first.open();
  await running;
  await Promise.all(jobs);
  assert.equal(log, ['start first', 'press', 'poll', 'other']);
});

S('while held, other work waits; presses and polls do not', async () => {
  const lane = new CommandLane();
  const log: string[] = [];
  const release = lane.hold();
  const other = lane.run('other', async () => void log.push('other'));
  await lane.run('press', async () => void log.push('press'));
  await lane.run('poll', async () => void log.push('poll'));
  await tick();
  assert.equal(log, ['press', 'poll']);
  release();
  await other;
  assert.equal(log, ['press', 'poll', 'other']);
});

S('a non-preemptible job is never aborted; close refuses what is queued', async () => {
  const lane = new CommandLane();
  const log: string[] = [];
  const put = gate(log, 'put');
  const running = lane.run('other', put.run); // e.g. a settings PUT: not idempotent
  await tick();
  const press = lane.run('press', async () => void log.push('press'));
  await tick();
  assert.equal(log, ['start put']);
  put.open();
  await running;
  await press;
  assert.equal(log, ['start put', 'press']);
  const held = lane.hold();
  const queued = lane.run('other', async () => 'never');
  lane.close();
  held();
  await queued.then(
    () => assert.unreachable('should be refused'),
    (err: unknown) => assert.match(String(err), /closed/),
  );
});

S.run();
