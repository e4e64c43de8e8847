import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isBulb, parseTv } from '../../adapters/ccapi/tv.ts';

const S = suite('ccapi tv parser');

S('1/N fractions', () => {
  assert.is(parseTv('1/125'), 1 / 125);
  assert.is(parseTv('1/4000'), 1 / 4000);
  assert.is(parseTv('1/4'), 0.25);
});

S('A"B is A.B seconds (the prior system got this wrong)', () => {
  assert.is(parseTv('0"5'), 0.5);
  assert.is(parseTv('1"3'), 1.3);
  assert.is(parseTv('3"2'), 3.2);
  assert.is(parseTv('0"3'), 0.3);
});

S('A" is whole seconds', () => {
  assert.is(parseTv('30"'), 30);
  assert.is(parseTv('1"'), 1);
  assert.is(parseTv('8"'), 8);
});

S('bulb and unknown notation give null', () => {
  assert.is(parseTv('bulb'), null);
  assert.ok(isBulb('bulb'));
  assert.not.ok(isBulb('30"'));
  assert.is(parseTv('8'), null); // the R10 rejects a bare "8" too
  assert.is(parseTv(''), null);
  assert.is(parseTv('1/0'), null);
  assert.is(parseTv('0.5'), null);
});

S.run();
