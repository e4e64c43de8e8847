// parseMessage: every malformed frame maps to one error code; valid commands are normalised.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseMessage } from '../../transport/protocol.ts';

const S = suite('protocol parsing');
const code = (raw: string) => {
  const p = parseMessage(raw);
  return p.ok ? 'ok' : p.error.code;
};

S('malformed frames', () => {
  assert.is(code('{'), 'INVALID_JSON');
  assert.is(code('[]'), 'INVALID_MESSAGE');
  assert.is(code('null'), 'INVALID_MESSAGE');
  assert.is(code('{"id":1}'), 'INVALID_MESSAGE');
  assert.is(code('{"type":"","id":1}'), 'INVALID_MESSAGE');
  assert.is(code('{"type":"rm_rf","id":1}'), 'UNKNOWN_COMMAND');
  assert.is(code('{"type":"__proto__"}'), 'UNKNOWN_COMMAND');
  assert.is(code('{"type":"ping","data":{"x":1}}'), 'VALIDATION_ERROR');
  assert.is(code('{"type":"discard_session","data":{"sessionId":"nope"}}'), 'VALIDATION_ERROR');
});

S('ids are echoed even when the message is refused', () => {
  const p = parseMessage('{"type":"nope","id":"abc"}');
  assert.is(p.id, 'abc');
});

S('start_intervalometer is normalised and validated per stop condition', () => {
  const ok = parseMessage('{"type":"start_intervalometer","data":{"interval":0.5,"shots":10}}');
  assert.ok(ok.ok);
  if (ok.ok) assert.equal(ok.data, { intervalMs: 500, totalShots: 10, stopCondition: 'stop-after', title: null });
  const unlimited = parseMessage('{"type":"start_intervalometer_with_title","data":{"interval":30,"title":" Milky way "}}');
  if (unlimited.ok) assert.equal(unlimited.data, { intervalMs: 30_000, totalShots: null, stopCondition: 'unlimited', title: 'Milky way' });
  else assert.unreachable('valid command refused');
  assert.is(code('{"type":"start_intervalometer","data":{"interval":1,"stopCondition":"stop-after"}}'), 'VALIDATION_ERROR');
  assert.is(code('{"type":"start_intervalometer","data":{"interval":1,"totalShots":2,"shots":3}}'), 'VALIDATION_ERROR');
  assert.is(code('{"type":"start_intervalometer","data":{"interval":0}}'), 'VALIDATION_ERROR');
  assert.is(code('{"type":"start_intervalometer","data":{"interval":"10"}}'), 'VALIDATION_ERROR');
  assert.is(code('{"type":"start_intervalometer","data":{"interval":1,"totalShots":1.5}}'), 'VALIDATION_ERROR');
});

S.run();
