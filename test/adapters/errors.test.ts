import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CameraError } from '../../machines/camera-port.ts';
import { CcapiError, httpError, networkError, pressOutcome } from '../../adapters/ccapi/errors.ts';

const S = suite('ccapi error mapping');

S('503 messages per docs/camera-notes.md §13', () => {
  for (const m of ['Device busy', 'During shooting or recording', 'Taken in preparation']) {
    const e = httpError('shutterbutton', 503, m);
    assert.is(e.code, 'BUSY');
    assert.ok(e.transient);
    assert.is(pressOutcome(e), 'retry');
    assert.ok(e.message.includes(m), 'message carries the camera text');
    assert.ok(e instanceof CameraError);
  }
  for (const m of ['Can not write to card', 'Card not available', 'Card protected']) {
    const e = httpError('shutterbutton', 503, m);
    assert.is(e.code, 'CARD');
    assert.is(e.transient, false);
    assert.is(pressOutcome(e), 'final');
  }
  assert.is(httpError('x', 503, 'Out of focus').code, 'REJECTED');
  assert.is(httpError('x', 503, 'Already started').cameraMessage, 'Already started');
});

S('an unknown 503 is pressed again once', () => {
  const e = httpError('shutterbutton', 503, 'Something new');
  assert.is(e.code, 'BUSY');
  assert.is(pressOutcome(e), 'retry-once');
  assert.is(pressOutcome(httpError('shutterbutton', 503, null)), 'retry-once');
});

S('other statuses', () => {
  assert.is(httpError('x', 502, null).code, 'WEDGED');
  assert.ok(httpError('x', 502, null).message.includes('power-cycle'));
  assert.is(httpError('x', 404, 'URL not found').code, 'NOT_SUPPORTED');
  assert.is(httpError('x', 405, null).code, 'NOT_SUPPORTED');
  assert.is(httpError('x', 400, 'Invalid parameter').code, 'REJECTED');
  assert.is(httpError('x', 400, 'Invalid parameter').status, 400);
  assert.is(httpError('x', 500, null).code, 'PROTOCOL');
});

S('network failures', () => {
  const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
  const e = networkError('battery', refused, false);
  assert.is(e.code, 'UNREACHABLE');
  assert.ok(e.transient);
  assert.is(e.delivery, 'not-sent');
  assert.is(pressOutcome(e), 'retry');
  const connectTimeout = new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'UND_ERR_CONNECT_TIMEOUT' }) });
  assert.is(pressOutcome(networkError('shutterbutton', connectTimeout, false)), 'retry');
  assert.is(networkError('battery', new Error('aborted'), true).code, 'TIMEOUT');
});

S('a press that may have reached the camera is never pressed again', () => {
  const reset = new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
  assert.is(pressOutcome(networkError('shutterbutton', reset, false)), 'ambiguous');
  assert.is(pressOutcome(networkError('shutterbutton', new Error('aborted'), true)), 'ambiguous'); // timeout after sending
  const unreadable200 = new CcapiError('PROTOCOL', 'shutterbutton: HTTP 200 with a non-JSON body', false, 200, null);
  assert.is(pressOutcome(unreadable200), 'ambiguous');
  assert.is(pressOutcome(httpError('shutterbutton', 400, 'Invalid parameter')), 'final');
  const local = new CcapiError('NOT_SUPPORTED', 'not advertised', false, undefined, null, 'not-sent');
  assert.is(pressOutcome(local), 'final');
});

S.run();
