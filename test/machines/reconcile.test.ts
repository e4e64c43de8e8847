// Card reconciliation, pure: which unsettled slot a file found on the card belongs to. The cases are nights the kill
// campaign (test/e2e/kill-campaign.test.ts) got wrong, with its numbers: 0.5 s slots, whole-second capture times.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { reconcile, type PendingSlot } from '../../machines/reconcile.ts';

const S = suite('card reconciliation');
const DIR = '/ccapi/ver130/contents/card1/100CANON';
const T0 = 1_796_008_000_000;
const owners = (r: ReturnType<typeof reconcile>) => r.matched.map((m) => [m.number, m.files.map((f) => f.slice(DIR.length + 1))]);

S('a file goes to the `ok` slot whose press surely fired, not to a later press a crash cut off', () => {
  // KILL_SEED=2080012175: slot 32 was pressed late (its file came after slot 33 began) and logged ok without its file;
  // the process died while pressing slot 33, before it saw the file. Slot 33's press never fired.
  const pending: PendingSlot[] = [
    { number: 32, plannedAt: T0 + 580_242, result: 'ok' },
    { number: 33, plannedAt: T0 + 580_742, result: 'unknown' },
  ];
  const known = [{ number: 29, path: `${DIR}/IMG_0014.JPG` }];
  const r = reconcile(pending, known, [{ path: `${DIR}/IMG_0015.JPG`, capturedAt: T0 + 580_000 }]);
  assert.equal(owners(r), [[32, ['IMG_0015.JPG']]]);
  assert.equal(r.orphans, []);
});

S('with as many files as `ok` and unknown slots, each still gets its own, in order', () => {
  const pending: PendingSlot[] = [
    { number: 32, plannedAt: T0 + 580_242, result: 'ok' },
    { number: 33, plannedAt: T0 + 580_742, result: 'unknown' },
  ];
  const card = [
    { path: `${DIR}/IMG_0015.JPG`, capturedAt: T0 + 580_000 },
    { path: `${DIR}/IMG_0016.JPG`, capturedAt: T0 + 581_000 },
  ];
  assert.equal(owners(reconcile(pending, [], card)), [[32, ['IMG_0015.JPG']], [33, ['IMG_0016.JPG']]]);
});

S.run();
