export { type AmiBridgeApp, buildAmiBridgeApp } from './app.js';
export { type AmiBridgeConfig, loadAmiBridgeConfig } from './config.js';
export { type AstDbPut, type FollowMeTarget, followMeKeys, followMeOff } from './domain/followme.js';
export { amiBridgeErrorCodes } from './errors.js';
