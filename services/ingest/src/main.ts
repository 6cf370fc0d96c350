#!/usr/bin/env node
import { runService } from '@sa/platform';
import { buildIngestApp } from './app.js';
import { loadIngestConfig } from './config.js';

await runService({ name: 'ingest', loadConfig: () => loadIngestConfig(), build: buildIngestApp });
