export { type AdminApp, type BuildOptions, buildAdminApp } from './app.js';
export { type AdminConfig, adminEnvSchema, loadAdminConfig } from './config.js';
export { type AdminErrorCode, ERRORS } from './errors.js';
