// Entry point: validated config -> composition root -> runService (signals, graceful stop).
import { runService } from '@sa/platform';
import { buildAdminApp } from './app.js';
import { loadAdminConfig } from './config.js';

await runService({
  name: 'admin',
  loadConfig: () => loadAdminConfig(),
  build: (config, logger) => buildAdminApp(config, logger),
});
