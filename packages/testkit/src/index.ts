export { TEST_IMAGES } from './images.js';
export { deleteRedisKeys, type RedisKeyScanner, testUrls, uniqueName } from './isolation.js';
export {
  type LogLine,
  repoRoot,
  runServiceToExit,
  type ServiceName,
  type ServiceProcess,
  type StartServiceOptions,
  startService,
} from './service-process.js';
export { ensureTestServers, portAnswers, type TestServers } from './test-servers.js';
export { waitFor } from './wait.js';
