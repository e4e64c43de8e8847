// `serve` access flags: a mistake is one line and the usage, exit 2, and never repeats the token's value.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../helpers/process.ts';

const S = suite('serve --token, --observer-token, --max-clients');

for (const [args, message] of [
  [['--token', 'short!'], /--token must be 8 to 128 characters/],
  [['--observer-token', 'observer-token-1'], /--observer-token needs --token too/],
  [['--token', 'same-token-1', '--observer-token', 'same-token-1'], /--observer-token must differ from --token/],
  [['--max-clients', '0'], /--max-clients must be a whole number/],
] as const) {
  S(`serve ${args.join(' ')}`, () => {
    const r = runCli(['serve', ...args]);
    assert.is(r.status, 2);
    assert.match(r.stderr.split('\n')[0]!, message);
    assert.match(r.stderr, /Usage|skylapse serve/);
    for (const a of args) if (a.includes('token-') || a === 'short!') assert.not.match(r.stderr, a);
  });
}

S('SKYLAPSE_TOKEN is checked like the flag', () => {
  const r = runCli(['serve'], { SKYLAPSE_TOKEN: 'bad token' });
  assert.is(r.status, 2);
  assert.match(r.stderr, /--token must be/);
});

S.run();
