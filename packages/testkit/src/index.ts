export { TEST_IMAGES } from './images.js';
export { deleteRedisKeys, type RedisKeyScanner, testUrls, uniqueName } from './isolation.js';
export {
  freePorts,
  type LocalServer,
  reapWhenGone,
  removeWorkDir,
  startLocalServer,
  waitForLog,
  workDir,
} from './local-servers.js';
export {
  type NatsCluster,
  type NatsClusterNode,
  type StartNatsClusterOptions,
  startNatsCluster,
} from './nats-cluster.js';
export { type LocalPostgres, startLocalPostgres } from './postgres-local.js';
export {
  type RedisClusterSetup,
  type RedisSentinelSetup,
  redisCli,
  startRedisCluster,
  startRedisSentinel,
} from './redis-local.js';
export {
  type LogLine,
  repoRoot,
  runServiceToExit,
  type ServiceName,
  type ServiceProcess,
  type StartServiceOptions,
  startService,
} from './service-process.js';
export { startTcpBalancer, type TcpBalancer } from './tcp-balancer.js';
export { startTcpProxy, type TcpProxy } from './tcp-proxy.js';
export { ensureTestServers, portAnswers, type TestServers } from './test-servers.js';
export { startUdpBalancer, type UdpBackend, type UdpBalancer } from './udp-balancer.js';
export { waitFor } from './wait.js';
