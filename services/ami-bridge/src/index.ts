export { type AmiBridgeApp, buildAmiBridgeApp } from './app.js';
export { type AmiBridgeConfig, loadAmiBridgeConfig } from './config.js';
export { amiBridgeErrorCodes } from './errors.js';
