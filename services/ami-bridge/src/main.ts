import { runService } from '@sa/platform';
import { buildAmiBridgeApp } from './app.js';
import { loadAmiBridgeConfig } from './config.js';

await runService({ name: 'ami-bridge', loadConfig: () => loadAmiBridgeConfig(), build: buildAmiBridgeApp });
