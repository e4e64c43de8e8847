import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CameraError } from '../../machines/camera-port.ts';
import { httpError, networkError, retryPolicy } from '../../adapters/ccapi/errors.ts';

const S = suite('ccapi error mapping');

S('503 messages per camera-api.md §4', () => {
  for (const m of ['Device busy', 'During shooting or recording', 'Taken in preparation']) {
    const e = httpError('shutterbutton', 503, m);
    assert.is(e.code, 'BUSY');
    assert.ok(e.transient);
    assert.is(retryPolicy(e), 'until-deadline');
    assert.ok(e.message.includes(m), 'message carries the camera text');
    assert.ok(e instanceof CameraError);
  }
  for (const m of ['Can not write to card', 'Card not available', 'Card protected']) {
    const e = httpError('shutterbutton', 503, m);
    assert.is(e.code, 'CARD');
    assert.is(e.transient, false);
    assert.is(retryPolicy(e), 'never');
  }
  assert.is(httpError('x', 503, 'Out of focus').code, 'REJECTED');
  assert.is(httpError('x', 503, 'Already started').cameraMessage, 'Already started');
});

S('an unknown 503 is retried once', () => {
  const e = httpError('shutterbutton', 503, 'Something new');
  assert.is(e.code, 'BUSY');
  assert.is(retryPolicy(e), 'once');
  assert.is(retryPolicy(httpError('shutterbutton', 503, null)), 'once');
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
  assert.is(retryPolicy(e), 'until-deadline');
  assert.is(networkError('battery', new Error('aborted'), true).code, 'TIMEOUT');
});

S.run();
