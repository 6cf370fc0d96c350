#!/usr/bin/env node
// The `sa-phone` command (npm bin, on the PATH via npx or node_modules/.bin): runs the built CLI.
// A committed shim, so it stays executable after every build (tsc writes files without +x).
try {
  await import('../dist/cli.js');
} catch (err) {
  if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).includes('dist/cli.js')) throw err;
  console.error('sa-phone: not built yet: run `npm start` or `npx turbo run build` in the repository first');
  process.exit(69);
}
