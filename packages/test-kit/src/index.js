// @vip-presence/test-kit: what the tests, the bench and the scripts need to run real parts.
export { isPortFree, freePort } from './free-port.js';
export { waitFor, waitForHttp, waitForLine, waitForPort } from './wait-for.js';
export {
  commandLine,
  isAlive,
  killProcessGroupNow,
  signalProcess,
  stopProcessGroup,
} from './process-group.js';
export {
  StartedProcess,
  adoptProcess,
  killAll,
  runToExit,
  startProcess,
  stopAll,
} from './child-process.js';
export { clusterInfo, redisCli, redisCliAccessArgs, redisInfo } from './redis-cli.js';
export { RedisServer, startRedisServer } from './redis-server.js';
export { startRedisCluster } from './redis-cluster.js';
export { startRedisSentinel } from './redis-sentinel.js';
export { makeTlsCertificates } from './tls-certificates.js';
export { REAL_PROCESS_TEST_OPTIONS } from './vitest-options.js';
export { CHROMIUM_ARGS, CHROMIUM_PATH, assertChromium, chromiumLaunchOptions } from './chromium.js';

/** @typedef {import('./wait-for.js').WaitOptions} WaitOptions */
/** @typedef {import('./child-process.js').ProcessOptions} ProcessOptions */
/** @typedef {import('./child-process.js').ExitStatus} ExitStatus */
/** @typedef {import('./redis-server.js').RedisServerOptions} RedisServerOptions */
/** @typedef {import('./redis-cluster.js').RedisCluster} RedisCluster */
/** @typedef {import('./redis-cluster.js').RedisClusterOptions} RedisClusterOptions */
/** @typedef {import('./redis-server.js').RedisUser} RedisUser */
/** @typedef {import('./redis-cli.js').RedisAccess} RedisAccess */
/** @typedef {import('./redis-sentinel.js').RedisSentinelGroup} RedisSentinelGroup */
/** @typedef {import('./redis-sentinel.js').RedisSentinelOptions} RedisSentinelOptions */
/** @typedef {import('./tls-certificates.js').TlsCertificates} TlsCertificates */
/** @typedef {import('./tls-certificates.js').TlsCertificateOptions} TlsCertificateOptions */
