// The question bank's registry: every topic file, in the order the guide and `quiz --list` show them.
import type { Topic } from '../types.js';
import { topic as fundamentals } from './fundamentals.js';
import { topic as dataTypes } from './data-types.js';
import { topic as expiryEviction } from './expiry-eviction.js';
import { topic as persistence } from './persistence.js';
import { topic as replicationSentinel } from './replication-sentinel.js';
import { topic as cluster } from './cluster.js';
import { topic as transactionsLua } from './transactions-lua.js';
import { topic as pipeliningPerformance } from './pipelining-performance.js';
import { topic as caching } from './caching.js';
import { topic as locks } from './locks.js';
import { topic as messaging } from './messaging.js';
import { topic as security } from './security.js';
import { topic as memoryOperations } from './memory-operations.js';
import { topic as modules } from './modules.js';
import { topic as systemDesign } from './system-design.js';
import { topic as internals } from './internals.js';
import { topic as ecosystem } from './ecosystem.js';
import { topic as replicationOperations } from './replication-operations.js';
import { topic as sentinelOperations } from './sentinel-operations.js';
import { topic as clusterOperations } from './cluster-operations.js';
import { topic as clientSideCaching } from './client-side-caching.js';
import { topic as streams } from './streams.js';
import { topic as latencyMemory } from './latency-memory.js';

export const TOPICS: Topic[] = [
  fundamentals,
  internals,
  dataTypes,
  expiryEviction,
  persistence,
  replicationSentinel,
  replicationOperations,
  sentinelOperations,
  cluster,
  clusterOperations,
  transactionsLua,
  pipeliningPerformance,
  caching,
  clientSideCaching,
  locks,
  messaging,
  streams,
  security,
  memoryOperations,
  latencyMemory,
  modules,
  systemDesign,
  ecosystem,
];
