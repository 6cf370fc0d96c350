// Public surface of @sa/router for tests, the demo and the benchmark.

export { ASTDB_FAMILY } from './adapters/nats/nats-ami-commander.js';
export { routerKeys } from './adapters/redis/keys.js';
export { buildRouterApp } from './app.js';
export { loadRouterConfig, type RouterConfig } from './config.js';
export { decodeState } from './routing/state-codec.js';
export { engineSettings } from './wiring/engine-settings.js';
