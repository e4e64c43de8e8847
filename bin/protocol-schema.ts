// `npm run protocol:schema`: writes docs/protocol.schema.json from the zod schemas.
import { writeFileSync } from 'node:fs';
import { protocolJsonSchema } from '../transport/protocol-schema.ts';

const file = new URL('../docs/protocol.schema.json', import.meta.url);
writeFileSync(file, JSON.stringify(protocolJsonSchema(), null, 2) + '\n');
process.stdout.write(`wrote ${file.pathname}\n`);
