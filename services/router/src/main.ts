import { runService } from '@sa/platform';
import { buildRouterApp } from './app.js';
import { loadRouterConfig } from './config.js';

await runService({ name: 'router', loadConfig: () => loadRouterConfig(), build: buildRouterApp });
