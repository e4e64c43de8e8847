#!/usr/bin/env node
// `npx skylapse` entry: registers tsx from this package (not from the caller's cwd), then runs the CLI.
import { register } from 'tsx/esm/api';

register();
await import('./skylapse.ts');
