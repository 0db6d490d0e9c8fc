export {
  JoinRefusals,
  type JoinOptions,
  type JoinRefusal,
  type JoinResult,
  type PostCount,
  type PostStats,
  type PresenceStore,
  type SweptPost,
} from './types.js';
export {
  DEFAULT_SERIES_BUCKET_MS,
  isSeriesLength,
  SERIES_BUCKETS,
  type PostSeries,
  type SeriesPoint,
} from './series.js';
export { MemoryStore, type MemoryStoreOptions } from './memory-store.js';
export { RedisStore, type RedisStoreOptions } from './redis-store.js';
export {
  DEFAULT_KEY_PREFIX,
  TOP_SHARDS,
  allTopKeys,
  postKeys,
  topKey,
  topShardOf,
  type PostKeys,
} from './keys.js';
export { listSites, siteKeyPrefix, sitesKey } from './sites.js';
export {
  CountsSubscriber,
  countsChannel,
  parseCountsMessage,
  publishCounts,
  type CountsSubscriberOptions,
} from './counts-channel.js';
export {
  clusterSeeds,
  createPubSubConnection,
  createStoreConnection,
  defaultPubSubMode,
  describeTarget,
  type PubSubMode,
  type RedisAccess,
  type RedisClient,
  type RedisSentinelTarget,
  type RedisTarget,
  type RedisTls,
} from './redis-connection.js';
export {
  readRedisConfig,
  REDIS_CONFIG_VARIABLES,
  type RedisConfig,
  type RedisConfigVariable,
} from './redis-config.js';
export {
  checkRedisReadiness,
  type RedisReadiness,
  type RedisReadinessOptions,
} from './redis-readiness.js';
export { probeRedis, type RedisProbeOptions, type RedisProbeResult } from './redis-probe.js';
export { ConfigError, isConfigError } from './config-error.js';
export {
  answerCommandLine,
  documentedVariables,
  handleCommandLine,
  helpText,
  parseArguments,
  readExecutablePackage,
  usageLine,
  type Command,
  type CommandLineAnswer,
  type DocumentedVariable,
  type ExecutablePackage,
} from './command-line.js';
export {
  addressConnectionsKey,
  MemoryAddressConnections,
  RedisAddressConnections,
  type AcquireResult,
  type AddressConnections,
  type MemoryAddressConnectionsOptions,
  type RedisAddressConnectionsOptions,
} from './address-connections.js';
