// docs/protocol.md states every message; the schemas in code are its source. This keeps the two in step.
import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BROADCAST_TYPES, COMMANDS, ERROR_CODES, REPLY_TYPES } from '../../transport/protocol.ts';

const S = suite('protocol doc');
const doc = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');
/** Names written as table cells: | `name` | (the seed's time-sync names have hyphens) */
const tableNames = new Set([...doc.matchAll(/^\| `([a-z_A-Z-]+)` \|/gm)].map((m) => m[1]!));

S('every command, broadcast and error code in code is documented in a table', () => {
  for (const name of [...COMMANDS, ...BROADCAST_TYPES, ...ERROR_CODES]) assert.ok(tableNames.has(name), `${name} is not in docs/protocol.md`);
});

S('the doc documents nothing the code does not have', () => {
  const known = new Set<string>([...COMMANDS, ...BROADCAST_TYPES, ...ERROR_CODES]);
  for (const name of tableNames) assert.ok(known.has(name), `docs/protocol.md names ${name}, which the code does not define`);
});

S('reply types are described', () => {
  for (const type of REPLY_TYPES) assert.ok(doc.includes(`"type": "${type}"`), `${type} has no example`);
});

S.run();
