// Loaded into every test process (scripts/test-all.mjs). With --test-force-exit and one process
// per test file, Node's test runner can exit a file's process while its last results are still
// buffered in the stdout pipe (nodejs/node#64833, Linux pipes are non-blocking): the run then
// reports fewer tests than ran, with exit 0. Blocking writes make every result reach the parent.
const handle = process.stdout._handle;
if (!process.stdout.isTTY && typeof handle?.setBlocking === 'function') handle.setBlocking(true);
