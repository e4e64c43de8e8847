import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { formatCanonDatetime, formatOffset, parseCanonDatetime, parseLastModified } from '../../adapters/ccapi/datetime.ts';

const S = suite('ccapi datetime');

S('offsets are sign + HHMM for every zone (docs/decisions.md §9)', () => {
  assert.is(formatOffset(60), '+0100');
  assert.is(formatOffset(330), '+0530');
  assert.is(formatOffset(-210), '-0330');
  assert.is(formatOffset(0), '+0000');
  assert.is(formatOffset(-480), '-0800');
});

S('RP in US/Pacific summer: wall time with dst, standard offset', () => {
  const utc = Date.UTC(2020, 7, 30, 0, 46, 19); // 17:46:19 PDT
  assert.is(formatCanonDatetime(utc, -480, true), 'Sat, 29 Aug 2020 17:46:19 -0800');
  assert.equal(parseCanonDatetime('Sat, 29 Aug 2020 17:46:19 -0800', true), { utcMs: utc, stdOffsetMin: -480 });
});

S('round trip without dst, half-hour zone', () => {
  const utc = Date.UTC(2019, 0, 1, 1, 23, 45);
  const text = formatCanonDatetime(utc, 330, false);
  assert.is(text, 'Tue, 01 Jan 2019 06:53:45 +0530');
  assert.equal(parseCanonDatetime(text, false), { utcMs: utc, stdOffsetMin: 330 });
});

S('garbage is null', () => {
  assert.is(parseCanonDatetime('2019-01-01T01:23:45Z', false), null);
  assert.is(parseCanonDatetime('Tue, 01 Foo 2019 01:23:45 +0900', false), null);
});

S('lastmodifieddate: local wall time labelled GMT, corrected by the camera offset', () => {
  // An RP in US/Pacific summer (-0800 standard, dst): 17:46:34 local is 00:46:34 UTC the next day.
  assert.is(parseLastModified('Sat, 29 Aug 2020 17:46:34 GMT', -480, true), Date.UTC(2020, 7, 30, 0, 46, 34));
  assert.is(parseLastModified('Sat, 29 Aug 2020 17:46:34 GMT', 0, false), Date.UTC(2020, 7, 29, 17, 46, 34));
  assert.is(parseLastModified('', 0, false), null);
  assert.is(parseLastModified(null, 0, false), null);
});

S.run();
