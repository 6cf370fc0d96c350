#!/usr/bin/env node
// The `sa-admin` command (npm bin, on the PATH via npx or node_modules/.bin): runs the built CLI.
// A committed shim, so it stays executable after every build (tsc writes files without +x).
try {
  await import('../dist/cli/sa-admin.js');
} catch (err) {
  if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).includes('dist/cli/sa-admin.js'))
    throw err;
  console.error('sa-admin: not built yet: run `npm start` or `npx turbo run build` in the repository first');
  process.exit(69);
}
