#!/usr/bin/env node
// The `skylapse` command (`npx skylapse`, `npm start`, the systemd unit): runs the build in dist/ with plain node.
// `npm install` makes the build (the `prepare` script); `npm run build` remakes it after a change to the sources.
// To run the TypeScript sources instead, without building: `npm run dev -- <command>`.
try {
  await import('../dist/skylapse.js');
} catch (err) {
  if (err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/skylapse.js')) {
    process.stderr.write('skylapse: not built yet (no dist/skylapse.js); run `npm run build` in the skylapse folder\n');
    process.exit(1);
  }
  throw err;
}
