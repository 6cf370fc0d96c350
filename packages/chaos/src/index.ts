export { type ChaosOptions, type ChaosResult, runChaos } from './chaos-run.js';
export { chaosPassed, MAX_RESYNC_S } from './verdict.js';
