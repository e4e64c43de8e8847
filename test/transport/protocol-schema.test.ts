// docs/protocol.schema.json is generated from the zod schemas; this fails when it is stale.
import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { COMMANDS, REPLY_TYPES } from '../../transport/protocol.ts';
import { protocolJsonSchema } from '../../transport/protocol-schema.ts';

const S = suite('protocol JSON Schema');

S('the committed schema is what the zod schemas generate (npm run protocol:schema)', () => {
  const committed = JSON.parse(readFileSync(new URL('../../docs/protocol.schema.json', import.meta.url), 'utf8')) as unknown;
  assert.equal(committed, JSON.parse(JSON.stringify(protocolJsonSchema())));
});

S('every command and every server message has a schema', () => {
  const schema = protocolJsonSchema();
  assert.equal(Object.keys(schema.commands).sort(), [...COMMANDS].sort());
  for (const type of [...REPLY_TYPES, 'broadcast']) assert.ok(type in schema.serverMessages, type);
});

S.run();
