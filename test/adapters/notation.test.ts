import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { abilityRefusal, parseAv, parseIso, parseStops, settingNumber } from '../../adapters/ccapi/notation.ts';
import { cameraZoneAt, formatCanonDatetime, parseCanonDatetime } from '../../adapters/ccapi/datetime.ts';

const S = suite('canon notation, zones');

S('Canon notation becomes numbers', () => {
  assert.is(settingNumber('tv', '1/8000'), 1 / 8000);
  assert.is(settingNumber('tv', '0"5'), 0.5);
  assert.is(settingNumber('tv', '30"'), 30);
  assert.is(settingNumber('tv', 'bulb'), null);
  assert.is(parseAv('f5.6'), 5.6);
  assert.is(parseAv('f11'), 11);
  assert.is(parseAv('5.6'), null);
  assert.is(parseIso('auto'), 'auto');
  assert.is(parseIso('1600'), 1600);
  assert.is(parseIso('H'), null);
  assert.is(parseStops('+0.0'), 0);
  assert.is(parseStops('+1_1/3'), 1 + 1 / 3);
  assert.is(parseStops('-3_1/3'), -(3 + 1 / 3));
  assert.is(settingNumber('colortemperature', 5200), 5200);
  assert.is(settingNumber('wb', 'daylight'), null);
});

S('values are checked against lists, ranges and per-part abilities', () => {
  assert.is(abilityRefusal('1600', ['auto', '1600']), null);
  assert.match(abilityRefusal('1601', ['auto', '1600'])!, /not one of/);
  const kelvin = { min: 2500, max: 10000, step: 100 };
  assert.is(abilityRefusal(5200, kelvin), null);
  assert.match(abilityRefusal(5250, kelvin)!, /step/);
  assert.match(abilityRefusal(12000, kelvin)!, /outside/);
  assert.match(abilityRefusal('5200', kelvin)!, /not a number/);
  const quality = { raw: ['none', 'raw'], jpeg: ['large_fine'] };
  assert.is(abilityRefusal({ raw: 'raw', jpeg: 'large_fine' }, quality), null);
  assert.match(abilityRefusal({ raw: 'craw' }, quality)!, /^raw:/);
  assert.match(abilityRefusal({ hdr: 'on' }, quality)!, /not a part/);
});

S('zones: the standard offset and the DST flag as the camera wants them', () => {
  const jan = Date.UTC(2026, 0, 15, 12);
  const jul = Date.UTC(2026, 6, 15, 12);
  assert.equal(cameraZoneAt(jul, 'Asia/Kolkata'), { stdOffsetMin: 330, dst: false });
  // Chatham: +12:45 standard, +13:45 in its (southern) summer.
  assert.equal(cameraZoneAt(jul, 'Pacific/Chatham'), { stdOffsetMin: 765, dst: false });
  assert.equal(cameraZoneAt(jan, 'Pacific/Chatham'), { stdOffsetMin: 765, dst: true });
  // Newfoundland: −03:30 standard, −02:30 in summer.
  assert.equal(cameraZoneAt(jan, 'America/St_Johns'), { stdOffsetMin: -210, dst: false });
  assert.equal(cameraZoneAt(jul, 'America/St_Johns'), { stdOffsetMin: -210, dst: true });
  const text = formatCanonDatetime(jan, 765, true);
  assert.is(text, 'Fri, 16 Jan 2026 01:45:00 +1245'); // 12:00 UTC + 13:45 (DST)
  assert.equal(parseCanonDatetime(text, true), { utcMs: jan, stdOffsetMin: 765 });
  assert.is(formatCanonDatetime(jul, -210, true), 'Wed, 15 Jul 2026 09:30:00 -0330');
  assert.is(formatCanonDatetime(jul, 330, false), 'Wed, 15 Jul 2026 17:30:00 +0530');
});

S.run();
