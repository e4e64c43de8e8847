// `npm run bench`: prints the performance figures (they are measured here, never asserted in tests).
// `npm run bench -- append` or `-- lateness` runs one.
import { cpus } from 'node:os';
import { benchAppend, printAppend } from './append.ts';
import { benchLateness, printLateness } from './lateness.ts';

const only = process.argv[2];
console.log(`skylapse bench — node ${process.version}, ${cpus().length}× ${cpus()[0]?.model ?? 'cpu'}, ${new Date().toISOString()}`);
if (!only || only === 'append') printAppend(benchAppend());
if (!only || only === 'lateness') printLateness(await benchLateness());
