export { MAX_RESYNC_S } from './bounds.js';
export { type ChaosOptions, type ChaosResult, runChaos } from './chaos-run.js';
export { chaosPassed } from './verdict.js';
