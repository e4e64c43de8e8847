// Releases adopted across a restart: a file written after the new process started goes to the dead process's
// release it belongs to, never to the new process's first press; once that press is accepted with no file of the
// adopted release seen, the adopted one no longer claims files.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ManualClock } from '../../adapters/clock.ts';
import { ReleaseLedger } from '../../adapters/ccapi/release-ledger.ts';
import type { LateFiles } from '../../machines/camera-port.ts';

const S = suite('release ledger across a restart');
const DIR = '/ccapi/ver130/contents/card1/100CANON';
const tag = (number: number) => ({ sessionId: 's', number });

S('an adopted release claims the first new file, handed back as a late file under its own tag', () => {
  const late: LateFiles[] = [];
  const ledger = new ReleaseLedger(new ManualClock(), (l) => late.push(l));
  ledger.seed(`${DIR}/IMG_0046.JPG`);
  ledger.adopt([tag(67)]);
  const press = ledger.open(tag(68), 10, 1);
  ledger.addFiles([`${DIR}/IMG_0047.JPG`], 20); // the dead process's frame, written while 68 was refused as busy
  ledger.accept(press);
  ledger.addFiles([`${DIR}/IMG_0048.JPG`], 30);
  assert.equal(late.map((l) => [l.tag.number, l.files]), [[67, [`${DIR}/IMG_0047.JPG`]]]);
  assert.equal(press.files, [`${DIR}/IMG_0048.JPG`]);
});

S('an adopted release with no file by the time a new press is accepted is passed over', () => {
  const late: LateFiles[] = [];
  const ledger = new ReleaseLedger(new ManualClock(), (l) => late.push(l));
  ledger.seed(`${DIR}/IMG_0047.JPG`); // its frame was already on the card: the card listing settles it
  ledger.adopt([tag(67)]);
  const press = ledger.open(tag(68), 10, 1);
  ledger.accept(press);
  ledger.addFiles([`${DIR}/IMG_0048.JPG`], 30);
  assert.equal(late, []);
  assert.equal(press.files, [`${DIR}/IMG_0048.JPG`]);
});

S.run();
